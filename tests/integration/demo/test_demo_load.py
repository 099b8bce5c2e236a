"""`flask demo load`: the demo data goes through the real services, once.

The load runs through the CLI inside the test's rolled-back transaction (the
command's commit only releases a savepoint there), so nothing stays behind.
Loading takes a few seconds, so one test loads and checks everything that needs
the data; the pictures are checked on their own.
"""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from shop.accounts.models import User
from shop.accounts.services import authenticate
from shop.audit.models import AuditAction, AuditEntry
from shop.bulk.models import BulkOffer, BulkRequest, OfferStatus, RequestStatus
from shop.catalogue.models import Category, Product, ProductStatus
from shop.catalogue.queries import CatalogueFilters, catalogue_page
from shop.consignment import services as consignment
from shop.consignment.models import ConsignmentLine, Outlet, Visit
from shop.coordinators.models import Coordinator
from shop.core.clock import JAKARTA, jakarta_today
from shop.db import utcnow
from shop.demo import pictures
from shop.demo.data import DEMO_PASSWORD, GROUPS, PEOPLE
from shop.demo.data.coordinators import COORDINATORS
from shop.extensions import db
from shop.grants.models import Grant
from shop.groups.models import Group, Membership, PaymentMethod, Verification
from shop.groups.qris import read_static
from shop.media.models import Image as StoredImage
from shop.orders.models import Order, OrderStatus
from shop.visits.models import MonevVisit

FOOD = {Category.SNACKS, Category.FOOD, Category.DRINKS, Category.SPICES, Category.CAKES}


def _counts() -> dict[str, int]:
    models = {"users": User, "groups": Group, "products": Product, "images": StoredImage}
    return {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in models.items()
    }


def _found(query: str) -> list[str]:
    page, _sort = catalogue_page(CatalogueFilters(q=query), 1, 50)
    return [product.name for product in page.items]


DEMO_GROUP_NAMES = [group.profile.name for group in GROUPS]


def _check_groups() -> None:
    groups = db.session.scalars(select(Group).where(Group.name.in_(DEMO_GROUP_NAMES))).all()
    assert len(groups) == len(GROUPS)
    assert len({group.province_code for group in groups}) >= 5
    assert all(group.logo is not None and group.cover is not None for group in groups)
    assert all(group.bank_accounts for group in groups)
    # Mina Sejahtera offers QRIS with its sticker's payload, a valid static QRIS.
    with_qris = [group for group in groups if group.qris_payload]
    assert [group.name for group in with_qris] == ["Kelompok Mina Sejahtera"]
    assert PaymentMethod.QRIS in with_qris[0].payment_methods
    assert read_static(with_qris[0].qris_payload).city == "BOYOLALI"
    # Each group's own number is verified: the demo shows the group's order alerts.
    assert all(group.whatsapp and group.alert_number == group.whatsapp for group in groups)
    twice = db.session.execute(
        select(Membership.user_id)
        .join(Membership.user)
        .where(User.phone.in_([person.phone for person in PEOPLE]))
        .group_by(Membership.user_id)
        .having(func.count() > 1)
    ).all()
    assert len(twice) == 1


def _check_products() -> None:
    products = db.session.scalars(
        select(Product)
        .join(Product.group)
        .where(Group.name.in_(DEMO_GROUP_NAMES))
        .options(selectinload(Product.variants), selectinload(Product.photos))
    ).all()
    assert 25 <= len(products) <= 40
    statuses = [product.status for product in products]
    assert statuses.count(ProductStatus.DRAFT) == 1
    assert statuses.count(ProductStatus.ARCHIVED) == 1
    assert sum(product.catalogue_only for product in products) == 1
    for product in products:
        if product.status is ProductStatus.PUBLISHED:
            assert product.photos and product.variants, product.name
            assert all(photo.alt_text for photo in product.photos)
            assert product.published_at is not None
        assert product.price_min == min(variant.price for variant in product.variants)
        assert product.search_text
        if product.category in FOOD:
            assert product.packaging_type and product.net_content and product.net_unit
            assert product.ingredients and product.storage_instructions, product.name
            if product.pirt_number or product.bpom_number:
                assert product.shelf_life_days and product.halal_number, product.name
    made_to_order = [v for p in products for v in p.variants if v.stock is None]
    assert made_to_order and all(v.lead_time_days is not None for v in made_to_order)
    assert any(v.min_order_qty > 1 for p in products for v in p.variants)


def _check_coordination(client) -> None:
    coordinators = db.session.scalars(select(Coordinator)).all()
    assert len(coordinators) == len(COORDINATORS)
    assert sum(c.is_operator for c in coordinators) == 1
    verification = {group.name: group.verification for group in db.session.scalars(select(Group))}
    assert list(verification.values()).count(Verification.VERIFIED) == 5
    assert verification["UPPKA Sekar Melati"] is Verification.UNVERIFIED
    assert verification["Kelompok Usaha Ibu Rappocini"] is Verification.CHANGES_REQUESTED

    orders = db.session.scalars(select(Order)).all()
    months = {order.created_at.astimezone(JAKARTA).strftime("%Y-%m") for order in orders}
    assert len(orders) >= 40 and len(months) >= 5
    assert all(order.created_at <= utcnow() for order in orders)
    assert any(order.status is OrderStatus.COMPLETED for order in orders)
    assert any(order.status is OrderStatus.PLACED for order in orders)

    home = client.get("/").get_data(as_text=True)
    assert "Pameran Virtual Hari Ibu 2026" in home
    assert "Pameran Karya Warga Binaan Lapas 2026" not in home  # finished: in the archive

    # The UPPKA coordinator of Jambi finds the unverified UPPKA group in her queue
    # and cannot open a JPS TKM group in Central Java.
    yuliana = next(p for p in PEOPLE if p.key == "yuliana")
    client.post("/masuk", data={"login": yuliana.phone, "password": DEMO_PASSWORD})
    assert "UPPKA Sekar Melati" in client.get("/koordinator/verifikasi").get_data(as_text=True)
    assert client.get("/koordinator/kelompok/kelompok-mina-sejahtera").status_code == 404
    client.post("/keluar")


def _check_monev_visit() -> None:
    """The JPS TKM coordinator's visit to Mina Sejahtera: findings on every
    theme, two private photos, one recommendation done, one overdue, one open."""
    today = jakarta_today()
    visit = db.session.scalar(select(MonevVisit))
    assert visit.group.name == "Kelompok Mina Sejahtera" and visit.visited_on < today
    assert visit.recorded_by.coordinator is not None and len(visit.findings) == 5
    assert len(visit.photos) == 2 and all(p.image.private for p in visit.photos)
    done = [f for f in visit.follow_ups if f.is_done]
    assert len(done) == 1 and done[0].done_note
    assert sum(f.is_overdue(today) for f in visit.follow_ups) == 1
    assert sum(not f.is_done and f.due_on >= today for f in visit.follow_ups) == 1


def _check_consignment(client) -> None:
    """Two groups with outlets: goods out, money owed, a visit due, goods past
    their shelf life, a good return and an expired write-off; and the group's
    sales page and the monitoring show the channel."""
    today = jakarta_today()
    outlets = db.session.scalars(select(Outlet).order_by(Outlet.id)).all()
    groups = {outlet.group.name for outlet in outlets}
    assert groups == {"Kelompok Mina Sejahtera", "Karya Mandiri Lapas Jambi"}
    assert all(o.whatsapp.startswith("+628") and o.owner_name and o.district for o in outlets)
    assert all(o.regency_code == o.group.regency_code for o in outlets)
    with_goods = [outlet for outlet in outlets if consignment.goods_out(outlet)]
    assert len(with_goods) >= 2
    assert any(outlet.owed > 0 for outlet in with_goods)
    assert any(outlet.owed == 0 and outlet.sold_value > 0 for outlet in outlets)
    assert any(outlet.visit_due_on() <= today for outlet in with_goods)
    assert any(outlet.visit_due_on() > today for outlet in with_goods)
    lines = db.session.scalars(select(ConsignmentLine)).all()
    assert any(line.expires_on and line.expires_on < today and line.out for line in lines)
    assert any(line.restocked and line.from_stock for line in lines)
    assert any(line.written_off for line in lines)
    visits = db.session.scalars(select(Visit)).all()
    assert all(today - timedelta(days=62) <= visit.visited_on <= today for visit in visits)

    sri = next(p for p in PEOPLE if p.key == "sri")
    client.post("/masuk", data={"login": sri.phone, "password": DEMO_PASSWORD})
    client.get("/bahasa/en")
    html = client.get("/kelola/kelompok-mina-sejahtera/penjualan").get_data(as_text=True)
    assert 'class="chart-consigned"' in html and "through consignment" in html
    client.post("/keluar")


def _check_grants(client) -> None:
    """Grants of several funding years and sources, each with equipment and
    its photo; a provincial coordinator's "since the grant" page shows only
    the groups of her scope."""
    grants = db.session.scalars(select(Grant).order_by(Grant.id)).all()
    assert len({grant.funding_year for grant in grants}) >= 3
    assert len({grant.source for grant in grants}) >= 3
    assert all(grant.items and grant.spent <= grant.amount for grant in grants)
    assert all(item.photos for grant in grants for item in grant.items)
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == AuditAction.GRANT_ITEM_ADDED)
    ) == sum(len(grant.items) for grant in grants)
    yuliana = next(p for p in PEOPLE if p.key == "yuliana")
    client.post("/masuk", data={"login": yuliana.phone, "password": DEMO_PASSWORD})
    html = client.get("/koordinator/monev/sejak-bantuan").get_data(as_text=True)
    assert "UPPKA Sekar Melati" in html and "Mina Sejahtera" not in html
    assert "Etalase kaca" in client.get(
        "/koordinator/kelompok/uppka-sekar-melati/bantuan"
    ).get_data(as_text=True)
    client.post("/keluar")


def _check_round(client):
    """A running pre-order round with orders in it, featured, on the public list."""
    from shop.rounds.models import Round, RoundStatus

    running = db.session.scalar(select(Round))
    assert running.status is RoundStatus.OPEN and running.featured_at is not None
    assert sum(item.taken for item in running.items) == 9
    public = client.get("/pre-order").get_data(as_text=True)
    assert "Kue Lebaran" in public and "Karya Mandiri Lapas Jambi" in public


def _check_bulk_request(client) -> None:
    """An open request for 300 snack boxes in Jambi with two offers, which
    the offering group's ketua finds on its bulk requests page."""
    [bulk] = db.session.scalars(select(BulkRequest)).all()
    assert (bulk.status, bulk.quantity, bulk.province_code) == (RequestStatus.OPEN, 300, "15")
    offers = db.session.scalars(select(BulkOffer).where(BulkOffer.request_id == bulk.id)).all()
    assert len(offers) == 2 and all(o.status is OfferStatus.OPEN for o in offers)
    rahma = next(p for p in PEOPLE if p.key == "rahma")
    client.post("/masuk", data={"login": rahma.phone, "password": DEMO_PASSWORD})
    html = client.get("/kelola/uppka-sekar-melati/borongan").get_data(as_text=True)
    assert bulk.number in html
    client.post("/keluar")


def test_demo_load_creates_realistic_data_once(app, client):
    runner = app.test_cli_runner()
    before = _counts()

    result = runner.invoke(args=["demo", "load", "--once"])

    assert result.exit_code == 0, result.output
    assert "Loaded 7 groups" in result.output
    assert "0812-0000-0001" in result.output and DEMO_PASSWORD in result.output
    loaded = _counts()
    assert loaded["users"] - before["users"] == len(PEOPLE)
    assert loaded["groups"] - before["groups"] == len(GROUPS)
    _check_groups()
    _check_products()

    with app.test_request_context():
        assert "Abon Ikan Lele" in _found("abon lele")
        assert "Kerupuk Lele" in _found("krupuk lele")
        assert "Keripik Pisang Manis" in _found("kripik pisang")
        assert "Tas Rajut Selempang" in _found("tas rajut")
        assert "Nugget Lele Beku" not in _found("nugget lele")
        assert authenticate(("phone", PEOPLE[0].phone), DEMO_PASSWORD).name == PEOPLE[0].name

    again = runner.invoke(args=["demo", "load", "--once"])

    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output and "0812-0000-0001" in again.output
    assert _counts() == loaded

    refused = runner.invoke(args=["demo", "load"])

    assert refused.exit_code == 1
    assert "already loaded" in refused.output
    assert _counts() == loaded

    _check_coordination(client)
    _check_monev_visit()
    _check_consignment(client)
    _check_grants(client)
    _check_round(client)
    _check_bulk_request(client)
    response = client.post("/masuk", data={"login": "0812-0000-0008", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_product_photos_are_jpegs_of_the_right_size_and_reproducible():
    shots = [
        pictures.Shot("Abon Ikan Lele", "Kelompok Mina Sejahtera", "standing-pouch", "makanan"),
        pictures.Shot("Kerupuk Lele", "Kelompok Mina Sejahtera", "plastik", "makanan-ringan"),
        pictures.Shot("Tas Rajut Selempang", "Karya Mandiri", "plastik", "rajutan"),
        pictures.Shot("Tas Anyaman Purun", "Purun Banua", "anyaman", "kerajinan"),
        pictures.Shot("Nastar Nanas", "Karya Mandiri", "toples", "kue", "Netto 250 g", view=1),
    ]
    for shot in shots:
        data = pictures.product_photo(shot)
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size, image.mode) == ("JPEG", (1200, 1200), "RGB")
        assert pictures.product_photo(shot) == data
    assert pictures.product_photo(shots[0]) != pictures.product_photo(shots[1])


def test_logo_and_cover_sizes():
    with Image.open(io.BytesIO(pictures.group_logo("Kelompok Mina Sejahtera"))) as logo:
        assert (logo.format, logo.size) == ("JPEG", pictures.LOGO_SIZE)
    with Image.open(io.BytesIO(pictures.group_cover("Dapur Sasak", "JPS TKM · Mataram"))) as cover:
        assert (cover.format, cover.size) == ("JPEG", (1600, 600))
    assert pictures.initials("Kelompok Mina Sejahtera") == "MS"
    assert pictures.initials("UPPKA Sekar Melati") == "SM"
