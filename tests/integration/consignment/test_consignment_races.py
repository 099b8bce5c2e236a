"""The same visit sent several times at once (a double tap on a slow phone,
or two members pressing "Save the visit" on the same warung together),
against a real threaded server: it is recorded once."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from shop.catalogue.models import Variant
from shop.consignment import services
from shop.consignment.models import ConsignmentLine, Outlet, Visit
from shop.consignment.services import Item
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Role
from tests.conftest import make_live_app, serve

SENDS = 8


def _field(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no {name} in the form: {html[:3000]}"
    return re.search(r'value="([^"]*)"', match.group(0)).group(1)


def _group_at_an_outlet(group_name: str, stock: int):
    """A member's group with one product of `stock` units and an outlet (in
    the app context; nothing committed)."""
    from tests.factories import (
        GroupFactory,
        MembershipFactory,
        OutletFactory,
        ProductFactory,
        VariantFactory,
    )

    membership = MembershipFactory(role=Role.MEMBER, group=GroupFactory(name=group_name))
    product = ProductFactory(group=membership.group, name="Abon Lele")
    variant = VariantFactory(product=product, label="100 g", price=25000, stock=stock)
    outlet = OutletFactory(group=membership.group, name="Warung Bu Sari")
    db.session.flush()
    return membership, variant, outlet


def _logged_in(base: str, login: str, url: str) -> tuple[str, dict]:
    """Log in through the form, then open `url`: its HTML and the cookies."""
    with requests.Session() as http:
        page = http.get(f"{base}/masuk", timeout=60).text
        response = http.post(
            f"{base}/masuk",
            data={
                "csrf_token": _field(page, "csrf_token"),
                "login": login,
                "password": "rahasia-123",
            },
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 302
        return http.get(f"{base}{url}", timeout=60).text, http.cookies.get_dict()


def _post_at_once(url: str, data: dict, cookies: dict) -> list[int]:
    """`data` posted to `url` SENDS times at the same moment: the status codes."""
    everyone_ready = threading.Barrier(SENDS, timeout=120)

    def send(_n: int) -> int:
        with requests.Session() as http:
            http.cookies.update(cookies)
            everyone_ready.wait()
            return http.post(url, data=data, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=SENDS) as pool:
        return list(pool.map(send, range(SENDS)))


@pytest.mark.no_db_transaction
def test_a_visit_sent_many_times_at_once_is_recorded_once(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "consignment_race")
    with app.app_context():
        membership, variant, outlet = _group_at_an_outlet("Kelompok Balap", stock=50)
        group = membership.group
        note = services.leave_goods(group, outlet, jakarta_today(), [Item(variant.id, 50, 20000)])
        db.session.commit()
        login = membership.user.phone or membership.user.email
        url = f"/kelola/{group.slug}/titip/warung/{outlet.id}/kunjungan"
        line_id, outlet_id, variant_id = note.lines[0].id, outlet.id, variant.id

    with serve(app) as base:
        form, cookies = _logged_in(base, login, url)
        sent = {
            "csrf_token": _field(form, "csrf_token"),
            "shown_after": _field(form, "shown_after"),
            "visited_on": jakarta_today().isoformat(),
            f"line-{line_id}-sold": "2",
            f"line-{line_id}-restocked": "1",
            "money_received": "40000",
        }
        codes = _post_at_once(f"{base}{url}", sent, cookies)

    with app.app_context():
        visits = db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.outlet_id == outlet_id)
        )
        outlet = db.session.get(Outlet, outlet_id)
        stock = db.session.get(Variant, variant_id).stock
    assert codes == [302] * SENDS, codes
    assert visits == 1
    assert (outlet.sold_value, outlet.received) == (40000, 40000)
    assert stock == 1


@pytest.mark.no_db_transaction
def test_taking_back_a_visit_many_times_at_once_takes_it_back_once(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "consignment_undo_race")
    today = jakarta_today()
    with app.app_context():
        membership, variant, outlet = _group_at_an_outlet("Kelompok Urung", stock=20)
        group = membership.group
        note = services.leave_goods(group, outlet, today, [Item(variant.id, 20, 10000)])
        line_id = note.lines[0].id
        for _ in range(2):
            last = services.record_visit(
                group, outlet, today, [services.Count(line_id, sold=5)], money_received=50000
            )
        db.session.commit()
        login = membership.user.phone or membership.user.email
        page_url = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
        undo_url = f"{page_url}/kunjungan/{last.id}/batal"
        outlet_id = outlet.id

    with serve(app) as base:
        page, cookies = _logged_in(base, login, page_url)
        token = _field(page, "csrf_token")
        codes = _post_at_once(f"{base}{undo_url}", {"csrf_token": token}, cookies)

    with app.app_context():
        visits = db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.outlet_id == outlet_id)
        )
        outlet = db.session.get(Outlet, outlet_id)
        line = db.session.get(ConsignmentLine, line_id)
    # Whoever came after the first finds the visit gone: refused (back to
    # the outlet page) or not found, never a server error.
    assert all(code in (302, 404) for code in codes), codes
    assert visits == 1
    assert line.sold == 5
    assert (outlet.sold_value, outlet.received) == (50000, 50000)
