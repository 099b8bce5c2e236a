"""Exhibitions, coordinator side: create and edit with a banner, items in scope, order,
publish, audit; only the creator or an operator manages one."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.audit.models import AuditAction, AuditEntry
from shop.catalogue.models import ProductStatus
from shop.curation import exhibition_services
from shop.curation.models import Exhibition
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import GroupStatus, Programme
from shop.media.models import Image
from tests.factories import (
    CoordinatorFactory,
    ExhibitionFactory,
    GroupFactory,
    listed_product,
)

IMAGES = Path(__file__).resolve().parents[2] / "fixtures" / "images"


pytestmark = pytest.mark.usefixtures("clock")  # 12.00 WIB on 10 May 2026


@pytest.fixture
def media(app, monkeypatch, tmp_path) -> Path:
    """A private, empty MEDIA_ROOT: every file a test leaves behind is in here."""
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return root


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def jpeg(color=(30, 120, 200)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (1200, 500), color).save(buf, "JPEG")
    return buf.getvalue()


FORM = {
    "title": "Pameran UPPKA Jambi",
    "description": "Produk pilihan kelompok UPPKA.\nAbon, kerupuk dan kue.",
    "starts_on": "2026-05-10",
    "ends_on": "2026-05-31",
    "banner_alt": "",
}


def audit(action) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def create(client, **data) -> Exhibition | None:
    response = client.post("/koordinator/pameran/baru", data={**FORM, **data})
    if response.status_code != 302:
        return None
    return db.session.scalar(select(Exhibition).order_by(Exhibition.id.desc()))


def make_exhibition(coordinator, **kwargs) -> Exhibition:
    values = {
        "title": "Pameran Ramadan",
        "starts_on": date(2026, 5, 1),
        "ends_on": date(2026, 5, 31),
        "created_by_id": coordinator.user_id,
        **kwargs,
    }
    return ExhibitionFactory(**values)


def test_coordinator_creates_an_exhibition_with_a_banner(
    client, as_coordinator, jambi_uppka, media
):
    as_coordinator(jambi_uppka)
    assert client.get("/koordinator/pameran/baru").status_code == 200
    exhibition = create(
        client,
        banner=(io.BytesIO(jpeg()), "banner.jpg"),
        banner_alt="Abon dan kerupuk lele di meja pameran",
    )
    assert exhibition is not None
    assert exhibition.slug == "pameran-uppka-jambi"
    assert exhibition.description == "Produk pilihan kelompok UPPKA.\nAbon, kerupuk dan kue."
    assert (exhibition.starts_on, exhibition.ends_on) == (date(2026, 5, 10), date(2026, 5, 31))
    assert exhibition.banner is not None and exhibition.banner_alt.startswith("Abon")
    assert exhibition.created_by_id == jambi_uppka.user_id
    assert not exhibition.is_published
    assert files_in(media)  # the banner's variants
    [created] = audit(AuditAction.EXHIBITION_CREATED)
    assert created.exhibition_id == exhibition.id
    assert client.get(f"/pameran/{exhibition.slug}").status_code == 404  # a draft
    listing = client.get("/koordinator/pameran").get_data(as_text=True)
    assert "Pameran UPPKA Jambi" in listing
    assert "Pameran UPPKA Jambi" in client.get("/koordinator/audit").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ends_on": "2026-05-09"}, "before the start date"),
        ({"title": "   "}, "required"),
        ({"starts_on": "besok"}, "Not a valid date"),
        ({"banner_alt": ""}, "Describe the banner"),
        ({"banner": (io.BytesIO(b"<svg onload=alert(1)>"), "banner.jpg")}, "photo"),
        ({"banner": (io.BytesIO(b"%PDF-1.4"), "banner.pdf")}, "Choose a photo"),
    ],
)
def test_bad_input_creates_nothing_and_leaves_no_file(
    client, as_coordinator, jambi_uppka, media, data, message
):
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    values = {"banner": (io.BytesIO(jpeg()), "banner.jpg"), "banner_alt": "Spanduk", **data}
    response = client.post("/koordinator/pameran/baru", data={**FORM, **values})
    # A refused banner is an unsupported type (415); other bad input shows the form.
    assert response.status_code == (415 if "banner" in data else 200)
    assert message in response.get_data(as_text=True)
    assert count(Exhibition) == 0
    assert count(Image) == 0
    assert files_in(media) == []
    assert audit(AuditAction.EXHIBITION_CREATED) == []


def test_a_failure_after_the_banner_is_stored_removes_its_files(
    client, as_coordinator, jambi_uppka, media, monkeypatch
):
    def refuse(*args, **kwargs):
        raise DomainError("refused after storing")

    monkeypatch.setattr(exhibition_services, "record", refuse)
    as_coordinator(jambi_uppka)
    response = client.post(
        "/koordinator/pameran/baru",
        data={**FORM, "banner": (io.BytesIO(jpeg()), "b.jpg"), "banner_alt": "Spanduk"},
    )
    assert response.status_code == 200
    assert "refused after storing" in response.get_data(as_text=True)
    assert count(Exhibition) == 0 and count(Image) == 0
    assert files_in(media) == []


def test_edit_keeps_the_url_and_records_what_changed(client, as_coordinator, jambi_uppka, media):
    as_coordinator(jambi_uppka)
    exhibition = create(client)
    page = client.get(f"/koordinator/pameran/{exhibition.id}/ubah").get_data(as_text=True)
    assert 'value="Pameran UPPKA Jambi"' in page
    response = client.post(
        f"/koordinator/pameran/{exhibition.id}/ubah",
        data={**FORM, "title": "Pameran Hari Keluarga", "ends_on": "2026-06-30"},
    )
    assert response.status_code == 302
    db.session.refresh(exhibition)
    assert exhibition.title == "Pameran Hari Keluarga"
    assert exhibition.slug == "pameran-uppka-jambi"
    [changed] = audit(AuditAction.EXHIBITION_CHANGED)
    assert changed.details == "diubah: judul, hari terakhir"
    client.get("/bahasa/en")
    bad = client.post(
        f"/koordinator/pameran/{exhibition.id}/ubah", data={**FORM, "ends_on": "2026-05-01"}
    )
    assert "before the start date" in bad.get_data(as_text=True)
    db.session.refresh(exhibition)
    assert exhibition.ends_on == date(2026, 6, 30)


def test_editing_without_a_new_banner_keeps_the_old_one(client, as_coordinator, jambi_uppka, media):
    as_coordinator(jambi_uppka)
    banner = {"banner": (io.BytesIO(jpeg()), "banner.jpg"), "banner_alt": "Meja pameran"}
    exhibition = create(client, **banner)
    kept = exhibition.banner_id
    for extra in ({}, {"banner": (io.BytesIO(b""), "")}):  # no file part, an empty one
        response = client.post(
            f"/koordinator/pameran/{exhibition.id}/ubah",
            data={**FORM, "title": "Pameran Akhir Tahun", "banner_alt": "Meja pameran", **extra},
        )
        assert response.status_code == 302
        db.session.refresh(exhibition)
        assert exhibition.banner_id == kept and exhibition.title == "Pameran Akhir Tahun"


def test_groups_and_products_come_from_the_scope_only(
    client, as_coordinator, jambi_uppka, group_in_scope, group_out_of_scope
):
    exhibition = make_exhibition(jambi_uppka)
    mine = listed_product("Abon Lele Jambi", group_in_scope)
    theirs = listed_product("Keripik Bandung", group_out_of_scope)
    hidden = listed_product("Abon Disembunyikan", group_in_scope, hidden_at=utcnow())
    draft = listed_product("Kue Draf", group_in_scope, status=ProductStatus.DRAFT)
    as_coordinator(jambi_uppka)
    base = f"/koordinator/pameran/{exhibition.id}"
    page = client.get(base).get_data(as_text=True)
    assert group_in_scope.name in page and group_out_of_scope.name not in page
    search = client.get(f"{base}?cari=abon").get_data(as_text=True)
    assert "Abon Lele Jambi" in search
    assert "Abon Disembunyikan" not in search and "Keripik Bandung" not in search
    assert client.get(f"{base}?cari=keripik").get_data(as_text=True).count("Keripik") == 0

    assert client.post(f"{base}/kelompok", data={"group": group_out_of_scope.id}).status_code == 404
    assert client.post(f"{base}/produk", data={"product": theirs.id}).status_code == 404
    assert client.post(f"{base}/kelompok", data={"group": group_in_scope.id}).status_code == 302
    assert client.post(f"{base}/produk", data={"product": mine.id}).status_code == 302
    client.get("/bahasa/en")
    for product in (hidden, draft):
        response = client.post(
            f"{base}/produk", data={"product": product.id}, follow_redirects=True
        )
        assert "Only published products" in response.get_data(as_text=True)
    again = client.post(f"{base}/produk", data={"product": mine.id}, follow_redirects=True)
    assert "already in the exhibition" in again.get_data(as_text=True)
    db.session.refresh(exhibition)
    assert [item.group_id for item in exhibition.groups] == [group_in_scope.id]
    assert [item.product_id for item in exhibition.products] == [mine.id]
    assert len(audit(AuditAction.EXHIBITION_ITEMS)) == 2


def test_suspended_group_cannot_be_added(client, as_coordinator, jambi_uppka):
    exhibition = make_exhibition(jambi_uppka)
    suspended = GroupFactory(
        programme=Programme.UPPKA, province_code="15", status=GroupStatus.SUSPENDED
    )
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    response = client.post(
        f"/koordinator/pameran/{exhibition.id}/kelompok",
        data={"group": suspended.id},
        follow_redirects=True,
    )
    assert "suspended group cannot be shown" in response.get_data(as_text=True)
    db.session.refresh(exhibition)
    assert exhibition.groups == []


def test_items_are_ordered_and_removed(client, as_coordinator, jambi_uppka, group_in_scope):
    exhibition = make_exhibition(jambi_uppka)
    products = [listed_product(f"Produk {n}", group_in_scope) for n in range(3)]
    as_coordinator(jambi_uppka)
    base = f"/koordinator/pameran/{exhibition.id}"
    for product in products:
        client.post(f"{base}/produk", data={"product": product.id})
    third = products[2].id
    assert client.post(f"{base}/produk/{third}/pindah", data={"direction": "up"}).status_code == 302
    db.session.refresh(exhibition)
    assert [i.product_id for i in exhibition.products] == [products[0].id, third, products[1].id]
    client.post(f"{base}/produk/{products[0].id}/pindah", data={"direction": "down"})
    client.post(f"{base}/produk/{products[1].id}/hapus")
    db.session.refresh(exhibition)
    assert [i.product_id for i in exhibition.products] == [third, products[0].id]
    assert [i.position for i in exhibition.products] == [0, 1]
    details = [e.details for e in audit(AuditAction.EXHIBITION_ITEMS)]
    assert "dipindah ke atas: Produk 2" in details
    assert "dihapus: Produk 1" in details
    assert client.post(f"{base}/produk/999999/hapus").status_code == 404
    assert client.post(f"{base}/barang/{third}/hapus").status_code == 404


def test_publish_needs_items_and_unpublish_takes_the_page_down(
    client, as_coordinator, jambi_uppka, group_in_scope
):
    exhibition = make_exhibition(jambi_uppka, slug="pameran-lebaran")
    as_coordinator(jambi_uppka)
    base = f"/koordinator/pameran/{exhibition.id}"
    client.get("/bahasa/en")
    empty = client.post(f"{base}/terbitkan", data={"publish": "1"}, follow_redirects=True)
    assert "at least one group or product" in empty.get_data(as_text=True)
    db.session.refresh(exhibition)
    assert not exhibition.is_published
    client.post(f"{base}/kelompok", data={"group": group_in_scope.id})
    client.post(f"{base}/terbitkan", data={"publish": "1"})
    db.session.refresh(exhibition)
    assert exhibition.is_published
    assert client.get("/pameran/pameran-lebaran").status_code == 200
    client.post(f"{base}/terbitkan", data={"publish": "0"})
    db.session.refresh(exhibition)
    assert not exhibition.is_published
    assert client.get("/pameran/pameran-lebaran").status_code == 404
    assert len(audit(AuditAction.EXHIBITION_PUBLISHED)) == 1
    assert len(audit(AuditAction.EXHIBITION_UNPUBLISHED)) == 1


def test_only_the_creator_or_an_operator_manages_an_exhibition(
    client, as_coordinator, jambi_uppka, operator, group_in_scope
):
    colleague = CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])
    exhibition = make_exhibition(jambi_uppka, title="Pameran Milik Jambi")
    as_coordinator(colleague)
    base = f"/koordinator/pameran/{exhibition.id}"
    assert "Pameran Milik Jambi" not in client.get("/koordinator/pameran").get_data(as_text=True)
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/ubah").status_code == 404
    assert client.post(f"{base}/ubah", data=FORM).status_code == 404
    assert client.post(f"{base}/terbitkan", data={"publish": "1"}).status_code == 404
    assert client.post(f"{base}/kelompok", data={"group": group_in_scope.id}).status_code == 404
    assert client.post(f"{base}/kelompok/{group_in_scope.id}/hapus").status_code == 404
    db.session.refresh(exhibition)
    assert exhibition.groups == [] and exhibition.title == "Pameran Milik Jambi"
    assert db.session.scalars(select(AuditEntry)).all() == []
    client.post("/keluar")
    as_coordinator(operator)
    assert "Pameran Milik Jambi" in client.get("/koordinator/pameran").get_data(as_text=True)
    assert client.get(base).status_code == 200


def test_not_for_group_members_or_anonymous(client, login_as, jambi_uppka):
    from tests.factories import MembershipFactory

    exhibition = make_exhibition(jambi_uppka)
    assert client.get("/koordinator/pameran").status_code == 302
    login_as(MembershipFactory().user)
    assert client.get("/koordinator/pameran").status_code == 404
    assert client.get(f"/koordinator/pameran/{exhibition.id}").status_code == 404


def test_hostile_title_and_description_are_escaped(client, as_coordinator, jambi_uppka):
    as_coordinator(jambi_uppka)
    exhibition = create(
        client, title="<img src=x onerror=alert(1)>", description="<script>alert(2)</script>"
    )
    page = client.get(f"/koordinator/pameran/{exhibition.id}").get_data(as_text=True)
    assert "<img src=x onerror" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert exhibition.slug == "img-src-x-onerror-alert-1"


def test_adding_a_group_someone_just_added_is_a_message_not_an_error(
    app_ctx, jambi_uppka, group_in_scope
):
    from sqlalchemy import insert

    from shop.curation import exhibition_services
    from shop.curation.models import ExhibitionGroup
    from shop.errors import DomainError

    exhibition = make_exhibition(jambi_uppka)
    assert exhibition.groups == []  # this request has read the list...
    db.session.execute(  # ...and another one adds the group now
        insert(ExhibitionGroup.__table__).values(
            exhibition_id=exhibition.id, group_id=group_in_scope.id, position=0
        )
    )
    with pytest.raises(DomainError) as refused:
        exhibition_services.add_exhibition_group(exhibition, group_in_scope, by=jambi_uppka.user)
    assert str(refused.value.message) == "Kelompok ini sudah ada di pameran."
