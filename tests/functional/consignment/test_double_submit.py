"""The same consignment form sent twice (a double tap on a slow connection,
or the back button and "Save" again) saves once: the second one lands on the
outlet's page, where the first save can be seen."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from shop.catalogue.models import Variant
from shop.consignment import services
from shop.consignment.models import Consignment, Visit
from shop.consignment.services import Item
from shop.core.clock import jakarta_today
from shop.extensions import db
from tests.functional.consignment.conftest import text_of


def _shown_after(html: str) -> str:
    field = re.search(r'<input[^>]*name="shown_after"[^>]*>', html)
    assert field, html[:3000]
    return re.search(r'value="(\d+)"', field.group(0)).group(1)


def _count(model, outlet) -> int:
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.outlet_id == outlet.id)
    )


def test_a_visit_sent_twice_is_recorded_once(client, group, outlet, abon):
    today = jakarta_today()
    note = services.leave_goods(group, outlet, today, [Item(abon.id, 10, 20000)])
    db.session.flush()
    line_id = note.lines[0].id
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    form = client.get(f"{base}/kunjungan").get_data(as_text=True)
    sent = {
        "shown_after": _shown_after(form),
        "visited_on": today.isoformat(),
        f"line-{line_id}-sold": "3",
        f"line-{line_id}-restocked": "1",
        "money_received": "40000",
    }

    first = client.post(f"{base}/kunjungan", data=sent)
    assert first.status_code == 302
    second = client.post(f"{base}/kunjungan", data=sent)
    assert second.status_code == 302 and second.headers["Location"].endswith(base)

    db.session.expire_all()
    assert _count(Visit, outlet) == 1
    assert outlet.sold_value == 60000 and outlet.received == 40000
    assert db.session.get(Variant, abon.id).stock == 1  # 10 - 10 left + 1 back, once
    page = text_of(client.get(second.headers["Location"]).get_data(as_text=True))
    assert "A visit to this outlet was recorded after you opened the form" in page

    # A form opened now is current again.
    form = client.get(f"{base}/kunjungan").get_data(as_text=True)
    again = client.post(
        f"{base}/kunjungan",
        data={**sent, "shown_after": _shown_after(form), "money_received": ""},
    )
    assert again.status_code == 302
    assert _count(Visit, outlet) == 2


def test_a_drop_off_sent_twice_is_saved_once(client, group, outlet, abon):
    today = jakarta_today()
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    form = client.get(f"{base}/titip").get_data(as_text=True)
    sent = {
        "shown_after": _shown_after(form),
        "left_on": today.isoformat(),
        f"item-{abon.id}-quantity": "4",
        f"item-{abon.id}-unit_price": "20000",
    }

    first = client.post(f"{base}/titip", data=sent)
    assert first.status_code == 302
    second = client.post(f"{base}/titip", data=sent)
    assert second.status_code == 302 and second.headers["Location"].endswith(base)

    db.session.expire_all()
    assert _count(Consignment, outlet) == 1
    assert db.session.get(Variant, abon.id).stock == 6
    page = text_of(client.get(second.headers["Location"]).get_data(as_text=True))
    assert "A note for this outlet was saved after you opened the form" in page

    form = client.get(f"{base}/titip").get_data(as_text=True)
    assert (
        client.post(f"{base}/titip", data={**sent, "shown_after": _shown_after(form)}).status_code
        == 302
    )
    assert _count(Consignment, outlet) == 2
    assert db.session.get(Variant, abon.id).stock == 2


def test_a_forged_or_missing_form_marker_is_only_no_protection(client, group, outlet, abon):
    """Without the marker (an old page, a hand-made POST) the form still
    saves; a garbage marker is no 500."""
    today = jakarta_today()
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    for marker in ("", "x", "-1", "٣", "99999999999999999999999", "1e9"):
        response = client.post(
            f"{base}/titip",
            data={
                "shown_after": marker,
                "left_on": today.isoformat(),
                f"item-{abon.id}-quantity": "1",
                f"item-{abon.id}-unit_price": "20000",
            },
        )
        assert response.status_code == 302, marker
    assert _count(Consignment, outlet) == 6
