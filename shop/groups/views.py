"""Public group pages: the directory and each group's shop page."""

from __future__ import annotations

from flask import g, render_template
from flask_login import current_user

from shop.catalogue import queries as catalogue_queries
from shop.core.cache import public_page
from shop.core.pagination import page_arg
from shop.groups import queries
from shop.groups.forms import DirectoryFilterForm
from shop.groups.models import Programme
from shop.groups.suspension import GroupSuspended, suspension_contact
from shop.regions.queries import provinces


@public_page
def directory():
    form = DirectoryFilterForm.read()
    programme, province = form.program.data, form.provinsi.data or ""
    pagination = queries.public_group_page(programme=programme, province=province, page=page_arg())
    return render_template(
        "groups/directory.html",
        groups=pagination.items,
        counts=queries.product_counts([g.id for g in pagination.items]),
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
        "groups/shop.html", group=group, products=pagination.items, pagination=pagination
    )


def group_suspended(error: GroupSuspended):
    """The page every refused action of a suspended group gets: why, from
    whom, and what still works. Nothing was changed."""
    group = error.group
    return (
        render_template(
            "groups/manage/suspended.html",
            group=group,
            member=error.member,
            contact=suspension_contact(group) if error.member else None,
        ),
        403,
    )


def my_memberships():
    """Every template's `my_memberships` (the group switcher of the management
    layout): the signed-in person's memberships, loaded once per request;
    registered as a context processor by the blueprint."""
    if not current_user.is_authenticated:
        return {"my_memberships": []}
    if "my_memberships" not in g:
        g.my_memberships = queries.memberships_of(current_user)
    return {"my_memberships": g.my_memberships}
