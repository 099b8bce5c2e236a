"""drop user.session_version: nothing reads it since sessions are LoginSession rows

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 04:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # A plain DROP COLUMN (SQLite 3.35+ has it), not batch mode: batch mode
    # would rebuild "user", and dropping it with foreign keys on would delete
    # every membership, order and session through their ON DELETE CASCADE.
    op.drop_column('user', 'session_version')


def downgrade():
    op.add_column(
        'user',
        sa.Column('session_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    )
