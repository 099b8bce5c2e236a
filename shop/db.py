"""Declarative base, naming convention and the shared column types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from sqlalchemy import BigInteger, DateTime, Enum, Integer, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no timezone type: values are stored naive in UTC and given their
    tzinfo back when read, so comparisons never mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Money is a whole number of rupiah everywhere in the domain.
Rupiah = Annotated[int, mapped_column(BigInteger().with_variant(Integer, "sqlite"))]
Timestamp = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


def enum_column(enum_cls, length: int = 20, **kwargs):
    """An enum stored by its value as plain text (no database enum type), so a
    new member needs no migration of the type and SQLite and PostgreSQL agree."""
    return mapped_column(
        Enum(
            enum_cls,
            native_enum=False,
            length=length,
            values_callable=lambda members: [member.value for member in members],
        ),
        **kwargs,
    )


def within(transaction, ancestor) -> bool:
    """Whether a SessionTransaction is `ancestor` or one of its savepoints;
    what was done in it ends with it when `ancestor` rolls back."""
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
