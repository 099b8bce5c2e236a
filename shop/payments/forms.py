"""The transfer proof form: one file, a photo or a PDF of the receipt."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileRequired
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from shop.i18n.forms import BaseForm
from shop.media.forms import PhotoOrPdfField

NO_FILE = _l("Choose the photo or PDF of your transfer receipt.")


class ProofForm(BaseForm):
    proof = PhotoOrPdfField(
        _l("Payment receipt (transfer or QRIS)"),
        validators=[FileRequired(NO_FILE)],
        description=_l("A photo or screenshot of the receipt, or the PDF from your bank app."),
    )


class RefundForm(BaseForm):
    """The group records the money it sent back: a proof (needed for a
    transfer, optional for cash; the service decides) and a note."""

    proof = PhotoOrPdfField(
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
