"""upload quotas per group: the group a photo was uploaded for

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 20:16:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('image', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_image_group_created', ['group_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('image', schema=None) as batch_op:
        batch_op.drop_index('ix_image_group_created')
        batch_op.drop_column('group_id')
