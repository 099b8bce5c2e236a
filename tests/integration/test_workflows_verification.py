"""Group verification's state table (shop.groups.workflow), walked entry by
entry: each move in each (verification, status) of a group, and the buttons
the coordinator's pages show. How the walks work: test_workflows.py."""

from __future__ import annotations

import pytest

from shop.coordinators.verification import services as verification
from shop.errors import DomainError
from shop.extensions import db
from shop.groups import documents
from shop.groups.models import (
    GroupStatus,
    Programme,
    Role,
    Verification,
)
from shop.groups.workflow import EVERY, VERIFICATION_FLOW
from tests.factories import (
    CoordinatorFactory,
    GroupFactory,
    MembershipFactory,
)
from tests.integration.workflow_walk import (
    buttons,
    english_fixture,  # noqa: F401
)

# Group verification: the state is (verification, status).

V, G = Verification, GroupStatus
VERIFICATION_SOURCES = {
    "verifikasi": {(V.UNVERIFIED, G.ACTIVE), (V.CHANGES_REQUESTED, G.ACTIVE)},
    "minta-perbaikan": {(v, g) for v in (V.UNVERIFIED, V.VERIFIED) for g in G},
    "tangguhkan": {(v, G.ACTIVE) for v in V},
    "aktifkan": {(v, G.SUSPENDED) for v in V},
    "catatan": set(EVERY),
    "tinjau-ulang": {(V.CHANGES_REQUESTED, g) for g in G},
}


def _verification_refusal(name, standing):
    verification_state, status = standing
    return {
        "verifikasi": (
            "This group is already verified."
            if verification_state is V.VERIFIED
            else "This group is suspended. Reinstate it before verifying it."
        ),
        "minta-perbaikan": (
            "Changes are already requested and the group has not asked for review yet. "
            "Add a note if you want to tell it more."
        ),
        "tangguhkan": "This group is already suspended.",
        "aktifkan": "This group is not suspended.",
        "tinjau-ulang": (
            "No changes were asked of your group, so there is nothing to review again."
        ),
    }[name]


def _verification_service(name, group, by):
    return {
        "verifikasi": lambda: verification.verify_group(group, by=by),
        "minta-perbaikan": lambda: verification.request_changes(group, "Unggah SK", by=by),
        "tangguhkan": lambda: verification.suspend_group(group, "Laporan pembeli", by=by),
        "aktifkan": lambda: verification.reinstate_group(group, "", by=by),
        "catatan": lambda: verification.add_note(group, "Ditelepon", by=by),
        "tinjau-ulang": lambda: documents.request_review(group),
    }[name]


def _jambi_group(standing):
    verification_state, status = standing
    return GroupFactory(
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        district_code=None,
        verification=verification_state,
        status=status,
    )


@pytest.mark.parametrize("standing", sorted(EVERY), ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("name", list(VERIFICATION_SOURCES))
def test_every_verification_move_in_every_state(english, name, standing):
    assert VERIFICATION_FLOW[name].sources == VERIFICATION_SOURCES[name]
    coordinator = CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])
    group = _jambi_group(standing)
    db.session.flush()
    move = VERIFICATION_FLOW[name]
    service = _verification_service(name, group, coordinator.user)
    if standing in VERIFICATION_SOURCES[name]:
        service()
        if move.target is not None:
            assert move.target in (group.verification, group.status)
        return
    with pytest.raises(DomainError) as refused:
        service()
    assert str(refused.value.message) == _verification_refusal(name, standing)
    assert (group.verification, group.status) == standing


def test_the_verification_pages_show_the_buttons_of_the_table(client, login_as):
    coordinator = CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])
    for standing in sorted(EVERY):
        group = _jambi_group(standing)
        member = MembershipFactory(role=Role.MEMBER, group=group)
        db.session.flush()
        offered = set(VERIFICATION_FLOW.offered(group))

        login_as(coordinator.user)
        html = client.get(f"/koordinator/kelompok/{group.slug}").get_data(as_text=True)
        shown = buttons(html, r'action="/koordinator/kelompok/[^/]+/([a-z-]+)"')
        assert shown == offered - {"tinjau-ulang"}, standing
        client.post("/keluar")

        login_as(member.user)
        html = client.get(f"/kelola/{group.slug}/verifikasi").get_data(as_text=True)
        assert ("/verifikasi/tinjau-ulang" in html) is ("tinjau-ulang" in offered), standing
        client.post("/keluar")
