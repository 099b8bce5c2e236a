"""The refused page names whom to ask as a person would read it: the
coordinator with the organisation inside the sentence, and the WhatsApp
number written the local way (0813-…), the link going to wa.me."""

from __future__ import annotations

from shop.coordinators.verification.services import suspend_group
from shop.extensions import db
from shop.groups.models import Role
from tests.factories import CoordinatorFactory, MembershipFactory, UserFactory


def test_the_coordinator_to_ask_is_named_with_organisation_and_local_number(client, login_as):
    coordinator = CoordinatorFactory(
        user=UserFactory(name="Bu Ratna", phone="+6281377778888"), organisation="BKKBN Jambi"
    )
    leader = MembershipFactory(role=Role.LEADER)
    suspend_group(leader.group, "Nomor PIRT tidak terdaftar.", by=coordinator.user)
    db.session.commit()
    login_as(leader.user)
    client.get("/bahasa/en")

    response = client.get(f"/kelola/{leader.group.slug}/produk/baru")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "contact Bu Ratna (BKKBN Jambi), the coordinator who suspended your group." in html
    assert '<a href="https://wa.me/6281377778888">WhatsApp 0813-7777-8888</a>' in html
    assert "+6281377778888" not in html
