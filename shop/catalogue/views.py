"""Public catalogue: the filtered, searchable list and each product's page."""

from __future__ import annotations

from flask import current_app, render_template

from shop.catalogue import hooks, queries
from shop.catalogue.forms import CatalogueFilterForm
from shop.catalogue.models import Category
from shop.catalogue.page_fragments import product_page_key
from shop.core.cache import public_page
from shop.core.pagination import page_arg
from shop.groups.models import Programme
from shop.groups.ordering import takes_orders
from shop.regions.queries import provinces, regencies_of


@public_page
def index():
    filters = CatalogueFilterForm.read().filters()
    per_page = current_app.config["CATALOGUE_PAGE_SIZE"]
    pagination, sort = queries.catalogue_page(filters, page_arg(), per_page)
    return render_template(
        "catalogue/index.html",
        products=pagination.items,
        filters=filters,
        sort=sort,
        pagination=pagination,
        categories=list(Category),
        programmes=list(Programme),
        provinces=provinces(),
        regencies=regencies_of(filters.province) if filters.province else (),
    )


@public_page
def product(group_slug: str, product_slug: str):
    product = queries.get_public_product_or_404(group_slug, product_slug)
    return render_template(
        "catalogue/product.html",
        product=product,
        group=product.group,
        page_key=product_page_key(product),
        taking_orders=takes_orders(product.group),
        **hooks.page_context(hooks.PRODUCT_PAGE, product),
    )
