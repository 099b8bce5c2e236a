"""The listing columns follow every change of a product and its group, and
the catalogue built on them lists exactly what the joined query listed."""

import dataclasses
import itertools
import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from shop.catalogue import listing, queries, search
from shop.catalogue.models import Category, Product, ProductStatus
from shop.catalogue.queries import CatalogueFilters
from shop.catalogue.services import refresh_derived
from shop.coordinators.compliance.services import hide_product, restore_product
from shop.coordinators.verification.services import reinstate_group, suspend_group
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import Group, GroupStatus, Programme
from tests.factories import CoordinatorFactory, GroupFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.usefixtures("app_ctx")


def _listing(product: Product) -> tuple:
    row = db.session.execute(
        select(Product.listed, Product.programme, Product.province_code, Product.regency_code)
        .where(Product.id == product.id)
        .execution_options(populate_existing=True)
    ).one()
    return tuple(row)


def test_a_new_product_takes_its_groups_programme_and_region():
    group = GroupFactory(programme=Programme.LAPAS, province_code="15", regency_code="15.05")
    product = ProductFactory(group=group)
    draft = ProductFactory(group=group, status=ProductStatus.DRAFT)
    db.session.flush()
    assert _listing(product) == (True, Programme.LAPAS, "15", "15.05")
    assert _listing(draft) == (False, Programme.LAPAS, "15", "15.05")


def test_hiding_suspending_and_moving_a_group_relist_its_products():
    coordinator = CoordinatorFactory(is_operator=True)
    group = GroupFactory(province_code="15", regency_code="15.05")
    shown, hidden, archived = (ProductFactory(group=group) for _ in range(3))
    archived.status = ProductStatus.ARCHIVED
    hide_product(hidden, "Foto tidak sesuai", by=coordinator.user)
    db.session.flush()
    assert [_listing(p)[0] for p in (shown, hidden, archived)] == [True, False, False]

    suspend_group(group, "Laporan pembeli", by=coordinator.user)
    assert [_listing(p)[0] for p in (shown, hidden, archived)] == [False, False, False]
    reinstate_group(group, by=coordinator.user)
    assert [_listing(p)[0] for p in (shown, hidden, archived)] == [True, False, False]
    restore_product(hidden, by=coordinator.user)
    db.session.flush()
    assert _listing(hidden)[0] is True

    group.province_code, group.regency_code = "31", "31.71"
    group.programme = Programme.KOPERASI
    db.session.flush()
    assert _listing(shown)[1:] == (Programme.KOPERASI, "31", "31.71")
    assert _listing(archived)[1:] == (Programme.KOPERASI, "31", "31.71")
    assert shown.province_code == "31"  # the loaded object follows too


def test_relist_all_sets_what_a_bulk_load_left_out():
    active = GroupFactory(province_code="31", regency_code="31.71")
    suspended = GroupFactory(status=GroupStatus.SUSPENDED)
    products = [ProductFactory(group=active), ProductFactory(group=suspended)]
    products.append(ProductFactory(group=active, status=ProductStatus.DRAFT))
    db.session.flush()
    expected = [_listing(p) for p in products]
    db.session.execute(
        update(Product).values(listed=True, programme=None, province_code=None, regency_code=None)
    )
    listing.relist_all(db.session)
    assert [_listing(p) for p in products] == expected
    assert [e[0] for e in expected] == [True, False, False]


def _varied_catalogue(count: int = 90) -> None:
    """Groups of several programmes, regions and states; products of every
    state, category and price, some with equal prices, names and dates."""
    rnd = random.Random(14)
    regions = [("15", "15.05"), ("15", "15.71"), ("31", "31.71"), ("32", "32.73")]
    groups = []
    for i in range(8):
        province, regency = regions[i % len(regions)]
        groups.append(
            GroupFactory(
                programme=list(Programme)[i % len(Programme)],
                province_code=province,
                regency_code=regency,
                status=GroupStatus.SUSPENDED if i == 7 else GroupStatus.ACTIVE,
            )
        )
    start = utcnow() - timedelta(days=30)
    for n in range(count):
        product = ProductFactory(
            group=rnd.choice(groups),
            name=f"{rnd.choice(['Abon Lele', 'Keripik Pisang', 'Kue Nastar'])} {n % 7}",
            category=rnd.choice(list(Category)[:5]),
            status=rnd.choice([ProductStatus.PUBLISHED] * 4 + [ProductStatus.DRAFT]),
            published_at=start + timedelta(hours=rnd.randrange(40)),
            hidden_at=utcnow() if rnd.random() < 0.1 else None,
        )
        price = rnd.choice([10_000, 15_000, 25_000, 40_000])
        VariantFactory(product=product, price=price, stock=rnd.choice([None, 0, 5]))
        if rnd.random() < 0.5:
            VariantFactory(product=product, label="250 g", price=price * 2, stock=None)
        db.session.flush()
        db.session.refresh(product)
        refresh_derived(product)
    db.session.flush()


def _joined_reference(filters: CatalogueFilters, sort: str) -> list[int]:
    """The catalogue as it was listed before the listing columns: joined to
    the group, filtering on the group's own programme, region and status."""
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
    if filters.regency:
        stmt = stmt.where(Group.regency_code == filters.regency)
    if filters.price_min is not None:
        stmt = stmt.where(Product.price_max >= filters.price_min)
    if filters.price_max is not None:
        stmt = stmt.where(Product.price_min <= filters.price_max)
    if filters.available:
        stmt = stmt.where(Product.in_stock.is_(True))
    order = {
        "newest": Product.published_at.desc(),
        "price_asc": Product.price_min.asc(),
        "price_desc": Product.price_max.desc(),
        "name": Product.name.asc(),
    }[sort]
    return list(db.session.scalars(stmt.order_by(order, Product.id.desc())))


FILTERS = (
    CatalogueFilters(),
    CatalogueFilters(category=Category.SNACKS.value),
    CatalogueFilters(programme=Programme.UPPKA.value),
    CatalogueFilters(province="15"),
    CatalogueFilters(province="15", regency="15.71"),
    CatalogueFilters(price_min=12_000, price_max=30_000),
    CatalogueFilters(available=True, category=Category.CAKES.value),
    CatalogueFilters(province="31", programme=Programme.KOPERASI.value, available=True),
)


def test_the_catalogue_lists_what_the_joined_query_listed():
    _varied_catalogue()
    for filters, sort in itertools.product(FILTERS, ("newest", "price_asc", "price_desc", "name")):
        expected = _joined_reference(filters, sort)
        chosen = dataclasses.replace(filters, sort=sort)
        listed, page = [], 1
        while True:
            pagination, applied = queries.catalogue_page(chosen, page, per_page=7)
            listed += [p.id for p in pagination.items]
            assert pagination.total == len(expected) and not pagination.capped, chosen
            if not pagination.has_next:
                break
            page += 1
        assert applied == sort and listed == expected, chosen
    assert len(_joined_reference(CatalogueFilters(), "newest")) > 40


def test_a_count_past_the_cap_says_more_and_still_pages(monkeypatch):
    _varied_catalogue(60)
    monkeypatch.setattr(queries, "COUNT_CAP", 10)
    everything = _joined_reference(CatalogueFilters(), "newest")
    assert len(everything) > 20
    first, _ = queries.catalogue_page(CatalogueFilters(), 1, per_page=4)
    assert first.capped and first.total == 10 and first.has_next
    listed, page, pagination = [], 1, first
    while True:
        listed += [p.id for p in pagination.items]
        if not pagination.has_next:
            break
        page += 1
        pagination, _ = queries.catalogue_page(CatalogueFilters(), page, per_page=4)
        # Past the cap it counts to the end of the next page, so "next" is known.
        assert pagination.total >= min(len(everything), page * 4)
    assert listed == everything and not pagination.capped


def test_category_counts_stop_at_the_cap(monkeypatch):
    _varied_catalogue(60)
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    counts = dict(queries.category_counts())
    exact = {
        category: len(_joined_reference(CatalogueFilters(category=category.value), "newest"))
        for category in Category
    }
    assert counts == {c: min(n, 4) for c, n in exact.items()}
    assert max(exact.values()) > 3  # some category is past the cap


def _searched_reference(q: str, sort: str) -> list[int]:
    """A search as listed before: the joined query, ranked by the search."""
    stmt = (
        select(Product)
        .join(Product.group)
        .where(
            Product.status == ProductStatus.PUBLISHED,
            Product.hidden_at.is_(None),
            Group.status == GroupStatus.ACTIVE,
        )
    )
    stmt, rank = search.apply_search(stmt, q)
    order = {
        "relevance": (rank, Product.published_at.desc()),
        "price_asc": (Product.price_min.asc(),),
    }[sort]
    return [p.id for p in db.session.scalars(stmt.order_by(*order, Product.id.desc()))]


def test_a_search_lists_and_counts_what_the_joined_search_did():
    _varied_catalogue()
    for q, sort in itertools.product(
        ("abon", "keripik pisang", "nastar 3"), ("relevance", "price_asc")
    ):
        expected = _searched_reference(q, sort)
        filters = CatalogueFilters(q=q, sort=sort)
        listed, page = [], 1
        while True:
            pagination, _ = queries.catalogue_page(filters, page, per_page=5)
            listed += [p.id for p in pagination.items]
            assert pagination.total == len(expected), (q, sort)
            if not pagination.has_next:
                break
            page += 1
        assert listed == expected and expected, (q, sort)
        past, _ = queries.catalogue_page(filters, page + 3, per_page=5)
        assert past.items == [] and past.total == len(expected)
