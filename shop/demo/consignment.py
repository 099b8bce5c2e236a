"""The consignment side of the demo: outlets, drop-offs and visits.

It goes through `shop.consignment.services` like a group's clicks, so stock
leaves and comes back and the outlets' running totals add up. It runs after
the demo orders took their stock: a drop-off never asks for more than is in
stock, a visit never counts more than is still out, and money is capped at
what the outlet owes, so the story holds whatever the orders left.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from shop.catalogue.models import Product, Variant
from shop.consignment import services
from shop.consignment.models import ConsignmentLine
from shop.consignment.services import Count, Item
from shop.core.clock import jakarta_today
from shop.demo.data.outlets import OUTLETS, DemoOutlet
from shop.extensions import db
from shop.groups.models import Group


def load_consignment(groups: list[Group], today: date | None = None) -> dict[str, int]:
    """Every demo outlet with its drop-offs and visits; counts of what was made."""
    today = today or jakarta_today()
    by_name = {group.name: group for group in groups}
    made = {"outlets": 0, "drop_offs": 0, "visits": 0}
    for demo in OUTLETS:
        group = by_name[demo.group]
        _load_outlet(group, demo, today, made)
    db.session.flush()
    return made


def _variants(group: Group) -> dict[tuple[str, str], Variant]:
    rows = db.session.execute(
        select(Product.name, Variant).join(Variant.product).where(Product.group_id == group.id)
    )
    return {(name, variant.label): variant for name, variant in rows}


def _load_outlet(group: Group, demo: DemoOutlet, today: date, made: dict[str, int]) -> None:
    leader = next(m.user for m in group.memberships if m.is_leader)
    outlet = services.create_outlet(group, demo.data)
    made["outlets"] += 1
    variants = _variants(group)
    # Oldest first; on the same day the visit comes before the new drop-off.
    events = [(d.days_ago, 1, i, d) for i, d in enumerate(demo.drop_offs)]
    events += [(v.days_ago, 0, i, v) for i, v in enumerate(demo.visits)]
    lines: dict[int, dict[tuple[str, str], ConsignmentLine]] = {}
    for days_ago, is_drop_off, index, event in sorted(events, key=lambda e: (-e[0], e[1])):
        day = today - timedelta(days=days_ago)
        if is_drop_off:
            items = []
            for goods in event.goods:
                variant = variants[(goods.product, goods.variant)]
                quantity = goods.quantity
                if variant.stock is not None:
                    quantity = min(quantity, variant.stock)
                if quantity > 0:
                    items.append(Item(variant.id, quantity, goods.unit_price))
            if not items:
                continue
            note = services.leave_goods(
                group, outlet, day, items, note=event.note, by=leader, today=today
            )
            lines[index] = {(line.product_name, line.variant_label): line for line in note.lines}
            made["drop_offs"] += 1
        else:
            counts, value = [], 0
            for count in event.counts:
                line = lines.get(count.drop_off, {}).get((count.product, count.variant))
                if line is None:
                    continue
                left = line.out
                sold = min(count.sold, left)
                restocked = min(count.restocked, left - sold)
                written_off = min(count.written_off, left - sold - restocked)
                counts.append(Count(line.id, sold, restocked, written_off))
                value += sold * line.unit_price
            money = min(event.money, outlet.owed + value)
            services.record_visit(
                group, outlet, day, counts, money, note=event.note, by=leader, today=today
            )
            made["visits"] += 1
