"""Jinja helpers that turn an Image into URLs, a srcset and its display size."""

from __future__ import annotations

from flask import Flask, current_app, url_for

from shop.media.models import Image
from shop.media.storage import is_private_path


def variant_width(image: Image, width: int) -> int:
    """The stored width to use for `width`: the narrowest variant at least that
    wide (sharp without waste), else the widest one there is."""
    widths = image.width_list
    return next((w for w in widths if w >= width), widths[-1])


def media_url(path: str) -> str:
    """The address of a stored public file: under MEDIA_PUBLIC_URL when set (a
    CDN in front of /media/, or the bucket's public address), else the app's
    own /media/ route. A private path never gets the public address."""
    public = current_app.config["MEDIA_PUBLIC_URL"]
    if public and not is_private_path(path):
        return f"{public.rstrip('/')}/{path}"
    return url_for("media.file", path=path)


def image_url(image: Image, width: int = 640) -> str:
    return media_url(image.path_for(variant_width(image, width)))


def image_srcset(image: Image) -> str:
    """`/media/ab/ab…-320.webp 320w, /media/ab/ab…-640.webp 640w, …` for every variant."""
    return ", ".join(f"{media_url(image.path_for(w))} {w}w" for w in image.width_list)


def image_size(image: Image, width: int = 640) -> tuple[int, int]:
    """Width and height for the <img> attributes: the variant `image_url` picks,
    with the photo's aspect ratio, so the browser reserves the right box and
    the page does not jump when the picture arrives."""
    shown = variant_width(image, width)
    return shown, max(1, round(shown * image.height / image.width))


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        image_url=image_url,
        image_srcset=image_srcset,
        image_size=image_size,
    )
