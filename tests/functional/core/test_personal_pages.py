"""Public pages for visitors with a cart, a login or a message: the cached
page with their own parts put in (shop.core.personal), never anyone else's."""

import pickle
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from shop.accounts.models import LoginSession
from shop.catalogue.services import refresh_derived
from shop.db import utcnow
from shop.extensions import cache, db
from shop.site import visitor
from tests.factories import (
    CoordinatorFactory,
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)

PAGES = ("/", "/katalog", "/kelompok")


@pytest.fixture
def shop_with_products():
    group = GroupFactory(slug="kelompok-sejahtera")
    products = []
    for name in ("Abon Lele Pedas", "Kerupuk Lele Original", "Keripik Pisang Manis"):
        product = ProductFactory(group=group, name=name)
        VariantFactory(product=product, stock=None)
        refresh_derived(product)
        products.append(product)
    db.session.flush()
    return group, products


def _add_to_cart(client, variant):
    response = client.post(
        "/keranjang/tambah",
        data={"variant": variant.id, "quantity": 1},
        headers={"Origin": "http://localhost"},
        csrf=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _visitor(app, name, password="rahasia-123", cart=()):
    """A browser logged in as a new person called `name` (None: a guest)
    with `cart` in its cart; its message queue read."""
    client = app.test_client()
    if name is not None:
        user = UserFactory(name=name)
        response = client.post("/masuk", data={"login": user.phone, "password": password})
        assert response.status_code == 302
    for variant in cart:
        _add_to_cart(client, variant)
    client.get("/keranjang")  # shows and clears the "is in your cart" messages
    return client


def _cart_count(body: str) -> str | None:
    found = re.search(r'<span class="nav-count">(\d+)</span>', body)
    return found.group(1) if found else None


def _stored_bytes(app) -> bytes:
    backend = app.extensions["cache"][cache]
    return b"".join(pickle.dumps(entry) for entry in backend._cache.values())


def test_two_visitors_never_see_each_others_parts(app, shop_with_products, count_queries):
    _, products = shop_with_products
    variants = [p.variants[0] for p in products]
    siti = _visitor(app, "Siti Aminah", cart=variants[:2])
    budi = _visitor(app, "Budi <b>Santoso</b>", cart=variants[2:])
    guest = _visitor(app, None, cart=variants)
    anonymous = app.test_client()
    for path in PAGES:
        for _ in range(2):  # the first visit renders and stores, the second is a hit
            for_siti = siti.get(path).get_data(as_text=True)
            for_budi = budi.get(path).get_data(as_text=True)
            for_guest = guest.get(path).get_data(as_text=True)
            for_anyone = anonymous.get(path).get_data(as_text=True)
            assert "Siti Aminah" in for_siti and "Budi" not in for_siti
            assert "Budi &lt;b&gt;Santoso&lt;/b&gt;" in for_budi and "Siti" not in for_budi
            assert "<b>Santoso" not in for_budi
            assert (_cart_count(for_siti), _cart_count(for_budi)) == ("2", "1")
            assert _cart_count(for_guest) == "3" and "Siti" not in for_guest
            assert "Budi" not in for_guest and 'href="/masuk"' in for_guest
            assert _cart_count(for_anyone) is None and "Siti" not in for_anyone
            assert "Budi" not in for_anyone and 'href="/masuk"' in for_anyone
    stored = _stored_bytes(app)
    assert b"Siti" not in stored and b"Budi" not in stored
    assert b'class="nav-count"' not in stored and b"account-bar" not in stored


def test_a_cached_page_is_filled_without_rendering_it(app, shop_with_products, count_queries):
    _, products = shop_with_products
    siti = _visitor(app, "Siti Aminah", cart=[products[0].variants[0]])
    guest = _visitor(app, None, cart=[products[1].variants[0]])
    app.test_client().get("/katalog")  # an anonymous visitor stores the page
    with count_queries() as for_guest:
        body = guest.get("/katalog")
    with count_queries() as for_siti:
        siti_body = siti.get("/katalog").get_data(as_text=True)
    assert for_guest.count == 0  # everything it needs is in its cookie
    assert for_siti.count == 1  # the login, one SELECT
    assert _cart_count(body.get_data(as_text=True)) == "1"
    assert "Siti Aminah" in siti_body
    assert body.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in body.headers


def test_the_filled_log_out_form_logs_out(app, shop_with_products):
    siti = _visitor(app, "Siti Aminah")
    app.test_client().get("/katalog")
    body = siti.get("/katalog").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    response = siti.post("/keluar", data={"csrf_token": token}, csrf=False)
    assert response.status_code == 302
    after = siti.get("/katalog").get_data(as_text=True)
    assert "Siti Aminah" not in after and 'href="/masuk"' in after


def test_a_message_shows_once_on_a_cached_page(app, shop_with_products, count_queries):
    _, products = shop_with_products
    app.test_client().get(f"/k/{products[0].group.slug}/{products[0].slug}")
    buyer = app.test_client()
    _add_to_cart(buyer, products[0].variants[0])
    page = f"/k/{products[0].group.slug}/{products[0].slug}"
    with count_queries() as q:  # Flask takes the message out, the page is not rendered
        first = buyer.get(page).get_data(as_text=True)
    assert q.count == 0
    assert 'role="status">Abon Lele Pedas (100 g) sudah masuk keranjang.</p>' in first
    assert _cart_count(first) == "1"
    second = buyer.get(page).get_data(as_text=True)
    assert "sudah masuk keranjang" not in second and _cart_count(second) == "1"


def test_a_coordinator_gets_the_coordinator_link_in_english(app, shop_with_products):
    coordinator = CoordinatorFactory(user=UserFactory(name="Dewi Koordinator"))
    browser = app.test_client()
    browser.post("/masuk", data={"login": coordinator.user.phone, "password": "rahasia-123"})
    browser.set_cookie("lang", "en")
    app.test_client().get("/katalog?hl=en")
    for _ in range(2):
        body = browser.get("/katalog").get_data(as_text=True)
        assert "Logged in as Dewi Koordinator" in body and ">Coordinator</a>" in body
        assert ">My orders</a>" in body and 'lang="en"' in body


def test_an_ended_login_shows_a_logged_out_page(app, shop_with_products, clock):
    """Ended on another device: public pages follow within LOOKUP_SECONDS
    (the login lookup a process keeps), private pages at once."""
    siti = _visitor(app, "Siti Aminah")
    app.test_client().get("/katalog")
    assert "Siti Aminah" in siti.get("/katalog").get_data(as_text=True)
    db.session.execute(update(LoginSession).values(ended_at=utcnow()))
    db.session.flush()
    assert siti.get("/akun").status_code == 302  # to the log-in page
    clock.shift(timedelta(seconds=visitor.LOOKUP_SECONDS + 1))
    body = siti.get("/katalog").get_data(as_text=True)
    assert "Siti Aminah" not in body and 'href="/masuk"' in body


def test_a_change_shows_at_once_for_every_visitor(app, client, login_as, shop_with_products):
    group, products = shop_with_products
    membership = MembershipFactory(group=group)
    siti = _visitor(app, "Siti Aminah", cart=[products[1].variants[0]])
    anonymous = app.test_client()
    for browser in (siti, anonymous, siti, anonymous):
        assert "Abon Lele Pedas" in browser.get("/katalog").get_data(as_text=True)
    login_as(membership.user)
    client.post(f"/kelola/{group.slug}/produk/{products[0].id}/status", data={"status": "archived"})
    for browser in (siti, anonymous):
        assert "Abon Lele Pedas" not in browser.get("/katalog").get_data(as_text=True)


def test_private_pages_are_still_rendered_for_their_visitor(app, shop_with_products):
    _, products = shop_with_products
    guest = _visitor(app, None, cart=[products[2].variants[0]])
    body = guest.get("/keranjang").get_data(as_text=True)
    assert "Keripik Pisang Manis" in body and _cart_count(body) == "1"


def test_an_expired_session_cookie_gets_the_page_without_its_cart(app, shop_with_products, clock):
    """The page cache keeps the session cookies it has checked; one past the
    session lifetime is still refused, as Flask refuses it."""
    _, products = shop_with_products
    guest = _visitor(app, None, cart=[products[0].variants[0]])
    app.test_client().get("/katalog")
    assert _cart_count(guest.get("/katalog").get_data(as_text=True)) == "1"
    clock.shift(app.permanent_session_lifetime + timedelta(minutes=1))
    body = guest.get("/katalog").get_data(as_text=True)
    assert _cart_count(body) is None and "Abon Lele Pedas" in body


def test_a_page_kept_by_the_process_lasts_no_longer_than_the_shared_one(
    app, shop_with_products, clock
):
    """A change no write announced (the page cache's generation is the same)
    shows once the stored page's lifetime is over, for a visitor with a cart
    too: the process keeps the stored parts only until they expire."""
    _, products = shop_with_products
    guest = _visitor(app, None, cart=[products[1].variants[0]])
    app.test_client().get("/katalog")
    assert "Abon Lele Pedas" in guest.get("/katalog").get_data(as_text=True)
    db.session.execute(
        update(type(products[0]))
        .where(type(products[0]).id == products[0].id)
        .values(name="Abon Ikan Tongkol")
    )
    db.session.commit()
    assert "Abon Lele Pedas" in guest.get("/katalog").get_data(as_text=True)  # still kept
    clock.shift(timedelta(seconds=app.config["PAGE_CACHE_SECONDS"] + 1))
    body = guest.get("/katalog").get_data(as_text=True)
    assert "Abon Ikan Tongkol" in body and _cart_count(body) == "1"
