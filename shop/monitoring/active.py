"""Active groups and products on the monitoring page, from a rollup.

`monitoring_products` (`shop.monitoring.models.group_products`) holds, per
group, how many of its products are published and not hidden by a
coordinator; the page applies the group's own status (suspended groups have
no active products) and the filters through the group table, so it reads one
row per group instead of every product.

A flush that adds, deletes or changes (status, hidden, group) products
recounts those groups' rows in the same statement's transaction, from an
after_flush listener (one INSERT … SELECT … ON CONFLICT per such flush):
the page shows a change as soon as it commits. The same listeners recount
`monitoring_active` (active groups and products per programme and province,
for the pages the cells answer) for the keys of those groups and of groups
suspended, reactivated, moved or deleted. Products written without the
ORM (bench/generate.py's bulk rows) are counted by `flask monitoring rebuild`
(`rebuild`), which also reports the rows that differed.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import delete, event, func, insert, inspect, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from shop.catalogue.models import Product, ProductStatus
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.monitoring import cells
from shop.monitoring.models import active_cells, group_products

PRODUCT_FIELDS = ("status", "hidden_at", "group_id")


def visible_count(group_id):
    """The number of products of `group_id` (a column or value) that are
    published and not hidden, as a scalar subquery."""
    return (
        select(func.count())
        .select_from(Product)
        .where(
            Product.group_id == group_id,
            Product.status == ProductStatus.PUBLISHED,
            Product.hidden_at.is_(None),
        )
        .scalar_subquery()
    )


def counted() -> dict[int, int]:
    """Every group's count from the products (groups with none have 0)."""
    stmt = select(Group.id, func.count(Product.id)).outerjoin(
        Product,
        (Product.group_id == Group.id)
        & (Product.status == ProductStatus.PUBLISHED)
        & Product.hidden_at.is_(None),
    )
    return dict(db.session.execute(stmt.group_by(Group.id)).all())


def _cell_rows(keys: set[cells.Key] | None = None):
    counts = group_products.c
    stmt = (
        select(cells.STORED_PROGRAMME, Group.province_code, func.count(), func.sum(counts.products))
        .select_from(group_products)
        .join(Group, Group.id == counts.group_id)
        .where(Group.status == GroupStatus.ACTIVE, counts.products > 0)
        .group_by(cells.STORED_PROGRAMME, Group.province_code)
    )
    if keys is not None:
        stmt = stmt.where(tuple_(cells.STORED_PROGRAMME, Group.province_code).in_(sorted(keys)))
    return stmt


def recount_cells(connection, keys: set[cells.Key] | None = None) -> None:
    """Write the active cells of `keys` (every one when None) from the
    groups' rows."""
    if keys is not None and not keys:
        return
    clear = delete(active_cells)
    if keys is not None:
        clear = clear.where(
            tuple_(active_cells.c.programme, active_cells.c.province_code).in_(sorted(keys))
        )
    connection.execute(clear)
    connection.execute(
        insert(active_cells).from_select(
            ["programme", "province_code", "groups", "products"], _cell_rows(keys)
        )
    )


def _cells_differ() -> bool:
    counted_cells = {tuple(row) for row in db.session.execute(_cell_rows())}
    kept_cells = {tuple(row) for row in db.session.execute(select(active_cells))}
    return counted_cells != kept_cells


def stored() -> dict[int, int]:
    return dict(
        db.session.execute(select(group_products.c.group_id, group_products.c.products)).all()
    )


def rebuild(write: bool = True) -> list[int]:
    """Count every group's products again; returns the groups whose stored
    row differed (or was missing), and 0 if the active cells differed.
    Writes and commits unless `write` is False."""
    fresh, kept = counted(), stored()
    differed = sorted(gid for gid in set(fresh) | set(kept) if fresh.get(gid, 0) != kept.get(gid))
    if not differed and _cells_differ():
        differed = [0]
    if write and differed:
        build(db.session)
        db.session.commit()
    return differed


def build(session) -> None:
    """Write every group's row from the products (bulk loads): one DELETE
    and one INSERT … SELECT."""
    session.execute(delete(group_products))
    count = (
        select(Product.group_id, func.count())
        .where(Product.status == ProductStatus.PUBLISHED, Product.hidden_at.is_(None))
        .group_by(Product.group_id)
        .subquery()
    )
    session.execute(
        insert(group_products).from_select(
            ["group_id", "products"],
            select(Group.id, func.coalesce(count.c.count, 0)).outerjoin(
                count, count.c.group_id == Group.id
            ),
        )
    )
    recount_cells(session.connection())


def changed_groups(session: Session) -> set[int]:
    groups: set[int] = set()
    for thing in chain(session.new, session.dirty, session.deleted):
        if not isinstance(thing, Product):
            continue
        state = inspect(thing)
        if thing in session.dirty and not any(
            state.attrs[name].history.has_changes() for name in PRODUCT_FIELDS
        ):
            continue
        groups.update(
            gid
            for gid in (thing.group_id, *state.attrs.group_id.history.deleted)
            if gid is not None
        )
    return groups


def recount_changed(session: Session, _flush_context) -> None:
    """after_flush: recount the groups whose products the flush changed."""
    groups = changed_groups(session)
    if not groups:
        return
    connection = session.connection()
    upsert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = upsert(group_products).from_select(
        ["group_id", "products"],
        select(Group.id, visible_count(Group.id)).where(Group.id.in_(sorted(groups))),
    )
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=[group_products.c.group_id],
            set_={"products": stmt.excluded.products},
        )
    )
    keys = cells.keys_of(connection, groups) | cells.changed_group_keys(session, GROUP_FIELDS)
    recount_cells(connection, keys)


# A group's status, programme or province decides which active cell it counts in.
GROUP_FIELDS = ("status", "programme", "province_code")


def recount_changed_groups(session: Session, _flush_context) -> None:
    """after_flush: recount the active cells of groups suspended,
    reactivated, moved or deleted (unless recount_changed did)."""
    if changed_groups(session):
        return
    keys = cells.changed_group_keys(session, GROUP_FIELDS)
    if keys:
        recount_cells(session.connection(), keys)


def install() -> None:
    """Listen on every Session; calling it again adds nothing."""
    if not event.contains(Session, "after_flush", recount_changed):
        event.listen(Session, "after_flush", recount_changed)
    if not event.contains(Session, "after_flush", recount_changed_groups):
        event.listen(Session, "after_flush", recount_changed_groups)
