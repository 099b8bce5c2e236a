"""The poster and the nota titip on a real job queue (a Redis of the test's
own): the PDF link answers at once with the "being prepared" page and
renders nothing; a worker lays out one A4 poster with the chosen product and
one A5 note in the language asked for, served to open in the phone's viewer;
another group's member gets neither the links nor the files."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from shop.exports.models import Export, ExportStatus
from shop.extensions import db
from tests.conftest import make_live_app
from tests.job_queue import (  # noqa: F401  (fixtures)
    client_of,
    export_files,
    queue_fixture,
    redis_server_fixture,
    run_worker,
)

A4 = "595.276 x 841.89"
A5 = "419.528 x 595.276"


@pytest.fixture(scope="module")
def queued_app(tmp_path_factory, redis_server):
    return make_live_app(tmp_path_factory, "sheets", JOBS_REDIS_URL=redis_server.url)


@pytest.fixture(scope="module")
def people(queued_app):
    """A member of a group with three products and a note, and a member of another group."""
    from shop.catalogue.services import refresh_derived
    from shop.consignment.services import Item, leave_goods
    from tests.factories import (
        GroupFactory,
        MembershipFactory,
        OutletFactory,
        ProductFactory,
        VariantFactory,
    )

    with queued_app.app_context():
        membership = MembershipFactory(group=GroupFactory(name="Kelompok Antrean Cetak"))
        group = membership.group
        products = []
        for name, price in (("Abon Lele", 25000), ("Dodol Nanas", 20000), ("Kopi Liberika", 45000)):
            product = ProductFactory(group=group, name=name)
            variant = VariantFactory(product=product, price=price, stock=None)
            refresh_derived(product)
            products.append((product, variant))
        outlet = OutletFactory(group=group, name="Warung Bu Sari")
        note = leave_goods(
            group,
            outlet,
            date(2026, 8, 17),
            [Item(products[0][1].id, 4, 22000)],
            by=membership.user,
            today=date(2026, 8, 17),
        )
        stranger = MembershipFactory()
        db.session.commit()
        return {
            "member": membership.user.phone,
            "stranger": stranger.user.phone,
            "slug": group.slug,
            "kopi": products[2][0].id,
            "number": note.number,
        }


def exports_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Export))


def ask(client, url: str) -> str:
    """Follow a PDF link; return the export page's address."""
    response = client.get(url)
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.fullmatch(r"/unduhan/[A-Za-z0-9_-]+", location)
    return location


def pdf_facts(data: bytes, tmp_path) -> tuple[str, str]:
    """pdfinfo's output and the text, its words joined by single spaces."""
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return info.stdout, " ".join(text.split())


@pytest.mark.no_db_transaction
def test_the_links_answer_at_once_and_a_worker_makes_the_sheets(
    queued_app, queue, people, tmp_path
):
    member = client_of(queued_app, people["member"])
    slug, number = people["slug"], people["number"]

    pages = {
        "poster": ask(
            member, f"/kelola/{slug}/promosi/poster.pdf?ukuran=a4&produk={people['kopi']}"
        ),
        "nota": ask(member, f"/kelola/{slug}/titip/nota/{number}.pdf?bahasa=en"),
    }

    # Nothing laid out yet: two jobs wait, the pages say "being prepared".
    assert queue.queue.count == 2 and export_files(queued_app) == []
    for page in pages.values():
        response = member.get(page)
        html = response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "private, no-store"
        assert '<meta http-equiv="refresh" content="3">' in html and "Sedang disiapkan" in html
        assert member.get(page + "/berkas").status_code == 303
    with queued_app.app_context():
        statuses = db.session.scalars(select(Export.status)).all()
        assert statuses == [ExportStatus.PENDING, ExportStatus.PENDING]

    run_worker(queued_app, queue)

    assert len(export_files(queued_app)) == 2
    files = {}
    for name, page in pages.items():
        html = member.get(page).get_data(as_text=True)
        assert "Siap" in html and 'http-equiv="refresh"' not in html
        # Opened, not saved: the link carries no `download`.
        assert re.search(rf'<a class="button" href="{page}/berkas">', html)
        response = member.get(page + "/berkas")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["Content-Disposition"].startswith("inline; filename=")
        files[name] = pdf_facts(response.data, tmp_path)

    info, text = files["poster"]
    assert re.search(r"^Pages:\s+1$", info, re.M) and A4 in info
    assert "Kelompok Antrean Cetak" in text and "Kopi Liberika" in text
    assert "Abon Lele" not in text  # only the chosen product
    info, text = files["nota"]
    assert re.search(r"^Pages:\s+1$", info, re.M) and A5 in info
    assert number in text and "Warung Bu Sari" in text
    assert "Received by" in text and "Rp88,000" in text  # in English, as asked

    # Another group's member gets neither the files nor, through the links, new ones.
    stranger = client_of(queued_app, people["stranger"])
    for page in pages.values():
        assert stranger.get(page).status_code == 404
        assert stranger.get(page + "/berkas").status_code == 404
    assert stranger.get(f"/kelola/{slug}/promosi/poster.pdf").status_code == 404
    assert stranger.get(f"/kelola/{slug}/titip/nota/{number}.pdf").status_code == 404
    assert exports_count(queued_app) == 2 and queue.queue.count == 0
