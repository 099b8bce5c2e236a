"""Active groups and products on the monitoring page, from a rollup.

`monitoring_products` (`shop.monitoring.models.group_products`) holds, per
group, how many of its products are published and not hidden by a
coordinator; the page applies the group's own status (suspended groups have
no active products) and the filters through the group table, so it reads one
row per group instead of every product.

A flush that adds, deletes or changes (status, hidden, group) products
recounts those groups' rows in the same statement's transaction, from an
after_flush listener (one INSERT … SELECT … ON CONFLICT per such flush):
the page shows a change as soon as it commits. Products written without the
ORM (bench/generate.py's bulk rows) are counted by `flask monitoring rebuild`
(`rebuild`), which also reports the rows that differed.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from shop.catalogue.models import Product, ProductStatus
from shop.extensions import db
from shop.groups.models import Group
from shop.monitoring.models import group_products

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


def stored() -> dict[int, int]:
    return dict(
        db.session.execute(select(group_products.c.group_id, group_products.c.products)).all()
    )


def rebuild(write: bool = True) -> list[int]:
    """Count every group's products again; returns the groups whose stored
    row differed (or was missing). Writes and commits unless `write` is False."""
    fresh, kept = counted(), stored()
    differed = sorted(gid for gid in set(fresh) | set(kept) if fresh.get(gid, 0) != kept.get(gid))
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


def install() -> None:
    """Listen on every Session; calling it again adds nothing."""
    if not event.contains(Session, "after_flush", recount_changed):
        event.listen(Session, "after_flush", recount_changed)
