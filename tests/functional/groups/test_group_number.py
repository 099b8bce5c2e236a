"""The group's own WhatsApp number verified by a code: a ketua sends a code to
it and types it back; wrong, expired and used-up codes are refused with a
clear message, sends are throttled, a changed number starts unverified, and
the page is closed to everyone but the group's ketua."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shop.accounts.recovery_models import AccountCode, CodePurpose
from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db
from shop.groups.models import Role
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.functional.accounts.recovery_support import (  # noqa: F401  (fixtures)
    _english,
    _recovery_limits,
    last_code,
    messages,
    whatsapp_on,
)
from tests.functional.groups.test_groups import PROFILE

GROUP_NUMBER = "+6281277778888"
VERIFIED = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def ketua(client, login_as):
    group = GroupFactory(name="Kelompok Abon Jambi", whatsapp=GROUP_NUMBER)
    membership = MembershipFactory(
        group=group, role=Role.LEADER, user=UserFactory(phone_verified_at=VERIFIED)
    )
    db.session.commit()
    login_as(membership.user)
    return membership


def _url(membership, tail: str = "") -> str:
    return f"/kelola/{membership.group.slug}/nomor-whatsapp{tail}"


def _group_codes(group) -> list[AccountCode]:
    return list(
        db.session.scalars(
            select(AccountCode).where(AccountCode.group_id == group.id).order_by(AccountCode.id)
        )
    )


def _send(client, membership):
    return client.post(_url(membership, "/kirim-kode"), follow_redirects=True)


def _enter(client, membership, code: str):
    return client.post(_url(membership), data={"code": code})


@pytest.mark.usefixtures("whatsapp_on")
def test_a_ketua_sends_a_code_to_the_groups_number_and_verifies_it(client, ketua):
    group = ketua.group
    page = client.get(_url(ketua)).get_data(as_text=True)
    assert "Not yet verified" in page and "0812-7777-8888" in page
    assert "Send a code to this number" in page
    assert 'name="code"' not in page  # nothing to type before a code is sent

    sent = _send(client, ketua).get_data(as_text=True)
    assert "A code is on its way to the group’s WhatsApp number." in sent
    assert 'name="code"' in sent
    assert [m.recipient for m in messages("verify_code")] == [GROUP_NUMBER]
    code = last_code("verify_code", GROUP_NUMBER)
    [row] = _group_codes(group)
    assert row.purpose is CodePurpose.VERIFY_GROUP_PHONE and row.user_id == ketua.user_id
    assert row.expires_at - row.created_at == timedelta(minutes=15)

    wrong = "000000" if code != "000000" else "111111"
    refused = _enter(client, ketua, wrong)
    assert refused.status_code == 200
    assert "This code is wrong or no longer works. Ask for a new one." in refused.get_data(
        as_text=True
    )
    assert group.whatsapp_verified_at is None
    assert _group_codes(group)[0].tries == 1  # the wrong try is kept

    done = _enter(client, ketua, code)
    assert done.status_code == 303
    assert group.whatsapp_verified_at is not None
    page = client.get(_url(ketua)).get_data(as_text=True)
    assert "The group’s WhatsApp number is verified. Order alerts now go to it." in page
    assert "Verified" in page and "Send a code" not in page
    [entry] = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.group_id == group.id,
            AuditEntry.action == AuditAction.GROUP_WHATSAPP_VERIFIED,
        )
    ).all()
    assert entry.actor_id == ketua.user_id and entry.details == "0812-7777-8888"

    # A used code works no more, and a verified number gets no new code.
    assert "no number waiting" in _send(client, ketua).get_data(as_text=True)
    assert len(messages("verify_code")) == 1


@pytest.mark.usefixtures("whatsapp_on")
def test_another_ketua_may_type_the_code_one_of_them_asked_for(client, ketua, login_as):
    other = MembershipFactory(
        group=ketua.group, role=Role.LEADER, user=UserFactory(phone_verified_at=VERIFIED)
    )
    db.session.commit()
    _send(client, ketua)
    code = last_code("verify_code", GROUP_NUMBER)
    client.post("/keluar")
    login_as(other.user)
    assert _enter(client, other, code).status_code == 303
    assert ketua.group.whatsapp_verified_at is not None


@pytest.mark.usefixtures("whatsapp_on")
def test_an_expired_code_or_one_tried_too_often_is_refused(client, ketua):
    group = ketua.group
    _send(client, ketua)
    code = last_code("verify_code", GROUP_NUMBER)
    row = _group_codes(group)[-1]
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    expired = _enter(client, ketua, code).get_data(as_text=True)
    assert "This code is wrong or no longer works. Ask for a new one." in expired
    assert group.whatsapp_verified_at is None

    row = _group_codes(group)[-1]
    row.created_at -= timedelta(minutes=2)
    db.session.commit()
    _send(client, ketua)
    code = last_code("verify_code", GROUP_NUMBER)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        _enter(client, ketua, wrong)
    # Five wrong tries: even the right code is refused now.
    dead = _enter(client, ketua, code).get_data(as_text=True)
    assert "This code is wrong or no longer works. Ask for a new one." in dead
    assert group.whatsapp_verified_at is None


@pytest.mark.usefixtures("whatsapp_on")
def test_sending_codes_is_throttled(client, ketua, app, monkeypatch):
    group = ketua.group
    _send(client, ketua)
    too_soon = _send(client, ketua).get_data(as_text=True)
    assert "Please wait" in too_soon and "seconds before asking for a new code" in too_soon
    assert "You can ask for a new code in" in too_soon
    assert len(messages("verify_code")) == 1

    monkeypatch.setitem(app.config, "VERIFY_RESEND_SECONDS", 0)
    monkeypatch.setitem(app.config, "VERIFY_CODES_PER_HOUR", 3)
    _send(client, ketua)
    _send(client, ketua)
    refused = _send(client, ketua).get_data(as_text=True)
    assert "Too many codes were sent in the last hour. Try again later." in refused
    assert len(messages("verify_code")) == 3
    # Only the latest code works.
    codes = _group_codes(group)
    assert [c.revoked_at is None for c in codes] == [False, False, True]


@pytest.mark.usefixtures("whatsapp_on")
def test_a_changed_number_starts_unverified_and_an_old_code_does_not_verify_it(client, ketua):
    group = ketua.group
    _send(client, ketua)
    code_to_old = last_code("verify_code", GROUP_NUMBER)

    profile = {**PROFILE, "whatsapp": "0812-1111-2222"}
    assert client.post(f"/kelola/{group.slug}/profil", data=profile).status_code == 302
    assert group.whatsapp == "+6281211112222" and group.whatsapp_verified_at is None
    refused = _enter(client, ketua, code_to_old).get_data(as_text=True)
    assert "This code is wrong or no longer works. Ask for a new one." in refused
    assert group.whatsapp_verified_at is None

    group.whatsapp_verified_at = VERIFIED
    db.session.commit()
    # Saving the profile with the same number keeps it verified…
    client.post(f"/kelola/{group.slug}/profil", data={**profile, "whatsapp": "0812 1111 2222"})
    assert group.whatsapp_verified_at == VERIFIED
    # … a new number or none clears it.
    client.post(f"/kelola/{group.slug}/profil", data={**profile, "whatsapp": "0813-5555-6666"})
    assert group.whatsapp == "+6281355556666" and group.whatsapp_verified_at is None
    group.whatsapp_verified_at = VERIFIED
    db.session.commit()
    client.post(f"/kelola/{group.slug}/profil", data={**profile, "whatsapp": ""})
    assert group.whatsapp is None and group.whatsapp_verified_at is None
    page = client.get(_url(ketua)).get_data(as_text=True)
    assert "The group has no WhatsApp number of its own." in page


def test_without_whatsapp_the_page_says_so_and_sends_nothing(client, ketua):
    page = client.get(_url(ketua)).get_data(as_text=True)
    assert "This site does not send WhatsApp messages at the moment." in page
    refused = _send(client, ketua).get_data(as_text=True)
    assert "This site does not send WhatsApp messages at the moment." in refused
    assert messages("verify_code") == [] and _group_codes(ketua.group) == []


@pytest.mark.usefixtures("whatsapp_on")
def test_only_the_groups_ketua_may_verify_its_number(client, ketua, login_as):
    group = ketua.group
    member = MembershipFactory(group=group, role=Role.MEMBER)
    outsider = MembershipFactory(role=Role.LEADER)
    db.session.commit()
    client.post("/keluar")

    login_as(outsider.user)
    assert client.get(_url(ketua)).status_code == 404
    assert client.post(_url(ketua, "/kirim-kode")).status_code == 404
    assert client.post(_url(ketua), data={"code": "123456"}).status_code == 404
    client.post("/keluar")

    # A plain member knows the group (403, as on its other ketua-only pages).
    login_as(member.user)
    assert client.get(_url(ketua)).status_code == 403
    assert client.post(_url(ketua, "/kirim-kode")).status_code == 403
    client.post("/keluar")

    assert client.get(_url(ketua)).status_code == 302  # to the log-in page
    login_as(ketua.user)
    assert client.post(_url(ketua, "/kirim-kode"), csrf=False).status_code == 400
    assert messages("verify_code") == []


@pytest.mark.usefixtures("whatsapp_on")
def test_the_alerts_and_profile_pages_tell_alerts_wait_for_verification(client, ketua, login_as):
    group = ketua.group
    member = MembershipFactory(group=group, role=Role.MEMBER)
    db.session.commit()
    alerts = f"/kelola/{group.slug}/pemberitahuan"
    waiting = "Order alerts start going to the group’s number once it is verified"

    page = client.get(alerts).get_data(as_text=True)
    assert waiting in page and "Not yet verified" in page
    assert f'href="{_url(ketua)}"' in page
    assert "gets every alert" not in page
    profile = client.get(f"/kelola/{group.slug}/profil").get_data(as_text=True)
    assert waiting in profile and f'href="{_url(ketua)}"' in profile
    client.post("/keluar")

    login_as(member.user)
    page = client.get(alerts).get_data(as_text=True)
    assert waiting in page and "A ketua of the group can verify it." in page
    assert f'href="{_url(ketua)}"' not in page

    group.whatsapp_verified_at = VERIFIED
    db.session.commit()
    page = client.get(alerts).get_data(as_text=True)
    assert "The group’s own WhatsApp number 0812-7777-8888 gets every alert." in page
    assert waiting not in page


@pytest.mark.usefixtures("whatsapp_on")
def test_the_page_reads_in_indonesian(client, ketua):
    client.set_cookie("lang", "id")
    page = client.get(_url(ketua)).get_data(as_text=True)
    assert "Belum diverifikasi" in page and "Kirim kode ke nomor ini" in page
    client.post(_url(ketua, "/kirim-kode"))
    ketua.group.whatsapp_verified_at = VERIFIED
    db.session.commit()
    assert "Terverifikasi" in client.get(_url(ketua)).get_data(as_text=True)
