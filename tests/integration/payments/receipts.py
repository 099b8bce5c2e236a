"""What the transfer proof tests share: a private, empty MEDIA_ROOT (the
`media` fixture, defined as `media_fixture`: import it), the receipts a
buyer sends (fixture PDFs and photos, a drawn JPEG) and an upload of them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage
from werkzeug.datastructures import FileStorage

from shop.media.storage import LocalStorage

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DOCUMENTS = FIXTURES / "documents"
IMAGES = FIXTURES / "images"


@pytest.fixture(name="media")
def media_fixture(app, monkeypatch, tmp_path) -> LocalStorage:
    """A private, empty MEDIA_ROOT: what a test leaves behind is all in here."""
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return LocalStorage(root)


def document(name: str) -> bytes:
    return (DOCUMENTS / name).read_bytes()


def jpeg(color=(200, 120, 40)) -> bytes:
    im = PILImage.new("RGB", (480, 640), color)
    im.paste((20, 20, 20), (0, 0, 120, 160))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename)
