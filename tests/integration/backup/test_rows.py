"""Rows as typed JSON lines and back; tables whose keys point at themselves or in a circle."""

from __future__ import annotations

import enum
import io
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    select,
)

from shop.backup.archive import BackupError, decode, encode, parse_line, row_line
from shop.backup.database import Loader, dump_table, ordered_tables
from shop.db import UTCDateTime


class Colour(enum.StrEnum):
    RED = "merah"


def test_values_come_back_as_the_same_types():
    values = [
        None,
        True,
        7,
        1.5,
        "Kué lapis",
        Colour.RED,
        datetime(2026, 12, 4, 9, 30, 0, 123456, tzinfo=UTC),
        datetime(2026, 12, 4, 9, 30),
        date(2026, 12, 4),
        time(9, 30, 15),
        Decimal("12500.50"),
        b"\x00\xffbytes",
        timedelta(days=3, seconds=5),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        {"$": "datetime", "v": "a JSON column that looks like a tag"},
        [1, "two"],
    ]
    back = parse_line(row_line(values))
    expected = [v.value if isinstance(v, enum.Enum) else v for v in values]
    assert back == expected
    assert [type(v) for v in back] == [type(v) for v in expected]
    assert back[6].tzinfo is not None and back[7].tzinfo is None
    assert decode(encode(Colour.RED)) == "merah"


def test_an_unknown_type_is_refused():
    with pytest.raises(BackupError, match="object"):
        encode(object())


def _schema() -> MetaData:
    metadata = MetaData()
    # A category tree whose parents may come after their children in id order.
    Table(
        "node",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", ForeignKey("node.id"), nullable=True),
        Column("name", String(20)),
        Column("at", UTCDateTime),
        Column(
            "colour",
            Enum(Colour, native_enum=False, values_callable=lambda e: [m.value for m in e]),
        ),
        Column("price", Numeric(10, 2)),
        Column("blob", LargeBinary),
        Column("day", Date),
    )
    # Two tables pointing at each other: a shop and its chosen main account.
    Table(
        "shop",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("main_account_id", ForeignKey("account.id"), nullable=True),
    )
    Table(
        "account",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("shop_id", ForeignKey("shop.id"), nullable=False),
        Column("opened", DateTime),
    )
    return metadata


def test_self_references_and_cycles_load_in_any_key_order(tmp_path):
    metadata = _schema()
    tables, deferred = ordered_tables(metadata)
    assert deferred == {"node": {"parent_id"}, "shop": {"main_account_id"}}
    assert [t.name for t in tables].index("shop") < [t.name for t in tables].index("account")

    rows = _rows()
    source = create_engine(f"sqlite:///{tmp_path / 'source.db'}")
    target = create_engine(f"sqlite:///{tmp_path / 'target.db'}")
    for engine in (source, target):
        with engine.begin() as connection:
            metadata.create_all(connection)
    _insert_children_first(source, metadata, rows)
    dumps = _dump(source, tables, rows)
    _load(target, metadata, tables, dumps, rows)

    with target.connect() as connection:
        for table in tables:
            got = [
                dict(row._mapping) for row in connection.execute(select(table).order_by(table.c.id))
            ]
            assert got == rows[table.name]
    source.dispose()
    target.dispose()


def _rows() -> dict[str, list[dict]]:
    """A child before its parent in id order, and a shop whose main account
    is made after it."""
    at = datetime(2026, 12, 4, 1, 2, 3, tzinfo=UTC)
    return {
        "node": [
            {
                "id": 1,
                "parent_id": 3,
                "name": "kue",
                "at": at,
                "colour": Colour.RED,
                "price": Decimal("1.25"),
                "blob": b"\x01",
                "day": date(2026, 1, 2),
            },
            {
                "id": 2,
                "parent_id": 1,
                "name": "lapis",
                "at": None,
                "colour": None,
                "price": None,
                "blob": None,
                "day": None,
            },
            {
                "id": 3,
                "parent_id": None,
                "name": "makanan",
                "at": at,
                "colour": None,
                "price": Decimal("0"),
                "blob": b"",
                "day": None,
            },
        ],
        "shop": [{"id": 1, "main_account_id": 2}],
        "account": [
            {"id": 1, "shop_id": 1, "opened": datetime(2026, 1, 1, 8)},
            {"id": 2, "shop_id": 1, "opened": None},
        ],
    }


def _insert_children_first(source, metadata: MetaData, rows: dict[str, list[dict]]) -> None:
    node, shop, account = (metadata.tables[name] for name in ("node", "shop", "account"))
    with source.begin() as connection:
        # Parents first here; the dump reads them back in id order, children first.
        for index in (2, 0, 1):
            connection.execute(node.insert(), rows["node"][index])
        connection.execute(shop.insert(), {"id": 1, "main_account_id": None})
        connection.execute(account.insert(), rows["account"])
        connection.execute(shop.update().values(main_account_id=2))


def _dump(source, tables, rows: dict[str, list[dict]]) -> dict[str, tuple]:
    """Each table dumped: its columns and its lines."""
    dumps = {}
    with source.connect() as connection:
        for table in tables:
            out = io.BytesIO()
            columns, count = dump_table(connection, table, table.name, out)
            assert count == len(rows[table.name])
            dumps[table.name] = (columns, out.getvalue().splitlines(keepends=True))
    return dumps


def _load(target, metadata: MetaData, tables, dumps: dict[str, tuple], rows) -> None:
    with target.begin() as connection:
        loader = Loader(connection, metadata)
        loader.clear()
        for table in tables:
            columns, lines = dumps[table.name]
            assert loader.load(table.name, columns, lines) == len(rows[table.name])
        loader.finish()
