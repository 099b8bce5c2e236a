"""Printable poster (A4) and table card (A6): the group, three products, the QR.

One template serves both the print view (a page with a print stylesheet, for
printing from the phone's browser) and the PDF (WeasyPrint, the same HTML
and stylesheet with the pictures embedded as data URIs).
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required

from shop.core.templating import absolute_url
from shop.groups.queries import get_membership_or_404
from shop.marketing import qr
from shop.marketing.queries import kit_products
from shop.marketing.views import bp, qr_title, short_url
from shop.media.pdf import image_data_uri, pdf_response
from shop.media.templating import image_url

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


def _render(slug: str, *, for_pdf: bool) -> tuple[str, object, str]:
    group = get_membership_or_404(slug).group
    size = _size()
    products = chosen_products(group, request.args.getlist("produk"))
    link = short_url(group.short_code)

    def picture(product):
        photo = product.cover_photo.image if product.cover_photo else None
        if photo is None or not photo.ready:
            return None
        return image_data_uri(photo, 640) if for_pdf else image_url(photo, 640)

    html = render_template(
        "marketing/poster.html",
        group=group,
        size=size,
        products=[(product, picture(product)) for product in products],
        link=link,
        link_text=link.split("://", 1)[-1],
        qr=qr.inline_svg(link, qr_title(group.name, group.short_code)),
        for_pdf=for_pdf,
        pdf_url=absolute_url("marketing.poster_pdf", slug=slug, ukuran=size) if not for_pdf else "",
    )
    return html, group, size


@bp.get("/kelola/<slug>/promosi/poster")
@login_required
def poster(slug: str):
    html, _group, _size_ = _render(slug, for_pdf=False)
    return html


@bp.get("/kelola/<slug>/promosi/poster.pdf")
@login_required
def poster_pdf(slug: str):
    html, group, size = _render(slug, for_pdf=True)
    name = f"{'poster' if size == 'a4' else 'kartu-meja'}-{group.slug}.pdf"
    return pdf_response(html, (STYLESHEET,), name)
