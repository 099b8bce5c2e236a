"""Coordinators and their scope, the audit log, and curation (featured groups, exhibitions)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from shop.accounts.models import User
from shop.catalogue.models import Product
from shop.core.enums import LabelledEnum
from shop.db import Base, enum_column, utcnow
from shop.groups.models import Group, Programme
from shop.media.models import Image
from shop.regions.models import Province, Regency


class Coordinator(Base):
    """A person who looks after groups for a programme (pendamping, officer).

    With no programmes and no regions the coordinator covers every group; each
    programme or region added narrows the scope. An operator sees everything
    whatever the scope says.
    """

    __tablename__ = "coordinator"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    is_operator: Mapped[bool] = mapped_column(default=False)
    organisation: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Loaded with every User (one LEFT JOIN), so the header knows whether to
    # show the coordinator link without a query of its own.
    user: Mapped[User] = relationship(backref=backref("coordinator", uselist=False, lazy="joined"))
    programmes: Mapped[list[CoordinatorProgramme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    regions: Mapped[list[CoordinatorRegion]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class CoordinatorProgramme(Base):
    __tablename__ = "coordinator_programme"

    coordinator_id: Mapped[int] = mapped_column(
        ForeignKey("coordinator.id", ondelete="CASCADE"), primary_key=True
    )
    programme: Mapped[Programme] = enum_column(Programme, primary_key=True)


class CoordinatorRegion(Base):
    """A province or a regency/city (exactly one) the coordinator covers."""

    __tablename__ = "coordinator_region"
    __table_args__ = (
        CheckConstraint(
            "(province_code IS NULL) <> (regency_code IS NULL)", name="province_or_regency"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(
        ForeignKey("coordinator.id", ondelete="CASCADE"), index=True
    )
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    regency_code: Mapped[str | None] = mapped_column(ForeignKey("regency.code"))

    province: Mapped[Province | None] = relationship(lazy="joined")
    regency: Mapped[Regency | None] = relationship(lazy="joined")


class AuditAction(LabelledEnum):
    GROUP_VERIFIED = "group.verified", _l("Group verified")
    GROUP_CHANGES_REQUESTED = "group.changes", _l("Changes requested from group")
    GROUP_SUSPENDED = "group.suspended", _l("Group suspended")
    GROUP_REINSTATED = "group.reinstated", _l("Group reinstated")
    GROUP_NOTE = "group.note", _l("Note on group")
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
    RESET_LINK_CREATED = "account.reset_link", _l("Password reset link made for a member")


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
    group: Mapped[Group | None] = relationship()
    product: Mapped[Product | None] = relationship()
    exhibition: Mapped[Exhibition | None] = relationship()


class FeaturedGroup(Base):
    """A group on the home page between two dates (Asia/Jakarta, inclusive)."""

    __tablename__ = "featured_group"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group] = relationship()


class Exhibition(Base):
    """A virtual exhibition (pameran virtual): a titled, time-boxed public page
    of chosen groups and products. Its creator and operators manage it."""

    __tablename__ = "exhibition"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    banner_id: Mapped[int | None] = mapped_column(ForeignKey("image.id", ondelete="SET NULL"))
    banner_alt: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date]
    is_published: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    banner: Mapped[Image | None] = relationship()
    # Positions follow the order of these lists (ordering_list).
    groups: Mapped[list[ExhibitionGroup]] = relationship(
        cascade="all, delete-orphan",
        order_by="ExhibitionGroup.position",
        collection_class=ordering_list("position"),
    )
    products: Mapped[list[ExhibitionProduct]] = relationship(
        cascade="all, delete-orphan",
        order_by="ExhibitionProduct.position",
        collection_class=ordering_list("position"),
    )

    def is_running(self, today: date) -> bool:
        return self.is_published and self.starts_on <= today <= self.ends_on

    def is_finished(self, today: date) -> bool:
        return self.ends_on < today


class ExhibitionGroup(Base):
    __tablename__ = "exhibition_group"

    exhibition_id: Mapped[int] = mapped_column(
        ForeignKey("exhibition.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    group: Mapped[Group] = relationship()


class ExhibitionProduct(Base):
    __tablename__ = "exhibition_product"

    exhibition_id: Mapped[int] = mapped_column(
        ForeignKey("exhibition.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship()
