"""Keys of the product and group pages' bodies, kept as fragments.

A product page's body (gallery, variants, add-to-cart form, packaging table,
the group's box) and a group page's head are rendered once per process for
each state they show (shop.core.fragments). The key is every column of every
row the body reads (the product, its variants, photos and their images,
certificates; the group, its region, logo and cover) and the host absolute
links are made with; the product page's template adds the day certificates
are judged on. Any change to a price, stock, photo, text, publication or the
group is a new key, so the body is never stale, and whatever a template
starts to show from these rows is in the key already."""

from __future__ import annotations

from collections.abc import Hashable

from flask import request

_COLUMNS: dict[type, tuple[str, ...]] = {}


def _freeze(value) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def row_state(obj) -> tuple | None:
    """Every column's value of a loaded row (None for a missing row)."""
    if obj is None:
        return None
    cls = type(obj)
    keys = _COLUMNS.get(cls)
    if keys is None:
        keys = _COLUMNS[cls] = tuple(c.key for c in cls.__mapper__.column_attrs)
    return (cls.__name__, *(_freeze(getattr(obj, k)) for k in keys))


def product_page_key(product) -> tuple:
    group = product.group
    return (
        "product-page",
        row_state(product),
        tuple(row_state(v) for v in product.variants),
        tuple((row_state(p), row_state(p.image)) for p in product.photos),
        tuple(row_state(c) for c in product.certificates),
        row_state(group),
        row_state(group.regency),
        row_state(group.province),
        request.host_url,
    )


def group_page_key(group) -> tuple:
    return (
        "group-page",
        row_state(group),
        row_state(group.regency),
        row_state(group.province),
        row_state(group.district),
        row_state(group.logo),
        row_state(group.cover),
        request.host_url,
    )
