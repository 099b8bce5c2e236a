"""Coordinators downloading at the same moment: every download works and is logged.

Downloads are GET requests that write an audit entry. On SQLite a request
that reads and then writes used to fail with "database is locked" when
another one committed in between; now the write waits its turn.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from shop.audit.models import AuditEntry
from shop.extensions import db
from tests.conftest import make_live_app, serve

PEOPLE = 12
PASSWORD = "koordinator-123"


@pytest.mark.no_db_transaction
def test_many_downloads_at_once_all_succeed_and_are_audited(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "downloads")
    with app.app_context():
        from tests.factories import CoordinatorFactory, GroupFactory, UserFactory

        group = GroupFactory(name="Kelompok Unduhan")
        phones = []
        for n in range(PEOPLE):
            user = UserFactory(phone=f"+628138888{n:04d}")
            user.set_password(PASSWORD)
            CoordinatorFactory(user=user, is_operator=True)
            phones.append(user.phone)
        db.session.commit()
        slug = group.slug

    ready = threading.Barrier(PEOPLE, timeout=60)
    paths = (
        "/koordinator/monev.xlsx",
        "/koordinator/monev.csv",
        f"/koordinator/kelompok/{slug}/laporan.pdf",
    )

    def download(n: int) -> int:
        with requests.Session() as http:
            page = http.get(f"{base}/masuk", timeout=60).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            http.post(
                f"{base}/masuk",
                data={"login": phones[n], "password": PASSWORD, "csrf_token": token},
                allow_redirects=False,
                timeout=60,
            )
            ready.wait()
            return http.get(base + paths[n % len(paths)], timeout=120).status_code

    with serve(app) as base:
        with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            codes = list(pool.map(download, range(PEOPLE)))

    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert codes == [200] * PEOPLE
    assert logged == PEOPLE
