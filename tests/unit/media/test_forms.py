"""PhotoField: a picker hint and an extension courtesy check, not a security check."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import Form

from shop.media.forms import ACCEPT, PhotoField, PhotosField


class PhotoForm(Form):
    photo = PhotoField("Photo")


def form_with(filename: str) -> PhotoForm:
    upload = FileStorage(io.BytesIO(b"anything"), filename=filename)
    return PhotoForm(MultiDict({"photo": upload}))


@pytest.mark.parametrize(
    "filename", ["IMG_0001.HEIC", "abon.jpg", "a.jpeg", "x.webp", "1000012345"]
)
def test_photo_names_and_names_without_extension_pass(filename):
    assert form_with(filename).validate()


@pytest.mark.parametrize("filename", ["katalog.pdf", "logo.svg", "anim.gif"])
def test_other_extensions_get_a_friendly_error(filename):
    form = form_with(filename)

    assert not form.validate()
    with force_locale("en"):
        assert str(form.photo.errors[0]) == "Choose a photo: JPEG, PNG, WebP or HEIC."


def test_the_input_tells_the_phone_to_open_its_gallery():
    html = str(PhotoForm().photo(class_="x"))

    assert f'accept="{ACCEPT}"' in html and 'type="file"' in html and 'class="x"' in html


class PhotosForm(Form):
    photo = PhotosField("Photos")


def test_photos_chosen_together_keep_their_order_and_each_bad_one_is_named():
    names = ["IMG_1.jpg", "C:\\Users\\rini\\katalog.pdf", "", "IMG_2.HEIC", "logo.svg"]
    uploads = [FileStorage(io.BytesIO(b"x"), filename=name) for name in names]
    form = PhotosForm(MultiDict([("photo", upload) for upload in uploads]))

    assert [u.filename for u in form.photo.data] == [n for n in names if n]
    assert not form.validate()
    with force_locale("en"):
        assert [str(e) for e in form.photo.errors] == [
            "“katalog.pdf”: Choose a photo: JPEG, PNG, WebP or HEIC.",
            "“logo.svg”: Choose a photo: JPEG, PNG, WebP or HEIC.",
        ]


def test_the_photos_input_takes_several_files():
    html = str(PhotosForm().photo())

    assert 'type="file"' in html and " multiple" in html and f'accept="{ACCEPT}"' in html
    assert PhotosForm().photo.data == []
