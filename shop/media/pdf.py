"""PDFs from HTML with WeasyPrint, fetching nothing from the network.

Printed pages carry user text (group and product names, stories), so the
renderer may not fetch anything it is pointed at: images come in as data URIs
read from the media storage, and the URL fetcher refuses every address
except data URIs and files under the static folder (stylesheets, fonts). Not
the media folder: it holds private files (transfer proofs, decrees), and with
a bucket it is not where photos live anyway.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from PIL import ImageFile

from shop.media.models import Image
from shop.media.storage import get_storage

# Importing WeasyPrint switches Pillow to accepting truncated images for the
# whole process, which would let damaged uploads through the photo pipeline
# (shop.media.images): put the setting back. Our PDFs only embed images that
# pipeline has already verified.
_load_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

ImageFile.LOAD_TRUNCATED_IMAGES = _load_truncated
# WeasyPrint logs every layout step at INFO; the app log wants only problems.
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class LocalOnlyFetcher(URLFetcher):
    """Data URIs and files under the allowed folders; nothing else (no
    http(s), ftp or other files: a group's text must not make the server
    fetch anything)."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"refused to read {url}")
        elif not url.startswith("data:"):
            raise ValueError(f"refused to fetch {url}")
        return super().fetch(url, headers)


def image_data_uri(image: Image | None, largest: int = 320) -> str | None:
    """The image's widest stored variant up to `largest` px (else its narrowest)
    as a data URI, or None when it is missing from the storage.

    Only a missing file is drawn without: a storage that cannot be reached
    (StorageUnavailable) fails the PDF, so its export is marked failed and
    can be asked for again, rather than made ready without its photos.
    """
    if image is None or not image.width_list:
        return None
    widths = [w for w in image.width_list if w <= largest] or image.width_list[:1]
    try:
        data = get_storage().read(image.path_for(max(widths)))
    except FileNotFoundError:
        return None
    return "data:image/webp;base64," + base64.b64encode(data).decode("ascii")


def pdf_fetcher() -> LocalOnlyFetcher:
    """The fetcher every PDF is drawn with: data URIs and the static folder."""
    return LocalOnlyFetcher([Path(current_app.static_folder)])


def write_pdf(html: str, stylesheets: tuple[str, ...] = ()) -> bytes:
    """The PDF of `html`; `stylesheets` are paths under the static folder."""
    static = Path(current_app.static_folder)
    fetcher = pdf_fetcher()
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=str(static / name), url_fetcher=fetcher) for name in stylesheets]
    )
