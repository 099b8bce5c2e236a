"""refunds for paid orders that are cancelled; Stripe attempts

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 20:14:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('method', sa.Enum('transfer', 'cash', 'card', name='paymentmethod', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('due', 'pending', 'refunded', 'failed', name='refundstatus', native_enum=False, length=20), nullable=False),
    sa.Column('cause', sa.Enum('cancelled', 'closed', 'paid-twice', 'amount', name='refundcause', native_enum=False, length=20), nullable=False),
    sa.Column('stripe_session_id', sa.String(length=255), nullable=True),
    sa.Column('stripe_payment_intent', sa.String(length=255), nullable=True),
    sa.Column('stripe_refund_id', sa.String(length=255), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_refund_amount')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_refund_document_id_document')),
    sa.ForeignKeyConstraint(['image_id'], ['image.id'], name=op.f('fk_refund_image_id_image')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_refund_order_id_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_refund_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund')),
    sa.UniqueConstraint('stripe_refund_id', name=op.f('uq_refund_stripe_refund_id')),
    sa.UniqueConstraint('stripe_session_id', name=op.f('uq_refund_stripe_session_id'))
    )
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_image_id'), ['image_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_attempt', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('card_attempt_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('card_attempt_at')
        batch_op.drop_column('card_attempt')

    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_order_id'))
        batch_op.drop_index(batch_op.f('ix_refund_image_id'))
        batch_op.drop_index(batch_op.f('ix_refund_document_id'))

    op.drop_table('refund')
