"""Every response that may show someone's account, cart or order is
`private, no-store`; public pages for anonymous visitors stay cacheable."""

from __future__ import annotations

import pytest

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
    transfer_order,
)

ORIGIN = {"Origin": "http://localhost"}


def private(response) -> bool:
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives or "no-store" in directives


@pytest.fixture
def shop():
    product = ProductFactory(name="Abon Lele Pedas")
    variant = VariantFactory(product=product)
    refresh_derived(product)
    order = transfer_order()
    db.session.commit()
    return product, variant, order


def test_a_members_pages_are_not_stored(app, client, login_as, shop):
    product, _, order = shop
    membership = MembershipFactory(group=order.group, user=UserFactory())
    CoordinatorFactory(user=membership.user, is_operator=True, organisation="LKKNU")
    db.session.commit()
    login_as(membership.user)
    slug = order.group.slug
    pages = [
        "/",
        "/katalog",
        f"/k/{product.group.slug}/{product.slug}",
        "/akun",
        "/akun/sandi",
        "/akun/pesanan",
        "/kelola",
        f"/kelola/{slug}",
        f"/kelola/{slug}/pesanan",
        f"/kelola/{slug}/pesanan/{order.number}",
        "/koordinator/",
        "/keranjang",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code in (200, 302), page
        assert private(response), page


def test_a_guests_order_pages_are_not_stored(app, shop):
    _, variant, order = shop
    guest = app.test_client()  # opened from a WhatsApp link: no cookie at all
    pages = [
        f"/lacak/{order.number}/{order.tracking_token}",
        f"/pesanan/{order.checkout.key}",
    ]
    for page in pages:
        response = guest.get(page)
        assert response.status_code == 200, page
        assert private(response), page

    found = guest.post("/lacak", data={"number": order.number, "phone": "0813-1111-2222"})
    assert found.status_code == 303 and private(found)
    missed = guest.post("/lacak", data={"number": order.number, "phone": "0813-0000-0000"})
    assert missed.status_code == 200 and private(missed)

    buyer = app.test_client()
    buyer.post(
        "/keranjang/tambah", data={"variant": str(variant.id), "quantity": "1"}, headers=ORIGIN
    )
    for page in ("/keranjang", "/checkout", "/"):
        response = buyer.get(page)
        assert private(response), page  # the cart shows in the header


def test_public_pages_for_anonymous_visitors_stay_cacheable(app, shop, count_queries):
    product, _, _ = shop
    visitor = app.test_client()
    for page in ("/", "/katalog", f"/k/{product.group.slug}/{product.slug}"):
        first = visitor.get(page)
        assert first.status_code == 200, page
        assert "no-store" not in first.headers.get("Cache-Control", ""), page
        with count_queries() as queries:
            again = visitor.get(page)
        assert queries.count == 0, page  # served by the page cache
        assert again.get_data() == first.get_data()


def test_files_the_same_for_everyone_keep_their_long_lifetime(app, client, login_as):
    login_as(UserFactory())
    response = client.get("/static/css/app.css")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers["Cache-Control"]


def test_a_remember_cookie_alone_makes_public_pages_private(app, client):
    user = UserFactory()
    db.session.commit()
    client.post("/masuk", data={"login": user.phone, "password": PASSWORD, "remember": "y"})
    remembered = app.test_client()
    remembered.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert private(remembered.get("/katalog"))
