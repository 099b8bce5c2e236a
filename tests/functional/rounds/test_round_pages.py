"""The group's round pages: opening a round through the form (no JavaScript),
closing at the deadline by the periodic job (once), the production and
handover lists on the page, printable and as CSV, "ready" telling the
buyers; another group's round is a 404; fixed statement counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import func, select

from shop.catalogue.models import Product
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Group
from shop.notify.models import OutboxMessage
from shop.rounds import jobs
from shop.rounds.models import Round, RoundStatus
from tests.factories import GroupFactory, MembershipFactory, UserFactory, listed_product
from tests.functional.rounds.conftest import buy


def _round_form(**fields):
    today = jakarta_today()
    return {
        "title": "Kue Natal",
        "description": "",
        "last_order_day": (today + timedelta(days=5)).isoformat(),
        "ready_on": (today + timedelta(days=9)).isoformat(),
        "handover": "Ambil di sekretariat",
        **fields,
    }


def test_a_member_opens_a_round_through_the_form(client, login_as):
    group = GroupFactory(slug="kelompok-roti")
    ketua = UserFactory()
    MembershipFactory(group=group, user=ketua)
    roti = listed_product(
        "Roti Manis",
        group=group,
        variants=[
            {"label": "Cokelat", "price": 5000, "stock": None, "position": 0},
            {"label": "Keju", "price": 6000, "stock": None, "position": 1},
        ],
    )
    listed_product("Bolu", group=group, price=30000, stock=None)
    db.session.commit()
    login_as(ketua)
    page = client.get(f"/kelola/{group.slug}/pre-order/baru").get_data(as_text=True)
    choco, cheese = roti.variants
    assert "Roti Manis · Cokelat" in page and "Roti Manis · Keju" in page and "Bolu" in page

    # Bad input: a past day, nothing offered; clear messages, nothing made.
    past = (jakarta_today() - timedelta(days=1)).isoformat()
    refused = client.post(
        f"/kelola/{group.slug}/pre-order/baru",
        data=_round_form(last_order_day=past, **{f"cap_{choco.id}": "10"}),
    )
    assert refused.status_code == 422
    assert "Hari terakhir pemesanan sudah lewat." in refused.get_data(as_text=True)
    empty = client.post(f"/kelola/{group.slug}/pre-order/baru", data=_round_form())
    assert empty.status_code == 422
    assert "Isi kuota untuk sedikitnya satu produk." in empty.get_data(as_text=True)
    wrong = client.post(
        f"/kelola/{group.slug}/pre-order/baru", data=_round_form(**{f"cap_{choco.id}": "0"})
    )
    assert wrong.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0

    made = client.post(
        f"/kelola/{group.slug}/pre-order/baru",
        data=_round_form(**{f"cap_{choco.id}": "40", f"cap_{cheese.id}": "20"}),
    )
    assert made.status_code == 303
    round_ = db.session.scalar(select(Round))
    assert made.headers["Location"].endswith(f"/kelola/{group.slug}/pre-order/{round_.id}")
    assert sorted((i.variant_id, i.capacity) for i in round_.items) == [
        (choco.id, 40),
        (cheese.id, 20),
    ]
    assert db.session.get(Product, roti.id).preorder_round_id == round_.id
    assert db.session.get(Group, group.id).open_rounds == 1
    # A product already in an open round is not offered for another.
    again = client.get(f"/kelola/{group.slug}/pre-order/baru").get_data(as_text=True)
    assert "Roti Manis" not in again and "Bolu" in again


def test_another_groups_round_is_a_404(client, login_as, round_shop):
    outsider = UserFactory()
    MembershipFactory(user=outsider)
    db.session.commit()
    login_as(outsider)
    slug, rid = round_shop.group.slug, round_shop.round.id
    assert client.get(f"/kelola/{slug}/pre-order/{rid}").status_code == 404
    assert client.get(f"/kelola/{slug}/pre-order/{rid}/cetak").status_code == 404
    assert client.get(f"/kelola/{slug}/pre-order/{rid}/produksi.csv").status_code == 404
    assert client.post(f"/kelola/{slug}/pre-order/{rid}/siap").status_code == 404


def _orders(app, shop):
    assert (
        buy(
            app.test_client(), shop.group, {shop.small: 2, shop.large: 1}, name="Bu Sari"
        ).status_code
        == 303
    )
    assert (
        buy(
            app.test_client(), shop.group, {shop.small: 1}, name="Bu Tini", email="tini@example.id"
        ).status_code
        == 303
    )
    assert (
        buy(app.test_client(), shop.group, {shop.large: 2}, name="Pak Budi", email="").status_code
        == 303
    )


def test_closing_at_the_deadline_tells_buyers_once_and_gives_the_lists(
    app, client, clock, login_as, round_shop
):
    shop = round_shop
    _orders(app, shop)
    assert jobs.close_due() == 0  # not yet
    clock.move_to(shop.round.closes_at)
    assert jobs.close_due() == 1
    assert jobs.close_due() == 0  # idempotent: nobody is told twice
    round_ = db.session.get(Round, shop.round.id)
    assert round_.status is RoundStatus.CLOSED
    assert db.session.get(Product, shop.nastar.id).preorder_round_id is None
    assert db.session.get(Group, shop.group.id).open_rounds == 0
    told = db.session.scalars(
        select(OutboxMessage.recipient).where(OutboxMessage.kind == "round_closed")
    ).all()
    assert sorted(told) == ["sari@example.id", "tini@example.id"]  # Pak Budi gave no email

    login_as(shop.ketua)
    page = client.get(f"/kelola/{shop.group.slug}/pre-order/{round_.id}").get_data(as_text=True)
    assert "Daftar produksi" in page and "Daftar ambil dan antar" in page
    production = client.get(f"/kelola/{shop.group.slug}/pre-order/{round_.id}/produksi.csv")
    assert production.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(production.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        ["Produk", "Varian", "Jumlah", "Pesanan"],
        ["Kue Nastar", "Toples 250 g", "3", "2"],
        ["Kue Nastar", "Toples 500 g", "3", "2"],
    ]
    handover = client.get(f"/kelola/{shop.group.slug}/pre-order/{round_.id}/serah.csv")
    buyers = list(csv.reader(io.StringIO(handover.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[0] for row in buyers[1:]] == ["Bu Sari", "Bu Tini", "Pak Budi"]
    assert "Kue Nastar (Toples 250 g) × 2; Kue Nastar (Toples 500 g) × 1" in buyers[1]
    printout = client.get(f"/kelola/{shop.group.slug}/pre-order/{round_.id}/cetak")
    text = printout.get_data(as_text=True)
    assert printout.status_code == 200 and "data-print" in text and "Pak Budi" in text


def test_a_formula_in_a_buyers_name_is_not_run_by_the_spreadsheet(
    app, client, clock, login_as, round_shop
):
    shop = round_shop
    buy(app.test_client(), shop.group, {shop.small: 1}, name='=HYPERLINK("x")')
    clock.move_to(shop.round.closes_at)
    jobs.close_due()
    login_as(shop.ketua)
    body = client.get(f"/kelola/{shop.group.slug}/pre-order/{shop.round.id}/serah.csv")
    assert "'=HYPERLINK" in body.get_data(as_text=True)


def test_ready_tells_the_buyers_and_only_after_closing(app, client, clock, login_as, round_shop):
    shop = round_shop
    _orders(app, shop)
    login_as(shop.ketua)
    url = f"/kelola/{shop.group.slug}/pre-order/{shop.round.id}"
    early = client.post(f"{url}/siap", follow_redirects=True).get_data(as_text=True)
    assert "Ronde masih menerima pesanan" in early
    assert db.session.get(Round, shop.round.id).status is RoundStatus.OPEN
    clock.move_to(shop.round.closes_at + timedelta(minutes=1))
    jobs.close_due()
    assert "Tandai siap dan beri tahu pembeli" in client.get(url).get_data(as_text=True)
    done = client.post(f"{url}/siap", follow_redirects=True).get_data(as_text=True)
    assert "Ronde ditandai siap" in done
    assert db.session.get(Round, shop.round.id).status is RoundStatus.READY
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "round_ready")
    ).all()
    assert sorted(m.recipient for m in told) == ["sari@example.id", "tini@example.id"]
    assert "Ambil di rumah Bu Ani" in told[0].body_text


def test_whatsapp_buyers_hear_of_the_closing(app, clock, round_shop, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")
    shop = round_shop
    buy(app.test_client(), shop.group, {shop.small: 1}, email="", phone="0812-1111-2222")
    clock.move_to(shop.round.closes_at)
    jobs.close_due()
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.channel == "whatsapp", OutboxMessage.kind == "round_closed"
        )
    )
    assert message.recipient == "+6281211112222"
    assert message.template == "buyer_round_closed"
    assert "Kue Lebaran" in message.body_text


def test_the_round_pages_statements_do_not_grow(
    app, client, count_queries, clock, login_as, round_shop
):
    shop = round_shop
    login_as(shop.ketua)
    base = f"/kelola/{shop.group.slug}/pre-order"

    def counted(url):
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    buy(app.test_client(), shop.group, {shop.small: 1}, name="Pembeli Pertama")
    urls = (base, f"{base}/{shop.round.id}", f"{base}/{shop.round.id}/cetak")
    few = {url: counted(url) for url in urls}
    _orders(app, shop)
    other = listed_product("Kastengel", group=shop.group, price=40000, stock=None)
    db.session.commit()
    from tests.functional.rounds.conftest import open_cookie_round

    open_cookie_round(shop.group, shop.ketua, {other.variants[0]: 9})
    many = {url: counted(url) for url in few}
    assert many == few
    assert max(few.values()) <= 12
