"""Public catalogue: the filtered, searchable list and each product's page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from shop.catalogue import queries
from shop.catalogue.models import Category
from shop.core.cache import public_page
from shop.core.pagination import Pagination, page_arg
from shop.groups.models import Programme
from shop.regions.queries import provinces, regencies_of

bp = Blueprint("catalogue", __name__)


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip().replace(".", "").replace(",", "")
    if not raw.isdigit() or len(raw) > 12:
        return None
    return int(raw)


def filters_from_request() -> queries.CatalogueFilters:
    return queries.CatalogueFilters(
        q=request.args.get("q", "").strip()[:200],
        category=request.args.get("kategori", ""),
        programme=request.args.get("program", ""),
        province=request.args.get("provinsi", "")[:2],
        regency=request.args.get("kabupaten", "")[:5],
        price_min=_int_arg("harga_min"),
        price_max=_int_arg("harga_max"),
        available=request.args.get("tersedia") == "1",
        sort=request.args.get("urut", ""),
    )


@bp.get("/katalog")
@public_page
def index():
    filters = filters_from_request()
    page = page_arg()
    per_page = current_app.config["CATALOGUE_PAGE_SIZE"]
    products, total, sort = queries.catalogue_page(filters, page, per_page)
    return render_template(
        "catalogue/index.html",
        products=products,
        filters=filters,
        sort=sort,
        pagination=Pagination(page, per_page, total),
        categories=list(Category),
        programmes=list(Programme),
        provinces=provinces(),
        regencies=regencies_of(filters.province) if filters.province else (),
    )


@bp.get("/k/<group_slug>/<product_slug>")
@public_page
def product(group_slug: str, product_slug: str):
    product = queries.get_public_product_or_404(group_slug, product_slug)
    return render_template("catalogue/product.html", product=product, group=product.group)


from shop.catalogue import manage  # noqa: E402,F401  (group's product pages, same blueprint)
