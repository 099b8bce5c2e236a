"""A coordinator hides a product with a reason; the group sees it, fixes the
product and asks for review; the coordinator restores it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.catalogue.models import Product, ProductStatus
from shop.core.cache import GENERATION_KEY
from shop.extensions import cache, db
from shop.notify.models import OutboxMessage
from tests.factories import MembershipFactory, ProductFactory, UserFactory, VariantFactory

REASON = "Foto menampilkan produk lain. Ganti dengan foto abon lele Anda."


@pytest.fixture
def product(group_in_scope):
    product = ProductFactory(group=group_in_scope, name="Abon Lele Sejahtera")
    VariantFactory(product=product)
    return product


@pytest.fixture
def members_with_email(group_in_scope):
    return [
        MembershipFactory(group=group_in_scope, user=UserFactory(email=f"anggota{n}@example.test"))
        for n in range(2)
    ]


@pytest.fixture
def english(client):
    client.get("/bahasa/en")


def page(product) -> str:
    return f"/koordinator/produk/{product.id}"


def edit_url(product) -> str:
    return f"/kelola/{product.group.slug}/produk/{product.id}"


def reload(product) -> Product:
    db.session.expire_all()
    return db.session.get(Product, product.id)


def emails(template: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == template).order_by(OutboxMessage.id)
        )
    )


def hide(client, product, reason=REASON):
    return client.post(page(product) + "/sembunyikan", data={"reason": reason})


def test_hiding_needs_a_reason(client, as_coordinator, jambi_uppka, product, english):
    as_coordinator(jambi_uppka)
    for blank in ("", "   \n  "):
        response = hide(client, product, blank)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Give the reason: the group reads it to know what to fix." in html
        assert 'aria-invalid="true"' in html
    too_long = hide(client, product, "x" * 1001)
    assert too_long.status_code == 200
    assert "Field cannot be longer than 1000 characters." in too_long.get_data(as_text=True)
    assert not reload(product).is_hidden
    assert emails("product_hidden") == []


def test_hiding_takes_the_product_off_the_site_tells_the_group_and_is_logged(
    client, as_coordinator, jambi_uppka, product, members_with_email, english
):
    public = f"/k/{product.group.slug}/{product.slug}"
    assert client.get(public).status_code == 200
    assert "Abon Lele Sejahtera" in client.get("/katalog").get_data(as_text=True)

    as_coordinator(jambi_uppka)
    generation = cache.get(GENERATION_KEY) or 0
    response = hide(client, product)
    assert response.status_code == 302
    assert (cache.get(GENERATION_KEY) or 0) > generation

    hidden = reload(product)
    assert hidden.is_hidden and hidden.hidden_reason == REASON
    assert hidden.status is ProductStatus.PUBLISHED  # the group's own status is untouched
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.product_id == product.id))
    assert entry.action is AuditAction.PRODUCT_HIDDEN and entry.reason == REASON
    assert entry.actor_id == jambi_uppka.user_id

    sent = emails("product_hidden")
    assert sorted(m.recipient for m in sent) == ["anggota0@example.test", "anggota1@example.test"]
    assert "Abon Lele Sejahtera" in sent[0].subject
    assert REASON in sent[0].body_text and REASON in sent[0].body_html
    assert edit_url(product) in sent[0].body_text

    html = client.get(page(product)).get_data(as_text=True)
    assert REASON in html and "Restore the product" in html and "Product hidden" in html

    client.post("/keluar", data={})
    assert client.get(public).status_code == 404
    assert "Abon Lele Sejahtera" not in client.get("/katalog").get_data(as_text=True)


def test_hiding_twice_is_refused(client, as_coordinator, jambi_uppka, product, english):
    as_coordinator(jambi_uppka)
    hide(client, product)
    response = hide(client, product, "Another reason")
    assert "This product is already hidden." in response.get_data(as_text=True)
    assert reload(product).hidden_reason == REASON
    assert len(list(db.session.scalars(select(AuditEntry.id)))) == 1


def test_hostile_reason_is_escaped_everywhere(
    client, login_as, as_coordinator, jambi_uppka, product, members_with_email
):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    as_coordinator(jambi_uppka)
    hide(client, product, hostile)
    assert reload(product).hidden_reason == hostile
    for html in (
        client.get(page(product)).get_data(as_text=True),
        client.get("/koordinator/moderasi").get_data(as_text=True),
        emails("product_hidden")[0].body_html,
    ):
        assert "<script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    client.post("/keluar", data={})
    login_as(members_with_email[0].user)
    html = client.get(edit_url(product)).get_data(as_text=True)
    assert "<script>" not in html.split("</head>")[1].replace('<script src="', "")
    assert "&lt;script&gt;" in html


def test_the_group_sees_why_asks_for_review_and_stays_hidden_when_editing(
    client, login_as, as_coordinator, jambi_uppka, product, leader_of, english
):
    as_coordinator(jambi_uppka)
    hide(client, product)
    client.post("/keluar", data={})

    leader = leader_of(product.group)
    login_as(leader)
    client.get("/bahasa/en")
    home = client.get(f"/kelola/{product.group.slug}").get_data(as_text=True)
    assert "Hidden by a coordinator: see why" in home
    assert "A coordinator has hidden 1 product from buyers." in home

    html = client.get(edit_url(product)).get_data(as_text=True)
    assert "A coordinator has hidden this product" in html and REASON in html
    assert f'action="{edit_url(product)}/tinjau-ulang"' in html
    assert "View in the shop" not in html

    # Editing and publishing again leave it hidden.
    client.post(f"{edit_url(product)}/status", data={"status": "draft"})
    client.post(f"{edit_url(product)}/status", data={"status": "published"})
    edited = reload(product)
    assert edited.is_hidden and edited.status is ProductStatus.PUBLISHED
    assert edited.review_requested_at is None

    response = client.post(f"{edit_url(product)}/tinjau-ulang", follow_redirects=True)
    assert "Review requested" in response.get_data(as_text=True)
    asked = reload(product)
    assert asked.is_hidden and asked.review_requested_at is not None
    first_request = asked.review_requested_at

    again = client.post(f"{edit_url(product)}/tinjau-ulang", follow_redirects=True)
    assert "You have already asked for review" in again.get_data(as_text=True)
    assert reload(product).review_requested_at == first_request

    html = client.get(edit_url(product)).get_data(as_text=True)
    assert "You asked for review on" in html and "/tinjau-ulang" not in html
    home = client.get(f"/kelola/{product.group.slug}").get_data(as_text=True)
    assert "Hidden: waiting for review" in home
    client.post("/keluar", data={})
    assert client.get(f"/k/{product.group.slug}/{product.slug}").status_code == 404


def test_editing_the_product_keeps_it_hidden(
    client, login_as, as_coordinator, jambi_uppka, product, leader_of
):
    as_coordinator(jambi_uppka)
    hide(client, product)
    client.post("/keluar", data={})
    login_as(leader_of(product.group))
    variant = product.variants[0]
    response = client.post(
        edit_url(product),
        data={
            "name": "Abon Lele Sejahtera Asli",
            "category": "makanan",
            "variants-0-id": str(variant.id),
            "variants-0-label": "100 g",
            "variants-0-price": "26000",
            "variants-0-stock_mode": "stock",
            "variants-0-stock": "5",
            "variants-0-min_order_qty": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    edited = reload(product)
    assert edited.name == "Abon Lele Sejahtera Asli"
    assert edited.is_hidden and edited.hidden_reason == REASON


def test_asking_for_review_is_for_hidden_products_of_ones_own_group(
    client, login_as, leader_of, product, group_out_of_scope, english
):
    login_as(leader_of(group_out_of_scope))
    assert client.post(f"{edit_url(product)}/tinjau-ulang").status_code == 404
    client.post("/keluar", data={})
    login_as(leader_of(product.group))
    client.get("/bahasa/en")
    response = client.post(f"{edit_url(product)}/tinjau-ulang", follow_redirects=True)
    assert "This product is not hidden" in response.get_data(as_text=True)
    assert reload(product).review_requested_at is None
    assert client.post(f"{edit_url(product)}/tinjau-ulang", csrf=False).status_code == 400


def test_restoring_brings_it_back_tells_the_group_and_is_logged(
    client, as_coordinator, jambi_uppka, product, members_with_email, english
):
    as_coordinator(jambi_uppka)
    hide(client, product)
    generation = cache.get(GENERATION_KEY) or 0
    response = client.post(page(product) + "/pulihkan")
    assert response.status_code == 302 and response.location.endswith(page(product))
    assert (cache.get(GENERATION_KEY) or 0) > generation
    restored = reload(product)
    assert not restored.is_hidden and restored.hidden_reason == ""
    assert restored.review_requested_at is None
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.product_id == product.id).order_by(AuditEntry.id)
    ).all()
    assert actions == [AuditAction.PRODUCT_HIDDEN, AuditAction.PRODUCT_RESTORED]
    sent = emails("product_restored")
    assert len(sent) == 2 and "Abon Lele Sejahtera" in sent[0].subject
    assert edit_url(product) in sent[0].body_text and edit_url(product) in sent[0].body_html

    again = client.post(page(product) + "/pulihkan", follow_redirects=True)
    assert "This product is not hidden." in again.get_data(as_text=True)
    assert len(emails("product_restored")) == 2

    client.post("/keluar", data={})
    assert client.get(f"/k/{product.group.slug}/{product.slug}").status_code == 200


def test_moderation_lists_review_requests_first_oldest_first(
    client, as_coordinator, jambi_uppka, group_in_scope, group_out_of_scope, english
):
    now = datetime.now(UTC)

    def hidden(name, group=group_in_scope, hidden_days=1, asked_days=None):
        return ProductFactory(
            group=group,
            name=name,
            hidden_at=now - timedelta(days=hidden_days),
            hidden_reason=f"Alasan {name}",
            review_requested_at=now - timedelta(days=asked_days) if asked_days else None,
        )

    hidden("Kerupuk Baru Minta", hidden_days=9, asked_days=1)
    hidden("Kerupuk Lama Minta", hidden_days=3, asked_days=2)
    hidden("Kerupuk Belum Minta", hidden_days=20)
    hidden("Kerupuk Luar", group=group_out_of_scope, asked_days=5)
    ProductFactory(group=group_in_scope, name="Kerupuk Tampil")

    as_coordinator(jambi_uppka)
    html = client.get("/koordinator/moderasi").get_data(as_text=True)
    order = ["Kerupuk Lama Minta", "Kerupuk Baru Minta", "Kerupuk Belum Minta"]
    positions = [html.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Alasan Kerupuk Lama Minta" in html
    assert "Kerupuk Luar" not in html and "Kerupuk Tampil" not in html
    assert html.index("Asking for review") < positions[0] < html.index("Waiting for the group")
    assert "3 hidden products, 2 asking for review" in html


def test_restore_from_the_moderation_page_returns_there(
    client, as_coordinator, jambi_uppka, product
):
    as_coordinator(jambi_uppka)
    hide(client, product)
    html = client.get("/koordinator/moderasi").get_data(as_text=True)
    assert f'action="{page(product)}/pulihkan"' in html
    response = client.post(page(product) + "/pulihkan", data={"back": "moderation"})
    assert response.status_code == 302 and response.location.endswith("/koordinator/moderasi")
    assert not reload(product).is_hidden


def test_moderation_and_certificates_pages_are_404_for_non_coordinators(
    client, login_as, leader_of, group_in_scope
):
    for url in ("/koordinator/moderasi", "/koordinator/sertifikat"):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.location
    login_as(leader_of(group_in_scope))
    for url in ("/koordinator/moderasi", "/koordinator/sertifikat"):
        assert client.get(url).status_code == 404


def test_moderation_page_runs_a_fixed_number_of_queries(
    client, as_coordinator, jambi_uppka, group_in_scope, count_queries
):
    now = datetime.now(UTC)
    ProductFactory(group=group_in_scope, hidden_at=now, hidden_reason="a")
    as_coordinator(jambi_uppka)
    client.get("/koordinator/moderasi")
    with count_queries() as q:
        client.get("/koordinator/moderasi")
    few = q.count
    for n in range(12):
        ProductFactory(
            hidden_at=now,
            hidden_reason="b",
            review_requested_at=now if n % 2 else None,
            group=group_in_scope,
        )
    with count_queries() as q:
        assert client.get("/koordinator/moderasi").status_code == 200
    assert q.count == few, q.statements


def test_adding_a_variant_row_to_a_hidden_product_keeps_the_notice(
    client, login_as, as_coordinator, jambi_uppka, product, leader_of
):
    """The "Add another variant" round trip re-renders the edit page (it used
    to fail on the status buttons' CSRF field)."""
    as_coordinator(jambi_uppka)
    hide(client, product)
    client.post("/keluar", data={})
    login_as(leader_of(product.group))
    variant = product.variants[0]
    response = client.post(
        edit_url(product),
        data={
            "name": product.name,
            "category": "makanan",
            "variants-0-id": str(variant.id),
            "variants-0-label": "100 g",
            "variants-0-price": "25000",
            "variants-0-stock_mode": "stock",
            "variants-0-stock": "5",
            "variants-0-min_order_qty": "1",
            "add_variant": "1",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert REASON in html and 'name="variants-1-label"' in html
    assert f'action="{edit_url(product)}/status"' in html
