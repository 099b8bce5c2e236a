"""product shelf life unit (days, weeks or months)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 23:40:00

The shelf life stays in days (shelf_life_days, which consignment counts);
shelf_life_unit says which unit the group gave it in, so the form and the
product page show it back as entered ("2 minggu"). Existing products have
none: their days are shown as days, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "shelf_life_unit",
                sa.Enum(
                    "hari", "minggu", "bulan", name="shelflifeunit", native_enum=False, length=10
                ),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_column("shelf_life_unit")
