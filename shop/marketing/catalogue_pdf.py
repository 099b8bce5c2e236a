"""The group's printable catalogue: every published product on A4, as PDF.

For exhibitions and for offices that order snack boxes: photo, name, each
variant with its price, packaging details, the PIRT/halal/BPOM numbers and
the product's QR code. A product never breaks across pages, and the page
numbers are in the footer.
"""

from __future__ import annotations

from flask import Response, render_template
from flask_login import login_required
from sqlalchemy.orm import selectinload

from shop.catalogue.models import Product
from shop.catalogue.queries import offered_by
from shop.core.clock import jakarta_today
from shop.groups.queries import get_membership_or_404
from shop.marketing import qr
from shop.marketing.views import bp, qr_title, short_url
from shop.media.pdf import image_data_uri, write_pdf

STYLESHEET = "css/catalogue-print.css"


def catalogue_products(group) -> list[Product]:
    """Published, not hidden, with variants and photos: three statements."""
    return offered_by(
        group,
        selectinload(Product.variants),
        selectinload(Product.photos),
        order_by=(Product.category, Product.name, Product.id),
    )


def render_catalogue(group) -> bytes:
    products = catalogue_products(group)
    entries = [
        {
            "product": product,
            "photo": image_data_uri(
                product.cover_photo.image if product.cover_photo else None, 320
            ),
            "link": short_url(product.short_code),
            "qr": qr.inline_svg(
                short_url(product.short_code), qr_title(product.name, product.short_code)
            ),
        }
        for product in products
    ]
    html = render_template(
        "marketing/catalogue.html",
        group=group,
        entries=entries,
        shop_link=short_url(group.short_code),
        today=jakarta_today(),
    )
    return write_pdf(html, (STYLESHEET,))


@bp.get("/kelola/<slug>/promosi/katalog.pdf")
@login_required
def catalogue_pdf(slug: str):
    group = get_membership_or_404(slug).group
    response = Response(render_catalogue(group), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="katalog-{group.slug}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
