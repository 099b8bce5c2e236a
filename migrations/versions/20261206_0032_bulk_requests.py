"""bulk requests: group capacity, requests, invitations, offers, contact codes

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 03:00:00

Institution bulk requests (issue 16): what a group declares it can make a
week, an office's request, the groups told of it, their offers, and the
codes that verify the requester's contact.
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table, column, target, ondelete=None):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}"],
        name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}"),
        ondelete=ondelete,
    )


def upgrade():
    op.create_table(
        "group_capacity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("weekly_quantity", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("weekly_quantity >= 1", name=op.f("ck_group_capacity_weekly_quantity")),
        _fk("group_capacity", "group_id", "group.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_capacity")),
        sa.UniqueConstraint("group_id", "category", name="uq_group_capacity_group_category"),
    )
    op.create_index(
        "ix_group_capacity_category", "group_capacity", ["category", "weekly_quantity"]
    )
    op.create_table(
        "bulk_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("institution", sa.String(length=120), nullable=False),
        sa.Column("contact_name", sa.String(length=80), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("needed_by", sa.Date(), nullable=False),
        sa.Column("budget_per_unit", MONEY, nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("district_code", sa.String(length=8), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("min_weekly_capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("accepted_quantity", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_bulk_request_quantity")),
        sa.CheckConstraint("budget_per_unit >= 0", name=op.f("ck_bulk_request_budget_per_unit")),
        sa.CheckConstraint(
            "accepted_quantity >= 0 AND accepted_quantity <= quantity",
            name=op.f("ck_bulk_request_accepted_quantity"),
        ),
        _fk("bulk_request", "province_code", "province.code"),
        _fk("bulk_request", "regency_code", "regency.code"),
        _fk("bulk_request", "district_code", "district.code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_request")),
        sa.UniqueConstraint("number", name=op.f("uq_bulk_request_number")),
        sa.UniqueConstraint("key", name=op.f("uq_bulk_request_key")),
    )
    op.create_index(
        "ix_bulk_request_status_province",
        "bulk_request",
        ["status", "province_code", "created_at"],
    )
    op.create_index("ix_bulk_request_contact_phone", "bulk_request", ["contact_phone"])
    op.create_index("ix_bulk_request_contact_email", "bulk_request", ["contact_email"])
    op.create_table(
        "bulk_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("bulk_invitation", "request_id", "bulk_request.id", "CASCADE"),
        _fk("bulk_invitation", "group_id", "group.id", "CASCADE"),
        _fk("bulk_invitation", "by_id", "user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_invitation")),
        sa.UniqueConstraint("request_id", "group_id", name="uq_bulk_invitation_request_group"),
    )
    op.create_index("ix_bulk_invitation_group_id", "bulk_invitation", ["group_id"])
    op.create_table(
        "bulk_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("ready_by", sa.Date(), nullable=False),
        sa.Column("delivery_method", sa.String(length=20), nullable=False),
        sa.Column("delivery_fee", MONEY, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("accepted_quantity", sa.Integer(), server_default="0", nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_bulk_offer_quantity")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_bulk_offer_unit_price")),
        sa.CheckConstraint("delivery_fee >= 0", name=op.f("ck_bulk_offer_delivery_fee")),
        sa.CheckConstraint(
            "accepted_quantity >= 0 AND accepted_quantity <= quantity",
            name=op.f("ck_bulk_offer_accepted_quantity"),
        ),
        _fk("bulk_offer", "request_id", "bulk_request.id", "CASCADE"),
        _fk("bulk_offer", "group_id", "group.id", "CASCADE"),
        _fk("bulk_offer", "order_id", "order.id", "SET NULL"),
        _fk("bulk_offer", "by_id", "user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_offer")),
        sa.UniqueConstraint("request_id", "group_id", name="uq_bulk_offer_request_group"),
    )
    op.create_index("ix_bulk_offer_group_id", "bulk_offer", ["group_id"])
    op.create_table(
        "bulk_contact_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        _fk("bulk_contact_code", "request_id", "bulk_request.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_contact_code")),
    )
    op.create_index(
        "ix_bulk_contact_code_contact_purpose", "bulk_contact_code", ["contact", "purpose"]
    )


def downgrade():
    op.drop_table("bulk_contact_code")
    op.drop_table("bulk_offer")
    op.drop_table("bulk_invitation")
    op.drop_table("bulk_request")
    op.drop_table("group_capacity")
