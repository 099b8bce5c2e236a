"""The upload fields: a photo for every form that takes a picture, several
photos chosen at once (a product's), and a photo or a PDF for a receipt or a
document (transfer proofs, refunds, a group's verification documents)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import Field, Form
from wtforms.validators import ValidationError

from shop.core.text import clean_line
from shop.errors import refuse_with
from shop.media.images import UNSUPPORTED_STATUS, refused_file

PHOTO_EXTENSIONS = frozenset({"jpg", "jpeg", "jfif", "png", "webp", "heic", "heif"})
# Lets a phone open its gallery (and offer HEIC on iPhones) instead of any file.
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"

NOT_A_PHOTO_NAME = _l("Choose a photo: JPEG, PNG, WebP or HEIC.")

PHOTO_OR_PDF_EXTENSIONS = PHOTO_EXTENSIONS | {"pdf"}
# The phone offers its gallery and its files (where a bank app saves a PDF receipt).
PHOTO_OR_PDF_ACCEPT = f"{ACCEPT},application/pdf,.pdf"

NOT_A_PHOTO_OR_PDF_NAME = _l("Choose a photo (JPEG, PNG, WebP or HEIC) or a PDF.")


class PhotoExtension:
    """Refuse a file whose name ends in something other than a photo extension.

    Only a courtesy: it answers "that is a PDF" at once, with the other form
    errors. A name proves nothing, so store_image's Pillow pipeline is the real
    check, and a name with no extension at all (some Android galleries send
    those) is let through to it. The page shown again answers 415.
    """

    def __init__(self, message=None):
        self.message = message or NOT_A_PHOTO_NAME

    def __call__(self, form: Form, field: Field) -> None:
        upload = field.data
        if not isinstance(upload, FileStorage) or not upload.filename:
            return
        name = upload.filename.rsplit("/", 1)[-1]
        if "." in name and name.rsplit(".", 1)[-1].lower() not in PHOTO_EXTENSIONS:
            refuse_with(UNSUPPORTED_STATUS)
            raise ValidationError(self.message)


class PhotoField(FileField):
    """A file input for one photo: `accept` for the picker, the extension
    courtesy check, and no size check (store_image reads at most the limit)."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"accept": ACCEPT, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(
            label, [*(validators or []), PhotoExtension()], render_kw=render_kw, **kwargs
        )

    def process_data(self, value):
        """Only an upload is ever the field's data: a form built with
        `obj=` (whose attribute is the stored Image) starts empty."""
        self.data = None


def upload_name(upload: FileStorage) -> str:
    """The file's name as the person's phone sent it, without a folder, one
    line and short enough to show back in a message."""
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return clean_line(name, 80)


class PhotosField(MultipleFileField):
    """A file input taking several photos at once (`multiple`), in the order
    the phone sends them. Its data is a list of uploads, empty when none was
    chosen; each gets the extension courtesy check of PhotoField, and one
    that fails it is named in the error. How many a form may take, and the
    real check of each, belong to the service storing them."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"accept": ACCEPT, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_data(self, value):
        self.data = []

    def process_formdata(self, valuelist):
        self.data = [u for u in valuelist if isinstance(u, FileStorage) and u.filename]

    def pre_validate(self, form):
        for upload in self.data or []:
            name = upload_name(upload)
            if "." in name and name.rsplit(".", 1)[-1].lower() not in PHOTO_EXTENSIONS:
                refuse_with(UNSUPPORTED_STATUS)
                self.errors.append(refused_file(name, NOT_A_PHOTO_NAME))


class PhotoOrPdfExtension:
    """Refuse a file whose name ends in neither a photo nor a PDF extension.

    Only a courtesy, as for photos: the service storing the file decides by
    the content, and a name with no extension at all is let through to it.
    """

    def __init__(self, message=None):
        self.message = message or NOT_A_PHOTO_OR_PDF_NAME

    def __call__(self, form: Form, field: Field) -> None:
        upload = field.data
        if not isinstance(upload, FileStorage) or not upload.filename:
            return
        name = upload.filename.rsplit("/", 1)[-1]
        if "." in name and name.rsplit(".", 1)[-1].lower() not in PHOTO_OR_PDF_EXTENSIONS:
            raise ValidationError(self.message)


class PhotoOrPdfField(FileField):
    """A file input for a photo or a PDF (a receipt, a document). No size check
    here: the service storing it reads at most the limit."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"accept": PHOTO_OR_PDF_ACCEPT, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(
            label, [*(validators or []), PhotoOrPdfExtension()], render_kw=render_kw, **kwargs
        )
