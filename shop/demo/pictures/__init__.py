"""Product photos, group logos and cover banners for the demo, drawn with Pillow."""

from shop.demo.pictures.brand import group_cover, group_logo, initials
from shop.demo.pictures.canvas import LOGO_SIZE
from shop.demo.pictures.photo import CATEGORY_DRAWERS, product_photo
from shop.demo.pictures.shot import Shot

__all__ = [
    "CATEGORY_DRAWERS",
    "LOGO_SIZE",
    "Shot",
    "group_cover",
    "group_logo",
    "initials",
    "product_photo",
]
