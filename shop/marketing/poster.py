"""Printable poster (A4) and table card (A6): the group, three products, the QR.

One template serves both the print view (a page with a print stylesheet, for
printing from the phone's browser) and the PDF (WeasyPrint, the same HTML
and stylesheet with the pictures embedded as data URIs). The PDF link asks
for an export (`shop.exports`); a background job lays it out.
"""

from __future__ import annotations

from functools import partial

from flask import abort, render_template, request
from flask_login import current_user, login_required

from shop.core.templating import absolute_url
from shop.exports.services import request_export
from shop.exports.views import answer, export_params, start_writing
from shop.extensions import db
from shop.groups.models import Group
from shop.groups.queries import get_membership_or_404
from shop.marketing import qr
from shop.marketing.queries import kit_products
from shop.marketing.views import qr_title, short_url
from shop.media.pdf import image_data_uri, write_pdf
from shop.media.templating import image_url
from shop.transaction import commit_or_raise

SIZES = ("a4", "a6")
PRODUCTS_SHOWN = 3
STYLESHEET = "css/poster.css"


def _size() -> str:
    size = request.args.get("ukuran", "a4")
    if size not in SIZES:
        abort(404)
    return size


def chosen_products(group, ids: list[str]):
    """Up to three of the group's public products: the ones asked for (in the
    order asked, others' and unknown ids ignored), else the first three."""
    products = kit_products(group)
    by_id = {str(product.id): product for product in products}
    chosen = [by_id[i] for i in dict.fromkeys(ids) if i in by_id][:PRODUCTS_SHOWN]
    return chosen or products[:PRODUCTS_SHOWN]


def poster_html(group: Group, size: str, product_ids: list[str], *, for_pdf: bool) -> str:
    products = chosen_products(group, product_ids)
    link = short_url(group.short_code)

    def picture(product):
        photo = product.cover_photo.image if product.cover_photo else None
        if photo is None or not photo.ready:
            return None
        return image_data_uri(photo, 640) if for_pdf else image_url(photo, 640)

    pdf_url = "" if for_pdf else absolute_url("marketing.poster_pdf", slug=group.slug, ukuran=size)
    return render_template(
        "marketing/poster.html",
        group=group,
        size=size,
        products=[(product, picture(product)) for product in products],
        link=link,
        link_text=link.split("://", 1)[-1],
        qr=qr.inline_svg(link, qr_title(group.name, group.short_code)),
        for_pdf=for_pdf,
        pdf_url=pdf_url,
    )


def prepare_poster(params: dict, requested_by, requested_at):
    """The export job's first step: the chosen products as they are now; the
    step returned lays the PDF out without the database."""
    group = db.session.get(Group, params["group_id"])
    if group is None:
        raise LookupError("the group no longer exists")
    html = poster_html(group, params["size"], params["products"], for_pdf=True)
    return partial(write_pdf, html, (STYLESHEET,))


@login_required
def poster(slug: str):
    group = get_membership_or_404(slug).group
    return poster_html(group, _size(), request.args.getlist("produk"), for_pdf=False)


@login_required
def poster_pdf(slug: str):
    """Asked for by a member; a job lays the PDF out, served to open in the
    phone's viewer."""
    group = get_membership_or_404(slug).group
    size = _size()
    # Which ids are the group's is decided when the poster is laid out.
    products = list(dict.fromkeys(request.args.getlist("produk")))
    filename = f"{'poster' if size == 'a4' else 'kartu-meja'}-{group.slug}.pdf"
    params = export_params(group_id=group.id, size=size, products=products)
    start_writing()
    export = commit_or_raise(lambda: request_export("poster-pdf", params, filename, current_user))
    return answer(export)
