"""Grant writes: a group's grants and the equipment each bought.

Each function is one coordinator action: it checks the rule, changes the
models and adds the audit entry in the caller's transaction (the view
commits). Scope is checked by the view's loaders (404); what is left here
are the rules a form can break, each refused with a message for the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.core.clock import jakarta_today, midnight_utc
from shop.core.text import clean_line, clean_multiline
from shop.errors import DomainError
from shop.extensions import db
from shop.grants.models import Grant, GrantItem, GrantItemPhoto, GrantSource
from shop.groups.models import Group
from shop.i18n.formatting import number, rupiah
from shop.media.services import store_image

FIRST_YEAR = 2000
MAX_AMOUNT = 10**12
MAX_QUANTITY = 100_000
# Photos an item may have (a few angles and the receipt).
MAX_ITEM_PHOTOS = 4


@dataclass
class GrantDetails:
    programme: str
    funding_year: int | None
    amount: int | None
    source: GrantSource | None
    received_on: date | None
    note: str = ""


@dataclass
class ItemDetails:
    name: str
    quantity: int | None
    cost: int | None


def _checked_grant(details: GrantDetails, grant: Grant | None) -> GrantDetails:
    today = jakarta_today()
    programme = clean_line(details.programme or "", 120)
    if not programme:
        raise DomainError(_l("Name the programme that gave the grant."), field="programme")
    year = details.funding_year
    if year is None or not FIRST_YEAR <= year <= today.year + 1:
        raise DomainError(
            _(
                "Give the funding year, %(first)d to %(last)d.",
                first=FIRST_YEAR,
                last=today.year + 1,
            ),
            field="funding_year",
        )
    if details.amount is None or not 0 < details.amount <= MAX_AMOUNT:
        raise DomainError(_l("Give the amount in whole rupiah, more than zero."), field="amount")
    if details.source is None:
        raise DomainError(_l("Choose where the money came from."), field="source")
    received = details.received_on
    if received is None or received.year < FIRST_YEAR:
        raise DomainError(
            _l("Give the day the grant was received (from 2000 on)."), field="received_on"
        )
    if received > today:
        raise DomainError(_l("The day received cannot be in the future."), field="received_on")
    if grant is not None and details.amount < grant.spent:
        raise DomainError(
            _(
                "The equipment recorded for this grant cost %(spent)s; the amount cannot be less.",
                spent=rupiah(grant.spent),
            ),
            field="amount",
        )
    return GrantDetails(
        programme=programme,
        funding_year=year,
        amount=details.amount,
        source=details.source,
        received_on=received,
        note=clean_multiline(details.note or "", 2000),
    )


def _summary(grant: Grant) -> str:
    """For the audit entry: exact and the same in every language."""
    return (
        f"{grant.programme} {grant.funding_year}; Rp{grant.amount}; "
        f"{grant.source.value}; {grant.received_on.isoformat()}"
    )


def add_grant(group: Group, details: GrantDetails, *, by: User) -> Grant:
    details = _checked_grant(details, None)
    grant = Grant(
        group=group,
        programme=details.programme,
        funding_year=details.funding_year,
        amount=details.amount,
        source=details.source,
        received_on=details.received_on,
        received_at=midnight_utc(details.received_on),
        note=details.note,
        created_by_id=by.id,
    )
    db.session.add(grant)
    db.session.flush()
    record(AuditAction.GRANT_ADDED, group=group, details=_summary(grant), actor=by)
    db.session.flush()
    return grant


def change_grant(grant: Grant, details: GrantDetails, *, by: User) -> list[str]:
    """The names of the fields changed (none: nothing recorded)."""
    details = _checked_grant(details, grant)
    changed = [
        name
        for name in ("programme", "funding_year", "amount", "source", "received_on", "note")
        if getattr(grant, name) != getattr(details, name)
    ]
    if not changed:
        return []
    before = _summary(grant)
    for name in changed:
        setattr(grant, name, getattr(details, name))
    grant.received_at = midnight_utc(grant.received_on)
    record(
        AuditAction.GRANT_CHANGED,
        group=grant.group,
        details=f"{before} → {_summary(grant)}",
        actor=by,
    )
    db.session.flush()
    return changed


def remove_grant(grant: Grant, *, by: User) -> None:
    """The grant and what it bought (their photos go with the media sweep)."""
    record(
        AuditAction.GRANT_REMOVED,
        group=grant.group,
        details=f"{_summary(grant)}; {len(grant.items)} item(s)",
        actor=by,
    )
    db.session.delete(grant)
    db.session.flush()


def _checked_item(grant: Grant, details: ItemDetails, item: GrantItem | None) -> ItemDetails:
    name = clean_line(details.name or "", 120)
    if not name:
        raise DomainError(_l("Name the equipment, e.g. “Spinner (peniris minyak)”."), field="name")
    if details.quantity is None or not 0 < details.quantity <= MAX_QUANTITY:
        raise DomainError(
            _("Give the quantity, 1 to %(max)s.", max=number(MAX_QUANTITY)),
            field="quantity",
        )
    if details.cost is None or not 0 <= details.cost <= MAX_AMOUNT:
        raise DomainError(_l("Give the cost in whole rupiah."), field="cost")
    others = sum(other.cost for other in grant.items if other is not item)
    if others + details.cost > grant.amount:
        raise DomainError(
            _(
                "The equipment would cost %(total)s in all, more than the grant of %(amount)s.",
                total=rupiah(others + details.cost),
                amount=rupiah(grant.amount),
            ),
            field="cost",
        )
    return ItemDetails(name=name, quantity=details.quantity, cost=details.cost)


def _add_photos(item: GrantItem, photos) -> int:
    """Store the new photos last, after every other rule has passed (the
    view rolls back on any error and store_image deletes the files it wrote)."""
    photos = list(photos or [])
    if len(item.photos) + len(photos) > MAX_ITEM_PHOTOS:
        raise DomainError(
            _("An item can have at most %(num)d photos.", num=MAX_ITEM_PHOTOS), field="photos"
        )
    added = 0
    for upload in photos:
        image = store_image(upload, field="photos")
        if any(photo.image_id == image.id for photo in item.photos):
            continue
        item.photos.append(GrantItemPhoto(image=image))
        added += 1
    return added


def _item_summary(item: GrantItem) -> str:
    return f"{item.name}; {item.quantity} pcs; Rp{item.cost}"


def _record_item(action: AuditAction, grant: Grant, details: str, by: User) -> None:
    """The audit entry of a change to what `grant` bought."""
    record(
        action,
        group=grant.group,
        subject=f"{grant.programme} {grant.funding_year}",
        details=details,
        actor=by,
    )


def add_item(grant: Grant, details: ItemDetails, photos=(), *, by: User) -> GrantItem:
    details = _checked_item(grant, details, None)
    item = GrantItem(name=details.name, quantity=details.quantity, cost=details.cost)
    grant.items.append(item)
    db.session.flush()
    photo_count = _add_photos(item, photos)
    _record_item(
        AuditAction.GRANT_ITEM_ADDED, grant, f"{_item_summary(item)}; {photo_count} photo(s)", by
    )
    db.session.flush()
    return item


def change_item(item: GrantItem, details: ItemDetails, photos=(), *, by: User) -> list[str]:
    grant = item.grant
    details = _checked_item(grant, details, item)
    before = _item_summary(item)
    changed = [
        name
        for name in ("name", "quantity", "cost")
        if getattr(item, name) != getattr(details, name)
    ]
    for name in changed:
        setattr(item, name, getattr(details, name))
    added = _add_photos(item, photos)
    if added:
        changed.append("photos")
    if changed:
        _record_item(
            AuditAction.GRANT_ITEM_CHANGED,
            grant,
            f"{before} → {_item_summary(item)}; +{added} photo(s)",
            by,
        )
    db.session.flush()
    return changed


def remove_item_photo(item: GrantItem, photo: GrantItemPhoto, *, by: User) -> None:
    grant = item.grant
    item.photos.remove(photo)
    _record_item(
        AuditAction.GRANT_ITEM_CHANGED,
        grant,
        f"{_item_summary(item)}; photo {photo.image.key[:12]} removed",
        by,
    )
    db.session.flush()


def remove_item(item: GrantItem, *, by: User) -> None:
    grant = item.grant
    _record_item(AuditAction.GRANT_ITEM_REMOVED, grant, _item_summary(item), by)
    grant.items.remove(item)
    db.session.flush()
