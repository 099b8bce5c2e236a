"""verified WhatsApp numbers and password reset codes and links

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 20:13:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pending_phone', sa.String(length=20), nullable=True))

    op.create_table('account_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('verify_phone', 'reset_email', 'reset_phone', 'reset_coordinator', name='codepurpose', native_enum=False, length=20), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_account_code_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_code'))
    )
    with op.batch_alter_table('account_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_code_secret_hash'), ['secret_hash'], unique=False)
        batch_op.create_index('ix_account_code_user_id_purpose', ['user_id', 'purpose'], unique=False)


def downgrade():
    with op.batch_alter_table('account_code', schema=None) as batch_op:
        batch_op.drop_index('ix_account_code_user_id_purpose')
        batch_op.drop_index(batch_op.f('ix_account_code_secret_hash'))

    op.drop_table('account_code')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('pending_phone')
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('phone_verified_at')
