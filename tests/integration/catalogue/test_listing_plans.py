"""Each public list walks a partial index of listed products in its order
and stops after the page: no scan of the catalogue, no sort of every match
(EXPLAIN on the engine the suite runs on)."""

import re

import pytest
from sqlalchemy import inspect, select

from shop.catalogue import queries
from shop.catalogue.models import Category, Product
from shop.catalogue.queries import CatalogueFilters
from shop.extensions import db
from shop.groups.models import Programme

pytestmark = pytest.mark.usefixtures("app_ctx")

SNACKS, CAKES, FOOD, CRAFTS = (
    c.value for c in (Category.SNACKS, Category.CAKES, Category.FOOD, Category.CRAFTS)
)
# (filters, sort) -> the index that must serve it
LISTS = (
    (CatalogueFilters(), "newest", "ix_listing_newest"),
    (CatalogueFilters(), "price_asc", "ix_listing_price_asc"),
    (CatalogueFilters(), "price_desc", "ix_listing_price_desc"),
    (CatalogueFilters(), "name", "ix_listing_name"),
    (CatalogueFilters(category=SNACKS), "newest", "ix_listing_category_newest"),
    (CatalogueFilters(category=CAKES), "price_asc", "ix_listing_category_price_asc"),
    (CatalogueFilters(category=FOOD), "price_desc", "ix_listing_category_price_desc"),
    (CatalogueFilters(category=CRAFTS), "name", "ix_listing_category_name"),
    (CatalogueFilters(province="31"), "newest", "ix_listing_province_newest"),
    (CatalogueFilters(province="31", regency="31.71"), "newest", "ix_listing_regency_newest"),
    (CatalogueFilters(programme=Programme.UPPKA.value), "newest", "ix_listing_programme_newest"),
)


def _plan(stmt) -> str:
    dialect = db.session.get_bind().dialect
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "sqlite":
        rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
        return "\n".join(row[-1] for row in rows)
    connection = db.session.connection()
    # Statistics of an almost empty test table would make any plan a table
    # scan: forbid the scan and the full sort, so the plan shows whether an
    # index can give the list in its order at all.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    rows = connection.exec_driver_sql(f"EXPLAIN {sql}").all()
    return "\n".join(row[0] for row in rows)


def _no_full_sort(plan: str, dialect: str) -> bool:
    """Ties of the index's order may be sorted (SQLite's "RIGHT PART OF ORDER
    BY", PostgreSQL's Incremental Sort), never every match."""
    if dialect == "sqlite":
        lines = [line for line in plan.splitlines() if "TEMP B-TREE FOR" in line]
        return all("RIGHT PART OF ORDER BY" in line for line in lines)
    return not any(re.search(r"(^|->)\s*Sort\s+\(", line) for line in plan.splitlines())


def _no_table_scan(plan: str) -> bool:
    return "Seq Scan on product" not in plan and not re.search(r"SCAN product$", plan, re.M)


@pytest.mark.parametrize(("filters", "sort", "index"), LISTS)
def test_each_list_walks_its_index(filters, sort, index):
    filters.sort = sort
    stmt, applied = queries.catalogue_statement(filters)
    page = stmt.limit(24).offset(24)
    plan = _plan(page)
    dialect = db.session.get_bind().dialect.name
    assert applied == sort
    if dialect == "sqlite":
        assert index in plan, plan
    else:
        # On an all but empty table PostgreSQL may walk another index that
        # also gives the order (the province's for a regency, say), depending
        # on what earlier tests left in its statistics: the list's own index
        # must exist, and whichever is walked must need no full sort.
        assert re.search(r"Index (Only )?Scan( Backward)? using ix_", plan), plan
        assert index in _index_names(), index
    assert _no_full_sort(plan, dialect), plan
    assert _no_table_scan(plan), plan


def _index_names() -> set[str]:
    return {i["name"] for i in inspect(db.session.connection()).get_indexes("product")}


def test_a_groups_shop_walks_its_index():
    stmt = (
        queries.listed_products()
        .where(Product.group_id == 7)
        .order_by(Product.published_at.desc(), Product.id.desc())
        .limit(24)
    )
    plan = _plan(stmt)
    assert "ix_listing_group_newest" in plan, plan
    assert _no_full_sort(plan, db.session.get_bind().dialect.name), plan


def test_the_capped_count_reads_at_most_the_cap():
    stmt, _ = queries.catalogue_statement(CatalogueFilters(category=SNACKS))
    count = select(queries._capped_count(stmt))
    plan = _plan(count)
    assert _no_table_scan(plan) and "Limit" in plan or "ix_listing_category" in plan, plan
    assert "LIMIT 1001" in str(count.compile(compile_kwargs={"literal_binds": True}))
