"""The transfer proof form: one file, a photo or a PDF of the receipt."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms import Field, Form, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from shop.i18n.forms import BaseForm
from shop.media.forms import ACCEPT as PHOTO_ACCEPT
from shop.media.forms import PHOTO_EXTENSIONS

PROOF_EXTENSIONS = PHOTO_EXTENSIONS | {"pdf"}
# The phone offers its gallery and its files (where a bank app saves a PDF receipt).
ACCEPT = f"{PHOTO_ACCEPT},application/pdf,.pdf"

NOT_A_PROOF_NAME = _l("Choose a photo (JPEG, PNG, WebP or HEIC) or a PDF.")
NO_FILE = _l("Choose the photo or PDF of your transfer receipt.")


class ProofExtension:
    """Refuse a file whose name ends in neither a photo nor a PDF extension.

    Only a courtesy, as for photos: record_proof decides by the content, and
    a name with no extension at all is let through to it.
    """

    def __init__(self, message=None):
        self.message = message or NOT_A_PROOF_NAME

    def __call__(self, form: Form, field: Field) -> None:
        upload = field.data
        if not isinstance(upload, FileStorage) or not upload.filename:
            return
        name = upload.filename.rsplit("/", 1)[-1]
        if "." in name and name.rsplit(".", 1)[-1].lower() not in PROOF_EXTENSIONS:
            raise ValidationError(self.message)


class ProofField(FileField):
    """A file input for a transfer receipt: photo or PDF. No size check here:
    record_proof reads at most the limit."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"accept": ACCEPT, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(
            label, [*(validators or []), ProofExtension()], render_kw=render_kw, **kwargs
        )


class ProofForm(BaseForm):
    proof = ProofField(
        _l("Transfer receipt"),
        validators=[FileRequired(NO_FILE)],
        description=_l("A photo or screenshot of the receipt, or the PDF from your bank app."),
    )


class RefundForm(BaseForm):
    """The group records the money it sent back: a proof (needed for a
    transfer, optional for cash; the service decides) and a note."""

    proof = ProofField(
        _l("Proof of the refund"),
        description=_l(
            "A photo or screenshot of your transfer back to the buyer, "
            "or the PDF from your bank app."
        ),
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("For example the bank and account the money went to."),
    )
