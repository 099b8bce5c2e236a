"""The groups' storefronts: the directory of groups (with how many products
each offers) and each group's shop page with its products."""

from __future__ import annotations

from flask import render_template

from shop.catalogue import hooks
from shop.catalogue import queries as catalogue_queries
from shop.catalogue.group_products import product_counts
from shop.catalogue.page_fragments import group_page_key
from shop.core.cache import public_page
from shop.core.pagination import page_arg
from shop.groups import queries
from shop.groups.forms import DirectoryFilterForm
from shop.groups.models import Programme
from shop.groups.ordering import buyer_payment_methods, takes_orders
from shop.regions.queries import provinces


@public_page
def directory():
    form = DirectoryFilterForm.read()
    programme, province = form.program.data, form.provinsi.data or ""
    pagination = queries.public_group_page(programme=programme, province=province, page=page_arg())
    return render_template(
        "catalogue/group_directory.html",
        groups=pagination.items,
        counts=product_counts([g.id for g in pagination.items]),
        pagination=pagination,
        programmes=list(Programme),
        provinces=provinces(),
        programme=programme.value if programme else "",
        province=province,
    )


@public_page
def shop_page(slug: str):
    group = queries.get_public_group_or_404(slug)
    pagination = catalogue_queries.group_products(group, page=page_arg())
    return render_template(
        "catalogue/group_shop.html",
        group=group,
        products=pagination.items,
        pagination=pagination,
        page_key=group_page_key(group),
        payments=buyer_payment_methods(group),
        taking_orders=takes_orders(group),
        **hooks.page_context(hooks.SHOP_PAGE, group),
    )
