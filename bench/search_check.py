"""The catalogue's search on the benchmark's generated catalogue lists what
the joined search listed, page by page, with the same count.

    python bench/search_check.py [--pages 3] [--per-page 24]

Uses DATABASE_URL, as the generators. For every query below, every sort a
search offers and a few filters, the first `--pages` pages of
`shop.catalogue.queries.catalogue_page` (the listing columns, one statement
for a page and its count) are compared with the reference: the search as it
was listed before the listing columns (migration 0019), the product joined to
its group and filtered on the group's own status, programme and region,
ranked by the same full-text ranking (`shop.catalogue.search.apply_search`).
The unit tests make the same comparison on a catalogue of 90 products
(tests/integration/catalogue/test_listing.py); this runs it where the
catalogue is as large as the benchmark's. Exits 1 at the first difference,
printing the query, the filters, the sort and the page.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Words of the generator's names (bench/generate.py WORDS and FLAVOURS), of
# its groups' names, a stem ("rajut" finds "rajutan"), a prefix typed halfway,
# a spelling variant folded by the search ("kripik"), a product number, two
# words, a word in no product, and hostile text.
QUERIES = (
    "abon",
    "keripik pedas",
    "kripik",
    "rajut",
    "kue kering",
    "markisa premium",
    "sabun sereh",
    "nast",
    "kelompok batik",
    "777",
    "bandeng presto 12",
    "zzzzzz",
    "' OR 1=1 --",
)
SORTS = ("relevance", "newest", "price_asc", "price_desc", "name")


def reference(filters, sort: str, per_page: int, page: int) -> tuple[list[int], int]:
    """One page of the joined search and its count (all matches)."""
    from sqlalchemy import func, select

    from shop.catalogue import search
    from shop.catalogue.models import Category, Product, ProductStatus
    from shop.extensions import db
    from shop.groups.models import Group, GroupStatus, Programme

    stmt = (
        select(Product.id)
        .join(Product.group)
        .where(
            Product.status == ProductStatus.PUBLISHED,
            Product.hidden_at.is_(None),
            Group.status == GroupStatus.ACTIVE,
        )
    )
    if filters.category:
        stmt = stmt.where(Product.category == Category(filters.category))
    if filters.programme:
        stmt = stmt.where(Group.programme == Programme(filters.programme))
    if filters.province:
        stmt = stmt.where(Group.province_code == filters.province)
    if filters.available:
        stmt = stmt.where(Product.in_stock.is_(True))
    stmt, rank = search.apply_search(stmt, filters.q)
    if rank is None:  # no usable word: the catalogue lists as without a query
        rank_order = ()
        sort = "newest" if sort == "relevance" else sort
    else:
        rank_order = (rank, Product.published_at.desc())
    order = {
        "relevance": rank_order,
        "newest": (Product.published_at.desc(),),
        "price_asc": (Product.price_min.asc(),),
        "price_desc": (Product.price_max.desc(),),
        "name": (Product.name.asc(),),
    }[sort]
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    ids = db.session.scalars(
        stmt.order_by(*order, Product.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(ids), total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--per-page", type=int, default=24)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from shop import create_app
    from shop.catalogue import queries, search
    from shop.catalogue.models import Category, Product
    from shop.extensions import db

    app = create_app()
    with app.app_context():
        province = db.session.scalar(
            select(Product.province_code)
            .where(Product.listed)
            .group_by(Product.province_code)
            .order_by(func.count().desc(), Product.province_code)
            .limit(1)
        )
        filter_sets = (
            queries.CatalogueFilters(),
            queries.CatalogueFilters(category=Category.SNACKS.value),
            queries.CatalogueFilters(province=province or "", available=True),
        )
        started = time.perf_counter()
        compared = 0
        for q, sort, base in itertools.product(QUERIES, SORTS, filter_sets):
            filters = dataclasses.replace(base, q=q, sort=sort)
            for page in range(1, args.pages + 1):
                expected, total = reference(filters, sort, args.per_page, page)
                pagination, _ = queries.catalogue_page(filters, page, args.per_page)
                listed = [card.id for card in pagination.items]
                exact = search.has_terms(q) or total <= queries.COUNT_CAP
                counted = pagination.total == total if exact else pagination.capped
                if listed != expected or not counted:
                    print(
                        f"search check: DIFFERENT for q={q!r} sort={sort} filters={base} "
                        f"page {page}: listed {listed[:5]}… total {pagination.total}, "
                        f"expected {expected[:5]}… total {total}"
                    )
                    sys.exit(1)
                compared += 1
                if not expected:
                    break
            db.session.rollback()
        print(
            f"search check: {compared} pages of {len(QUERIES)} queries × {len(SORTS)} sorts × "
            f"{len(filter_sets)} filter sets equal the joined search, counts included "
            f"({time.perf_counter() - started:.0f} s)"
        )


if __name__ == "__main__":
    main()
