"""Storing a photo in a test as a request does: verified and stored, then its
variants made by the job that runs after the commit."""

from __future__ import annotations

from shop.media.jobs import make_variants
from shop.media.models import Image
from shop.media.services import store_image


def store_ready(upload, **kwargs) -> Image:
    """store_image, then its job at once (commits the test's savepoint)."""
    image = store_image(upload, **kwargs)
    make_variants(image.id)
    return image
