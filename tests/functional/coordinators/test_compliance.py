"""A coordinator checks a product's PIRT/halal/BPOM numbers, and buyers see the
badge only while the check holds (same number, not expired)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.catalogue.models import CertificateKind, Product, ProductCertificate
from shop.core.cache import GENERATION_KEY
from shop.core.clock import jakarta_today
from shop.extensions import cache, db
from shop.groups.models import Verification
from tests.factories import ProductCertificateFactory, ProductFactory, VariantFactory

PIRT = "2063309010123-27"
HALAL = "ID33110000123450824"


@pytest.fixture
def product(group_in_scope):
    product = ProductFactory(
        group=group_in_scope,
        name="Abon Lele Sejahtera",
        pirt_number=PIRT,
        halal_number=HALAL,
        bpom_number="",
    )
    VariantFactory(product=product)
    return product


@pytest.fixture
def foreign_product(group_out_of_scope):
    product = ProductFactory(group=group_out_of_scope, pirt_number=PIRT)
    VariantFactory(product=product)
    return product


@pytest.fixture
def english(client):
    client.get("/bahasa/en")


def page(product) -> str:
    return f"/koordinator/produk/{product.id}"


def certificates_of(product) -> dict:
    db.session.expire_all()
    rows = db.session.scalars(
        select(ProductCertificate).where(ProductCertificate.product_id == product.id)
    )
    return {c.kind: c for c in rows}


def audit_actions(product) -> list[AuditAction]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.product_id == product.id)
            .order_by(AuditEntry.id)
        )
    )


def public_url(product) -> str:
    return f"/k/{product.group.slug}/{product.slug}"


def public_html(client, product) -> str:
    response = client.get(public_url(product))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def actions(product) -> list[str]:
    base = page(product)
    return [
        base + "/sertifikat/pirt",
        base + "/sertifikat/pirt/hapus",
        base + "/sembunyikan",
        base + "/pulihkan",
    ]


def test_every_url_is_404_outside_the_scope_and_nothing_changes(
    client, as_coordinator, jambi_uppka, foreign_product
):
    as_coordinator(jambi_uppka)
    assert client.get(page(foreign_product)).status_code == 404
    for url in actions(foreign_product):
        response = client.post(url, data={"pirt-expires_on": "", "reason": "Foto salah"})
        assert response.status_code == 404, url
    assert client.get(page(foreign_product) + "/sertifikat/xyz").status_code == 405
    assert certificates_of(foreign_product) == {}
    assert not db.session.get(Product, foreign_product.id).is_hidden
    assert audit_actions(foreign_product) == []


def test_every_url_is_404_for_a_group_member_and_asks_strangers_to_log_in(
    client, login_as, leader_of, product
):
    urls = [page(product), *actions(product)]
    for url in urls:
        response = client.get(url) if url == page(product) else client.post(url)
        assert response.status_code == 302 and "/masuk" in response.location, url
    login_as(leader_of(product.group))
    assert client.get(page(product)).status_code == 404
    for url in actions(product):
        assert client.post(url, data={"reason": "x"}).status_code == 404, url
    assert certificates_of(product) == {} and audit_actions(product) == []


def test_unknown_kind_is_404(client, as_coordinator, jambi_uppka, product):
    as_coordinator(jambi_uppka)
    assert client.post(page(product) + "/sertifikat/sni").status_code == 404
    assert client.post(page(product) + "/sertifikat/sni/hapus").status_code == 404


def test_operator_sees_a_product_of_any_programme(
    client, as_coordinator, operator, foreign_product
):
    as_coordinator(operator)
    assert client.get(page(foreign_product)).status_code == 200


def test_product_page_shows_the_summary_and_numbers_as_the_group_typed_them(
    client, as_coordinator, jambi_uppka, product, english
):
    as_coordinator(jambi_uppka)
    html = client.get(page(product)).get_data(as_text=True)
    assert "Abon Lele Sejahtera" in html and "Kelompok UPPKA Sejahtera" in html
    assert PIRT in html and HALAL in html
    assert "The group has not given a BPOM number." in html
    # A form to check each number the group gave; none for the missing BPOM number.
    assert f'action="{page(product)}/sertifikat/pirt"' in html
    assert f'action="{page(product)}/sertifikat/halal"' in html
    assert f'action="{page(product)}/sertifikat/bpom"' not in html
    assert f'action="{page(product)}/sembunyikan"' in html
    assert "No coordinator has acted on this product yet." in html


def test_checking_a_number_stores_it_with_its_expiry_and_shows_the_badge(
    app, client, as_coordinator, jambi_uppka, product, english
):
    as_coordinator(jambi_uppka)
    expires = jakarta_today() + timedelta(days=400)
    generation = cache.get(GENERATION_KEY) or 0
    response = client.post(
        page(product) + "/sertifikat/pirt", data={"pirt-expires_on": expires.isoformat()}
    )
    assert response.status_code == 302 and response.location.endswith("#cert-pirt")
    assert (cache.get(GENERATION_KEY) or 0) > generation  # public pages change at once

    check = certificates_of(product)[CertificateKind.PIRT]
    assert check.number == PIRT and check.expires_on == expires
    assert check.checked_by_id == jambi_uppka.user_id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.product_id == product.id))
    assert entry.action is AuditAction.CERTIFICATE_CHECKED
    assert entry.actor_id == jambi_uppka.user_id and entry.group_id == product.group_id
    assert PIRT in entry.details

    html = client.get(page(product)).get_data(as_text=True)
    assert "Verified" in html and "Check again" in html and "Certificate checked" in html

    client.post("/keluar", data={})
    public = public_html(client, product)
    assert "PIRT verified" in public
    assert "Halal verified" not in public and HALAL in public  # unchecked: plain text


def test_a_number_without_expiry_date_can_be_checked(client, as_coordinator, jambi_uppka, product):
    as_coordinator(jambi_uppka)
    client.post(page(product) + "/sertifikat/halal", data={"halal-expires_on": ""})
    check = certificates_of(product)[CertificateKind.HALAL]
    assert check.number == HALAL and check.expires_on is None


def test_a_missing_number_cannot_be_checked(client, as_coordinator, jambi_uppka, product, english):
    as_coordinator(jambi_uppka)
    response = client.post(page(product) + "/sertifikat/bpom", data={"bpom-expires_on": ""})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This product has no BPOM number to check." in html
    assert certificates_of(product) == {} and audit_actions(product) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31-02-2027", "Not a valid date value."),
        ("2027-02-31", "Not a valid date value."),
        ("<script>alert(1)</script>", "Not a valid date value."),
        ("yesterday", "Not a valid date value."),
    ],
)
def test_a_bad_date_is_refused_and_nothing_changes(
    client, as_coordinator, jambi_uppka, product, english, value, message
):
    as_coordinator(jambi_uppka)
    response = client.post(page(product) + "/sertifikat/pirt", data={"pirt-expires_on": value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert 'class="form-errors"' in html and 'href="#pirt-expires_on"' in html
    assert "<script>alert(1)</script>" not in html
    assert certificates_of(product) == {}


def test_a_date_in_the_past_is_refused(client, as_coordinator, jambi_uppka, product, english):
    as_coordinator(jambi_uppka)
    yesterday = jakarta_today() - timedelta(days=1)
    response = client.post(
        page(product) + "/sertifikat/pirt", data={"pirt-expires_on": yesterday.isoformat()}
    )
    assert "an expired certificate cannot be marked as checked" in response.get_data(as_text=True)
    assert certificates_of(product) == {} and audit_actions(product) == []


def test_checking_again_replaces_the_check_and_its_reminder(
    client, as_coordinator, jambi_uppka, product
):
    as_coordinator(jambi_uppka)
    first = jakarta_today() + timedelta(days=10)
    client.post(page(product) + "/sertifikat/pirt", data={"pirt-expires_on": first.isoformat()})
    check = certificates_of(product)[CertificateKind.PIRT]
    check.expiry_notified_at = check.checked_at
    db.session.commit()

    later = jakarta_today() + timedelta(days=700)
    client.post(page(product) + "/sertifikat/pirt", data={"pirt-expires_on": later.isoformat()})
    checks = certificates_of(product)
    assert len(checks) == 1
    assert checks[CertificateKind.PIRT].expires_on == later
    assert checks[CertificateKind.PIRT].expiry_notified_at is None
    assert audit_actions(product) == [AuditAction.CERTIFICATE_CHECKED] * 2


def test_removing_a_check_takes_the_badge_away(
    client, as_coordinator, jambi_uppka, product, english
):
    as_coordinator(jambi_uppka)
    client.post(page(product) + "/sertifikat/pirt", data={"pirt-expires_on": ""})
    response = client.post(page(product) + "/sertifikat/pirt/hapus")
    assert response.status_code == 302
    assert certificates_of(product) == {}
    assert audit_actions(product) == [
        AuditAction.CERTIFICATE_CHECKED,
        AuditAction.CERTIFICATE_REMOVED,
    ]
    again = client.post(page(product) + "/sertifikat/pirt/hapus", follow_redirects=True)
    assert "nothing to remove" in again.get_data(as_text=True)
    client.post("/keluar", data={})
    assert "PIRT verified" not in public_html(client, product)


def test_posts_without_csrf_token_change_nothing(client, as_coordinator, jambi_uppka, product):
    as_coordinator(jambi_uppka)
    for url in actions(product)[:3]:
        response = client.post(url, data={"pirt-expires_on": "", "reason": "x"}, csrf=False)
        assert response.status_code == 400, url
    assert certificates_of(product) == {}
    assert not db.session.get(Product, product.id).is_hidden


# The public badge, by date and by number.


def _check(product, kind, expires_on, number=None, by=None):
    given = {} if number is None else {"number": number}  # else the product's own
    return ProductCertificateFactory(
        product=product, kind=kind, expires_on=expires_on, checked_by_id=by, **given
    )


def test_a_certificate_keeps_its_badge_on_its_last_day_and_loses_it_the_day_after(
    client, product, english
):
    today = jakarta_today()
    _check(product, CertificateKind.PIRT, today)
    _check(product, CertificateKind.HALAL, today - timedelta(days=1))
    html = public_html(client, product)
    assert "PIRT verified" in html
    assert "Halal verified" not in html and HALAL in html
    assert today.strftime("%Y") in html  # "valid until <date>"


def test_a_number_changed_by_the_group_loses_its_badge(client, product, english):
    _check(product, CertificateKind.PIRT, None, number="1111111111111-11")
    html = public_html(client, product)
    assert "PIRT verified" not in html and PIRT in html


def test_verified_group_badge_next_to_the_seller(client, product, english):
    assert "Verified group" not in public_html(client, product)
    product.group.verification = Verification.VERIFIED
    db.session.commit()
    cache.clear()
    assert public_html(client, product).count("Verified group") >= 1


def test_hostile_numbers_are_escaped(client, as_coordinator, jambi_uppka, group_in_scope, english):
    hostile = ProductFactory(
        group=group_in_scope, name="<b>Abon</b>", pirt_number="<script>x()</script>"
    )
    VariantFactory(product=hostile)
    _check(hostile, CertificateKind.PIRT, None)
    html = public_html(client, hostile)
    assert "<script>x()</script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    as_coordinator(jambi_uppka)
    html = client.get(page(hostile)).get_data(as_text=True)
    assert "<script>x()</script>" not in html and "<b>Abon</b>" not in html


def test_product_page_query_count_does_not_grow_with_certificates(
    app, client, product, count_queries, english
):
    url = public_url(product)
    app.config["TESTING_NO_PAGE_CACHE"] = True
    try:
        with count_queries() as q:
            client.get(url)
        without = q.count
        for kind in CertificateKind:
            if getattr(product, kind.product_field):
                _check(product, kind, jakarta_today() + timedelta(days=5))
        with count_queries() as q:
            html = client.get(url).get_data(as_text=True)
        assert "PIRT verified" in html and "Halal verified" in html
        assert q.count == without, q.statements
        assert q.count <= 7, q.statements
    finally:
        app.config["TESTING_NO_PAGE_CACHE"] = False


def test_coordinator_product_page_query_count_is_bounded(
    client, as_coordinator, jambi_uppka, product, count_queries
):
    as_coordinator(jambi_uppka)
    client.get(page(product))
    with count_queries() as q:
        assert client.get(page(product)).status_code == 200
    small = q.count
    for kind in (CertificateKind.PIRT, CertificateKind.HALAL):
        client.post(page(product) + f"/sertifikat/{kind.value}", data={})
    client.post(page(product) + "/sembunyikan", data={"reason": "Foto tidak sesuai"})
    client.post(page(product) + "/pulihkan")
    with count_queries() as q:
        assert client.get(page(product)).status_code == 200
    assert q.count <= small + 1, q.statements  # + the checkers' names


def test_a_stale_badge_cannot_outlive_a_day_in_the_page_cache(app):
    """Expiry by date changes no data, so no write bumps the cache generation:
    the page cache's own lifetime must end it (and 0 would mean forever)."""
    from shop.core.cache import PageCacheMiddleware

    middleware = app.wsgi_app
    while not isinstance(middleware, PageCacheMiddleware):
        middleware = middleware.app  # ProxyFix and the like, when configured
    assert 0 < middleware.timeout <= 24 * 3600
    assert 0 < app.config["PAGE_CACHE_SECONDS"] <= 24 * 3600


def test_a_page_with_a_dated_badge_is_not_cached_when_it_could_outlive_the_day(
    app, client, product, english
):
    """A page the cache might keep past midnight is served but not stored
    (here: a cache lifetime of two days); without a dated certificate the
    same page is stored as usual."""
    url = public_url(product)
    old = app.config["PAGE_CACHE_SECONDS"]
    app.config["PAGE_CACHE_SECONDS"] = 2 * 24 * 3600
    try:
        assert "Abon Lele Sejahtera" in client.get(url).get_data(as_text=True)
        product.name = "Abon Lele Berubah"  # a write that does not bump the generation
        db.session.commit()
        assert "Abon Lele Berubah" not in client.get(url).get_data(as_text=True)  # cached

        cache.clear()
        _check(product, CertificateKind.PIRT, jakarta_today() + timedelta(days=3))
        db.session.commit()
        assert "PIRT verified" in client.get(url).get_data(as_text=True)
        product.name = "Abon Lele Baru Lagi"
        db.session.commit()
        assert "Abon Lele Baru Lagi" in client.get(url).get_data(as_text=True)  # not cached
    finally:
        app.config["PAGE_CACHE_SECONDS"] = old
