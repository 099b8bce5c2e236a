"""monitoring rollups through an instant (current month too) and per month, programme, province

monitoring_cell and monitoring_active: the order figures per month,
programme and province, and the active groups and products per programme
and province.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 19:30:00

monitoring_built gains `through` (the rows count the orders created before
it). The months built so far are forgotten (their rows and marks too): the
page counts from the orders until the periodic `keep_up` (or `flask
monitoring rebuild`) builds them again, with their cells.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# shop.monitoring.models.CONFIRM_BUCKETS has this many intervals.
BUCKETS = 32
MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _built_table(*extra):
    """monitoring_built anew (its rows, the rows and the marks forgotten)."""
    op.execute("DELETE FROM monitoring_dirty")
    op.execute("DELETE FROM monitoring_month")
    op.drop_table("monitoring_built")
    op.create_table(
        "monitoring_built",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        *extra,
        sa.PrimaryKeyConstraint("month", name=op.f("pk_monitoring_built")),
    )


def upgrade():
    _built_table(sa.Column("through", sa.DateTime(timezone=True), nullable=False))
    op.create_table(
        "monitoring_cell",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("paid", MONEY, nullable=False),
        sa.Column("unpaid", MONEY, nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("refunds", MONEY, nullable=False),
        sa.Column("confirm_seconds", sa.LargeBinary(), nullable=False),
        *(sa.Column(f"confirmed_{i:02d}", sa.Integer(), nullable=False) for i in range(BUCKETS)),
        sa.PrimaryKeyConstraint(
            "month", "programme", "province_code", name=op.f("pk_monitoring_cell")
        ),
    )

    op.create_table(
        "monitoring_active",
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("groups", sa.Integer(), nullable=False),
        sa.Column("products", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("programme", "province_code", name=op.f("pk_monitoring_active")),
    )
    op.execute(
        "INSERT INTO monitoring_active (programme, province_code, groups, products) "
        "SELECT g.programme, g.province_code, count(*), sum(p.products) "
        'FROM monitoring_products p JOIN "group" g ON g.id = p.group_id '
        "WHERE g.status = 'active' AND p.products > 0 GROUP BY g.programme, g.province_code"
    )


def downgrade():
    op.drop_table("monitoring_active")
    op.drop_table("monitoring_cell")
    _built_table()
