"""Reads for the catalogue: public listings with filters, product pages, group lists.

Every listing runs a fixed number of statements whatever the page size: the
products with their group and region (joined), then their photos
(selectinload), plus one count for the pager. A public list filters and
sorts on the product's listing columns alone (shop.catalogue.listing), so it
walks one partial index in order and stops after the page; its count stops
at COUNT_CAP ("more than 1,000 products"), so no page counts the catalogue.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import lru_cache

from flask import abort
from sqlalchemy import Integer, and_, bindparam, func, literal, select, union_all
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from shop.catalogue.cards import Card, cards_and_total, cards_of, page_statement
from shop.catalogue.models import Category, Product, ProductPhoto, ProductStatus
from shop.core.pagination import KnownPage, Pagination
from shop.core.text import clean_line, slugify
from shop.extensions import db
from shop.groups.models import Group, GroupStatus, Programme


def publicly_visible():
    """The WHERE clause of what anyone may see: published products a
    coordinator has not hidden, of groups that are not suspended."""
    return and_(
        Product.status == ProductStatus.PUBLISHED,
        Product.hidden_at.is_(None),
        Group.status == GroupStatus.ACTIVE,
    )


def offered_by(group: Group, *options, order_by=(Product.name, Product.id)) -> list[Product]:
    """The group's products a buyer can open, whatever the group's own status:
    published and not hidden by a coordinator. One query (plus the options')."""
    return list(
        db.session.scalars(
            select(Product)
            .where(
                Product.group_id == group.id,
                Product.status == ProductStatus.PUBLISHED,
                Product.hidden_at.is_(None),
            )
            .options(*options)
            .order_by(*order_by)
        )
    )


def public_products():
    """Published products of active groups: the only ones anyone else may see."""
    return select(Product).join(Product.group).where(publicly_visible())


def listed_products():
    """The same products, by their listing column alone (no join)."""
    return select(Product).where(Product.listed)


def newest_products(limit: int = 8) -> list[Card]:
    ids = db.session.scalars(
        select(Product.id)
        .where(Product.listed)
        .order_by(Product.published_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return cards_of(list(ids))


def category_counts() -> list[tuple[Category, int]]:
    """Each category's listed products, counted up to COUNT_CAP + 1 (shown
    as "more than 1,000"): one statement, each count a walk of at most that
    many entries of its category's index."""
    found = dict(db.session.execute(_category_counts_statement(COUNT_CAP)).all())
    return [(category, found.get(category.value, 0)) for category in Category]


@lru_cache(maxsize=4)
def _category_counts_statement(cap: int):
    """Built once (twelve subqueries are slow to build on every request)."""
    counts = union_all(
        *(
            select(
                literal(category.value).label("category"),
                _capped_count(
                    select(Product.id).where(Product.listed, Product.category == category), cap
                ).label("n"),
            )
            for category in Category
        )
    ).subquery()
    return select(counts.c.category, counts.c.n)


# Counts of a public list stop here: past it a page says "more than 1,000".
COUNT_CAP = 1000


def _capped_count(stmt, cap: int | None = None, *, limit=None):
    """COUNT(*) of the statement's first cap + 1 rows (COUNT_CAP + 1 unless
    told; or `limit` rows, a bound parameter), as a scalar subquery."""
    if limit is None:
        limit = (COUNT_CAP if cap is None else cap) + 1
    limited = stmt.with_only_columns(literal(1)).order_by(None).limit(limit).subquery()
    return select(func.count()).select_from(limited).scalar_subquery()


# The limits of a page and of its count, bound parameters, so a list's
# statement is built (and its cache key worked out) once per process.
_PAGE_LIMIT = bindparam("page_limit", type_=Integer)
_PAGE_OFFSET = bindparam("page_offset", type_=Integer)
_COUNT_LIMIT = bindparam("count_limit", type_=Integer)


def _page_values(params: dict | None, per_page: int, page: int) -> dict:
    return {**(params or {}), "page_limit": per_page, "page_offset": (page - 1) * per_page}


def _capped_statements(stmt, order) -> tuple:
    """A page of the statement's products as cards, in `order` (the
    statement's), with their total counted at most to COUNT_CAP, or to the
    end of the page after this one when that is further (`_capped_run`): the
    count is a scalar subquery beside the page's ids, counted once; one
    statement. And the count alone, for a page past the end."""
    ids = stmt.with_only_columns(Product.id, maintain_column_froms=True)
    counted = _capped_count(ids, limit=_COUNT_LIMIT)
    page = ids.add_columns(counted.label("total")).limit(_PAGE_LIMIT).offset(_PAGE_OFFSET)
    return page_statement(page.subquery("page"), order), select(counted)


def _capped_run(statements: tuple, per_page: int, page: int, params: dict | None) -> Pagination:
    """One page of cards and its capped total: `pagination.capped` says the
    total is a lower bound (there are more). One statement; a page past the
    end counts alone."""
    cards, counted = statements
    cap = max(COUNT_CAP, (page + 1) * per_page)
    values = {**_page_values(params, per_page, page), "count_limit": cap + 1}
    items, total = cards_and_total(cards, values)
    if total is None:
        total = db.session.scalar(counted, values)
    pagination = KnownPage(items, min(total, cap), page, per_page)
    pagination.capped = total > cap
    return pagination


SORTS = ("relevance", "newest", "price_asc", "price_desc", "name")


@dataclass
class CatalogueFilters:
    q: str = ""
    category: str = ""
    programme: str = ""
    province: str = ""
    regency: str = ""
    price_min: int | None = None
    price_max: int | None = None
    available: bool = False
    sort: str = ""

    @property
    def active(self) -> bool:
        return any(
            (
                self.q,
                self.category,
                self.programme,
                self.province,
                self.regency,
                self.price_min is not None,
                self.price_max is not None,
                self.available,
            )
        )


def catalogue_page(filters: CatalogueFilters, page: int, per_page: int) -> tuple[Pagination, str]:
    """One page of the public catalogue (with the number of matches, capped)
    and the sort applied. A list without search terms is one statement,
    built once per process for its filters and sort (their values bound)."""
    from shop.catalogue import search

    values = _filter_values(filters)
    if search.has_terms(filters.q):
        stmt, sort = _catalogue_statement(values, filters)
        return counted_page(stmt, per_page, page, params=values), sort
    sort = _sort(filters.sort, ranked=False)
    key = (*values, sort)
    statements = _LIST_STATEMENTS.get(key)
    if statements is None:
        order = (*_ORDERS[sort], Product.id.desc())
        statements = _capped_statements(_filtered(values).order_by(*order), order)
        _LIST_STATEMENTS[key] = statements
    return _capped_run(statements, per_page, page, values), sort


# A list's statements by the names of its filters and its sort (at most
# 2**7 * 4), their values bound at each run: see catalogue_page.
_LIST_STATEMENTS: dict[tuple, tuple] = {}


def counted_page(
    stmt, per_page: int, page: int, *, capped: bool = True, params: dict | None = None
) -> Pagination:
    """A page of cards and the exact number of rows in one statement (a
    window count), then the cards: a search ranks every match anyway
    (shop.catalogue.search), so counting them in the same pass costs
    nothing more, where a separate count would read them again. Past the
    last page, a count (capped unless told otherwise). `params`: values of
    the statement's own bound parameters."""
    values = _page_values(params, per_page, page)
    rows = db.session.execute(
        stmt.with_only_columns(Product.id, func.count().over(), maintain_column_froms=True)
        .limit(_PAGE_LIMIT)
        .offset(_PAGE_OFFSET),
        values,
    ).all()
    if not rows and page > 1:
        return _past_the_end(stmt, per_page, page, capped, values)
    total = rows[0][1] if rows else 0
    return KnownPage(cards_of([row[0] for row in rows]), total, page, per_page)


def _past_the_end(stmt, per_page: int, page: int, capped: bool, values: dict) -> Pagination:
    """An empty page after the last: how many there are (capped or not)."""
    ids = stmt.with_only_columns(Product.id, maintain_column_froms=True)
    if not capped:
        total = db.session.scalar(
            select(func.count()).select_from(ids.order_by(None).subquery()), values
        )
        return KnownPage([], total, page, per_page)
    cap = max(COUNT_CAP, (page + 1) * per_page)
    total = db.session.scalar(
        select(_capped_count(ids, limit=_COUNT_LIMIT)), {**values, "count_limit": cap + 1}
    )
    pagination = KnownPage([], min(total, cap), page, per_page)
    pagination.capped = total > cap
    return pagination


# The filters of a public list, in the order their conditions are written:
# the listing column each one tests and how (shop.catalogue.listing).
_TESTS = {
    "category": (Product.category, operator.eq),
    "programme": (Product.programme, operator.eq),
    "province": (Product.province_code, operator.eq),
    "regency": (Product.regency_code, operator.eq),
    "price_min": (Product.price_max, operator.ge),
    "price_max": (Product.price_min, operator.le),
}
_ORDERS = {
    "newest": (Product.published_at.desc(),),
    "price_asc": (Product.price_min.asc(),),
    "price_desc": (Product.price_max.desc(),),
    "name": (Product.name.asc(),),
}


def _filter_values(filters: CatalogueFilters) -> dict:
    """The filters that apply, by name, with their values (`available`: True)."""
    values: dict = {}
    if filters.category in Category._value2member_map_:
        values["category"] = Category(filters.category)
    if filters.programme in Programme._value2member_map_:
        values["programme"] = Programme(filters.programme)
    if filters.province:
        values["province"] = filters.province
    if filters.regency:
        values["regency"] = filters.regency
    if filters.price_min is not None:
        values["price_min"] = filters.price_min
    if filters.price_max is not None:
        values["price_max"] = filters.price_max
    if filters.available:
        values["available"] = True
    return values


def _filtered(values: dict):
    """Listed products passing these filters, each value a bound parameter
    of the filter's name (holding this value unless given another at run)."""
    stmt = listed_products()
    for name, value in values.items():
        if name == "available":
            stmt = stmt.where(Product.in_stock.is_(True))
        else:
            column, test = _TESTS[name]
            stmt = stmt.where(test(column, bindparam(name, value, type_=column.type)))
    return stmt


def _sort(asked: str, *, ranked: bool) -> str:
    sort = asked if asked in SORTS else ("relevance" if ranked else "newest")
    return "newest" if sort == "relevance" and not ranked else sort


def catalogue_statement(filters: CatalogueFilters):
    """The catalogue's SELECT of products for these filters, in order, and
    the sort applied."""
    return _catalogue_statement(_filter_values(filters), filters)


def _catalogue_statement(values: dict, filters: CatalogueFilters):
    from shop.catalogue import search

    stmt = _filtered(values)
    rank = None
    if filters.q:
        stmt, rank = search.apply_search(stmt, filters.q)
    sort = _sort(filters.sort, ranked=rank is not None)
    order = (rank, Product.published_at.desc()) if sort == "relevance" else _ORDERS[sort]
    return stmt.order_by(*order, Product.id.desc()), sort


def group_products(group: Group, page: int = 1, per_page: int = 24) -> Pagination:
    """One page of a group's shop: its public products, newest first, and
    how many there are (a window count: its few products are walked in
    order anyway), in one statement; past the last page, a count."""
    values = _page_values({"group_id": group.id}, per_page, page)
    items, total = cards_and_total(_GROUP_PAGE, values)
    if total is None and page > 1:
        return _past_the_end(_GROUP_NEWEST, per_page, page, False, values)
    return KnownPage(items, total or 0, page, per_page)


# A group's shop, newest first, built once (the group a bound parameter).
_NEWEST = (Product.published_at.desc(), Product.id.desc())
_GROUP_NEWEST = (
    select(Product)
    .where(Product.listed, Product.group_id == bindparam("group_id"))
    .order_by(*_NEWEST)
)
_GROUP_PAGE = page_statement(
    _GROUP_NEWEST.with_only_columns(Product.id, func.count().over().label("total"))
    .limit(_PAGE_LIMIT)
    .offset(_PAGE_OFFSET)
    .subquery("page"),
    _NEWEST,
)


def get_public_product_or_404(group_slug: str, product_slug: str) -> Product:
    """The product page's product with everything the page shows, in one
    statement (its few variants, photos and certificates joined)."""
    params = {"group_slug": group_slug, "product_slug": product_slug}
    product = db.session.scalars(_public_product_statement(), params).unique().first()
    if product is None:
        abort(404)
    return product


@lru_cache(maxsize=1)
def _public_product_statement():
    """Built once (its joins and options cost more to build than to run)."""
    return (
        public_products()
        .where(Group.slug == bindparam("group_slug"), Product.slug == bindparam("product_slug"))
        .options(
            # Inner joins: a group always has a region. An outer join would
            # nest regency's own join to its province, which SQLite builds
            # whole for every product page (514 regencies, 7 ms).
            contains_eager(Product.group).joinedload(Group.regency, innerjoin=True),
            # Whether the group takes orders (shop.groups.ordering), in this statement.
            contains_eager(Product.group).undefer(Group.has_bank_account),
            joinedload(Product.group, Group.province, innerjoin=True),
            joinedload(Product.variants),
            # Each photo's image is an inner join of its own; nested inside
            # the outer join to the photos, SQLite would build every
            # photo's join to its image first (0.4 s at 100k products).
            joinedload(Product.photos).joinedload(ProductPhoto.image, innerjoin="unnested"),
            joinedload(Product.certificates),
        )
    )


def products_for_manager(group: Group) -> list[Product]:
    """Every product of the group, drafts and archive included."""
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.group_id == group.id)
            .options(selectinload(Product.variants), selectinload(Product.photos))
            .order_by(Product.status, Product.updated_at.desc())
        )
    )


def get_product_for_group_or_404(group: Group, product_id: int) -> Product:
    """A product of this group; another group's product id gives 404."""
    product = db.session.scalar(
        select(Product)
        .where(Product.id == product_id, Product.group_id == group.id)
        .options(
            selectinload(Product.variants),
            selectinload(Product.photos).joinedload(ProductPhoto.image),
        )
    )
    if product is None:
        abort(404)
    return product


def product_named_like(group: Group, name: str, *, other_than: int | None = None) -> Product | None:
    """Another product of the group with this name (case and punctuation
    aside: the same name or the same slug), any status; None when the name
    is free. The product form asks before a second one is made."""
    cleaned = clean_line(name, 120)
    if not cleaned:
        return None
    stmt = select(Product).where(
        Product.group_id == group.id,
        (func.lower(Product.name) == cleaned.lower()) | (Product.slug == slugify(cleaned)),
    )
    if other_than is not None:
        stmt = stmt.where(Product.id != other_than)
    return db.session.scalars(stmt.order_by(Product.id).limit(1)).first()
