"""An office posts a request, confirms its contact with a code, and the
groups that fit are told; bad input changes nothing; a lost link comes back
with a new code."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditAction, AuditEntry
from shop.bulk.models import BulkInvitation, BulkRequest, RequestStatus
from shop.catalogue.models import Category
from shop.core.clock import jakarta_today
from shop.db import utcnow
from shop.extensions import db
from tests.factories import GroupCapacityFactory, GroupFactory, MembershipFactory, UserFactory
from tests.functional.accounts.recovery_support import last_code as whatsapp_code
from tests.functional.accounts.recovery_support import whatsapp_on  # noqa: F401  (fixture)
from tests.functional.bulk.bulk_support import last_code, messages, request_form


def _requests() -> list[BulkRequest]:
    return list(db.session.scalars(select(BulkRequest)))


def test_a_request_opens_with_its_code_and_the_fitting_groups_are_told(client, fitting_group):
    # Not told: another province, another category, too little a week.
    far = GroupFactory(province_code="32", regency_code="32.73")
    GroupCapacityFactory(group=far, category=Category.CAKES, weekly_quantity=500)
    MembershipFactory(group=far, user=UserFactory(email="far@example.test"))
    crafts = GroupFactory()
    GroupCapacityFactory(group=crafts, category=Category.CRAFTS, weekly_quantity=500)
    small = GroupFactory()
    GroupCapacityFactory(group=small, category=Category.CAKES, weekly_quantity=5)

    response = client.post("/borongan/baru", data=request_form())
    assert response.status_code == 303
    path = response.headers["Location"]
    [bulk] = _requests()
    assert bulk.status is RequestStatus.PENDING
    assert bulk.budget_per_unit == 15000 and bulk.quantity == 300
    assert bulk.contact_phone == "+6281299990000"
    # Nobody is told before the code comes back.
    assert messages("bulk_request") == []
    page = client.get(path).get_data(as_text=True)
    assert "Enter it to confirm the request" in page

    wrong = client.post(f"{path}/konfirmasi", data={"code": "000000"})
    assert wrong.status_code == 200
    assert "This code is wrong" in wrong.get_data(as_text=True)
    assert db.session.get(BulkRequest, bulk.id).status is RequestStatus.PENDING

    code = last_code("rina@dinas.example")
    assert client.post(f"{path}/konfirmasi", data={"code": code}).status_code == 303
    bulk = db.session.get(BulkRequest, bulk.id)
    assert bulk.status is RequestStatus.OPEN and bulk.contact_verified_at is not None
    told = db.session.scalars(
        select(BulkInvitation.group_id).where(BulkInvitation.request_id == bulk.id)
    ).all()
    assert told == [fitting_group.id]
    [email] = messages("bulk_request")
    assert email.recipient == "ketua@melati.example"
    assert f"/kelola/kue-melati/borongan/{bulk.number}" in email.body_text
    [link] = messages("bulk_link", "rina@dinas.example")
    assert path in link.body_text
    # The code works once.
    again = client.post(f"{path}/konfirmasi", data={"code": code})
    assert "already confirmed" in again.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == AuditAction.BULK_OPENED)
        )
        == 1
    )


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(client):
    cases = [
        ({"quantity": "0"}, "Give a quantity between 1 and 1,000,000."),
        ({"quantity": "dua ratus"}, "Not a valid integer value."),
        ({"needed_by": jakarta_today().isoformat()}, "Give a date after today."),
        ({"budget_per_unit": "-5"}, "Give a budget per unit in whole rupiah."),
        ({"email": "", "phone": "0812-9999-0000"}, "Give an email address"),
        ({"phone": "12"}, "Enter a valid phone number"),
        ({"regency": "32.73"}, "Choose a regency/city in the chosen province."),
    ]
    for change, message in cases:
        response = client.post("/borongan/baru", data=request_form(**change))
        assert response.status_code in (200, 422), change
        assert message in response.get_data(as_text=True), change
    assert _requests() == []
    assert messages("bulk_code") == []


def test_a_private_link_with_a_wrong_key_is_404(client, post_and_confirm):
    path = post_and_confirm()
    number = path.split("/")[2]
    assert client.get(f"/borongan/{number}/wrong-key").status_code == 404
    assert client.post(f"/borongan/{number}/wrong-key/terima", data={}).status_code == 404
    assert client.get("/borongan/BR-NOPE00/x").status_code == 404


def test_a_lost_link_comes_back_with_a_new_code(client, post_and_confirm):
    path = post_and_confirm()
    start = client.post("/borongan/akses", data={"contact": "RINA@dinas.example"})
    assert start.status_code == 303
    code = last_code("rina@dinas.example")
    assert client.get("/borongan/milik-saya").status_code == 303  # not proved yet
    wrong = client.post("/borongan/akses/kode", data={"code": "111111"})
    assert "This code is wrong" in wrong.get_data(as_text=True)
    done = client.post("/borongan/akses/kode", data={"code": code})
    assert done.status_code == 303 and done.headers["Location"] == "/borongan/milik-saya"
    mine = client.get("/borongan/milik-saya").get_data(as_text=True)
    assert f'href="{path}"' in mine


def test_an_unknown_contact_gets_the_same_page_and_no_code(client):
    response = client.post("/borongan/akses", data={"contact": "nobody@example.test"})
    assert response.status_code == 303
    assert messages("bulk_code") == []
    page = client.get("/borongan/akses/kode").get_data(as_text=True)
    assert "If requests were made with this contact" in page


def test_the_form_in_indonesian(client):
    client.set_cookie("lang", "id")
    page = client.get("/borongan/baru").get_data(as_text=True)
    assert "Pesan dalam jumlah besar" in page
    bad = client.post("/borongan/baru", data=request_form(quantity="0"))
    assert "Isi jumlah antara 1 dan 1.000.000." in bad.get_data(as_text=True)


@pytest.mark.usefixtures("whatsapp_on")
def test_with_whatsapp_on_the_code_and_the_alerts_go_by_whatsapp(
    client, fitting_group, second_group
):
    # Melati's number is verified; Mawar's was only typed and hears nothing.
    fitting_group.whatsapp_verified_at = utcnow()
    second_group.whatsapp = "+6281377770000"
    db.session.commit()
    response = client.post("/borongan/baru", data=request_form(email=""))
    assert response.status_code == 303
    path = response.headers["Location"]
    [sent] = messages("bulk_code", "+6281299990000")
    assert sent.template == "verify_code"
    code = whatsapp_code("verify_code", "+6281299990000")
    assert client.post(f"{path}/konfirmasi", data={"code": code}).status_code == 303
    [bulk] = _requests()
    # The group's own number hears of it, and the office gets its link.
    [alert] = messages("bulk_request", fitting_group.whatsapp)
    assert alert.template == "group_bulk_request"
    assert bulk.number in alert.body_text and "Dinas Koperasi Kota Jambi" in alert.body_text
    [link] = messages("bulk_link", "+6281299990000")
    assert path in link.body_text
    # Mawar was told too (its members' emails), but not on its unverified number.
    assert db.session.scalar(
        select(func.count())
        .select_from(BulkInvitation)
        .where(BulkInvitation.group_id == second_group.id)
    )
    assert messages("bulk_request", "+6281377770000") == []


def test_without_javascript_the_region_button_lists_the_regencies_and_saves_nothing(client):
    form = request_form(regency="", region_refresh="Show regencies/districts")
    response = client.post("/borongan/baru", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="15.71"' in page  # Kota Jambi, now in the regency list
    assert 'value="Dinas Koperasi Kota Jambi"' in page  # what was typed stays
    assert _requests() == []
    assert messages("bulk_code") == []
