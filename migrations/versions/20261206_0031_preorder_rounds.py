"""preorder_round, preorder_round_item; product.preorder_round_id,
group.open_rounds, order_line.round_item_id

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 03:00:00

Pre-order rounds: a group's round with a capacity per variant. The three
new columns of older tables are plain integers (no foreign key), so SQLite
adds them without rebuilding the tables.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "preorder_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("last_order_day", sa.Date(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_on", sa.Date(), nullable=False),
        sa.Column("handover", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("featured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("featured_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_preorder_round_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_preorder_round_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["featured_by_id"],
            ["user.id"],
            name=op.f("fk_preorder_round_featured_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preorder_round")),
    )
    op.create_index(op.f("ix_preorder_round_group_id"), "preorder_round", ["group_id"])
    op.create_index("ix_preorder_round_status_closes", "preorder_round", ["status", "closes_at"])
    op.create_table(
        "preorder_round_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_preorder_round_item_capacity")),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= capacity", name=op.f("ck_preorder_round_item_taken")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["preorder_round.id"],
            name=op.f("fk_preorder_round_item_round_id_preorder_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_preorder_round_item_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variant.id"],
            name=op.f("fk_preorder_round_item_variant_id_variant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preorder_round_item")),
        sa.UniqueConstraint("round_id", "variant_id", name="uq_preorder_round_item_variant"),
    )
    for column in ("round_id", "product_id", "variant_id"):
        op.create_index(op.f(f"ix_preorder_round_item_{column}"), "preorder_round_item", [column])
    op.add_column("product", sa.Column("preorder_round_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_product_preorder_round_id"), "product", ["preorder_round_id"])
    op.add_column(
        "group", sa.Column("open_rounds", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("order_line", sa.Column("round_item_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_order_line_round_item_id"), "order_line", ["round_item_id"])


def downgrade():
    op.drop_index(op.f("ix_order_line_round_item_id"), table_name="order_line")
    # SQLite drops an unindexed column in place (3.35+): no table rebuild.
    op.drop_column("order_line", "round_item_id")
    op.drop_column("group", "open_rounds")
    op.drop_index(op.f("ix_product_preorder_round_id"), table_name="product")
    op.drop_column("product", "preorder_round_id")
    op.drop_table("preorder_round_item")
    op.drop_table("preorder_round")
