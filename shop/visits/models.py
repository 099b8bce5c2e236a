"""A coordinator's monitoring visit (monev) to a group: the day, who was met,
findings per theme, photos, and recommendations the group follows up."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.core.enums import LabelledEnum
from shop.db import Base, utcnow
from shop.groups.models import Group
from shop.media.models import Image


class Theme(LabelledEnum):
    """What a visit looks at; each is a column `finding_<value>` of MonevVisit."""

    PRODUCTION = "production", _l("Production")
    PACKAGING = "packaging", _l("Packaging")
    MARKETING = "marketing", _l("Marketing")
    FINANCE = "finance", _l("Finance")
    EQUIPMENT = "equipment", _l("Equipment")

    @property
    def column(self) -> str:
        return f"finding_{self.value}"


class MonevVisit(Base):
    """One visit. `visited_on` is a Jakarta calendar day (what the coordinator
    says); the timestamps are UTC instants. Seen only by the group visited,
    the coordinators whose scope covers it and the operator."""

    __tablename__ = "monev_visit"
    __table_args__ = (Index("ix_monev_visit_group_visited_on", "group_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    visited_on: Mapped[date] = mapped_column(Date)
    # Who the coordinator met ("Bu Sari (ketua), Bu Tini (bendahara)").
    met: Mapped[str] = mapped_column(String(300))
    finding_production: Mapped[str] = mapped_column(Text, default="")
    finding_packaging: Mapped[str] = mapped_column(Text, default="")
    finding_marketing: Mapped[str] = mapped_column(Text, default="")
    finding_finance: Mapped[str] = mapped_column(Text, default="")
    finding_equipment: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The coordinator's name when recorded, so the visit reads right if they leave.
    recorded_by_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    photos: Mapped[list[MonevVisitPhoto]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        order_by="MonevVisitPhoto.position, MonevVisitPhoto.id",
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        order_by="FollowUp.due_on, FollowUp.id",
    )

    def finding(self, theme: Theme) -> str:
        return getattr(self, theme.column)

    @property
    def findings(self) -> list[tuple[Theme, str]]:
        """The themes with something written, in the themes' order."""
        return [(theme, self.finding(theme)) for theme in Theme if self.finding(theme)]


class MonevVisitPhoto(Base):
    __tablename__ = "monev_visit_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("monev_visit.id", ondelete="CASCADE"), index=True
    )
    # private: a visit's photos are served only to those who may read the visit.
    image_id: Mapped[int] = mapped_column(
        ForeignKey("image.id"), index=True, info={"private": True}
    )
    position: Mapped[int] = mapped_column(default=0)

    visit: Mapped[MonevVisit] = relationship(back_populates="photos")
    image: Mapped[Image] = relationship(lazy="joined", innerjoin=True)


class FollowUp(Base):
    """A recommendation of a visit with the day it should be done by (a
    Jakarta day); the group marks it done, with an optional note."""

    __tablename__ = "monev_follow_up"
    # The coordinators' list of what is due reads open follow-ups by date.
    __table_args__ = (Index("ix_monev_follow_up_open_due", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("monev_visit.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    done_by_name: Mapped[str] = mapped_column(String(80), default="")
    done_note: Mapped[str] = mapped_column(String(500), default="")

    visit: Mapped[MonevVisit] = relationship(back_populates="follow_ups")

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date) -> bool:
        return not self.is_done and self.due_on < today
