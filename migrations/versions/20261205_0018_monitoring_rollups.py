"""monitoring rollups: each group's order figures per ended Jakarta month, the months built, the group-months changed since; an index on order.created_at

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# shop.monitoring.models.CONFIRM_BUCKETS has this many intervals.
BUCKETS = 32
MONEY = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('monitoring_month',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('paid', MONEY, nullable=False),
    sa.Column('unpaid', MONEY, nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('refunds', MONEY, nullable=False),
    sa.Column('confirm_seconds', sa.LargeBinary(), nullable=False),
    *(sa.Column(f'confirmed_{i:02d}', sa.Integer(), nullable=False) for i in range(BUCKETS)),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_monitoring_month_group_id_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'month', name=op.f('pk_monitoring_month'))
    )
    op.create_table('monitoring_built',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_monitoring_built'))
    )
    op.create_table('monitoring_dirty',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_monitoring_dirty_group_id_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'month', name=op.f('pk_monitoring_dirty'))
    )
    # A plain CREATE INDEX: batch mode must never rebuild "order".
    op.create_index('ix_order_created_at', 'order', ['created_at'], unique=False)


def downgrade():
    op.drop_index('ix_order_created_at', table_name='order')
    op.drop_table('monitoring_dirty')
    op.drop_table('monitoring_built')
    op.drop_table('monitoring_month')
