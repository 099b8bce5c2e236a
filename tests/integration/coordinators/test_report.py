"""The one-page PDF report of a group for funders: one page however much the
group has, nothing fetched from outside, only for coordinators in scope,
and an audit entry for every download."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.catalogue.models import ProductStatus
from shop.consignment import services as consignment
from shop.consignment.services import Count, Item
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Programme, Verification
from shop.media.pdf import LocalOnlyFetcher
from shop.orders.models import OrderStatus, PaymentStatus
from tests.factories import (
    CoordinatorFactory,
    GroupFactory,
    OutletFactory,
    ProductFactory,
    ProductPhotoFactory,
    UserFactory,
    VariantFactory,
    make_order,
)
from tests.uploads import store_ready


@pytest.fixture(autouse=True)
def _poppler():
    """The checks read the PDF with poppler; without it they must fail, not pass."""
    assert shutil.which("pdfinfo"), "pdfinfo missing: apt-get install poppler-utils (make test)"


LONG = (
    "Keripik Pisang Kepok Rasa Coklat Keju Premium Tanpa Pengawet Buatan "
    "Ibu-Ibu Kelompok Wanita Tani Sejahtera Bersama"
)


def _jpeg(colour) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 400), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def big_group(app_ctx):
    """A verified UPPKA group in Kota Jambi with a logo, 40 published products
    with long names and photos, a year of orders and goods sold on
    consignment at two outlets (7 units for Rp86,415; Rp30,000 received)."""
    group = GroupFactory(
        # As long as a name may be (120 characters).
        name=("Kelompok Usaha Peningkatan Pendapatan Keluarga Akseptor " + LONG)[:120],
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        district_code=None,
        founded_year=2019,
        member_count=18,
        verification=Verification.VERIFIED,
        verified_at=datetime(2026, 2, 1, tzinfo=UTC),
        logo=store_ready(_jpeg((200, 90, 40))),
    )
    photo = store_ready(_jpeg((40, 120, 90)))
    for i in range(40):
        product = ProductFactory(group=group, name=f"{LONG} {i}"[:120])
        VariantFactory(product=product, price=10000 + i * 1000, label="100 g")
        VariantFactory(product=product, price=45000 + i * 1000, label="500 g")
        ProductPhotoFactory(product=product, image=photo, alt_text="foto")
    ProductFactory(group=group, name="Draf rahasia", status=ProductStatus.DRAFT)
    ProductFactory(group=group, name="Produk disembunyikan", hidden_at=datetime.now(UTC))
    now = datetime.now(UTC)
    for month in range(12):
        for n in range(3):
            make_order(
                group,
                created_at=now - timedelta(days=30 * month + n),
                status=OrderStatus.COMPLETED,
                payment_status=PaymentStatus.PAID if n else PaymentStatus.UNPAID,
                lines=[(f"{LONG} {n}"[:120], 25000 + month * 1000, 1 + n)],
            )
    today = jakarta_today()
    variant = VariantFactory(
        product=ProductFactory(group=group, name="Abon titip", status=ProductStatus.DRAFT),
        price=15000,
        stock=None,
    )
    for days, sold, money in ((40, 3, 30000), (5, 4, 0)):
        outlet = OutletFactory(group=group, name=f"Warung {LONG}"[:120])
        note = consignment.leave_goods(
            group, outlet, today - timedelta(days=days + 7), [Item(variant.id, 10, 12345)]
        )
        consignment.record_visit(
            group,
            outlet,
            today - timedelta(days=days),
            [Count(note.lines[0].id, sold=sold, written_off=1)],
            money,
        )
    db.session.flush()
    return group


def pdf_info(data: bytes, tmp_path) -> tuple[dict[str, str], str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    fields = dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in info.stdout.splitlines())
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return fields, text


def test_one_page_however_much_the_group_has(client, login_as, big_group, tmp_path):
    coordinator = CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])
    login_as(coordinator.user)
    client.get("/bahasa/en")

    response = client.get(
        f"/koordinator/kelompok/{big_group.slug}/laporan.pdf", follow_redirects=True
    )

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    fields, text = pdf_info(response.data, tmp_path)
    assert fields["Pages"] == "1"
    assert fields["Page size"].startswith("595")  # A4
    flat = " ".join(text.split())
    assert "Kelompok Usaha Peningkatan" in flat
    assert "UPPKA" in flat and "Kota Jambi" in flat and "2019" in flat and "18" in flat
    assert "Verified" in flat
    assert "Products on sale (40)" in flat and "28 more products" in flat
    assert "Draf rahasia" not in flat and "Produk disembunyikan" not in flat
    assert "Rp10,000 – Rp45,000" in flat
    assert "Best sellers" in flat
    # Consignment as a channel of its own: its tile, the legend and a column.
    assert "Rp86,415" in flat and "7 units" in flat and "received from" in flat
    assert "Rp2,282,415" in flat  # online Rp2,196,000 + consignment
    assert "Online, paid" in flat and "Consignment" in flat and "Of which" in flat
    assert coordinator.user.name in flat and "Page 1 / 1" in flat

    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT_REPORT)
    )
    assert entry.group_id == big_group.id and entry.actor_id == coordinator.user_id


def test_a_new_group_with_nothing_yet(client, login_as, tmp_path):
    group = GroupFactory(
        name="Kelompok Baru", founded_year=None, member_count=None, district_code=None
    )
    login_as(CoordinatorFactory(is_operator=True).user)
    response = client.get(f"/koordinator/kelompok/{group.slug}/laporan.pdf", follow_redirects=True)
    fields, text = pdf_info(response.data, tmp_path)
    assert fields["Pages"] == "1"
    assert "Kelompok Baru" in text


def test_outside_the_scope_or_not_a_coordinator_is_404(client, login_as, app_ctx):
    elsewhere = GroupFactory(programme=Programme.JPS_TKM, province_code="32", regency_code="32.73")
    login_as(CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"]).user)
    assert client.get(f"/koordinator/kelompok/{elsewhere.slug}/laporan.pdf").status_code == 404
    assert client.get("/koordinator/kelompok/tidak-ada/laporan.pdf").status_code == 404
    assert not db.session.scalars(select(AuditEntry)).all()

    login_as(UserFactory())
    assert client.get(f"/koordinator/kelompok/{elsewhere.slug}/laporan.pdf").status_code == 404


def test_weasyprint_leaves_the_photo_pipeline_strict(app):
    """Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES; the
    report module turns it off again, or damaged uploads would be accepted."""
    from PIL import ImageFile

    import shop.monitoring.report  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_renderer_fetches_nothing_but_data_and_local_files(app, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    (media / "ok.txt").write_text("fine")
    fetcher = LocalOnlyFetcher([media])

    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "file:///etc/passwd",
        f"file://{media}/../secret.txt",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    for url, body in (
        (f"file://{media}/ok.txt", b"fine"),
        ("data:text/plain;base64,aGFsbw==", b"halo"),
    ):
        response = fetcher.fetch(url)
        assert response.read() == body
        response.close()


def test_group_text_cannot_pull_in_remote_content(client, login_as, app_ctx, tmp_path):
    """The name is escaped by Jinja and even a stylesheet or image that got in
    could not be fetched: the report still renders, on one page."""
    group = GroupFactory(
        name='<img src="http://127.0.0.1:9/x.png"><link rel=stylesheet href="http://127.0.0.1:9/">',
        district_code=None,
    )
    login_as(CoordinatorFactory(is_operator=True).user)
    response = client.get(f"/koordinator/kelompok/{group.slug}/laporan.pdf", follow_redirects=True)
    fields, text = pdf_info(response.data, tmp_path)
    assert fields["Pages"] == "1"
    assert "<img" in text
