"""Coordinators and their scope: the programmes and regions each one covers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from shop.accounts.models import User
from shop.db import Base, enum_column, utcnow
from shop.groups.models import Programme
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
