"""Which stored variant a template gets, and the size it reserves for it."""

from __future__ import annotations

from shop.media.models import Image
from shop.media.templating import image_size, variant_width


def test_the_narrowest_variant_at_least_as_wide_as_asked_else_the_widest():
    image = Image(key="ab" * 32, width=1280, height=960, widths="320,640,1280")

    assert variant_width(image, 300) == 320
    assert variant_width(image, 640) == 640
    assert variant_width(image, 700) == 1280
    assert variant_width(image, 2000) == 1280


def test_size_keeps_the_aspect_ratio_of_the_photo():
    portrait = Image(key="cd" * 32, width=1280, height=1575, widths="320,640,1280")
    small = Image(key="ef" * 32, width=60, height=80, widths="60")

    assert image_size(portrait, 320) == (320, 394)
    assert image_size(small, 640) == (60, 80)
