"""order_push_subscription: browsers where a buyer asked to hear of one order

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 00:40:00

Tied to the order, not to an account; deleted when the order ends.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "order_push_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=1024), nullable=False),
        sa.Column("p256dh", sa.String(length=128), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["order.id"],
            name=op.f("fk_order_push_subscription_order_id_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_push_subscription")),
        sa.UniqueConstraint(
            "order_id", "endpoint", name="uq_order_push_subscription_order_endpoint"
        ),
    )


def downgrade():
    op.drop_table("order_push_subscription")
