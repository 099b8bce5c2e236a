"""A round's life, one table read by the group's page (which buttons) and by
the services (which move is legal): orders are taken while it is open; it
closes at its deadline (the periodic task, never a person: buyers were
promised the date); the group marks it ready when the goods are made."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.rounds.models import Round, RoundStatus
from shop.workflow import Move, Workflow

ROUND_FLOW: Workflow[Round, RoundStatus] = Workflow(
    lambda r: r.status,
    {
        "tutup": Move(
            frozenset({RoundStatus.OPEN}),
            RoundStatus.CLOSED,
            who="the periodic task, at the deadline",
            refused=_l("This round is already closed."),
            shown=frozenset(),
        ),
        "siap": Move(
            frozenset({RoundStatus.CLOSED}),
            RoundStatus.READY,
            who="a member of the group",
            refused=lambda state: (
                _l("The round is still taking orders: it can be ready once it closes.")
                if state is RoundStatus.OPEN
                else _l("This round is already marked ready.")
            ),
            done=_l("The round is marked ready. Its buyers are told."),
        ),
    },
)
