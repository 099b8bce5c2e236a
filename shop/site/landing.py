"""Where a person lands after logging in, when no safe `next` says where:
the home of what they do here (connected to shop.accounts.hooks.HOME).

A coordinator (the operator too) lands on the coordinators' overview; a
member of one group on that group's page; a member of several on the page
to choose one; a buyer with orders on their orders; anyone else on the
page that starts a group (the account was made to sell).
"""

from __future__ import annotations

from flask import url_for

from shop.coordinators.scope import coordinator_of
from shop.groups import queries as group_queries
from shop.orders import queries as order_queries


def home_of(user) -> str:
    if coordinator_of(user) is not None:
        return url_for("monitoring.overview")
    slugs = group_queries.group_slugs_of(user, limit=2)
    if len(slugs) == 1:
        return url_for("groups.manage_home", slug=slugs[0])
    if not slugs and order_queries.has_orders(user):
        return url_for("orders.history")
    return url_for("groups.dashboard")
