"""Taking and giving back a round's capacity, as stock is taken
(shop.catalogue.stock): one conditional UPDATE whose rows are locked in
ascending id, each taken only where enough is left on the row as it is now
and the round still takes orders; the CHECK (taken <= capacity) is the last
line of defence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select, update

from shop.extensions import db
from shop.rounds.models import Round, RoundItem, RoundStatus


def take_all(quantities: dict[int, int], now: datetime) -> set[int]:
    """Take each item's quantity (item id -> units) in one statement; the ids
    taken. An item missing from the answer had too little left, or its round
    closed: the others were taken, so the caller must roll back."""
    if not quantities:
        return set()
    wanted = case(quantities, value=RoundItem.id)
    taking = select(Round.id).where(Round.status == RoundStatus.OPEN, Round.closes_at > now)
    locked = (
        select(RoundItem.id)
        .where(RoundItem.id.in_(sorted(quantities)))
        .order_by(RoundItem.id)
        .with_for_update(key_share=True)
    )
    taken = db.session.execute(
        update(RoundItem)
        .where(
            RoundItem.id.in_(locked),
            RoundItem.round_id.in_(taking),
            RoundItem.taken + wanted <= RoundItem.capacity,
        )
        .values(taken=RoundItem.taken + wanted)
        .returning(RoundItem.id)
        .execution_options(synchronize_session=False)
    )
    return set(taken.scalars())


def give_back(lines) -> None:
    """The capacity of a cancelled or expired order's lines placed in a
    round, in ascending item id (the order the checkout locks them in)."""
    back: dict[int, int] = {}
    for line in lines:
        if line.round_item_id is not None:
            back[line.round_item_id] = back.get(line.round_item_id, 0) + line.quantity
    for item_id in sorted(back):
        db.session.execute(
            update(RoundItem)
            .where(RoundItem.id == item_id)
            .values(taken=RoundItem.taken - back[item_id])
            .execution_options(synchronize_session=False)
        )
