"""The group's printable catalogue: every published product on A4, as PDF.

For exhibitions and for offices that order snack boxes: photo, name, each
variant with its price, packaging details, the PIRT/halal/BPOM numbers and
the product's QR code. A product never breaks across pages, and the page
numbers are in the footer. The link asks for an export (`shop.exports`);
a background job lays it out.
"""

from __future__ import annotations

from functools import partial

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from shop.catalogue.models import Product
from shop.catalogue.queries import offered_by
from shop.core.clock import jakarta_today
from shop.exports.services import request_export
from shop.exports.views import answer, export_params, start_writing
from shop.extensions import db
from shop.groups.models import Group
from shop.groups.queries import get_membership_or_404
from shop.marketing import qr
from shop.marketing.views import qr_title, short_url
from shop.media.pdf import image_data_uri, write_pdf
from shop.transaction import commit_or_raise

STYLESHEET = "css/catalogue-print.css"


def catalogue_products(group) -> list[Product]:
    """Published, not hidden, with variants and photos: three statements."""
    return offered_by(
        group,
        selectinload(Product.variants),
        selectinload(Product.photos),
        order_by=(Product.category, Product.name, Product.id),
    )


def catalogue_html(group) -> str:
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
    return render_template(
        "marketing/catalogue.html",
        group=group,
        entries=entries,
        shop_link=short_url(group.short_code),
        today=jakarta_today(),
    )


def prepare_catalogue(params: dict, requested_by, requested_at):
    """The export job's first step: the group's products as they are now;
    the step returned lays the PDF out without the database."""
    group = db.session.get(Group, params["group_id"])
    if group is None:
        raise LookupError("the group no longer exists")
    return partial(write_pdf, catalogue_html(group), (STYLESHEET,))


@login_required
def catalogue_pdf(slug: str):
    """Asked for by a member; a job lays the PDF out (up to hundreds of products)."""
    group = get_membership_or_404(slug).group
    filename = f"katalog-{group.slug}.pdf"
    start_writing()
    export = commit_or_raise(
        lambda: request_export(
            "catalogue-pdf", export_params(group_id=group.id), filename, current_user
        )
    )
    return answer(export)
