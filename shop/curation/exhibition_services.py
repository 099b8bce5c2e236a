"""Curation writes: virtual exhibitions, their details and their chosen
groups and products.

Each function is one coordinator action: it checks the rule, changes the
models, adds the audit entry and marks the public pages changed, all in the
caller's transaction (the view commits). Scope is checked by the view's
loaders (404); what is left here are the rules a form can break.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.catalogue.models import Product, ProductStatus
from shop.core.cache import mark_public_change
from shop.core.text import clean_line, clean_multiline, slugify, unique_slug
from shop.curation.models import Exhibition, ExhibitionGroup, ExhibitionProduct
from shop.curation.services import DIRECTIONS, neighbour, span
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.media.services import store_image

# An exhibition page shows every item it holds, so it is kept to what a
# visitor scrolls through on a phone (and to a bounded page).
MAX_EXHIBITION_GROUPS = 24
MAX_EXHIBITION_PRODUCTS = 60

# Audit details name the fields changed in the coordinator's language at the time.
FIELD_NAMES = {
    "title": _l("title"),
    "description": _l("description"),
    "starts_on": _l("first day"),
    "ends_on": _l("last day"),
    "banner_alt": _l("banner description"),
    "banner": _l("banner"),
}


@dataclass
class ExhibitionDetails:
    title: str
    description: str
    starts_on: date
    ends_on: date
    banner_alt: str = ""

    def cleaned(self) -> ExhibitionDetails:
        return ExhibitionDetails(
            title=clean_line(self.title, 120),
            description=clean_multiline(self.description, 5000),
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            banner_alt=clean_line(self.banner_alt, 200),
        )


def _apply_details(exhibition: Exhibition, details: ExhibitionDetails, banner) -> list[str]:
    """Check and apply the details; the names of the fields that changed.

    The banner is stored last, after every other rule has passed, and the
    view rolls back on any error: store_image deletes files it wrote in a
    transaction that does not commit, so a refused form leaves no file.
    """
    if not details.title:
        raise DomainError(_l("Give the exhibition a title."), field="title")
    if details.ends_on < details.starts_on:
        raise DomainError(_l("The end date cannot be before the start date."), field="ends_on")
    if (banner or exhibition.banner_id is not None) and not details.banner_alt:
        raise DomainError(
            _l("Describe the banner for people who cannot see it."), field="banner_alt"
        )
    changed = [
        name
        for name in ("title", "description", "starts_on", "ends_on", "banner_alt")
        if getattr(exhibition, name, None) != getattr(details, name)
    ]
    for name in changed:
        setattr(exhibition, name, getattr(details, name))
    if banner:
        image = store_image(banner, field="banner")
        if exhibition.banner_id != image.id:
            exhibition.banner = image
            changed.append("banner")
    return changed


def create_exhibition(details: ExhibitionDetails, banner=None, *, by: User) -> Exhibition:
    """A new, unpublished exhibition; its URL comes from the title and stays
    the same when the title changes later (links to it keep working)."""
    details = details.cleaned()
    exhibition = Exhibition(created_by_id=by.id, is_published=False)
    _apply_details(exhibition, details, banner)
    exhibition.slug = unique_slug(
        slugify(details.title, 80),
        lambda s: db.session.scalar(select(Exhibition.id).where(Exhibition.slug == s)) is not None,
    )
    db.session.add(exhibition)
    db.session.flush()
    record(
        AuditAction.EXHIBITION_CREATED,
        exhibition=exhibition,
        details=_span_of(exhibition),
        actor=by,
    )
    mark_public_change()
    db.session.flush()
    return exhibition


def _span_of(exhibition: Exhibition) -> str:
    return span(exhibition.starts_on, exhibition.ends_on)


def update_exhibition(
    exhibition: Exhibition, details: ExhibitionDetails, banner=None, *, by: User
) -> list:
    changed = _apply_details(exhibition, details.cleaned(), banner)
    if changed:
        record(
            AuditAction.EXHIBITION_CHANGED,
            exhibition=exhibition,
            details=_(
                "changed: %(fields)s", fields=", ".join(str(FIELD_NAMES[f]) for f in changed)
            ),
            actor=by,
        )
        mark_public_change()
        db.session.flush()
    return changed


def publish_exhibition(exhibition: Exhibition, *, by: User) -> None:
    """Publish: the page goes public (and on the home page while it runs).
    An empty exhibition would be an empty page, so it needs something in it."""
    if exhibition.is_published:
        return
    if not exhibition.groups and not exhibition.products:
        raise DomainError(_l("Add at least one group or product before publishing."))
    exhibition.is_published = True
    record(
        AuditAction.EXHIBITION_PUBLISHED,
        exhibition=exhibition,
        details=_span_of(exhibition),
        actor=by,
    )
    mark_public_change()
    db.session.flush()


def unpublish_exhibition(exhibition: Exhibition, *, by: User) -> None:
    if not exhibition.is_published:
        return
    exhibition.is_published = False
    record(AuditAction.EXHIBITION_UNPUBLISHED, exhibition=exhibition, actor=by)
    mark_public_change()
    db.session.flush()


def _items_changed(exhibition: Exhibition, details: str, by: User) -> None:
    record(AuditAction.EXHIBITION_ITEMS, exhibition=exhibition, details=details[:1000], actor=by)
    mark_public_change()
    db.session.flush()


def add_exhibition_group(exhibition: Exhibition, group: Group, *, by: User) -> None:
    """Show a group (in the coordinator's scope: the view loaded it so) in the
    exhibition, after the groups already there."""
    if group.status is not GroupStatus.ACTIVE:
        raise DomainError(_l("A suspended group cannot be shown."), field="group")
    if any(item.group_id == group.id for item in exhibition.groups):
        raise DomainError(_l("This group is already in the exhibition."), field="group")
    if len(exhibition.groups) >= MAX_EXHIBITION_GROUPS:
        raise DomainError(
            _l("An exhibition shows at most %(n)d groups.", n=MAX_EXHIBITION_GROUPS),
            field="group",
        )
    _add_item(
        exhibition.groups,
        ExhibitionGroup(group=group),
        _l("This group is already in the exhibition."),
        "group",
    )
    _items_changed(exhibition, _("added group: %(name)s", name=group.name), by)


def add_exhibition_product(exhibition: Exhibition, product: Product, *, by: User) -> None:
    """Show a product: only one the public can see now (published, not
    hidden, of an active group). One that drops out later simply stops
    showing on the public page."""
    if (
        product.status is not ProductStatus.PUBLISHED
        or product.hidden_at is not None
        or product.group.status is not GroupStatus.ACTIVE
    ):
        raise DomainError(
            _l("Only published products on the public site can be shown."), field="product"
        )
    if any(item.product_id == product.id for item in exhibition.products):
        raise DomainError(_l("This product is already in the exhibition."), field="product")
    if len(exhibition.products) >= MAX_EXHIBITION_PRODUCTS:
        raise DomainError(
            _l("An exhibition shows at most %(n)d products.", n=MAX_EXHIBITION_PRODUCTS),
            field="product",
        )
    _add_item(
        exhibition.products,
        ExhibitionProduct(product=product),
        _l("This product is already in the exhibition."),
        "product",
    )
    _items_changed(
        exhibition,
        _("added product: %(name)s (%(group)s)", name=product.name, group=product.group.name),
        by,
    )


def _add_item(items: list, item, already, field: str) -> None:
    """Append and write the item in a savepoint: a second coordinator (or a
    second tab) adding the same item at the same moment gets the friendly
    message instead of the primary key's error."""
    try:
        with db.session.begin_nested():
            items.append(item)
    except IntegrityError:
        raise DomainError(already, field=field) from None


def _item(items: list, attribute: str, item_id: int):
    for item in items:
        if getattr(item, attribute) == item_id:
            return item
    return None


def remove_exhibition_item(exhibition: Exhibition, kind: str, item_id: int, *, by: User) -> bool:
    """Take a group or product out of the exhibition (whoever's scope it is
    in now: the exhibition is the coordinator's own). False if absent."""
    items, attribute = _items_of(exhibition, kind)
    item = _item(items, attribute, item_id)
    if item is None:
        return False
    name = item.group.name if kind == "group" else item.product.name
    items.remove(item)
    _items_changed(exhibition, _("removed: %(name)s", name=name), by)
    return True


def move_exhibition_item(
    exhibition: Exhibition, kind: str, item_id: int, direction: str, *, by: User
) -> bool:
    items, attribute = _items_of(exhibition, kind)
    item = _item(items, attribute, item_id)
    if item is None:
        return False
    other = neighbour(items, item, direction)
    if other is None:
        return False
    items.insert(other, items.pop(items.index(item)))
    name = item.group.name if kind == "group" else item.product.name
    _items_changed(
        exhibition,
        _("moved %(direction)s: %(name)s", direction=DIRECTIONS[direction], name=name),
        by,
    )
    return True


def _items_of(exhibition: Exhibition, kind: str) -> tuple[list, str]:
    if kind == "group":
        return exhibition.groups, "group_id"
    return exhibition.products, "product_id"
