"""What the ledger pages say: visit due, the WhatsApp reminder, goods past
their shelf life, the empty state."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

from shop.consignment import services
from shop.consignment.services import Item
from shop.core.clock import jakarta_today
from shop.extensions import db
from tests.functional.consignment.conftest import text_of


def test_empty_overview_explains_and_offers_an_outlet(client, group):
    page = client.get(f"/kelola/{group.slug}/titip").get_data(as_text=True)
    assert "Consignment (titip jual) means leaving your goods at a warung or shop" in page
    assert f'href="/kelola/{group.slug}/titip/warung/baru"' in page
    assert "Add an outlet" in page


def test_due_visit_expired_goods_and_reminder(client, group, outlet, abon, kerupuk):
    today = jakarta_today()
    services.leave_goods(group, outlet, today - timedelta(days=40), [Item(abon.id, 3, 22000)])
    db.session.flush()

    overview = client.get(f"/kelola/{group.slug}/titip").get_data(as_text=True)
    text = text_of(overview)
    assert "Warung Bu Sari" in text
    assert "Visit due" in text
    assert "Goods past their shelf life: take them back" in text
    assert "Oldest goods out 40 days" in text
    assert "Still out 3 units · Rp66,000" in text
    # The reminder is the same message as on the outlet page.
    page = client.get(f"/kelola/{group.slug}/titip/warung/{outlet.id}").get_data(as_text=True)
    link = re.search(r'href="(https://wa.me/6281298765432\?text=[^"]+)"', overview).group(1)
    assert link in page
    message = unquote(link.split("text=", 1)[1].replace("&amp;", "&"))
    assert "Abon Lele (100 g): 3" in message

    page = client.get(f"/kelola/{group.slug}/titip/warung/{outlet.id}").get_data(as_text=True)
    text = text_of(page)
    assert "Visit due" in text
    assert "Past its shelf life since" in text
    assert 'href="https://wa.me/6281298765432?text=' in page
    assert "button-wa" in page  # prominent while due
    assert "Days out 40" in text


def test_expiring_soon_and_not_due(client, group, outlet, abon):
    today = jakarta_today()
    services.leave_goods(group, outlet, today - timedelta(days=28), [Item(abon.id, 1, 22000)])
    outlet.visit_every_days = 30
    db.session.flush()
    text = text_of(client.get(f"/kelola/{group.slug}/titip").get_data(as_text=True))
    assert "Goods expire soon" in text and "Visit due" not in text
    page = client.get(f"/kelola/{group.slug}/titip/warung/{outlet.id}").get_data(as_text=True)
    assert "Expires soon" in page
    # Not due yet: the reminder is there, not prominent.
    assert "wa.me/" in page and "button-wa" not in page


def test_no_reminder_without_a_number(client, group, outlet, abon):
    outlet.whatsapp = None
    services.leave_goods(
        group, outlet, jakarta_today() - timedelta(days=9), [Item(abon.id, 1, 22000)]
    )
    db.session.flush()
    page = client.get(f"/kelola/{group.slug}/titip/warung/{outlet.id}").get_data(as_text=True)
    assert "wa.me/" not in page
    assert "Add the owner’s WhatsApp number to send a reminder." in page


def test_indonesian_by_default(client, group, outlet, abon):
    client.get("/bahasa/id")
    page = client.get(f"/kelola/{group.slug}/titip/warung/{outlet.id}/titip")
    assert page.status_code == 200
    assert '<html lang="id"' in page.get_data(as_text=True)
