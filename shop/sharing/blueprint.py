"""The URL map of the sharing blueprint (under /bagikan): every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.sharing import images, views

bp = Blueprint("sharing", __name__, url_prefix="/bagikan")

# views.py: share images
bp.add_url_rule("/k/<group_slug>/<key>.jpg", "group_image", views.group_image, methods=["GET"])
bp.add_url_rule(
    "/k/<group_slug>/<product_slug>/<key>.jpg",
    "product_image",
    views.product_image,
    methods=["GET"],
)
bp.add_url_rule("/situs/<page>/<lang>/<key>.jpg", "site_image", views.site_image, methods=["GET"])

# Hooks and template helpers of the blueprint
bp.add_app_template_global(views.share_image_url, "share_image_url")
bp.add_app_template_global(views.share_image_size, "share_image_size")

# Stale share images go with the media sweep; a ready photo's share images are drawn.
bp.record_once(images.join_media)
