"""PhotoField: a picker hint and an extension courtesy check, not a security check."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import Form

from shop.media.forms import ACCEPT, PhotoField


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
