"""A group's static QRIS (its payload, confirmed by the group) and whether it offers QRIS

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 02:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs, not batch mode: on SQLite batch mode may rebuild
    # "group", and dropping it with foreign keys on would delete every
    # product and membership through their ON DELETE CASCADE (see 0007).
    op.add_column(
        "group",
        sa.Column("accepts_qris", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("group", sa.Column("qris_payload", sa.String(length=512), nullable=True))


def downgrade():
    op.drop_column("group", "qris_payload")
    op.drop_column("group", "accepts_qris")
