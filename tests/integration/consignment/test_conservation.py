"""Property test: under any sequence of leave / sell / return / pay / undo /
cancel, nothing is created or lost and the money is exact.

Hypothesis draws the sequences, including ones that must be refused (more
than is in stock or out there, more money than owed). Each step runs as a
view runs it, in a savepoint rolled back on refusal. After every step:

- for every tracked variant: stock + out at outlets + sold + written off
  equals the stock it started with (goods that come back still good are in
  stock again);
- for every line: left = out + sold + back in stock + written off;
- for every outlet: what it owes is exactly the sales at the agreed prices
  minus the money received, never below zero, and the per-product ledger
  adds up to it;
- everything equals a plain-Python model of the same steps.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from shop.catalogue.models import Variant
from shop.catalogue.services import refresh_derived
from shop.consignment import ledger, services
from shop.consignment.models import Consignment, ConsignmentLine, Outlet
from shop.consignment.services import Count, Item
from shop.errors import DomainError
from shop.extensions import db
from tests.factories import GroupFactory, OutletFactory, ProductFactory, VariantFactory

TODAY = date(2026, 11, 23)
START_STOCK = (6, 3)  # two tracked variants; the third is made to order
PRICES = (20000, 7500, 12000)

leave = st.tuples(
    st.just("leave"),
    st.integers(0, 1),  # outlet
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 8), st.sampled_from([0, 9999, 15000])),
        max_size=3,
    ),
)
visit = st.tuples(
    st.just("visit"),
    st.integers(0, 1),
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 4), st.integers(0, 3), st.integers(0, 2)),
        max_size=3,
    ),
    st.sampled_from([0, 1, 5000, 9999, 20000, 60000]),
)
undo = st.tuples(st.just("undo"), st.integers(0, 1))
cancel = st.tuples(st.just("cancel"), st.integers(0, 30))
steps = st.lists(st.one_of(leave, visit, undo, cancel), min_size=1, max_size=14)


class Model:
    """The same bookkeeping in plain Python."""

    def __init__(self, variants, outlets):
        self.stock = {v.id: v.stock for v in variants}
        self.outlets = {o.id: {"sold_value": 0, "received": 0} for o in outlets}
        self.lines: dict[int, dict] = {}  # line id → counters
        self.visits: dict[int, list] = {o.id: [] for o in outlets}  # stack of visits

    def left(self, consignment):
        for line in consignment.lines:
            if line.from_stock:
                self.stock[line.variant_id] -= line.quantity
            self.lines[line.id] = {
                "qty": line.quantity,
                "sold": 0,
                "restocked": 0,
                "written_off": 0,
                "price": line.unit_price,
                "variant": line.variant_id,
                "tracked": line.from_stock,
                "note": consignment.id,
            }

    def visited(self, outlet_id, visit_id, counts, money):
        for count in counts:
            line = self.lines[count.line_id]
            for key in ("sold", "restocked", "written_off"):
                line[key] += getattr(count, key)
            if line["tracked"]:
                self.stock[line["variant"]] += count.restocked
            self.outlets[outlet_id]["sold_value"] += count.sold * line["price"]
        self.outlets[outlet_id]["received"] += money
        self.visits[outlet_id].append((visit_id, counts, money))

    def undone(self, outlet_id):
        _, counts, money = self.visits[outlet_id].pop()
        for count in counts:
            line = self.lines[count.line_id]
            for key in ("sold", "restocked", "written_off"):
                line[key] -= getattr(count, key)
            if line["tracked"]:
                self.stock[line["variant"]] -= count.restocked
            self.outlets[outlet_id]["sold_value"] -= count.sold * line["price"]
        self.outlets[outlet_id]["received"] -= money

    def cancelled(self, consignment_id):
        for line_id in [i for i, line in self.lines.items() if line["note"] == consignment_id]:
            line = self.lines.pop(line_id)
            if line["tracked"]:
                self.stock[line["variant"]] += line["qty"]


def attempt(action):
    savepoint = db.session.begin_nested()
    try:
        result = action()
    except DomainError:
        savepoint.rollback()
        db.session.expire_all()
        return None
    savepoint.commit()
    return result


def check(model, variants, outlets):
    db.session.expire_all()
    for variant in variants:
        fresh = db.session.get(Variant, variant.id)
        assert fresh.stock == model.stock[variant.id]
    lines = {line.id: line for line in db.session.scalars(select(ConsignmentLine))}
    assert set(lines) == set(model.lines)
    for line_id, expected in model.lines.items():
        line = lines[line_id]
        assert (line.sold, line.restocked, line.written_off) == (
            expected["sold"],
            expected["restocked"],
            expected["written_off"],
        )
        assert line.quantity == line.out + line.sold + line.restocked + line.written_off
        assert line.out >= 0
    # Conservation per tracked variant.
    for variant, start in zip(variants[:2], START_STOCK, strict=True):
        mine = [line for line in lines.values() if line.variant_id == variant.id]
        total = (
            db.session.get(Variant, variant.id).stock
            + sum(line.out for line in mine)
            + sum(line.sold for line in mine)
            + sum(line.written_off for line in mine)
        )
        assert total == start
    for outlet in outlets:
        fresh = db.session.get(Outlet, outlet.id)
        expected = model.outlets[outlet.id]
        assert (fresh.sold_value, fresh.received) == (expected["sold_value"], expected["received"])
        sold = sum(
            line.sold * line.unit_price
            for line in lines.values()
            if line.consignment.outlet_id == outlet.id
        )
        assert fresh.sold_value == sold and 0 <= fresh.owed == sold - fresh.received
        view = ledger.outlet_ledger(fresh)
        assert sum(row.owed for row in view.rows) == fresh.owed
        assert sum(row.paid for row in view.rows) == fresh.received
        assert all(0 <= row.paid <= row.sold_value for row in view.rows)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
def test_goods_and_money_are_conserved(app_ctx, plan):
    outer = db.session.begin_nested()
    try:
        group, variants, outlets = starting_point()
        model = Model(variants, outlets)
        day = TODAY - timedelta(days=len(plan))
        run = {"leave": run_leave, "visit": run_visit, "undo": run_undo, "cancel": run_cancel}
        for step in plan:
            day += timedelta(days=1)
            kind, *args = step
            run[kind](model, group, variants, outlets, day, *args)
            check(model, variants, outlets)
    finally:
        outer.rollback()
        # Ids are used again after a rollback (SQLite): nothing of this
        # example may stay in the session for the next one.
        db.session.expunge_all()


def starting_point():
    """A group with two tracked variants and one made to order, and two outlets."""
    group = GroupFactory()
    variants = [
        VariantFactory(product=ProductFactory(group=group), stock=START_STOCK[0], price=PRICES[0]),
        VariantFactory(product=ProductFactory(group=group), stock=START_STOCK[1], price=PRICES[1]),
        VariantFactory(product=ProductFactory(group=group), stock=None, price=PRICES[2]),
    ]
    for variant in variants:
        refresh_derived(variant.product)
    outlets = [OutletFactory(group=group), OutletFactory(group=group)]
    db.session.flush()
    return group, variants, outlets


def run_leave(model, group, variants, outlets, day, outlet_index, drawn) -> None:
    outlet = outlets[outlet_index]
    items = [Item(variants[v].id, q, p) for v, q, p in drawn]
    note = attempt(
        lambda o=outlet, i=items, d=day: services.leave_goods(group, o, d, i, today=TODAY)
    )
    if note is not None:
        model.left(note)


def run_visit(model, group, variants, outlets, day, outlet_index, drawn, money) -> None:
    outlet = outlets[outlet_index]
    known = sorted(model.lines)
    counts = [Count(known[i % len(known)], s, r, w) for i, s, r, w in drawn if known]
    # One count per line (a form has one row per line).
    counts = list({c.line_id: c for c in counts}.values())
    visit = attempt(
        lambda o=outlet, c=counts, m=money, d=day: services.record_visit(
            group, o, d, c, m, today=TODAY
        )
    )
    if visit is not None:
        model.visited(outlet.id, visit.id, [c for c in counts if c.total], money)


def run_undo(model, group, variants, outlets, day, outlet_index) -> None:
    outlet = outlets[outlet_index]
    latest = services.latest_visit(outlet)
    if latest is not None:
        restocked = any(entry.restocked for entry in latest.lines)
        if attempt(lambda v=latest: services.undo_visit(v) or True):
            model.undone(outlet.id)
        else:
            # Refused only when goods it put back in stock have left it since.
            assert restocked


def run_cancel(model, group, variants, outlets, day, pick) -> None:
    notes = list(db.session.scalars(select(Consignment).order_by(Consignment.id)))
    if notes:
        note = notes[pick % len(notes)]
        note_id = note.id
        if attempt(lambda n=note: services.cancel_consignment(n) or True):
            model.cancelled(note_id)
