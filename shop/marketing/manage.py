"""The marketing kit page: a group's short links and QR codes, for its members."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from shop.core import short_codes as codes
from shop.groups.queries import get_membership_or_404
from shop.marketing import qr
from shop.marketing.queries import kit_products
from shop.marketing.views import qr_title, short_url


@login_required
def kit(slug: str):
    membership = get_membership_or_404(slug)
    group = membership.group
    shop_url = short_url(group.short_code)
    return render_template(
        "marketing/kit.html",
        membership=membership,
        group=group,
        shop_url=shop_url,
        shop_qr=qr.inline_svg(shop_url, qr_title(group.name, group.short_code)),
        products=kit_products(group),
        short_url=short_url,
        spoken=codes.spoken,
    )
