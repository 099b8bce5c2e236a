"""short codes for groups and products

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 02:50:00

Every existing group and product gets a code here, so the column can be NOT
NULL from this revision on. The codes are made in the migration itself (the
same alphabet and lengths as shop/marketing/codes.py, copied so the migration
never imports application code).

On SQLite the column is added as NOT NULL with a temporary '' default:
SQLite can only make a column NOT NULL by rebuilding the table, and
rebuilding "group" drops it first, which with foreign keys on cascades into
every product and membership. The application always sets a code, and the
unique index refuses a second ''. On PostgreSQL the column is added nullable,
filled, then set NOT NULL without any default.
"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTHS = {"group": 5, "product": 6}


def _backfill(bind, table_name: str) -> None:
    table = sa.table(table_name, sa.column("id", sa.Integer), sa.column("short_code", sa.String))
    used = set()
    ids = bind.execute(sa.select(table.c.id).order_by(table.c.id)).scalars().all()
    for row_id in ids:
        code = None
        while code is None or code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTHS[table_name]))
        used.add(code)
        bind.execute(table.update().where(table.c.id == row_id).values(short_code=code))


def upgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for table_name in ("group", "product"):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            if sqlite:
                batch_op.add_column(
                    sa.Column('short_code', sa.String(length=12), server_default='', nullable=False)
                )
            else:
                batch_op.add_column(sa.Column('short_code', sa.String(length=12), nullable=True))
        _backfill(bind, table_name)
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            if not sqlite:
                batch_op.alter_column('short_code', existing_type=sa.String(length=12), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table_name}_short_code'), ['short_code'], unique=True)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table_name in ("product", "group"):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table_name}_short_code'))
            if not sqlite:
                batch_op.drop_column('short_code')
        if sqlite:
            # SQLite's own DROP COLUMN, not a batch rebuild (see the docstring).
            op.execute(f'ALTER TABLE "{table_name}" DROP COLUMN short_code')
