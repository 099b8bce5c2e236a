"""Exports on a real job queue (a Redis of the test's own): the link answers
at once with the "being prepared" page and renders nothing; a worker makes
the file; the page then offers it and it is a valid PDF or XLSX; nobody
else gets it."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from shop.audit.models import AuditAction, AuditEntry
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


@pytest.fixture(scope="module")
def queued_app(tmp_path_factory, redis_server):
    return make_live_app(tmp_path_factory, "exports", JOBS_REDIS_URL=redis_server.url)


@pytest.fixture(scope="module")
def people(queued_app):
    """An operator, a coordinator of another programme, a group member and their group."""
    from tests.factories import CoordinatorFactory, MembershipFactory, ProductFactory

    with queued_app.app_context():
        operator = CoordinatorFactory(is_operator=True)
        stranger = CoordinatorFactory(is_operator=True)
        membership = MembershipFactory()
        ProductFactory(group=membership.group, name="Abon Lele Antrean")
        db.session.commit()
        return {
            "operator": operator.user.phone,
            "stranger": stranger.user.phone,
            "member": membership.user.phone,
            "slug": membership.group.slug,
        }


def ask(client, url: str) -> str:
    """Follow a download link; return the export page's address."""
    response = client.get(url)
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.fullmatch(r"/unduhan/[A-Za-z0-9_-]+", location)
    return location


def pdf_pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "export.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M).group(1))


@pytest.mark.no_db_transaction
def test_the_link_answers_at_once_and_a_worker_makes_the_file(queued_app, queue, people, tmp_path):
    operator = client_of(queued_app, people["operator"])
    member = client_of(queued_app, people["member"])

    pages = {
        "xlsx": ask(operator, "/koordinator/monev.xlsx?per=month"),
        "report": ask(operator, f"/koordinator/kelompok/{people['slug']}/laporan.pdf"),
        "catalogue": ask(member, f"/kelola/{people['slug']}/promosi/katalog.pdf"),
    }
    clients = {"xlsx": operator, "report": operator, "catalogue": member}

    # Nothing rendered yet: three jobs wait, the pages say "being prepared".
    assert queue.queue.count == 3 and export_files(queued_app) == []
    for name, page in pages.items():
        html = clients[name].get(page).get_data(as_text=True)
        assert '<meta http-equiv="refresh" content="3">' in html and "Sedang disiapkan" in html
        assert clients[name].get(page + "/berkas").status_code == 303
    with queued_app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Export)
                .where(Export.status == ExportStatus.PENDING)
            )
            == 3
        )
        audited = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert audited == [AuditAction.EXPORT_XLSX, AuditAction.EXPORT_REPORT]

    run_worker(queued_app, queue)

    assert len(export_files(queued_app)) == 3
    files = {}
    for name, page in pages.items():
        html = clients[name].get(page).get_data(as_text=True)
        assert "Siap" in html and 'http-equiv="refresh"' not in html
        assert f'href="{page}/berkas"' in html
        response = clients[name].get(page + "/berkas")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        files[name] = response
    assert files["xlsx"].mimetype.endswith("spreadsheetml.sheet")
    assert "Etalase" in load_workbook(io.BytesIO(files["xlsx"].data)).active["A1"].value
    assert files["report"].mimetype == "application/pdf"
    assert pdf_pages(files["report"].data, tmp_path) == 1
    assert pdf_pages(files["catalogue"].data, tmp_path) >= 1

    # Someone else, even an operator who sees every group, gets nothing.
    stranger = client_of(queued_app, people["stranger"])
    for page in pages.values():
        assert stranger.get(page).status_code == 404
        assert stranger.get(page + "/berkas").status_code == 404


@pytest.mark.no_db_transaction
def test_a_job_run_twice_leaves_one_file(queued_app, queue, people):
    operator = client_of(queued_app, people["operator"])
    page = ask(operator, "/koordinator/monev.xlsx?per=programme")
    # The same job enqueued a second time (a retry, a resumed job).
    job = queue.queue.jobs[0]
    queue.queue.enqueue_call(job.func_name, args=job.args)
    before = set(export_files(queued_app))

    run_worker(queued_app, queue)

    (new,) = set(export_files(queued_app)) - before
    token = page.rsplit("/", 1)[-1]
    assert new == f"private/exports/{token}.xlsx"
    assert operator.get(page + "/berkas").status_code == 200
