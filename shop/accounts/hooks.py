"""Where the domains above accounts plug into logging in, so that accounts
imports none of them.

HOME: where a person lands after logging in (or after a password reset) when
no safe `next` says otherwise: one function of the person giving a URL.
Registered by site (shop/site/landing.py), which knows coordinators, groups
and orders. Filled with `connect` (shop.core.hooks).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from shop.accounts.models import User

HOME: list[Callable[[User], str]] = []


def home_of(user: User) -> str:
    if HOME:
        return HOME[0](user)
    return url_for("groups.dashboard")
