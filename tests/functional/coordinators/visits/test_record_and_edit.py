"""A coordinator records a visit to a group in scope (findings, recommendations
with follow-up dates, several photos at once), and edits it; everything is in
the audit log, and bad input is refused with a message, changing nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db
from shop.visits.models import FollowUp, MonevVisit
from tests.factories import FollowUpFactory, MonevVisitFactory
from tests.functional.coordinators.visits.conftest import jpeg, visit_form


def visits_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MonevVisit))


def post_new(client, group, data, photos=None):
    if photos is not None:
        data = {**data, "photo": [(io.BytesIO(b), name) for b, name in photos]}
    return client.post(
        f"/koordinator/kelompok/{group.slug}/kunjungan/baru",
        data=data,
        content_type="multipart/form-data",
    )


def test_record_a_visit_with_recommendations_and_photos(
    client, login_as, coordinator, group, today
):
    login_as(coordinator.user)
    page = client.get(f"/koordinator/kelompok/{group.slug}/kunjungan/baru")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in html and " multiple" in html
    assert "Tanggal kunjungan" in html and "Produksi" in html and "Kemasan" in html

    response = post_new(
        client, group, visit_form(today), photos=[(jpeg(10), "a.jpg"), (jpeg(90), "b.jpg")]
    )

    assert response.status_code == 303, response.get_data(as_text=True)
    visit = db.session.scalar(select(MonevVisit).where(MonevVisit.group_id == group.id))
    assert response.headers["Location"].endswith(f"/koordinator/kunjungan/{visit.id}")
    assert visit.visited_on == today - timedelta(days=2)
    assert visit.met == "Bu Sari (ketua), Bu Tini (bendahara)"
    assert [theme.value for theme, _text in visit.findings] == [
        "production",
        "packaging",
        "finance",
    ]
    assert [(f.text, f.due_on) for f in visit.follow_ups] == [
        ("Cetak nomor PIRT di label", today + timedelta(days=12)),
        ("Pisahkan uang usaha dan uang pribadi", today + timedelta(days=30)),
    ]
    assert visit.recorded_by_id == coordinator.user_id
    assert visit.created_at.tzinfo is not None
    # Photos in the order chosen, private copies (never on the public /media address).
    assert len(visit.photos) == 2 and all(p.image.private for p in visit.photos)
    assert all(p.image.ready for p in visit.photos)
    photo = client.get(f"/koordinator/kunjungan/{visit.id}/foto/{visit.photos[0].id}")
    assert photo.status_code == 200 and photo.mimetype == "image/webp"
    assert photo.headers["Cache-Control"] == "private, no-store"
    image = visit.photos[0].image
    assert client.get(f"/media/{image.key[:2]}/{image.key}-320.webp").status_code == 404

    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == AuditAction.VISIT_RECORDED)
    )
    assert entry.group_id == group.id and entry.actor_id == coordinator.user_id
    assert "2 " in entry.details

    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cetak nomor PIRT di label" in shown and "Buku kas rapi." in shown


def test_the_form_in_english(client, login_as, coordinator, group):
    login_as(coordinator.user)
    client.get("/bahasa/en")
    html = client.get(f"/koordinator/kelompok/{group.slug}/kunjungan/baru").get_data(as_text=True)
    for text in ("Date of the visit", "Who you met", "Packaging", "Follow up by", "Add photos"):
        assert text in html


def test_another_recommendation_row_without_javascript(client, login_as, coordinator, group, today):
    login_as(coordinator.user)
    response = post_new(client, group, visit_form(today, add_recommendation="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="recommendations-3-text"' in html
    assert "Pisahkan uang usaha" in html  # what was typed is kept
    assert visits_count() == 0


LONG = "x" * 4001


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"visited_on": "2099-01-01"}, "Tanggal tidak boleh di masa depan."),
        ({"visited_on": "2001-01-01"}, "lebih dari dua tahun"),
        ({"visited_on": "31-02-2026"}, "Bukan tanggal yang sah."),
        ({"visited_on": ""}, "Isi tanggalnya."),
        ({"met": "   "}, "Sebutkan siapa yang Anda temui."),
        ({"met": "\u200b\u200b"}, "Sebutkan siapa yang Anda temui."),
        (
            {"finding_production": "", "finding_packaging": "", "finding_finance": ""},
            "Tulis temuan Anda untuk sedikitnya satu tema.",
        ),
        ({"finding_finance": LONG}, "Isian ini maksimal 4000 karakter."),
        ({"recommendations-0-due_on": ""}, "Isi tanggal tindak lanjutnya."),
        ({"recommendations-1-text": ""}, "Tulis sarannya."),
        ({"recommendations-0-due_on": "2020-01-01"}, "tidak boleh sebelum kunjungan"),
        ({"recommendations-0-due_on": "2098-01-01"}, "dalam dua tahun"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(
    client, login_as, coordinator, group, today, change, message
):
    login_as(coordinator.user)
    response = post_new(client, group, visit_form(today, **change))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert visits_count() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_the_summary_names_the_recommendation_row(client, login_as, coordinator, group, today):
    login_as(coordinator.user)
    response = post_new(client, group, visit_form(today, **{"recommendations-1-due_on": ""}))
    html = response.get_data(as_text=True)
    assert 'href="#recommendations-1-due_on">Saran 2 · Tindak lanjut paling lambat' in html
    assert "Varian" not in html


def test_markup_is_text_and_too_many_rows_are_not_read(client, login_as, coordinator, group, today):
    login_as(coordinator.user)
    rows = {}
    for n in range(3, 40):
        rows[f"recommendations-{n}-text"] = f"Saran {n}"
        rows[f"recommendations-{n}-due_on"] = (today + timedelta(days=5)).isoformat()
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post_new(client, group, visit_form(today, finding_marketing=script, **rows))
    assert response.status_code == 303
    visit = db.session.scalar(select(MonevVisit))
    # Rows 0 to 9 are read (row 2 is blank); the rest are not.
    assert len(visit.follow_ups) == 9
    assert "Saran 10" not in {f.text for f in visit.follow_ups}
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_a_photo_that_is_not_a_photo_is_named_and_nothing_is_saved(
    client, login_as, coordinator, group, today
):
    login_as(coordinator.user)
    response = post_new(
        client, group, visit_form(today), photos=[(jpeg(10), "a.jpg"), (b"not an image", "b.jpg")]
    )
    assert response.status_code in (415, 422)
    assert "b.jpg" in response.get_data(as_text=True)
    assert visits_count() == 0


def test_edit_a_visit_keeps_what_the_group_has_done(client, login_as, coordinator, group, today):
    visit = MonevVisitFactory(group=group, visited_on=today - timedelta(days=20))
    done = FollowUpFactory(
        visit=visit, text="Sudah", due_on=today - timedelta(days=5), done_by_name="Bu Sari"
    )
    done.done_at = visit.created_at
    keep = FollowUpFactory(visit=visit, text="Ubah aku", due_on=today + timedelta(days=3))
    drop = FollowUpFactory(visit=visit, text="Hapus aku", due_on=today + timedelta(days=4))
    other = FollowUpFactory(text="Kunjungan lain", due_on=today + timedelta(days=4))
    db.session.flush()
    login_as(coordinator.user)
    url = f"/koordinator/kunjungan/{visit.id}/ubah"
    html = client.get(url).get_data(as_text=True)
    assert "Ubah aku" in html and f'name="fu-{keep.id}-text"' in html
    assert f'name="fu-{done.id}-text"' not in html  # done: shown, not editable

    response = client.post(
        url,
        data={
            "visited_on": visit.visited_on.isoformat(),
            "met": "Pak RT",
            "finding_equipment": "Sealer rusak.",
            f"fu-{keep.id}-text": "Sudah diubah",
            f"fu-{keep.id}-due_on": (today + timedelta(days=9)).isoformat(),
            f"fu-{drop.id}-text": "Hapus aku",
            f"fu-{drop.id}-due_on": (today + timedelta(days=4)).isoformat(),
            f"fu-{drop.id}-remove": "y",
            # A row of another visit's recommendation is never read.
            f"fu-{other.id}-text": "Dibajak",
            f"fu-{other.id}-due_on": (today + timedelta(days=4)).isoformat(),
            "recommendations-0-text": "Saran baru",
            "recommendations-0-due_on": (today + timedelta(days=14)).isoformat(),
        },
    )

    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert visit.met == "Pak RT" and visit.finding_production == ""
    assert visit.finding_equipment == "Sealer rusak."
    assert sorted((f.text, f.is_done) for f in visit.follow_ups) == [
        ("Saran baru", False),
        ("Sudah", True),
        ("Sudah diubah", False),
    ]
    assert db.session.get(FollowUp, other.id).text == "Kunjungan lain"
    assert (
        db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == AuditAction.VISIT_CHANGED)
        ).group_id
        == group.id
    )


def test_edit_removes_and_adds_photos(client, login_as, coordinator, group, today):
    login_as(coordinator.user)
    post_new(client, group, visit_form(today), photos=[(jpeg(10), "a.jpg"), (jpeg(60), "b.jpg")])
    visit = db.session.scalar(select(MonevVisit))
    first, second = (p.id for p in visit.photos)
    data = {
        "visited_on": visit.visited_on.isoformat(),
        "met": visit.met,
        "finding_production": "x",
        "remove_photo": [str(first), "abc", "99999999999999"],
        "photo": [(io.BytesIO(jpeg(200)), "c.jpg")],
    }
    for f in visit.follow_ups:
        data[f"fu-{f.id}-text"] = f.text
        data[f"fu-{f.id}-due_on"] = f.due_on.isoformat()
    response = client.post(
        f"/koordinator/kunjungan/{visit.id}/ubah", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert [p.id for p in visit.photos][0] == second and len(visit.photos) == 2
    assert client.get(f"/koordinator/kunjungan/{visit.id}/foto/{first}").status_code == 404


def test_every_photo_is_checked_before_the_database_lock(
    client, login_as, coordinator, group, today, monkeypatch
):
    """As for a product's photos: the quick checks run before the request's
    first query, so a visit's photos never hold SQLite's write lock."""
    from shop.media import services as media

    real_verify = media.verify_photo
    in_transaction: list[bool] = []

    def verify(*args, **kwargs):
        in_transaction.append(db.session().in_transaction())
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(media, "verify_photo", verify)
    login_as(coordinator.user)
    response = post_new(
        client, group, visit_form(today), photos=[(jpeg(40 + n), f"{n}.jpg") for n in range(3)]
    )
    assert response.status_code == 303
    assert in_transaction == [False, False, False]
