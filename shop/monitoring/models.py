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
months whose rows are complete; `monitoring_dirty` the group-months changed
since (the page counts those from the orders until a job refreshes them).

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

month_figures = Table(
    "monitoring_month",
    Base.metadata,
    Column("group_id", Integer, ForeignKey("group.id", ondelete="CASCADE"), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("orders", Integer, nullable=False),
    Column("paid", _money, nullable=False),
    Column("unpaid", _money, nullable=False),
    Column("items", Integer, nullable=False),
    Column("refunds", _money, nullable=False),
    Column("confirm_seconds", LargeBinary, nullable=False),
    *(Column(name, Integer, nullable=False) for name in BUCKET_COLUMNS),
)

built_months = Table(
    "monitoring_built",
    Base.metadata,
    Column("month", Date, primary_key=True),
    Column("built_at", UTCDateTime, nullable=False),
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
