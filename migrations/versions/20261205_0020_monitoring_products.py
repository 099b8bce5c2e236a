"""monitoring_products: each group's published, not hidden products, for the monitoring page's active groups and products

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 16:30:00

Kept by shop.monitoring.active (a Session listener); filled here from the
products, as `flask monitoring rebuild` does.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monitoring_products",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("products", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_monitoring_products_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_monitoring_products")),
    )
    op.execute(
        "INSERT INTO monitoring_products (group_id, products) "
        "SELECT g.id, (SELECT count(*) FROM product p WHERE p.group_id = g.id "
        "AND p.status = 'published' AND p.hidden_at IS NULL) FROM \"group\" g"
    )


def downgrade():
    op.drop_table("monitoring_products")
