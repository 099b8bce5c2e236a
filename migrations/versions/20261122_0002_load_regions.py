"""load Indonesian regions (idn-area-data 4.0.1, ODbL)

Data migration, apart from the schema: fills province, regency and district
from the CSVs vendored in shop/data/regions. Later updates of the data use
`flask regions load`, an upsert that keeps codes stable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / "shop" / "data" / "regions"


def _rows(name):
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def upgrade():
    province = sa.table("province", sa.column("code"), sa.column("name"))
    regency = sa.table("regency", sa.column("code"), sa.column("province_code"), sa.column("name"))
    district = sa.table("district", sa.column("code"), sa.column("regency_code"), sa.column("name"))
    op.bulk_insert(province, _rows("provinces.csv"))
    op.bulk_insert(regency, _rows("regencies.csv"))
    op.bulk_insert(district, _rows("districts.csv"))


def downgrade():
    op.execute("DELETE FROM district")
    op.execute("DELETE FROM regency")
    op.execute("DELETE FROM province")
