"""The groups blueprint's app-wide helpers: the page a suspended group's
refused action gets, and the management layout's group switcher. (The public
directory and shop pages list products, so they live in
shop.catalogue.storefronts.)"""

from __future__ import annotations

from flask import g, render_template
from flask_login import current_user

from shop.groups import queries
from shop.groups.suspension import GroupSuspended, suspension_contact


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
