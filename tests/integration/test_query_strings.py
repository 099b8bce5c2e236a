"""Hostile query strings on every GET page: never a 500.

Every GET rule of the URL map is requested as a user who may open every page
(a group's ketua who is also the operator) and, for the pages anyone may see,
as an anonymous visitor, with each query-string parameter the site reads set
to odd Unicode digits, huge and negative numbers, empty values, arrays, NUL,
very long strings, impossible dates and sorts that do not exist. The answer is
the page (the filter ignored, with a message), a redirect, a 400 or a 404,
never a server error.
"""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest
from werkzeug.routing import IntegerConverter
from wtforms.fields.core import UnboundField

from shop.catalogue.forms import CatalogueFilterForm
from shop.coordinators.verification.forms import GroupFilterForm
from shop.curation.forms import CandidateSearchForm
from shop.extensions import db
from shop.groups.forms import DirectoryFilterForm
from shop.monitoring.forms import AuditFilterForm, MonitoringFilterForm
from shop.orders.forms import InboxFilterForm
from tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    OutletFactory,
    listed_product,
    transfer_order,
)

# Each value is one query-string value, or a list for a repeated parameter.
HOSTILE = {
    "superscript": "⁰⁴⁵",
    "arabic-indic": "٣",
    "squared": "²",
    "huge": "9" * 40,
    "negative": "-1",
    "huge-negative": "-" + "9" * 25,
    "empty": "",
    "blank": "   ",
    "array": ["1", "2"],
    "nul": "a\x00b",
    "long": "x" * 5000,
    "bad-date": "2026-13-45",
    "bad-sort": "zzz_no_such_sort",
    "float": "1e999",
}

ALLOWED = {200, 301, 302, 303, 400, 404}


def _fields(form) -> tuple[str, ...]:
    """The query-string parameters a GET filter form reads."""
    return tuple(name for name, value in vars(form).items() if isinstance(value, UnboundField))


# The parameters each page reads itself (its filter form, its page number,
# what a view reads with request.args): each one is also fed alone.
READ_BY = {
    "catalogue.index": ("page", *_fields(CatalogueFilterForm)),
    "catalogue.directory": ("page", *_fields(DirectoryFilterForm)),
    "catalogue.shop_page": ("page",),
    "exhibitions.index": ("page",),
    "orders.manage_inbox": ("page", *_fields(InboxFilterForm)),
    "orders.manage_export": _fields(InboxFilterForm),
    "coordinators.groups": ("page", *_fields(GroupFilterForm)),
    "coordinators.queue": ("page",),
    "coordinators.certificates": ("page",),
    "coordinators.moderation": ("page",),
    "curation.exhibitions": ("page",),
    "curation.exhibition": _fields(CandidateSearchForm),
    "monitoring.audit": ("page", *_fields(AuditFilterForm)),
    "monitoring.index": _fields(MonitoringFilterForm),
    "monitoring.export_csv": _fields(MonitoringFilterForm),
    "monitoring.export_xlsx": _fields(MonitoringFilterForm),
    "consignment.overview": ("arsip", "nota"),
    "marketing.poster": ("ukuran", "produk"),
    "marketing.poster_pdf": ("ukuran", "produk"),
    "groups.dashboard": ("semua",),
    "groups.members": ("tautan",),
    "consignment.nota": ("bahasa",),
    "payments.card_return": ("session_id",),
    "accounts.login": ("next",),
    "notify.whatsapp_webhook_verify": ("hub.mode", "hub.verify_token", "hub.challenge"),
}
# Every parameter read anywhere, fed at once to every page; `hl` is the
# language any page may be asked in.
PARAMS = sorted({"hl", *(name for names in READ_BY.values() for name in names)})

SKIPPED = {"static"}


def _rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
        key=lambda rule: rule.rule,
    )


def _endpoints():
    from shop import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [rule.endpoint for rule in _rules(app) if rule.endpoint not in SKIPPED]


@pytest.fixture
def world(app_ctx, client, login_as):
    """One group with a product, an order and an outlet; its ketua is also the
    operator, so every page of the site opens for them."""
    membership = MembershipFactory()
    group, user = membership.group, membership.user
    CoordinatorFactory(user=user, is_operator=True)
    product = listed_product(group=group)
    order = transfer_order()
    order.group = group
    outlet = OutletFactory(group=group)
    db.session.commit()
    values = {
        "slug": group.slug,
        "group_slug": group.slug,
        "product_slug": product.slug,
        "product_id": product.id,
        "number": order.number,
        "token": order.tracking_token,
        "key": order.checkout.key,
        "outlet_id": outlet.id,
        "code": "15",
        "kind": "products",
        "path": "x.jpg",
    }
    return {"user": user, "values": values}


def _url(app, endpoint: str, values: dict) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    arguments = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        options = getattr(converter, "items", None) or getattr(converter, "mapping", None)
        if options:
            arguments[name] = sorted(options)[0]
        elif name in values and (
            isinstance(values[name], int) or not isinstance(converter, IntegerConverter)
        ):
            arguments[name] = values[name]
        else:
            arguments[name] = 1
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **arguments)


def _query(pairs) -> str:
    parts = []
    for name, value in pairs:
        for one in value if isinstance(value, list) else [value]:
            parts.append(f"{quote(name, safe='')}={quote(one, safe='')}")
    return "&".join(parts)


_addresses = (f"10.{a}.{b}.{c}" for a, b, c in itertools.product(range(256), repeat=3))


def _get(client, url: str):
    # Each request from an address of its own: the rate limits are not what is tested.
    return client.get(url, environ_base={"REMOTE_ADDR": next(_addresses)})


def _queries(endpoint: str):
    """(label, query string): each value for all parameters at once, then for
    each parameter the view reads, each value alone."""
    for label, value in HOSTILE.items():
        yield f"all={label}", _query((name, value) for name in PARAMS)
    for name in READ_BY.get(endpoint, ()):
        for label, value in HOSTILE.items():
            yield f"{name}={label}", _query([(name, value)])


@pytest.mark.parametrize("endpoint", _endpoints())
def test_no_query_string_makes_a_server_error(app, client, login_as, world, endpoint):
    url = _url(app, endpoint, world["values"])
    anonymous = _get(client, url).status_code
    login_as(world["user"])
    member = _get(client, url).status_code
    failures = []
    for label, query in _queries(endpoint):
        answer = _get(client, f"{url}?{query}").status_code
        if answer not in ALLOWED and answer != member:
            failures.append((label, answer))
    if anonymous in ALLOWED:
        client.post("/keluar")
        for label, query in _queries(endpoint):
            answer = _get(client, f"{url}?{query}").status_code
            if answer not in ALLOWED and answer != anonymous:
                failures.append((f"anonymous {label}", answer))
    assert failures == [], f"{url}: {failures}"
    assert member < 500, f"{url} without a query string: {member}"


def test_superscript_price_is_ignored_with_a_message(client):
    cheap = listed_product("Dodol Nanas Murah", price=30000)
    client.get("/bahasa/en")
    body = client.get("/katalog?harga_min=⁰⁴⁵").get_data(as_text=True)
    assert cheap.name in body
    assert "Some filters could not be read and were left out: Minimum price (Rp)." in body
    # A price as people write it still filters, without a message.
    body = client.get("/katalog?harga_min=25.000").get_data(as_text=True)
    assert cheap.name in body and "could not be read" not in body
    assert cheap.name not in client.get("/katalog?harga_min=40000").get_data(as_text=True)


def test_unknown_choices_are_left_out_with_a_message(client):
    listed_product("Dodol Nanas Murah", price=30000)
    client.get("/bahasa/en")
    body = client.get("/kelompok?provinsi=99&program=zzz").get_data(as_text=True)
    assert "left out: Programme, Province." in body
    body = client.get("/katalog?kategori=zzz&urut=zzz&kabupaten=99.99").get_data(as_text=True)
    assert "Dodol Nanas Murah" in body
    assert "left out: Category, Regency/city, Sort by." in body


@pytest.mark.parametrize("page", ["-1", "٣", "²", "9" * 20, "", "x", "0"])
def test_odd_page_numbers_give_a_page(client, page):
    listed_product("Dodol Nanas Murah", price=30000)
    for query in (f"page={quote(page)}", f"page=1&page={quote(page)}"):
        answer = client.get(f"/katalog?{query}")
        assert answer.status_code == 200
    first = client.get(f"/katalog?page={quote(page)}").get_data(as_text=True)
    assert ("Dodol Nanas Murah" in first) == (page != "9" * 20)
