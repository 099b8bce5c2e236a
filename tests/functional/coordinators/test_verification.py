"""Coordinator verification pages: who gets in (every URL is a 404 outside
the scope), the groups in scope, the queue, and a group's page with its
documents. The decisions on a group (verify, ask for changes, suspend,
reinstate, note) are in test_verification_decisions.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import (
    GroupStatus,
    Verification,
)
from tests.factories import (
    PDF,
    MembershipFactory,
    ProductFactory,
)
from tests.functional.coordinators.verification_pages import (  # noqa: F401
    add_document,
    audit_entries,
    english_fixture,
    jambi_group,
    signed_in_fixture,
)

# --- who gets in -----------------------------------------------------------


def urls_for(group, document_id):
    base = f"/koordinator/kelompok/{group.slug}"
    return [
        ("get", base),
        ("get", f"{base}/dokumen/{document_id}"),
        ("post", f"{base}/verifikasi"),
        ("post", f"{base}/minta-perbaikan"),
        ("post", f"{base}/tangguhkan"),
        ("post", f"{base}/aktifkan"),
        ("post", f"{base}/catatan"),
    ]


POST_DATA = {
    "changes-reason": "x",
    "suspend-reason": "x",
    "reinstate-reason": "x",
    "note-note": "x",
}


def test_every_page_and_action_is_404_outside_the_scope(
    client, as_coordinator, jambi_uppka, group_out_of_scope
):
    document = add_document(group_out_of_scope, "a" * 64)
    as_coordinator(jambi_uppka)
    for method, url in urls_for(group_out_of_scope, document.id):
        response = (
            getattr(client, method)(url, data=POST_DATA) if method == "post" else client.get(url)
        )
        assert response.status_code == 404, url
    db.session.refresh(group_out_of_scope)
    assert group_out_of_scope.verification is Verification.UNVERIFIED
    assert group_out_of_scope.status is GroupStatus.ACTIVE
    assert audit_entries(group_out_of_scope) == []
    # The lists do not show it either.
    for url in ("/koordinator/kelompok", "/koordinator/verifikasi"):
        assert group_out_of_scope.name not in client.get(url).get_data(as_text=True)


def test_every_page_and_action_is_404_for_people_who_are_not_coordinators(
    client, login_as, group_in_scope
):
    document = add_document(group_in_scope, "b" * 64)
    # Even the group's own ketua: these are coordinator pages.
    login_as(MembershipFactory(group=group_in_scope).user)
    urls = urls_for(group_in_scope, document.id)
    urls += [("get", "/koordinator/kelompok"), ("get", "/koordinator/verifikasi")]
    for method, url in urls:
        response = (
            getattr(client, method)(url, data=POST_DATA) if method == "post" else client.get(url)
        )
        assert response.status_code == 404, url
    db.session.refresh(group_in_scope)
    assert group_in_scope.verification is Verification.UNVERIFIED
    assert group_in_scope.status is GroupStatus.ACTIVE


def test_anonymous_visitors_are_sent_to_log_in(client, group_in_scope):
    for url in (
        "/koordinator/kelompok",
        "/koordinator/verifikasi",
        f"/koordinator/kelompok/{group_in_scope.slug}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_unknown_action_is_404(client, signed_in, group_in_scope):
    response = client.post(f"/koordinator/kelompok/{group_in_scope.slug}/hapus-semua")
    assert response.status_code == 404


def test_another_groups_document_under_this_groups_address_is_404(
    client, signed_in, group_in_scope, group_out_of_scope
):
    theirs = add_document(group_out_of_scope, "c" * 64)
    url = f"/koordinator/kelompok/{group_in_scope.slug}/dokumen/{theirs.id}"
    assert client.get(url).status_code == 404


def test_operator_sees_every_group(client, as_coordinator, operator, english, group_out_of_scope):
    as_coordinator(operator)
    assert client.get(f"/koordinator/kelompok/{group_out_of_scope.slug}").status_code == 200
    jambi_group(name="Kelompok Kedua")
    page = client.get("/koordinator/kelompok").get_data(as_text=True)
    assert group_out_of_scope.name in page and "Kelompok Kedua" in page
    assert "1–2 of 2 groups" in page
    queue = client.get("/koordinator/verifikasi").get_data(as_text=True)
    assert "2 groups waiting" in queue


# --- the groups list -------------------------------------------------------


def test_groups_list_filters(client, signed_in, group_out_of_scope):
    verified = jambi_group(name="Kelompok Kerupuk Verif", verification=Verification.VERIFIED)
    suspended = jambi_group(name="Kelompok Tangguh", status=GroupStatus.SUSPENDED)
    muaro = jambi_group(name="Kelompok Muaro Jambi", regency_code="15.05")
    plain = jambi_group(name="Kelompok Abon Lele")

    def names(query=""):
        page = client.get(f"/koordinator/kelompok{query}").get_data(as_text=True)
        return {
            g.name
            for g in (verified, suspended, muaro, plain, group_out_of_scope)
            if g.name in page
        }

    assert names() == {verified.name, suspended.name, muaro.name, plain.name}
    assert names("?q=abon") == {plain.name}
    assert names("?q=KERUPUK") == {verified.name}
    assert names("?verifikasi=verified") == {verified.name}
    assert names("?status=suspended") == {suspended.name}
    assert names("?provinsi=15&kabupaten=15.05") == {muaro.name}
    assert names("?program=uppka&provinsi=15") == {
        verified.name,
        suspended.name,
        muaro.name,
        plain.name,
    }
    # Outside the scope stays outside, whatever the filters say.
    assert names("?program=jps-tkm") == set()
    assert names("?provinsi=32") == names()
    # A province outside the scope is not offered as a choice.
    page = client.get("/koordinator/kelompok").get_data(as_text=True)
    assert 'value="32"' not in page and 'value="15"' in page


@pytest.mark.parametrize(
    "query",
    ["?q=%27%3B+DROP+TABLE+grup", "?verifikasi=zzz&status=%00", "?page=-3", "?kabupaten=15.05"],
)
def test_groups_list_hostile_filters_never_fail(client, signed_in, group_in_scope, query):
    assert client.get(f"/koordinator/kelompok{query}").status_code == 200


def test_groups_list_paginates_with_a_bounded_number_of_queries(
    app, client, signed_in, count_queries
):
    for n in range(3):
        add_document(jambi_group(name=f"Kelompok Awal {n:02d}"), f"{n:064x}")
    with count_queries() as small:
        assert client.get("/koordinator/kelompok").status_code == 200
    for n in range(40):
        group = jambi_group(name=f"Kelompok Banyak {n:02d}")
        ProductFactory(group=group)
        if n % 3 == 0:
            add_document(group, f"{n + 100:064x}")
    with count_queries() as large:
        response = client.get("/koordinator/kelompok")
    assert response.status_code == 200
    assert large.count == small.count, large.statements
    assert large.count <= 8, large.statements
    page = response.get_data(as_text=True)
    assert "1–30 of 43 groups" in page
    assert 'rel="next"' in page
    second = client.get("/koordinator/kelompok?page=2").get_data(as_text=True)
    assert "31–43 of 43 groups" in second


# --- the queue -------------------------------------------------------------


def test_queue_lists_unverified_groups_longest_waiting_first(client, signed_in):
    now = utcnow()
    old = jambi_group(name="Kelompok Lama", created_at=now - timedelta(days=30))
    new = jambi_group(name="Kelompok Baru", created_at=now - timedelta(days=1))
    again = jambi_group(
        name="Kelompok Minta Ulang",
        created_at=now - timedelta(days=60),
        review_requested_at=now - timedelta(days=5),
        verification_note="Unggah SK <b>asli</b>.",
    )
    jambi_group(name="Kelompok Sudah", verification=Verification.VERIFIED)
    jambi_group(name="Kelompok Perbaikan", verification=Verification.CHANGES_REQUESTED)
    jambi_group(name="Kelompok Ditangguhkan", status=GroupStatus.SUSPENDED)
    add_document(old, "d" * 64)
    add_document(old, "e" * 64, title="Foto")

    page = client.get("/koordinator/verifikasi").get_data(as_text=True)
    positions = [page.index(g.name) for g in (old, again, new)]
    assert positions == sorted(positions)
    for absent in ("Kelompok Sudah", "Kelompok Perbaikan", "Kelompok Ditangguhkan"):
        assert absent not in page.split("<main", 1)[1]
    assert "3 groups waiting" in page
    assert page.count("Asked for review again") == 1
    assert "Unggah SK &lt;b&gt;asli&lt;/b&gt;." in page
    assert "2 documents" in page
    assert "1 group is making the changes you asked for" in page


def test_empty_queue_says_so(client, signed_in):
    assert "No group is waiting for verification." in client.get(
        "/koordinator/verifikasi"
    ).get_data(as_text=True)


# --- the group page --------------------------------------------------------


def test_group_page_shows_profile_documents_products_notes_and_history(
    app, client, signed_in, group_in_scope, jambi_uppka
):
    MembershipFactory(group=group_in_scope)
    MembershipFactory(group=group_in_scope)
    document = add_document(group_in_scope, "f" * 64)
    ProductFactory(group=group_in_scope, name="Abon Lele Pedas")
    ProductFactory(group=group_in_scope, name="Kerupuk Draf", status="draft")
    url = f"/koordinator/kelompok/{group_in_scope.slug}"
    client.post(f"{url}/catatan", data={"note-note": "Sudah ditelepon, SK menyusul."})
    client.post(f"{url}/minta-perbaikan", data={"changes-reason": "Unggah SK."})

    page = client.get(url).get_data(as_text=True)
    assert f"<h1>{group_in_scope.name}</h1>" in page
    assert "2 accounts on the site" in page
    assert "12 declared" in page
    link = f"{url}/dokumen/{document.id}"
    assert f'href="{link}"' in page
    assert "/media/" not in page.split("<main", 1)[1]
    assert "Abon Lele Pedas" in page and "Kerupuk Draf" in page
    assert "Sudah ditelepon, SK menyusul." in page
    assert "Changes requested from group" in page  # the history
    served = client.get(link)
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["Cache-Control"] == "private, no-store"
    # The product link appears only once the product page exists.
    if app.view_functions.get("coordinators.product"):
        assert "/koordinator/produk/" in page or "coordinators.product" not in page


def test_product_links_follow_the_product_page_when_it_exists(
    app, client, signed_in, group_in_scope
):
    product = ProductFactory(group=group_in_scope, name="Abon Lele Pedas")
    page = client.get(f"/koordinator/kelompok/{group_in_scope.slug}").get_data(as_text=True)
    if "coordinators.product" in app.view_functions:
        with app.test_request_context():
            from flask import url_for

            href = url_for("coordinators.product", product_id=product.id)
        assert f'href="{href}"' in page
    else:
        assert "<strong>Abon Lele Pedas</strong>" in page
