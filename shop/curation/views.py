"""Public exhibition pages (pameran virtual): the list with its archive, and each exhibition."""

from __future__ import annotations

from flask import render_template

from shop.core.cache import page_day, public_page
from shop.core.pagination import page_arg
from shop.curation import queries

ARCHIVE_PAGE_SIZE = 12


@public_page
def index():
    today = page_day()
    archive = queries.finished_exhibitions(today, page_arg(), ARCHIVE_PAGE_SIZE)
    return render_template(
        "curation/exhibitions/index.html",
        today=today,
        running=queries.running_exhibitions(today),
        upcoming=queries.upcoming_exhibitions(today),
        finished=archive.items,
        pagination=archive,
    )


@public_page
def show(slug: str):
    today = page_day()
    exhibition = queries.get_published_exhibition_or_404(slug)
    return render_template(
        "curation/exhibitions/show.html",
        today=today,
        exhibition=exhibition,
        groups=queries.exhibition_groups(exhibition),
        products=queries.exhibition_products(exhibition),
    )
