"""product listing columns (listed, programme, region) and the public lists' partial indexes

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 12:00:00

A public list filters and sorts on the product table alone: `listed`
(published, not hidden, its group active) and the group's programme and
region are kept on the product (shop.catalogue.listing), and each list's
order has a partial index of listed products. Existing rows are filled from
their groups, then ANALYZE gives the planner statistics for the new indexes.
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_listing_newest', ['published_at', 'id']),
    ('ix_listing_price_asc', ['price_min', 'id']),
    ('ix_listing_price_desc', ['price_max', 'id']),
    ('ix_listing_name', ['name', 'id']),
    ('ix_listing_category_newest', ['category', 'published_at', 'id']),
    ('ix_listing_category_price_asc', ['category', 'price_min', 'id']),
    ('ix_listing_category_price_desc', ['category', 'price_max', 'id']),
    ('ix_listing_category_name', ['category', 'name', 'id']),
    ('ix_listing_province_newest', ['province_code', 'published_at', 'id']),
    ('ix_listing_regency_newest', ['regency_code', 'published_at', 'id']),
    ('ix_listing_programme_newest', ['programme', 'published_at', 'id']),
    ('ix_listing_group_newest', ['group_id', 'published_at', 'id']),
)


def upgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('programme', sa.Enum('jps-tkm', 'uppka', 'up2k-pkk', 'koperasi', 'lapas', 'lainnya', name='programme', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('province_code', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('regency_code', sa.String(length=5), nullable=True))
    op.execute(
        'UPDATE product SET '
        "listed = (status = 'published' AND hidden_at IS NULL AND "
        "(SELECT g.status FROM \"group\" g WHERE g.id = product.group_id) = 'active'), "
        'programme = (SELECT g.programme FROM "group" g WHERE g.id = product.group_id), '
        'province_code = (SELECT g.province_code FROM "group" g WHERE g.id = product.group_id), '
        'regency_code = (SELECT g.regency_code FROM "group" g WHERE g.id = product.group_id)'
    )
    for name, columns in INDEXES:
        op.create_index(
            name, 'product', columns, unique=False,
            sqlite_where=sa.text('listed = 1'), postgresql_where=sa.text('listed'),
        )
    op.execute('ANALYZE')


def downgrade():
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name='product')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('regency_code')
        batch_op.drop_column('province_code')
        batch_op.drop_column('programme')
        batch_op.drop_column('listed')
