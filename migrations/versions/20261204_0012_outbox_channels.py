"""outbox messages on several channels (WhatsApp templates, email)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:12:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows are emails: their channel column already says so, and the
    # new columns start empty for them.
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('params', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('locale', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('provider_message_id', sa.String(length=128), server_default='', nullable=False))
        batch_op.add_column(sa.Column('provider_status', sa.String(length=20), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_outbox_message_provider_message_id'), ['provider_message_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_provider_message_id'))
        batch_op.drop_column('provider_status')
        batch_op.drop_column('provider_message_id')
        batch_op.drop_column('locale')
        batch_op.drop_column('params')
        batch_op.drop_column('template')
