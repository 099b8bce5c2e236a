"""Taking things back in the consignment story: a visit undone, a note
cancelled, an outlet archived and restored, and what refuses each."""

from __future__ import annotations

from sqlalchemy import select

from shop.consignment.models import Consignment, Visit
from shop.core.clock import jakarta_today
from shop.extensions import db
from tests.functional.consignment.conftest import leave, stock_of


def test_undo_visit_cancel_note_archive_and_restore(client, group, outlet, abon):
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    today = jakarta_today()
    first = leave(client, outlet, abon, 3)
    second = leave(client, outlet, abon, 2)
    second_number, second_id = second.number, second.id
    first_line_id = first.lines[0].id
    assert stock_of(abon) == 5
    client.post(
        f"{base}/kunjungan",
        data={"visited_on": today.isoformat(), f"line-{first.lines[0].id}-sold": "1"},
    )
    visit_id = db.session.scalar(select(Visit.id).where(Visit.outlet_id == outlet.id))

    # Archive refused while goods are out: the service's message, nothing changed.
    page = client.post(f"{base}/arsip", follow_redirects=True).get_data(as_text=True)
    assert "Goods are still at this outlet." in page
    db.session.expire_all()
    assert outlet.archived_at is None

    only_the_uncounted_note_is_cancelled(client, group, base, first, second_number, second_id)
    assert stock_of(abon) == 7
    take_back_the_visit(client, base, outlet, visit_id)

    # Clear the outlet, then archive and restore it.
    client.post(
        f"{base}/kunjungan",
        data={"visited_on": today.isoformat(), f"line-{first_line_id}-restocked": "3"},
    )
    assert stock_of(abon) == 10
    archive_then_restore(client, group, base, outlet)


def only_the_uncounted_note_is_cancelled(client, group, base, first, second_number, second_id):
    """The counted note cannot be cancelled (no button, and refused by POST);
    the uncounted one can: its goods go back into stock."""
    page = client.get(base).get_data(as_text=True)
    assert f"/titip/nota/{second_number}/batal" in page
    assert f"/titip/nota/{first.number}/batal" not in page
    page = client.post(
        f"/kelola/{group.slug}/titip/nota/{first.number}/batal", follow_redirects=True
    ).get_data(as_text=True)
    assert "it can no longer be cancelled" in page
    assert db.session.get(Consignment, first.id) is not None

    page = client.post(
        f"/kelola/{group.slug}/titip/nota/{second_number.lower()}/batal", follow_redirects=True
    ).get_data(as_text=True)
    assert f"Note {second_number} is cancelled; its goods are back in stock." in page
    assert db.session.get(Consignment, second_id) is None


def take_back_the_visit(client, base, outlet, visit_id) -> None:
    """Take back the visit: the sale is undone."""
    page = client.get(base).get_data(as_text=True)
    assert f"/kunjungan/{visit_id}/batal" in page
    page = client.post(f"{base}/kunjungan/{visit_id}/batal", follow_redirects=True)
    assert "The visit is taken back" in page.get_data(as_text=True)
    assert db.session.get(Visit, visit_id) is None
    db.session.expire_all()
    assert outlet.sold_value == 0


def archive_then_restore(client, group, base, outlet) -> None:
    """Archive the cleared outlet: it is listed apart and takes no goods and
    no visits; then restore it."""
    response = client.post(f"{base}/arsip")
    assert response.headers["Location"].endswith(f"/kelola/{group.slug}/titip")
    db.session.expire_all()
    assert outlet.archived_at is not None
    overview = client.get(f"/kelola/{group.slug}/titip").get_data(as_text=True)
    assert "1 archived outlet" in overview and "outlet-card" not in overview
    archived = client.get(f"/kelola/{group.slug}/titip?arsip=1").get_data(as_text=True)
    assert "Warung Bu Sari" in archived
    # An archived outlet takes no goods and no visits.
    page = client.get(f"{base}/titip", follow_redirects=True).get_data(as_text=True)
    assert "This outlet is archived. Restore it first." in page
    client.post(f"{base}/pulihkan")
    db.session.expire_all()
    assert outlet.archived_at is None


def test_archive_refused_while_money_is_owed(client, group, outlet, abon):
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    today = jakarta_today().isoformat()
    line = leave(client, outlet, abon, 1).lines[0]
    client.post(f"{base}/kunjungan", data={"visited_on": today, f"line-{line.id}-sold": "1"})
    page = client.post(f"{base}/arsip", follow_redirects=True).get_data(as_text=True)
    assert "This outlet still owes Rp20,000. Record the payment first." in page
    db.session.expire_all()
    assert outlet.archived_at is None


def test_only_the_latest_visit_can_be_taken_back(client, group, outlet, abon):
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    today = jakarta_today().isoformat()
    line_id = leave(client, outlet, abon, 4).lines[0].id
    for _ in range(2):
        client.post(f"{base}/kunjungan", data={"visited_on": today, f"line-{line_id}-sold": "1"})
    first, latest = db.session.scalars(
        select(Visit.id).where(Visit.outlet_id == outlet.id).order_by(Visit.id)
    ).all()
    page = client.get(base).get_data(as_text=True)
    assert f"/kunjungan/{latest}/batal" in page and f"/kunjungan/{first}/batal" not in page
    page = client.post(f"{base}/kunjungan/{first}/batal", follow_redirects=True)
    assert "Only the latest visit to an outlet can be taken back." in page.get_data(as_text=True)
    assert db.session.get(Visit, first) is not None
    db.session.expire_all()
    assert outlet.sold_value == 40000
