"""The rollups give exactly the full count: orders in every state over many
groups and months, rolled up, then changed (paid, confirmed, cancelled,
expired, refunded, a line added, an order placed in a past month, a group
moved to another programme and region); after every step the figures read
through the rollups (every group's rows, or the cells per month, programme
and province) equal the figures counted from the orders alone (and the count
as it was before the rollups), for several scopes and filters, before and
after the marked group-months are refreshed and the current month is
brought forward."""

from __future__ import annotations

import random
from dataclasses import astuple
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from shop.catalogue.models import Product, ProductStatus
from shop.coordinators.scope import Scope
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Group, GroupStatus, Programme
from shop.jobs import run_in_process_jobs
from shop.monitoring import cli, rollups, sources
from shop.monitoring.filters import Filters, default_start
from shop.monitoring.models import built_months, cell_figures, dirty_months, month_figures
from shop.monitoring.queries import Monitoring, monitoring
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.payments.models import RefundCause
from tests.factories import (
    CoordinatorFactory,
    GroupFactory,
    OrderLineFactory,
    ProductFactory,
    RefundFactory,
    make_order,
)
from tests.integration.monitoring.full_recount import monitoring as full_recount

REGENCIES = ("15.71", "15.05", "32.73", "32.04")
STATUSES = [*OrderStatus]
CELLS_USED: list[Filters] = []


def table(data: Monitoring) -> list[tuple]:
    return [astuple(row) for row in [*data.rows, data.total]]


def assert_same(scope: Scope, filters: Filters) -> None:
    if sources.cells_answer(scope, filters):
        CELLS_USED.append(filters)
    rolled = monitoring(scope, filters)
    assert table(rolled) == table(monitoring(scope, filters, use_rollups=False)), filters
    assert table(rolled) == table(full_recount(scope, filters)), filters


@pytest.fixture
def orders(app_ctx):
    """Eight groups, 240 orders over the last 14 months (today's too)."""
    rnd = random.Random(5)
    groups = [
        GroupFactory(
            name=f"Kelompok {i}",
            programme=list(Programme)[i % 3],
            province_code=REGENCIES[i % 4][:2],
            regency_code=REGENCIES[i % 4],
            district_code=None,
        )
        for i in range(8)
    ]
    now = datetime.now(UTC)
    made = []
    for n in range(240):
        created = now - timedelta(seconds=rnd.randrange(420 * 86400)) if n else now
        status = rnd.choice(STATUSES)
        confirmed = status not in (OrderStatus.PLACED, OrderStatus.EXPIRED) and rnd.random() < 0.9
        made.append(
            make_order(
                rnd.choice(groups),
                created_at=created,
                status=status,
                payment_status=PaymentStatus.PAID if rnd.random() < 0.6 else PaymentStatus.UNPAID,
                # Whole hours often, so that equal values and the middle of
                # two meet the interval bounds.
                confirmed_at=created
                + timedelta(seconds=rnd.choice([3600, 7200, rnd.randrange(1, 300_000)]))
                if confirmed
                else None,
                lines=[("Abon", rnd.choice([5000, 12500, 25000]), rnd.randint(1, 4))]
                * rnd.randint(1, 2),
            )
        )
    for order in rnd.sample(made, 12):
        RefundFactory(order=order, amount=rnd.randint(1, 9) * 1000, cause=RefundCause.CANCELLED)
    for i, group in enumerate(groups[:7]):  # the last group has no product
        for n in range(i % 4 + 1):
            ProductFactory(group=group, status=list(ProductStatus)[n % 3])
        ProductFactory(group=group, hidden_at=now)
    db.session.flush()
    return groups, made


def change_products(groups) -> None:
    """Publish, hide, archive, delete, move and add products and suspend a
    group, through the ORM as the app does."""
    products = list(db.session.scalars(select(Product).order_by(Product.id)))
    drafts = [p for p in products if p.status is ProductStatus.DRAFT]
    shown = [p for p in products if p.status is ProductStatus.PUBLISHED and p.hidden_at is None]
    drafts[0].status = ProductStatus.PUBLISHED
    shown[0].hidden_at = datetime.now(UTC)
    shown[1].status = ProductStatus.ARCHIVED
    db.session.delete(shown[2])
    shown[3].group = groups[7]
    ProductFactory(group=groups[6])
    groups[5].status = GroupStatus.SUSPENDED


def scopes() -> list[Scope]:
    return [
        Scope.of(CoordinatorFactory(is_operator=True)),
        Scope.of(CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])),
        Scope.of(CoordinatorFactory(regions=["32.73", "15.05"])),
    ]


def filter_sets() -> list[Filters]:
    today = jakarta_today()
    start = default_start(today)
    half = today - timedelta(days=200)
    found = [Filters(start, today, by) for by in ("programme", "province", "regency", "group")]
    found += [
        Filters(start, today, "month"),
        Filters(today - timedelta(days=400), today, "month"),
        Filters(half, today - timedelta(days=20), "group"),
        Filters(start, today, "regency", programme=Programme.UPPKA),
        Filters(start, today, "group", province="32"),
        Filters(start, today, "programme", regency="15.71", q="kelompok"),
        Filters(today.replace(day=1), today, "programme"),
    ]
    return found


def check_everything(scopes_: list[Scope]) -> None:
    for scope in scopes_:
        for filters in filter_sets():
            assert_same(scope, filters)


def test_rollups_equal_the_full_count_through_changes(orders):
    groups, made = orders
    every = scopes()
    check_everything(every)  # nothing built: all from the orders

    # Every month up to two days ago, then (the next keep_up) up to an hour
    # ago: the current month is brought forward, its new orders added.
    now = datetime.now(UTC)
    assert rollups.keep_up(now - timedelta(days=2))
    assert db.session.scalar(select(func.count()).select_from(month_figures)) > 0
    assert db.session.scalar(select(func.count()).select_from(cell_figures)) > 0
    assert rollups.rebuild(write=False) == []
    check_everything(every)
    rollups.keep_up(now)
    assert db.session.scalar(select(func.max(built_months.c.through))) > now - timedelta(hours=2)
    assert rollups.rebuild(write=False) == []
    CELLS_USED.clear()
    check_everything(every)
    assert len(CELLS_USED) >= 8  # the cells answered for those pages

    this_month = rollups.current_month()
    past = [o for o in made if rollups.current_month(o.created_at) < this_month]
    rnd = random.Random(9)
    # Orders of this month placed hours ago are in its rollup too.
    for order in [
        o
        for o in made
        if rollups.current_month(o.created_at) == this_month
        and o.created_at < now - timedelta(hours=2)
    ]:
        order.status = OrderStatus.CANCELLED
    for order in rnd.sample(past, 10):
        order.status = OrderStatus.CANCELLED
    for order in rnd.sample(past, 10):
        order.payment_status = PaymentStatus.PAID
        order.confirmed_at = order.created_at + timedelta(hours=3)
    for order in rnd.sample(past, 5):
        order.status = OrderStatus.EXPIRED
    RefundFactory(order=past[0], amount=7000)
    OrderLineFactory(order=past[1], quantity=3)
    make_order(
        groups[2],
        created_at=past[2].created_at,
        confirmed_at=past[2].created_at + timedelta(hours=1),
        payment_status=PaymentStatus.PAID,
    )
    groups[0].programme = Programme.LAPAS
    groups[0].province_code, groups[0].regency_code = "32", "32.04"
    change_products(groups)
    db.session.flush()

    marked = db.session.scalar(select(func.count()).select_from(dirty_months))
    assert marked > 0
    check_everything(every)  # the marked group-months come from the orders

    assert rollups.refresh_dirty() == marked
    assert db.session.scalar(select(func.count()).select_from(dirty_months)) == 0
    assert rollups.rebuild(write=False) == []
    check_everything(every)


def test_placing_an_order_marks_nothing(orders, count_queries):
    """An order of today (what checkout places) runs no statement of the
    rollups; one of a past month marks its group-month."""
    groups, _made = orders
    rollups.keep_up()
    with count_queries() as counter:
        make_order(groups[0], lines=[("Abon", 25000, 1)])
    assert not [s for s in counter.statements if "monitoring" in s]
    assert db.session.scalar(select(func.count()).select_from(dirty_months)) == 0

    long_ago = datetime.now(UTC) - timedelta(days=100)
    make_order(groups[0], created_at=long_ago)
    assert db.session.execute(select(dirty_months.c.group_id, dirty_months.c.month)).all() == [
        (groups[0].id, rollups.current_month(long_ago))
    ]

    # After the commit, the job (in this process: no queue) folds it back in.
    db.session.commit()
    run_in_process_jobs()
    assert db.session.scalar(select(func.count()).select_from(dirty_months)) == 0
    assert rollups.rebuild(write=False) == []


def test_rebuild_finds_what_the_marks_cannot_see(orders):
    """A change written without the ORM (a bulk UPDATE) is not marked; the
    rebuild command finds it, says so and writes the count."""
    rollups.keep_up()
    months = rollups.ended_months()
    first, last = rollups.month_bounds(months[-1])
    db.session.execute(
        update(Order)
        .where(Order.created_at >= first, Order.created_at < last)
        .values(status=OrderStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    scope = Scope.of(CoordinatorFactory(is_operator=True))
    filters = Filters(months[0], jakarta_today(), "month")
    assert table(monitoring(scope, filters)) != table(full_recount(scope, filters))

    # The command itself, in this test's app context and transaction.
    runner = CliRunner()
    result = runner.invoke(cli.rebuild, ["--check"])
    assert result.exit_code == 1
    assert "group-months differ" in result.output
    result = runner.invoke(cli.rebuild, [])
    assert result.exit_code == 0, result.output
    assert "differed and were rewritten" in result.output
    assert table(monitoring(scope, filters)) == table(full_recount(scope, filters))
    assert runner.invoke(cli.rebuild, ["--check"]).output.startswith("The rollups match")


def test_the_rollups_stop_an_hour_before_now(orders):
    """Every month is rolled up to an hour before now, the current one too;
    the last hour is read from the orders (a transaction still open may yet
    add to it)."""
    groups, _made = orders
    now = datetime.now(UTC)
    make_order(groups[1], created_at=now - timedelta(minutes=20), lines=[("Abon", 9000, 2)])
    rollups.keep_up(now)
    built = dict(db.session.execute(select(built_months.c.month, built_months.c.through)).all())
    current = rollups.current_month(now)
    if now - rollups.month_bounds(current)[0] > rollups.SETTLE:
        assert built[current] == now - rollups.SETTLE
    assert rollups.month_of(rollups.current_month(now) - timedelta(days=1)) in built
    counted = db.session.scalar(select(func.sum(month_figures.c.orders)))
    placed = db.session.scalar(
        select(func.count())
        .select_from(Order)
        .where(Order.created_at < max(built.values()), Order.status.not_in(rollups.NOT_SALES))
    )
    assert counted == placed
    scope = Scope.of(CoordinatorFactory(is_operator=True))
    assert_same(scope, Filters(default_start(jakarta_today()), jakarta_today(), "programme"))


def test_active_products_follow_each_change_and_the_rebuild(orders):
    """A product published through the ORM counts on the next read; one
    hidden by a bulk UPDATE (no listener sees it) is found by the rebuild
    command, which writes the count."""
    groups, _made = orders
    scope = Scope.of(CoordinatorFactory(is_operator=True))
    filters = Filters(default_start(jakarta_today()), jakarta_today(), "group")
    before = monitoring(scope, filters).total.active_products
    ProductFactory(group=groups[7])
    db.session.flush()
    assert monitoring(scope, filters).total.active_products == before + 1
    assert table(monitoring(scope, filters)) == table(full_recount(scope, filters))

    db.session.execute(
        update(Product)
        .where(Product.group_id == groups[7].id)
        .values(hidden_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    assert table(monitoring(scope, filters)) != table(full_recount(scope, filters))
    runner = CliRunner()
    result = runner.invoke(cli.rebuild, ["--check"])
    assert result.exit_code == 1
    assert f"1 groups' active products differ: group {groups[7].id}." in result.output
    assert runner.invoke(cli.rebuild, []).exit_code == 0
    assert table(monitoring(scope, filters)) == table(full_recount(scope, filters))
    assert runner.invoke(cli.rebuild, ["--check"]).exit_code == 0

    # The page by programme reads the sums per programme and province: a
    # group suspended, moved, reactivated through the ORM counts at once;
    # one suspended by a bulk UPDATE is found by the rebuild.
    by_programme = Filters(default_start(jakarta_today()), jakarta_today(), "programme")
    assert sources.cells_answer(scope, by_programme)
    groups[1].status = GroupStatus.SUSPENDED
    db.session.flush()
    assert table(monitoring(scope, by_programme)) == table(full_recount(scope, by_programme))
    groups[2].programme, groups[2].province_code = Programme.LAPAS, "32"
    groups[1].status = GroupStatus.ACTIVE
    db.session.commit()
    assert table(monitoring(scope, by_programme)) == table(full_recount(scope, by_programme))
    db.session.execute(
        update(Group)
        .where(Group.id == groups[3].id)
        .values(status=GroupStatus.SUSPENDED)
        .execution_options(synchronize_session=False)
    )
    assert table(monitoring(scope, by_programme)) != table(full_recount(scope, by_programme))
    result = runner.invoke(cli.rebuild, ["--check"])
    assert "active products differ: the sums per programme and province." in result.output
    assert runner.invoke(cli.rebuild, []).exit_code == 0
    assert table(monitoring(scope, by_programme)) == table(full_recount(scope, by_programme))
