"""Data saver: with the browser's Save-Data or the visitor's switch, photos
come as placeholders naming their smallest variant (loaded on a tap) and the
page says so; everyone else, and the shared page cache, keep the photos."""

from __future__ import annotations

import gzip
import re

import pytest

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.media.data_saver import placeholders
from tests.factories import GroupFactory, ProductFactory, ProductPhotoFactory, VariantFactory

PRODUCT = "/k/kelompok-hemat/abon-hemat"
IMG = re.compile(r"<img\b[^>]*>")


@pytest.fixture
def product():
    group = GroupFactory(slug="kelompok-hemat")
    product = ProductFactory(group=group, name="Abon Hemat", slug="abon-hemat")
    VariantFactory(product=product, stock=None)
    photo = ProductPhotoFactory(product=product)
    refresh_derived(product)
    db.session.flush()
    return product, photo.image


def _photos(page: str, image) -> list[str]:
    return [tag for tag in IMG.findall(page) if image.key in tag]


def test_save_data_gets_the_smallest_photo_on_tap_and_the_notice(client, product):
    _, image = product
    page = client.get(PRODUCT, headers={"Save-Data": "on"}).get_data(as_text=True)
    photos = _photos(page, image)
    assert photos
    for tag in photos:
        assert "srcset" not in tag
        assert re.search(r'data-saver-src="[^"]*-320\.webp"', tag), tag
        assert 'src="/static/img/photo-saver.svg' in tag
        assert 'alt="' in tag and 'width="' in tag and 'height="' in tag
    assert '<p class="saver-notice">Hemat data aktif: ketuk foto untuk memuatnya.' in page
    assert client.get("/static/img/photo-saver.svg").mimetype == "image/svg+xml"


def test_everyone_else_gets_the_photos_whatever_was_cached_before(client, product, app):
    _, image = product
    for save_data in (False, True, False, True):
        headers = {"Save-Data": "on"} if save_data else {}
        response = client.get(PRODUCT, headers=headers)
        assert "Save-Data" in response.headers["Vary"]
        page = response.get_data(as_text=True)
        photos = _photos(page, image)
        assert photos
        assert all(("srcset" in tag) != save_data for tag in photos), save_data
        assert ('<p class="saver-notice" hidden>' in page) != save_data


def test_a_compressed_page_is_rewritten_too(client, product):
    _, image = product
    response = client.get(PRODUCT, headers={"Save-Data": "on", "Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(response.data)
    page = gzip.decompress(response.data).decode()
    assert _photos(page, image) and all("srcset" not in tag for tag in _photos(page, image))


def test_the_switch_turns_it_on_and_off_whatever_the_browser_says(client, product):
    _, image = product
    response = client.get(f"/hemat-data/nyala?next={PRODUCT}")
    assert response.status_code == 302 and response.location.endswith(PRODUCT)
    page = client.get(PRODUCT).get_data(as_text=True)
    assert all("srcset" not in tag for tag in _photos(page, image))

    client.get(f"/hemat-data/mati?next={PRODUCT}")
    page = client.get(PRODUCT, headers={"Save-Data": "on"}).get_data(as_text=True)
    assert all("srcset" in tag for tag in _photos(page, image))
    # Never a redirect off the site.
    assert client.get("/hemat-data/nyala?next=https://evil.example/").location in (
        "/",
        "http://localhost/",
    )


def test_files_and_other_answers_pass_untouched(client):
    svg = client.get("/static/img/favicon.svg").data
    assert client.get("/static/img/favicon.svg", headers={"Save-Data": "on"}).data == svg
    response = client.get("/hemat-data/nyala", headers={"Save-Data": "on"})
    assert response.status_code == 302


def test_placeholders_keep_the_shape_and_words_of_each_photo():
    html = (
        '<a href="/p"><img src="/m/a-640.webp" srcset="/m/a-320.webp 320w, /m/a-640.webp 640w, '
        '/m/a-160.webp 160w" sizes="50vw" width="640" height="480" '
        'alt="Abon &quot;super&quot; &lt;b&gt;" loading="eager" class="card-photo"></a>'
        '<img src="/static/img/logo.svg" alt="logo" width="10" height="10">'
    )
    out = placeholders(html, "/static/img/photo-saver.svg?v=1")
    assert out == (
        '<a href="/p"><img src="/static/img/photo-saver.svg?v=1" data-saver-src="/m/a-160.webp"'
        ' width="640" height="480" alt="Abon &quot;super&quot; &lt;b&gt;" class="card-photo"'
        ' loading="lazy" decoding="async"></a>'
        '<img src="/static/img/logo.svg" alt="logo" width="10" height="10">'
    )
