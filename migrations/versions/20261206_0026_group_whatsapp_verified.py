"""group_whatsapp_verified: a group's own WhatsApp number confirmed by a code

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 02:50:00

`group.whatsapp_verified_at` is set when a code sent to the number comes back;
numbers typed before start unverified (NULL). `account_code.group_id` names
the group a code was sent for (NULL for a person's own codes).
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE on both engines: rebuilding "group" on SQLite (batch)
    # would trip over the tables that point at it.
    op.add_column("group", sa.Column("whatsapp_verified_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("account_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_account_code_group_id_group"),
            "group",
            ["group_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index("ix_account_code_group_id_purpose", ["group_id", "purpose"])


def downgrade():
    with op.batch_alter_table("account_code", schema=None) as batch_op:
        batch_op.drop_index("ix_account_code_group_id_purpose")
        batch_op.drop_constraint(batch_op.f("fk_account_code_group_id_group"), type_="foreignkey")
        batch_op.drop_column("group_id")
    op.drop_column("group", "whatsapp_verified_at")
