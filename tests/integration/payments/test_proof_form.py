"""The form a buyer sends a transfer proof with: photos and PDFs, and what
it says when the file is missing or of another kind."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage, MultiDict

from shop.media.forms import PHOTO_OR_PDF_ACCEPT as ACCEPT
from shop.payments.forms import ProofForm


def proof_form(filename: str | None) -> ProofForm:
    data = MultiDict()
    if filename is not None:
        data["proof"] = FileStorage(io.BytesIO(b"anything"), filename=filename)
    return ProofForm(formdata=data, meta={"csrf": False})


@pytest.mark.parametrize("filename", ["bukti.pdf", "IMG_0001.HEIC", "foto.jpg", "1000012345"])
def test_the_form_takes_photos_and_pdfs(app, filename):
    with app.test_request_context(method="POST"):
        assert proof_form(filename).validate()


def test_the_form_explains_what_it_takes(app):
    with app.test_request_context(method="POST"), force_locale("en"):
        wrong, missing = proof_form("bukti.docx"), proof_form(None)
        assert not wrong.validate() and not missing.validate()
        assert str(wrong.proof.errors[0]) == "Choose a photo (JPEG, PNG, WebP or HEIC) or a PDF."
        assert str(missing.proof.errors[0]) == "Choose the photo or PDF of your transfer receipt."
        assert f'accept="{ACCEPT}"' in str(wrong.proof())
    assert "application/pdf" in ACCEPT and "image/heic" in ACCEPT
