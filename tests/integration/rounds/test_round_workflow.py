"""Every move of a round's state table in every state: the service does what
the table says, refuses the rest with the table's words, and the round's
page offers exactly the table's buttons."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.rounds import services
from shop.rounds.models import RoundStatus
from shop.rounds.workflow import ROUND_FLOW
from tests.factories import MembershipFactory, RoundFactory, UserFactory
from tests.integration.workflow_walk import buttons, english_fixture  # noqa: F401

SOURCES = {"tutup": {RoundStatus.OPEN}, "siap": {RoundStatus.CLOSED}}


def _past_its_deadline(status: RoundStatus):
    round_ = RoundFactory(status=status)
    round_.closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    return round_


@pytest.mark.parametrize("status", list(RoundStatus))
@pytest.mark.parametrize("name", list(SOURCES))
def test_every_round_move_in_every_state(english, name, status):
    assert ROUND_FLOW[name].sources == SOURCES[name]
    round_ = _past_its_deadline(status)
    move = ROUND_FLOW[name]
    if name == "tutup":
        # The periodic job's move: it claims the round or says it did not.
        assert services.close_round(round_, utcnow()) is (status in SOURCES[name])
        assert round_.status is (move.target if status in SOURCES[name] else status)
        return
    user = UserFactory()
    if status in SOURCES[name]:
        services.mark_ready(round_, user)
        assert round_.status is move.target
        return
    with pytest.raises(DomainError) as refused:
        services.mark_ready(round_, user)
    assert str(refused.value.message) == str(ROUND_FLOW.refusal(round_, name).message)
    assert round_.status is status


def test_a_round_not_yet_due_is_not_closed(english):
    round_ = RoundFactory()
    assert services.close_round(round_, utcnow()) is False
    assert round_.status is RoundStatus.OPEN


def test_the_round_page_shows_the_buttons_of_the_table(client, login_as):
    for status in RoundStatus:
        round_ = RoundFactory(status=status)
        member = MembershipFactory(group=round_.group)
        db.session.commit()
        login_as(member.user)
        html = client.get(f"/kelola/{round_.group.slug}/pre-order/{round_.id}").get_data(
            as_text=True
        )
        shown = buttons(html, r'action="/kelola/[^/]+/pre-order/\d+/([a-z-]+)"')
        assert shown == set(ROUND_FLOW.offered(round_)), status
        client.post("/keluar")
