"""carts with an identity and a version: one order set per cart

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 20:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkout', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cart_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('cart_version', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_checkout_cart_id'), ['cart_id', 'cart_version'])


def downgrade():
    with op.batch_alter_table('checkout', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_checkout_cart_id'), type_='unique')
        batch_op.drop_column('cart_version')
        batch_op.drop_column('cart_id')
