"""group_grant, grant_item, grant_item_photo: a group's grants and what they bought

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 03:00:00

Grants recorded by coordinators (programme, funding year, amount in rupiah,
source, day received) and the equipment each bought, with photos.
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "group_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=120), nullable=False),
        sa.Column("funding_year", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_group_grant_amount_positive")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_group_grant_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_group_grant_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_grant")),
    )
    op.create_index(
        "ix_group_grant_group_received", "group_grant", ["group_id", "received_on"], unique=False
    )
    op.create_index(
        "ix_group_grant_year_group", "group_grant", ["funding_year", "group_id"], unique=False
    )
    op.create_table(
        "grant_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("cost", MONEY, nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_grant_item_quantity_positive")),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_grant_item_cost_not_negative")),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["group_grant.id"],
            name=op.f("fk_grant_item_grant_id_group_grant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_item")),
    )
    op.create_index(op.f("ix_grant_item_grant_id"), "grant_item", ["grant_id"], unique=False)
    op.create_table(
        "grant_item_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["grant_item.id"],
            name=op.f("fk_grant_item_photo_item_id_grant_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["image_id"], ["image.id"], name=op.f("fk_grant_item_photo_image_id_image")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_item_photo")),
    )
    op.create_index(
        op.f("ix_grant_item_photo_item_id"), "grant_item_photo", ["item_id"], unique=False
    )
    op.create_index(
        op.f("ix_grant_item_photo_image_id"), "grant_item_photo", ["image_id"], unique=False
    )


def downgrade():
    op.drop_table("grant_item_photo")
    op.drop_table("grant_item")
    op.drop_table("group_grant")
