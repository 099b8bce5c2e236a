"""Pages of a listing: the page number from the query string, and one page of
a statement through Flask-SQLAlchemy's `db.paginate`.

The pager macro (templates/_macros/pagination.html) and the "x–y of z" lines
read the `Pagination` returned: `page`, `pages`, `total`, `has_prev`,
`has_next`, `first` and `last`; the page's rows are its `items`.
"""

from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func

from shop.extensions import db

# Deeper than any listing goes; it keeps OFFSET within a 32-bit integer.
MAX_PAGE = 10_000


def page_arg() -> int:
    """`?page=` as a page number from 1 to MAX_PAGE: anything else (empty,
    negative, not ASCII digits such as ٣ or ²) is page 1, a number past
    MAX_PAGE is MAX_PAGE; a repeated `page` counts once, the first."""
    text = request.args.get("page", "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    return min(max(int(text) if len(text) <= 9 else MAX_PAGE, 1), MAX_PAGE)


def paginate(
    stmt: Select, per_page: int, page: int | None = None, *, total: int | None = None
) -> Pagination:
    """One page of the statement's rows (ORM entities, made unique) and their
    total: two statements, or one when the caller already knows the `total`.
    A page past the last one is empty, not a 404."""
    pagination = db.paginate(
        stmt,
        page=page_arg() if page is None else page,
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        count=total is None,
    )
    if total is not None:
        pagination.total = total
    return pagination


class KnownPage(Pagination):
    """A page whose rows and total the caller already read (one statement
    with a window count, say)."""

    def __init__(self, items: list, total: int, page: int, per_page: int):
        self._known = (items, total)
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self) -> list:
        return self._known[0]

    def _query_count(self) -> int:
        return self._known[1]


def count_rows(stmt: Select) -> int:
    """COUNT(*) over the statement's FROM and WHERE, for a figure beside a
    page (not its total, which `paginate` counts), without selecting every
    column of every matching row first. The FROM of the selected entity stays
    even when no WHERE clause names its table (a coordinator scope of plain
    TRUE), which a bare with_only_columns would drop, counting one row."""
    return db.session.scalar(
        stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    )
