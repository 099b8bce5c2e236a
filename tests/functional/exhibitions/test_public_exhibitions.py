"""Public exhibition pages: running, upcoming and archive; each exhibition with only
what is still public; unpublished ones are 404; fixed query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shop.catalogue.models import ProductStatus
from shop.curation.models import Exhibition, ExhibitionGroup, ExhibitionProduct
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import GroupStatus
from tests.factories import ExhibitionFactory, GroupFactory, listed_product
from tests.uploads import store_ready

TODAY = date(2026, 5, 10)


pytestmark = pytest.mark.usefixtures("clock")  # 12.00 WIB on TODAY


@pytest.fixture
def uncached(app):
    app.config["TESTING_NO_PAGE_CACHE"] = True
    yield
    app.config["TESTING_NO_PAGE_CACHE"] = False


def exhibition(
    title="Pameran Lebaran",
    starts_on=TODAY - timedelta(days=3),
    ends_on=TODAY + timedelta(days=10),
    published=True,
    groups=(),
    products=(),
    **kwargs,
) -> Exhibition:
    return ExhibitionFactory(
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        is_published=published,
        groups=groups,
        products=products,
        **kwargs,
    )


def english(client):
    client.get("/bahasa/en")
    return client


def section(body: str, heading_id: str) -> str:
    if f'id="{heading_id}"' not in body:
        return ""
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


def test_index_lists_running_upcoming_and_archive(client):
    exhibition(title="Pameran Berjalan")
    exhibition(
        title="Pameran Nanti",
        starts_on=TODAY + timedelta(days=5),
        ends_on=TODAY + timedelta(days=9),
    )
    exhibition(title="Pameran Lalu", starts_on=date(2026, 4, 1), ends_on=TODAY - timedelta(days=1))
    exhibition(title="Pameran Draf", published=False)
    body = english(client).get("/pameran").get_data(as_text=True)
    assert "Pameran Berjalan" in section(body, "h-running")
    assert "Pameran Nanti" in section(body, "h-upcoming")
    assert "Pameran Lalu" in section(body, "h-archive")
    assert "Pameran Draf" not in body
    assert "Coming soon" in body and "Exhibition archive" in body


def test_archive_is_paginated(client):
    for n in range(14):
        exhibition(
            title=f"Arsip {n:02d}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 2, 1) + timedelta(days=n),
        )
    first = client.get("/pameran").get_data(as_text=True)
    second = client.get("/pameran?page=2").get_data(as_text=True)
    assert "Arsip 13" in first and "Arsip 02" in first  # latest finished first
    assert "Arsip 01" not in first
    assert "Arsip 01" in second and "Arsip 00" in second and "Arsip 13" not in second


def test_page_shows_banner_dates_description_groups_and_products(
    app, client, monkeypatch, tmp_path
):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    group = GroupFactory(name="Kelompok Lele Sejahtera")
    product = listed_product("Kerupuk Lele Renyah", group)
    with app.test_request_context():
        banner = store_ready(_jpeg())
    ex = exhibition(
        title="Pameran Hari Keluarga",
        description="Baris pertama.\nBaris kedua <b>tebal</b>.",
        banner=banner,
        banner_alt="Ibu-ibu UPPKA memamerkan abon lele",
        groups=[group],
        products=[product],
        slug="pameran-hari-keluarga",
    )
    body = english(client).get(f"/pameran/{ex.slug}").get_data(as_text=True)
    assert "<h1>Pameran Hari Keluarga</h1>" in body
    assert 'alt="Ibu-ibu UPPKA memamerkan abon lele"' in body
    assert 'width="' in body and 'height="' in body
    assert "May 7, 2026" in body and "May 20, 2026" in body
    assert "Baris pertama.\nBaris kedua &lt;b&gt;tebal&lt;/b&gt;." in body
    assert "Kelompok Lele Sejahtera" in section(body, "h-ex-groups")
    assert f"/k/{group.slug}/{product.slug}" in section(body, "h-ex-products")
    assert "has ended" not in body


def test_what_is_no_longer_public_drops_out(client):
    suspended = GroupFactory(name="Kelompok Ditangguhkan", status=GroupStatus.SUSPENDED)
    active = GroupFactory(name="Kelompok Aktif")
    shown = listed_product("Abon Tampil", active)
    hidden = listed_product("Abon Disembunyikan", active, hidden_at=utcnow())
    archived = listed_product("Abon Diarsipkan", active, status=ProductStatus.ARCHIVED)
    of_suspended = listed_product("Abon Kelompok Diskors", suspended)
    ex = exhibition(groups=[suspended, active], products=[hidden, shown, archived, of_suspended])
    body = client.get(f"/pameran/{ex.slug}").get_data(as_text=True)
    assert "Kelompok Aktif" in body and "Abon Tampil" in body
    for gone in (
        "Kelompok Ditangguhkan",
        "Abon Disembunyikan",
        "Abon Diarsipkan",
        "Abon Kelompok Diskors",
    ):
        assert gone not in body


def test_finished_exhibition_stays_readable_with_a_note(client):
    product = listed_product("Kue Bawang")
    ex = exhibition(
        starts_on=date(2026, 3, 1), ends_on=TODAY - timedelta(days=1), products=[product]
    )
    response = english(client).get(f"/pameran/{ex.slug}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This exhibition has ended" in body
    assert f"/k/{product.group.slug}/{product.slug}" in body


def test_upcoming_exhibition_says_when_it_opens(client):
    ex = exhibition(starts_on=TODAY + timedelta(days=2), ends_on=TODAY + timedelta(days=9))
    body = english(client).get(f"/pameran/{ex.slug}").get_data(as_text=True)
    assert "This exhibition opens on May 12, 2026" in body


def test_unpublished_or_unknown_exhibition_is_404(client):
    ex = exhibition(published=False, slug="pameran-rahasia")
    assert client.get(f"/pameran/{ex.slug}").status_code == 404
    assert client.get("/pameran/tidak-ada").status_code == 404


def test_home_shows_running_exhibitions_only(client):
    exhibition(title="Pameran Sekarang")
    exhibition(title="Pameran Mendatang", starts_on=TODAY + timedelta(days=1))
    exhibition(title="Pameran Selesai", starts_on=date(2026, 4, 1), ends_on=date(2026, 5, 9))
    exhibition(title="Pameran Tersembunyi", published=False)
    body = english(client).get("/").get_data(as_text=True)
    running = section(body, "h-exhibitions")
    assert "Pameran Sekarang" in running and "/pameran" in running
    for absent in ("Pameran Mendatang", "Pameran Selesai", "Pameran Tersembunyi"):
        assert absent not in body


def test_footer_links_to_exhibitions(client):
    assert 'href="/pameran"' in client.get("/katalog").get_data(as_text=True)


def test_query_counts_stay_fixed(client, count_queries, uncached):
    def counts(ex):
        result = {}
        for url in ("/pameran", f"/pameran/{ex.slug}", "/"):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            result[url] = q.count
        return result

    group = GroupFactory()
    small = exhibition(groups=[group], products=[listed_product("Satu", group)])
    before = counts(small)
    groups = [GroupFactory() for _ in range(6)]
    for ex_group in groups:
        small.groups.append(ExhibitionGroup(group=ex_group, position=len(small.groups)))
    for n in range(8):
        small.products.append(
            ExhibitionProduct(product=listed_product(f"Produk {n}", groups[n % 6]), position=n + 1)
        )
    for n in range(5):
        exhibition(title=f"Lain {n}", groups=groups[:2])
        exhibition(title=f"Lalu {n}", starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1))
    db.session.flush()
    after = counts(small)
    assert after == before
    assert before["/pameran"] <= 4
    assert before[f"/pameran/{small.slug}"] <= 5


def _jpeg() -> bytes:
    import io

    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (1200, 500), (200, 80, 40)).save(buf, "JPEG")
    return buf.getvalue()
