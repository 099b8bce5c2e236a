"""Serving variants over HTTP, and the template helpers and macro that point at them."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from flask import render_template_string
from PIL import Image as PILImage

from shop.media import templating
from tests.uploads import store_ready

MACRO = '{% from "_macros/images.html" import picture %}'


def photo(size=(640, 480)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, (200, 120, 40)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


@pytest.fixture
def image(media):
    return store_ready(photo())


@pytest.fixture
def helpers(app):
    """The globals the app factory is to register through templating.register."""
    if "image_url" not in app.jinja_env.globals:
        templating.register(app)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def test_a_variant_is_served_as_webp_cacheable_for_a_year(client, image, media):
    with client.get(f"/media/{image.path_for(640)}") as response:
        body = response.data

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= cache_control
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"]
    assert "Set-Cookie" not in response.headers
    assert body == media.read(image.path_for(640))


def test_a_revalidation_gets_304(client, image):
    url = f"/media/{image.path_for(320)}"
    with client.get(url) as first:
        etag = first.headers["ETag"]

    with client.get(url, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert again.data == b""


@pytest.mark.parametrize(
    "path",
    [
        "{p}/{k}-9999.webp",  # well-formed, but no such file
        "{p}/{k}-640.png",
        "{p}/{k}-0640.webp",
        "{p}/{k}.webp",
        "ff/{k}-640.webp",  # folder is not the key's prefix
        "{P}/{K}-640.webp",
        "{p}/{k}-640.webp/",
        "{p}/../{p}/{k}-640.webp",
        "..%2f..%2fetc%2fpasswd",
        "%2e%2e/%2e%2e/instance/secret_key",
        "{p}/ab.webp",
        "",
    ],
)
def test_anything_but_an_existing_variant_path_is_404(client, image, path):
    key = image.key
    path = path.format(p=key[:2], k=key, P=key[:2].upper(), K=key.upper())

    assert client.get(f"/media/{path}").status_code == 404


def test_helpers_give_urls_and_a_srcset_of_every_variant(app_ctx, helpers, image):
    base = f"/media/{image.key[:2]}/{image.key}"

    assert templating.image_url(image, 300) == f"{base}-320.webp"
    assert templating.image_srcset(image) == f"{base}-320.webp 320w, {base}-640.webp 640w"


def test_picture_renders_one_valid_img_that_reserves_its_box(app_ctx, helpers, image):
    html = render_template_string(
        MACRO + '{{ picture(image, "Abon lele \\"pedas\\" 100 g", class_="card-img") }}',
        image=image,
    )

    [(tag, attrs)] = tags(html)
    base = f"/media/{image.key[:2]}/{image.key}"
    assert tag == "img"
    assert attrs == {
        "src": f"{base}-640.webp",
        "srcset": f"{base}-320.webp 320w, {base}-640.webp 640w",
        "sizes": "(max-width: 600px) 100vw, 600px",
        "width": "640",
        "height": "480",
        "alt": 'Abon lele "pedas" 100 g',
        "loading": "lazy",
        "decoding": "async",
        "class": "card-img",
    }
    assert "&#34;pedas&#34;" in html


def test_picture_follows_the_width_hint_and_renders_nothing_without_an_image(
    app_ctx, helpers, media
):
    small = store_ready(photo((200, 150)))

    html = render_template_string(
        MACRO + '{{ picture(small, "", width_hint=320, loading="eager") }}{{ picture(None, "x") }}',
        small=small,
    )

    [(_tag, attrs)] = tags(html)
    assert attrs["src"].endswith("-200.webp")
    assert (attrs["width"], attrs["height"], attrs["alt"]) == ("200", "150", "")
    assert attrs["loading"] == "eager" and "class" not in attrs
