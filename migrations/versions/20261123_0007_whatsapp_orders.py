"""Groups can also take orders on WhatsApp (a button for the buyer after checkout)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 03:01:34.345155

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode may rebuild
    # "group", and dropping it with foreign keys on would delete every
    # product and membership through their ON DELETE CASCADE.
    op.add_column(
        'group',
        sa.Column('whatsapp_orders', sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    op.drop_column('group', 'whatsapp_orders')
