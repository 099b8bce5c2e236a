"""The home page's featured groups and exhibitions change at midnight in Jakarta
without any write: the page cache never keeps a home page past its day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import (
    ExhibitionFactory,
    FeaturedGroupFactory,
    GroupFactory,
    ProductFactory,
    VariantFactory,
)


@pytest.fixture
def clock(clock):
    # 23.58.00 WIB on 10 May 2026.
    clock.move_to(datetime(2026, 5, 10, 16, 58, tzinfo=UTC))
    return clock


def section(body: str, heading_id: str) -> str:
    if f'id="{heading_id}"' not in body:
        return ""
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


def test_page_cache_lifetime_is_bounded(app):
    assert 0 < app.config["PAGE_CACHE_SECONDS"] <= 3600


def test_featured_group_starting_tomorrow_appears_tomorrow_without_a_write(
    app, clock, count_queries
):
    group = GroupFactory(name="Kelompok Mulai Besok")
    FeaturedGroupFactory(group=group, starts_on=date(2026, 5, 11))
    ExhibitionFactory(
        slug="pameran-besok",
        title="Pameran Mulai Besok",
        starts_on=date(2026, 5, 11),
        ends_on=date(2026, 5, 20),
        is_published=True,
        groups=[group],
    )
    buyer = app.test_client()
    body = buyer.get("/").get_data(as_text=True)
    assert 'id="h-featured"' not in body and 'id="h-exhibitions"' not in body
    with count_queries() as q:
        buyer.get("/")
    assert q.count == 0  # served from the cache
    clock.shift(timedelta(minutes=2, seconds=30))  # 00.00.30 WIB, 11 May
    body = buyer.get("/").get_data(as_text=True)
    assert "Kelompok Mulai Besok" in section(body, "h-featured")
    assert "Pameran Mulai Besok" in section(body, "h-exhibitions")


def test_a_page_that_could_outlive_the_day_is_not_stored(app, clock, count_queries):
    GroupFactory()
    clock.move_to(datetime(2026, 5, 10, 16, 59, 30, tzinfo=UTC))  # 23.59.30 WIB
    buyer = app.test_client()
    buyer.get("/")
    with count_queries() as q:
        buyer.get("/")
    assert q.count > 0
    clock.move_to(datetime(2026, 5, 10, 17, 0, 30, tzinfo=UTC))  # 00.00.30 WIB: cached again
    buyer.get("/")
    with count_queries() as q:
        buyer.get("/")
    assert q.count == 0


def test_without_a_cache_lifetime_day_pages_are_not_stored(app, clock, count_queries, monkeypatch):
    # 0 is "never expires" to the cache: such a page would outlive any day.
    clock.move_to(datetime(2026, 5, 10, 5, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    buyer = app.test_client()
    for url in ("/", "/pameran"):
        buyer.get(url)
        with count_queries() as q:
            buyer.get(url)
        assert q.count > 0, url


def test_home_query_count_does_not_grow_with_curation(app, client, clock, count_queries):
    clock.move_to(datetime(2026, 5, 10, 5, 0, tzinfo=UTC))
    app.config["TESTING_NO_PAGE_CACHE"] = True
    try:

        def home_queries() -> int:
            with count_queries() as q:
                assert client.get("/").status_code == 200
            return q.count

        first = GroupFactory()
        FeaturedGroupFactory(group=first, starts_on=date(2026, 5, 1))
        VariantFactory(product=ProductFactory(group=first))
        ExhibitionFactory(
            slug="satu",
            title="Satu",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 5, 30),
            is_published=True,
        )
        small = home_queries()
        for n in range(10):
            group = GroupFactory()
            FeaturedGroupFactory(group=group, starts_on=date(2026, 5, 1), position=n)
            VariantFactory(product=ProductFactory(group=group))
            ExhibitionFactory(
                slug=f"pameran-{n}",
                title=f"Pameran {n}",
                starts_on=date(2026, 5, 1),
                ends_on=date(2026, 5, 30),
                is_published=True,
            )
        assert home_queries() == small
    finally:
        app.config["TESTING_NO_PAGE_CACHE"] = False
