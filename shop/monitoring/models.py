"""The monitoring rollups: each group's online-order figures per Jakarta
month, kept so that the monitoring page reads a few thousand rows instead of
every order (`shop.monitoring.rollups` fills them, `shop.monitoring.queries`
reads them).

`monitoring_month` holds, for a group and a month that has ended, what the
full count over its orders gives: the counted orders (neither cancelled nor
expired), their subtotal paid and not yet paid, their items, the refunds of
every order of the month, and the whole seconds to confirm of the counted
confirmed orders, both as a histogram (`confirmed_00`… one column per
`CONFIRM_BUCKETS` interval, summed in SQL) and as the sorted values (a
little-endian int32 array, for the exact median). `monitoring_built` lists the
months that have rows and up to when (`through`: the month's end once it has
ended and settled; for the current month, the last time it was brought up to
date, less `SETTLE`): a month's rows count exactly its orders created before
`through`. `monitoring_dirty` lists the group-months changed since (the page
counts those from the orders until a job refreshes them).

`monitoring_cell` is the same figures summed per month, programme and
province (each group's as it is now): a few thousand rows that answer the
pages grouped by programme, province or month for scopes and filters made of
programmes and provinces (the operator's default view), kept equal to the
sum of their groups' `monitoring_month` rows by every write of those and
every move of a group.

The index on `order.created_at` is monitoring's: the months not rolled up
(the current one, a range's partial months) are read from the orders by
their date.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
)

from shop.db import Base, Rupiah, UTCDateTime
from shop.orders.models import Order

# Lower bounds (seconds) of the histogram's intervals; the first takes
# everything below 300 (and any negative time), the last everything above.
CONFIRM_BUCKETS = (
    *(0, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 18000, 21600),
    *(28800, 36000, 43200, 54000, 64800, 75600, 86400, 100800, 115200, 129600, 151200),
    *(172800, 216000, 259200, 345600, 432000, 604800, 1209600),
)
BUCKET_COLUMNS = tuple(f"confirmed_{i:02d}" for i in range(len(CONFIRM_BUCKETS)))

_money = Rupiah.__metadata__[0].column.type
FIGURE_COLUMNS = ("orders", "paid", "unpaid", "items", "refunds")


def _figures() -> list[Column]:
    """The figures of a group-month or a cell (new Column objects per table)."""
    return [
        Column("orders", Integer, nullable=False),
        Column("paid", _money, nullable=False),
        Column("unpaid", _money, nullable=False),
        Column("items", Integer, nullable=False),
        Column("refunds", _money, nullable=False),
        Column("confirm_seconds", LargeBinary, nullable=False),
        *(Column(name, Integer, nullable=False) for name in BUCKET_COLUMNS),
    ]


month_figures = Table(
    "monitoring_month",
    Base.metadata,
    Column("group_id", Integer, ForeignKey("group.id", ondelete="CASCADE"), primary_key=True),
    Column("month", Date, primary_key=True),
    *_figures(),
)

built_months = Table(
    "monitoring_built",
    Base.metadata,
    Column("month", Date, primary_key=True),
    Column("built_at", UTCDateTime, nullable=False),
    Column("through", UTCDateTime, nullable=False),
)

dirty_months = Table(
    "monitoring_dirty",
    Base.metadata,
    Column("group_id", Integer, ForeignKey("group.id", ondelete="CASCADE"), primary_key=True),
    Column("month", Date, primary_key=True),
    # The month's bounds as UTC instants, for the page to find its orders.
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    # Raised by every change; a refresh removes the mark only if unchanged.
    Column("version", Integer, nullable=False),
)

cell_figures = Table(
    "monitoring_cell",
    Base.metadata,
    Column("month", Date, primary_key=True),
    # The programme's stored value and the province's code, as in "group".
    Column("programme", String(20), primary_key=True),
    Column("province_code", String(2), primary_key=True),
    *_figures(),
)

order_created_index = Index("ix_order_created_at", Order.created_at)

# Each group's products anyone could see if the group is active: published
# and not hidden by a coordinator (`shop.monitoring.active` keeps it; the
# group's own status is applied when read). A row per group that has or had
# products; 0 when none is visible.
group_products = Table(
    "monitoring_products",
    Base.metadata,
    Column("group_id", Integer, ForeignKey("group.id", ondelete="CASCADE"), primary_key=True),
    Column("products", Integer, nullable=False),
)

# The active groups and their products (`group_products` of the groups that
# are active and have at least one) per programme and province, for the
# pages the cells answer (`shop.monitoring.active` keeps it).
active_cells = Table(
    "monitoring_active",
    Base.metadata,
    Column("programme", String(20), primary_key=True),
    Column("province_code", String(2), primary_key=True),
    Column("groups", Integer, nullable=False),
    Column("products", Integer, nullable=False),
)
