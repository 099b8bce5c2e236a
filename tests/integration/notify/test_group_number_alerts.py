"""The group's own number hears of orders only once verified: through the real
Cloud API client against the fake Graph API, the code a ketua asks for
reaches the group's number, and only after it is typed back do the group's
order alerts go there too."""

from __future__ import annotations

from sqlalchemy import select

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.groups.models import Role
from shop.notify.delivery import deliver_due
from shop.notify.models import OutboxMessage, OutboxStatus
from tests.factories import GroupFactory, ProductFactory, VariantFactory
from tests.functional.accounts.recovery_support import _recovery_limits  # noqa: F401  (fixture)
from tests.functional.groups.test_groups import PROFILE
from tests.integration.notify.test_order_alerts_whatsapp import (
    GROUP_NUMBER,
    checkout,
    member,
    sent_to,
)

KETUA_NUMBER = "+6281311110001"


def _group_with_unverified_number():
    group = GroupFactory(name="Kelompok Abon Jambi", whatsapp=GROUP_NUMBER)
    product = ProductFactory(group=group, name="Abon Lele")
    variant = VariantFactory(product=product, price=25000, stock=10)
    refresh_derived(product)
    ketua = member(group, Role.LEADER, KETUA_NUMBER)
    db.session.commit()
    return group, variant, ketua


def _code_sent_to(graph_api, number: str) -> str:
    [message] = [
        m
        for m in graph_api.messages
        if m["to"] == number.lstrip("+") and m["template"]["name"] == "etalase_verify_code"
    ]
    [body] = [c for c in message["template"]["components"] if c["type"] == "body"]
    return body["parameters"][0]["text"]


def test_the_groups_number_gets_alerts_only_after_its_code_comes_back(client, login_as, graph_api):
    group, variant, ketua = _group_with_unverified_number()

    # Before verification: the ketua hears of the order, the group's number not.
    checkout(client, group, variant)
    deliver_due()
    assert sent_to(graph_api, "group_new_order") == [KETUA_NUMBER]

    login_as(ketua.user)
    client.post(f"/kelola/{group.slug}/nomor-whatsapp/kirim-kode")
    deliver_due()
    code = _code_sent_to(graph_api, GROUP_NUMBER)
    # The sent code is masked in the outbox row, as a person's own codes are.
    [row] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "verify_code")
    ).all()
    assert row.status is OutboxStatus.SENT and code not in row.body_text
    verified = client.post(f"/kelola/{group.slug}/nomor-whatsapp", data={"code": code})
    assert verified.status_code == 303
    assert group.whatsapp_verified_at is not None
    client.post("/keluar")

    checkout(client, group, variant)
    deliver_due()
    assert sorted(sent_to(graph_api, "group_new_order")) == sorted(
        [KETUA_NUMBER, KETUA_NUMBER, GROUP_NUMBER]
    )


def test_a_number_changed_in_the_profile_hears_nothing_until_verified_again(
    client, login_as, graph_api
):
    group, variant, ketua = _group_with_unverified_number()
    group.whatsapp_verified_at = group.created_at
    db.session.commit()
    checkout(client, group, variant)
    deliver_due()
    assert sorted(sent_to(graph_api, "group_new_order")) == sorted([KETUA_NUMBER, GROUP_NUMBER])

    login_as(ketua.user)
    profile = {**PROFILE, "whatsapp": "0813-9999-8888"}
    assert client.post(f"/kelola/{group.slug}/profil", data=profile).status_code == 302
    client.post("/keluar")
    checkout(client, group, variant)
    deliver_due()
    # The second order reaches the ketua only: neither the old number nor the new.
    assert sorted(sent_to(graph_api, "group_new_order")) == sorted(
        [KETUA_NUMBER, GROUP_NUMBER, KETUA_NUMBER]
    )
