"""The list of certificates that expired or expire within 30 days, for the
coordinator's groups only, soonest first, in a fixed number of queries."""

from __future__ import annotations

from shop.catalogue.models import CertificateKind
from shop.extensions import db
from tests.factories import GroupFactory, certified


def certificate(group, name, days, kind=CertificateKind.PIRT, number="P-1", **product_fields):
    return certified(days, kind=kind, number=number, group=group, name=name, **product_fields)


def test_lists_expired_and_expiring_in_scope_soonest_first(
    client, as_coordinator, jambi_uppka, group_in_scope, group_out_of_scope
):
    certificate(group_in_scope, "Abon Dua Puluh", 20, CertificateKind.HALAL, "ID-HALAL-20")
    certificate(group_in_scope, "Abon Kemarin", -1, number="P-KEMARIN")
    certificate(group_in_scope, "Abon Hari Ini", 0)
    certificate(group_in_scope, "Abon Tiga Puluh", 30)
    certificate(group_in_scope, "Abon Tiga Puluh Satu", 31)
    certificate(group_in_scope, "Abon Selamanya", None)
    certificate(group_out_of_scope, "Abon Luar", 3)

    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    response = client.get("/koordinator/sertifikat")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected = ["Abon Kemarin", "Abon Hari Ini", "Abon Dua Puluh", "Abon Tiga Puluh<"]
    positions = [html.index(name) for name in expected]
    assert positions == sorted(positions)
    for absent in ("Abon Tiga Puluh Satu", "Abon Selamanya", "Abon Luar"):
        assert absent not in html
    assert "P-KEMARIN" in html and "ID-HALAL-20" in html and "Kelompok UPPKA Sejahtera" in html
    assert "Expired" in html and "1 day ago" in html
    assert "Expires today" in html and "Expires in 20 days" in html
    assert "4 of 4 certificates" in html


def test_a_check_whose_number_changed_is_marked(
    client, as_coordinator, jambi_uppka, group_in_scope
):
    check = certificate(group_in_scope, "Abon Ganti Nomor", 5)
    check.product.pirt_number = "P-BARU"
    db.session.commit()
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    html = client.get("/koordinator/sertifikat").get_data(as_text=True)
    assert "Number changed since the check" in html


def test_empty_list_says_so(client, as_coordinator, jambi_uppka):
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    html = client.get("/koordinator/sertifikat").get_data(as_text=True)
    assert "No checked certificate of your groups expires in the next 30 days." in html


def test_query_count_does_not_grow_with_the_list(
    client, as_coordinator, jambi_uppka, group_in_scope, count_queries
):
    certificate(group_in_scope, "Abon Awal", 4)
    as_coordinator(jambi_uppka)
    client.get("/koordinator/sertifikat")
    with count_queries() as q:
        client.get("/koordinator/sertifikat")
    few = q.count
    for n in range(15):
        group = GroupFactory(programme=group_in_scope.programme, province_code="15")
        certificate(group, f"Abon {n}", n, CertificateKind.BPOM, f"MD {n}")
    with count_queries() as q:
        html = client.get("/koordinator/sertifikat").get_data(as_text=True)
    assert "Abon 14" in html
    assert q.count == few, q.statements
