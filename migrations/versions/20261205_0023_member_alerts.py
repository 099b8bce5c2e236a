"""member_alerts: which order alerts each member gets on each channel

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 23:55:00

No rows at first: every member has the defaults of their role (the ketua
gets every WhatsApp alert, other members none) until they save a choice.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("whatsapp", name="alertchannel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("new_order", sa.Boolean(), nullable=False),
        sa.Column("proof_sent", sa.Boolean(), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_member_alerts_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_alerts")),
        sa.UniqueConstraint("membership_id", "channel", name="uq_member_alerts_membership_channel"),
    )


def downgrade():
    op.drop_table("member_alerts")
