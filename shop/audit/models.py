"""The audit log's rows: AuditAction (what was done) and AuditEntry (one action).

The entry's group, product and exhibition are named by string: the classes
live in packages above this one and resolve through the mapper registry once
shop.models has imported every model.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.core.enums import LabelledEnum
from shop.db import Base, enum_column, utcnow


class AuditAction(LabelledEnum):
    GROUP_VERIFIED = "group.verified", _l("Group verified")
    GROUP_CHANGES_REQUESTED = "group.changes", _l("Changes requested from group")
    GROUP_SUSPENDED = "group.suspended", _l("Group suspended")
    GROUP_REINSTATED = "group.reinstated", _l("Group reinstated")
    GROUP_NOTE = "group.note", _l("Note on group")
    GROUP_WHATSAPP_VERIFIED = "group.whatsapp_verified", _l("Group’s WhatsApp number verified")
    CERTIFICATE_CHECKED = "certificate.checked", _l("Certificate checked")
    CERTIFICATE_REMOVED = "certificate.removed", _l("Certificate check removed")
    PRODUCT_HIDDEN = "product.hidden", _l("Product hidden")
    PRODUCT_RESTORED = "product.restored", _l("Product restored")
    FEATURE_ADDED = "feature.added", _l("Group featured")
    FEATURE_CHANGED = "feature.changed", _l("Featured group changed")
    FEATURE_REMOVED = "feature.removed", _l("Group no longer featured")
    EXHIBITION_CREATED = "exhibition.created", _l("Exhibition created")
    EXHIBITION_CHANGED = "exhibition.changed", _l("Exhibition edited")
    EXHIBITION_ITEMS = "exhibition.items", _l("Exhibition groups and products changed")
    EXHIBITION_PUBLISHED = "exhibition.published", _l("Exhibition published")
    EXHIBITION_UNPUBLISHED = "exhibition.unpublished", _l("Exhibition unpublished")
    EXPORT_CSV = "export.csv", _l("Monitoring exported as CSV")
    EXPORT_XLSX = "export.xlsx", _l("Monitoring exported as XLSX")
    EXPORT_REPORT = "export.report", _l("Group report downloaded")
    GRANT_ADDED = "grant.added", _l("Grant recorded")
    GRANT_CHANGED = "grant.changed", _l("Grant edited")
    GRANT_REMOVED = "grant.removed", _l("Grant removed")
    GRANT_ITEM_ADDED = "grant.item_added", _l("Equipment bought with a grant recorded")
    GRANT_ITEM_CHANGED = "grant.item_changed", _l("Equipment bought with a grant edited")
    GRANT_ITEM_REMOVED = "grant.item_removed", _l("Equipment bought with a grant removed")
    EXPORT_GRANTS_XLSX = "export.grants_xlsx", _l("Results since the grant exported as XLSX")
    RESET_LINK_CREATED = "account.reset_link", _l("Password reset link made for a member")
    QRIS_SAVED = "qris.saved", _l("Group's QRIS saved")
    QRIS_REMOVED = "qris.removed", _l("Group's QRIS removed")
    VISIT_RECORDED = "visit.recorded", _l("Monitoring visit recorded")
    VISIT_CHANGED = "visit.changed", _l("Monitoring visit changed")
    FOLLOW_UP_DONE = "visit.follow_up_done", _l("Recommendation marked done by the group")
    ROUND_FEATURED = "round.featured", _l("Pre-order round featured")
    ROUND_UNFEATURED = "round.unfeatured", _l("Pre-order round no longer featured")
    BULK_OPENED = "bulk.opened", _l("Bulk request opened")
    BULK_INVITED = "bulk.invited", _l("Group invited to a bulk request")
    BULK_OFFERED = "bulk.offered", _l("Offer made on a bulk request")
    BULK_ACCEPTED = "bulk.accepted", _l("Bulk offer accepted")
    BULK_CLOSED = "bulk.closed", _l("Bulk request closed")


class AuditEntry(Base):
    """Who did what, when and why. Written in the same transaction as the
    action it records; never edited or deleted by the application."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_group_at", "group_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # The actor's name when they acted, so the log reads right if they leave.
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[AuditAction] = enum_column(AuditAction, length=30, index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="SET NULL"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    exhibition_id: Mapped[int | None] = mapped_column(
        ForeignKey("exhibition.id", ondelete="SET NULL"), index=True
    )
    # What was acted on, in words ("Abon Lele 100 g", "Pameran Ramadan"), and
    # the details of the change ("ends 2026-12-31", "filters: UPPKA, 2026").
    subject: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()
    # Named, not imported: their packages sit above this one (see the docstring).
    group: Mapped[Group | None] = relationship("Group")  # noqa: F821
    product: Mapped[Product | None] = relationship("Product")  # noqa: F821
    exhibition: Mapped[Exhibition | None] = relationship("Exhibition")  # noqa: F821
