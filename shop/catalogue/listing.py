"""The listing columns of a product: what the public lists filter on.

`Product.listed` says whether anyone may see the product (published, not
hidden by a coordinator, its group active); `programme`, `province_code` and
`regency_code` repeat its group's. With them a public list (catalogue,
search, a group's shop, the home page's counts) reads the product table
alone, walking a partial index of listed products in the list's order
(models.LISTING_INDEXES) and stopping after a page.

They are kept on every flush, whatever code changed the product or the
group (`before_flush`, on every Session): a product that is new or changed
gets its values from itself and its group; a group whose status, programme
or region changed updates its products in one statement. Rows written
without the ORM (a bulk load) are set by `relist_all`, which the migration
that added the columns also runs.
"""

from __future__ import annotations

from sqlalchemy import and_, event, inspect, literal, select, update
from sqlalchemy.orm import Session, attributes

from shop.catalogue.models import Product, ProductStatus
from shop.groups.models import Group, GroupStatus

GROUP_FIELDS = ("programme", "province_code", "regency_code")


def _group_of(session: Session, product: Product) -> Group | None:
    if product.group is not None:
        return product.group
    return session.get(Group, product.group_id) if product.group_id else None


def _values(product: Product, group: Group) -> dict:
    return {
        "listed": product.status is ProductStatus.PUBLISHED
        and product.hidden_at is None
        and group.status is GroupStatus.ACTIVE,
        **{name: getattr(group, name) for name in GROUP_FIELDS},
    }


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def before_flush(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Product):
            group = _group_of(session, obj)
            if group is not None:
                for name, value in _values(obj, group).items():
                    if getattr(obj, name) != value:
                        setattr(obj, name, value)
        elif (
            isinstance(obj, Group)
            and obj.id is not None
            and _changed(obj, ("status", *GROUP_FIELDS))
        ):
            _relist_group(session, obj)


def _relist_group(session: Session, group: Group) -> None:
    """Every product of a group whose status, programme or region changes."""
    active = group.status is GroupStatus.ACTIVE
    fields = {name: getattr(group, name) for name in GROUP_FIELDS}
    session.execute(
        update(Product)
        .where(Product.group_id == group.id)
        .values(
            listed=and_(
                Product.status == ProductStatus.PUBLISHED,
                Product.hidden_at.is_(None),
                literal(active),
            ),
            **fields,
        )
        .execution_options(synchronize_session=False)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Product) and obj.group_id == group.id:
            for name, value in _values(obj, group).items():
                attributes.set_committed_value(obj, name, value)


def relist_all(session: Session) -> None:
    """Set every product's listing columns from its group, in one statement
    (after a bulk load, and in the migration that added them)."""
    group = select(Group).where(Group.id == Product.group_id)
    session.execute(
        update(Product)
        .values(
            listed=and_(
                Product.status == ProductStatus.PUBLISHED,
                Product.hidden_at.is_(None),
                group.with_only_columns(Group.status).scalar_subquery() == GroupStatus.ACTIVE.value,
            ),
            **{
                name: group.with_only_columns(getattr(Group, name)).scalar_subquery()
                for name in GROUP_FIELDS
            },
        )
        .execution_options(synchronize_session=False)
    )


def install() -> None:
    """Listen on every Session; calling it again adds nothing."""
    if not event.contains(Session, "before_flush", before_flush):
        event.listen(Session, "before_flush", before_flush)
