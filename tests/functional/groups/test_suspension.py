"""Suspension means read-only: a suspended group's members can see everything
and finish the orders already placed, and every other page of /kelola/<slug>
is refused (403, the coordinator's reason, nothing changed). The walk takes
the routes from the app's URL map, so a route added later cannot slip through.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.catalogue.models import Product
from shop.consignment.models import Outlet
from shop.coordinators.verification.services import reinstate_group, suspend_group
from shop.extensions import db
from shop.groups.models import BankAccount, GroupStatus, Invitation, Membership, Role
from shop.groups.suspension import OPEN_WHILE_SUSPENDED
from shop.media.models import Image
from shop.orders.models import OrderStatus
from tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    OutletFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
    transfer_order,
)

REASON = "Nomor PIRT pada kemasan tidak terdaftar di Dinas Kesehatan."
REFUSED_HEADING = "Not possible while your group is suspended"
# Every value a /kelola/<slug>/… rule may ask for; the guard answers before
# any of them is looked up, so for refused routes they need not exist.
PLACEHOLDERS = {
    "product_id": 999999,
    "photo_id": 999999,
    "account_id": 999999,
    "membership_id": 999999,
    "invitation_id": 999999,
    "outlet_id": 999999,
    "visit_id": 999999,
    "document_id": 999999,
    "proof_id": 999999,
    "refund_id": 999999,
    "follow_up_id": 999999,
    "round_id": 999999,
    "kind": "produksi",
    "number": "ET-NOPE1",
    "action": "hapus",
}
# Tables written on every request whatever it does (sessions, rate limits):
# found by a plain read below and left out of "nothing changed".
REGION_TABLES = {"province", "regency", "district", "village"}


@pytest.fixture
def coordinator():
    return CoordinatorFactory(user=UserFactory(name="Bu Ratna", phone="+6281377778888"))


@pytest.fixture
def leader(client, login_as):
    membership = MembershipFactory(role=Role.LEADER)
    db.session.commit()
    login_as(membership.user)
    client.get("/bahasa/en")
    return membership


@pytest.fixture
def suspended(leader, coordinator):
    group = leader.group
    suspend_group(group, REASON, by=coordinator.user)
    db.session.commit()
    return group


def management_routes(app):
    """(endpoint, method, rule) of every group management route."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/kelola/<slug>"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return sorted(found, key=lambda item: (item[2].rule, item[1]))


def url(rule, slug, **values):
    params = {name: values.get(name, PLACEHOLDERS.get(name)) for name in rule.arguments}
    params["slug"] = slug
    missing = [name for name, value in params.items() if value is None]
    assert not missing, f"no placeholder for {missing} in {rule.rule}: add one"
    return rule.build(params, append_unknown=False)[1]


def is_open(endpoint, method):
    return method in OPEN_WHILE_SUSPENDED.get(endpoint, ())


def snapshot(skip=frozenset()):
    """Every row of every table but the region lists and `skip`."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in REGION_TABLES or table.name in skip:
            continue
        rows[table.name] = sorted(map(repr, db.session.execute(select(table)).all()))
    return rows


def noisy_tables(client, slug):
    """Tables a plain page view changes (session bookkeeping and the like)."""
    before = snapshot()
    client.get(f"/kelola/{slug}")
    after = snapshot()
    return frozenset(name for name in before if before[name] != after[name])


def request(client, method, path):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"name": "Diubah", "role": "anggota", "status": "published"})


def test_every_write_route_is_refused_with_the_reason_and_changes_nothing(app, client, suspended):
    routes = management_routes(app)
    refused = [(e, m, r) for e, m, r in routes if not is_open(e, m)]
    # The walk covers the pages the issue names, whatever else gets added.
    names = {e for e, _m, _r in refused}
    for endpoint in (
        "catalogue.create_product",
        "catalogue.edit_product",
        "catalogue.photos",
        "catalogue.change_status",
        "groups.profile",
        "groups.remove_bank_account",
        "groups.create_invitation",
        "groups.change_role",
        "consignment.create_outlet",
        "consignment.leave_goods",
        "marketing.poster_pdf",
    ):
        assert endpoint in names
    skip = noisy_tables(client, suspended.slug)
    before = snapshot(skip)
    for endpoint, method, rule in refused:
        response = request(client, method, url(rule, suspended.slug))
        html = response.get_data(as_text=True)
        assert response.status_code == 403, (endpoint, method, response.status_code)
        assert REFUSED_HEADING in html, (endpoint, method)
        assert REASON in html, (endpoint, method)
        assert "Nothing was changed." in html
        # Whom to ask: the coordinator who suspended the group.
        assert "Bu Ratna" in html and "https://wa.me/6281377778888" in html
    assert snapshot(skip) == before


def test_reading_pages_and_order_routes_stay_open(app, client, suspended):
    for endpoint, method, rule in management_routes(app):
        if not is_open(endpoint, method):
            continue
        response = request(client, method, url(rule, suspended.slug, action="konfirmasi"))
        # Placeholders may be missing (404) or a form incomplete (400/422):
        # what matters is that the suspension did not answer.
        assert REFUSED_HEADING not in response.get_data(as_text=True), (endpoint, method)
        assert response.status_code != 403, (endpoint, method)


def test_home_page_shows_a_banner_with_the_reason_and_what_still_works(client, suspended):
    response = client.get(f"/kelola/{suspended.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your group is suspended" in html
    assert REASON in html
    assert "What still works:" in html
    assert f"/kelola/{suspended.slug}/pesanan" in html
    assert "Bu Ratna" in html
    # No button to add a product while suspended.
    assert f"/kelola/{suspended.slug}/produk/baru" not in html


def test_read_only_pages_hide_their_write_buttons(client, suspended):
    members = client.get(f"/kelola/{suspended.slug}/anggota").get_data(as_text=True)
    assert "/undangan" not in members and "/peran" not in members
    accounts = client.get(f"/kelola/{suspended.slug}/rekening").get_data(as_text=True)
    assert 'name="account_number"' not in accounts
    verification = client.get(f"/kelola/{suspended.slug}/verifikasi").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' not in verification
    assert REASON in verification


def _photo() -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (64, 48), (10, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _edit_attempts(client, slug: str, product, variant) -> list:
    """Real edits of a group's things, each a call that POSTs one form:
    the product, a new product, a photo, a bank account, an invitation, an outlet."""
    new = {
        "name": "Abon Lele Baru",
        "category": product.category.value,
        "description": "Gurih.",
        "variants-0-label": "100 g",
        "variants-0-price": "25000",
        "variants-0-stock_mode": "stock",
        "variants-0-stock": "5",
        "variants-0-min_order_qty": "1",
    }
    edit = {**new, "variants-0-id": str(variant.id)}
    return [
        lambda: client.post(f"/kelola/{slug}/produk/{product.id}", data=edit),
        # Another name: a second "Abon Lele Baru" would first be asked about.
        lambda: client.post(f"/kelola/{slug}/produk/baru", data={**new, "name": "Abon Lele Kedua"}),
        lambda: client.post(
            f"/kelola/{slug}/produk/{product.id}/foto",
            data={"photo": (io.BytesIO(_photo()), "foto.jpg"), "alt_text": "Abon"},
            content_type="multipart/form-data",
        ),
        lambda: client.post(
            f"/kelola/{slug}/rekening",
            data={"bank_name": "BRI", "account_number": "0123456789", "account_holder": "Ani"},
        ),
        lambda: client.post(f"/kelola/{slug}/undangan"),
        lambda: client.post(
            f"/kelola/{slug}/titip/warung/baru",
            data={"name": "Warung Baru", "province_code": "15", "regency_code": "15.05"},
        ),
    ]


def _things_of(group) -> tuple[int, ...]:
    """How many products, images, bank accounts, invitations and outlets."""
    return (
        _count(Product, Product.group_id == group.id),
        _count(Image),
        _count(BankAccount, BankAccount.group_id == group.id),
        _count(Invitation, Invitation.group_id == group.id),
        _count(Outlet, Outlet.group_id == group.id),
    )


def test_real_edits_are_refused_then_work_after_reinstating(client, suspended, coordinator):
    product = ProductFactory(group=suspended, name="Abon Lele Asli")
    variant = VariantFactory(product=product)
    db.session.commit()
    attempts = _edit_attempts(client, suspended.slug, product, variant)
    before = _things_of(suspended)
    for attempt in attempts:
        assert attempt().status_code == 403
    assert _things_of(suspended) == before
    db.session.refresh(product)
    assert product.name == "Abon Lele Asli"

    reinstate_group(suspended, "PIRT sudah benar.", by=coordinator.user)
    db.session.commit()
    assert suspended.status is GroupStatus.ACTIVE
    for attempt in attempts:
        response = attempt()
        assert response.status_code in (200, 302, 303), response.status_code
        assert REFUSED_HEADING not in response.get_data(as_text=True)
    db.session.refresh(product)
    assert product.name == "Abon Lele Baru"
    after = _things_of(suspended)
    assert after[0] == before[0] + 1  # the new product
    assert after[1] == before[1] + 1  # the photo
    assert after[2] == before[2] + 1  # the bank account
    assert after[3] == before[3] + 1  # the invitation


def test_after_reinstating_no_route_is_refused(app, client, suspended, coordinator):
    reinstate_group(suspended, by=coordinator.user)
    db.session.commit()
    for endpoint, method, rule in management_routes(app):
        response = request(client, method, url(rule, suspended.slug, action="konfirmasi"))
        assert REFUSED_HEADING not in response.get_data(as_text=True), (endpoint, method)


def test_orders_already_placed_are_finished(client, suspended):
    order = transfer_order()
    order.group = suspended
    db.session.commit()
    base = f"/kelola/{suspended.slug}/pesanan/{order.number}"
    assert client.get(f"/kelola/{suspended.slug}/pesanan").status_code == 200
    assert client.get(base).status_code == 200
    assert client.post(f"{base}/konfirmasi").status_code == 303
    db.session.refresh(order)
    assert order.status is OrderStatus.CONFIRMED
    assert client.get(f"{base}/slip").status_code == 200


def test_consignment_visits_stay_open_but_new_outlets_do_not(client, suspended):
    outlet = OutletFactory(group=suspended)
    db.session.commit()
    slug = suspended.slug
    assert client.get(f"/kelola/{slug}/titip").status_code == 200
    assert client.get(f"/kelola/{slug}/titip/warung/{outlet.id}").status_code == 200
    assert client.get(f"/kelola/{slug}/titip/warung/{outlet.id}/kunjungan").status_code == 200
    assert client.get(f"/kelola/{slug}/titip/warung/{outlet.id}/titip").status_code == 403
    assert client.get(f"/kelola/{slug}/titip/warung/baru").status_code == 403


def test_someone_elses_suspended_group_is_still_404(client, login_as, coordinator):
    other = MembershipFactory()
    suspend_group(other.group, REASON, by=coordinator.user)
    outsider = MembershipFactory()
    db.session.commit()
    login_as(outsider.user)
    response = client.get(f"/kelola/{other.group.slug}/profil")
    assert response.status_code == 404
    assert REASON not in response.get_data(as_text=True)


def test_an_invitation_to_a_suspended_group_cannot_be_accepted(
    client, login_as, leader, coordinator
):
    suspend_group(leader.group, REASON, by=coordinator.user)
    db.session.commit()
    from shop.groups import services

    _invitation, token = services.create_invitation(leader.group, leader.user)
    db.session.commit()
    newcomer = UserFactory()
    db.session.commit()
    client.post("/keluar")
    login_as(newcomer)
    client.get("/bahasa/en")
    members = _count(Membership, Membership.group_id == leader.group.id)
    response = client.post(f"/gabung/{token}")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "This group is suspended" in html
    assert REASON not in html  # the reason is the group's, not a newcomer's
    assert _count(Membership, Membership.group_id == leader.group.id) == members


def test_allow_list_names_only_existing_endpoints(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(OPEN_WHILE_SUSPENDED) <= endpoints
