"""Curation's rows: featured groups on the home page and virtual exhibitions
with their chosen groups and products."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.catalogue.models import Product
from shop.db import Base, utcnow
from shop.groups.models import Group
from shop.media.models import Image


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
