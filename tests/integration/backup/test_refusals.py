"""Restores that must not happen, or must leave nothing behind: a damaged archive,
a storage that is not empty, and an archive whose files stayed in the bucket."""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop.backup import services
from shop.extensions import db
from shop.groups.models import Group
from shop.media.storage import get_storage
from tests.conftest import make_live_app
from tests.factories import GroupFactory, UserFactory
from tests.integration.backup.helpers import stored_files, table_rows, wipe

pytestmark = pytest.mark.no_db_transaction

FILES = {"ab/photo-640.webp": b"RIFF-not-really-webp", "private/proof.jpg": b"\xff\xd8receipt"}


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "backupsmall")
    with app.app_context():
        GroupFactory.create_batch(2)
        UserFactory()
        db.session.commit()
        storage = get_storage()
        for path, data in FILES.items():
            storage.save(path, data, "application/octet-stream")
    yield app
    with app.app_context():
        db.engine.dispose()


def _create(app, output: Path, *options: str) -> dict:
    result = app.test_cli_runner().invoke(
        args=["backup", "create", "--output", str(output), *options]
    )
    assert result.exit_code == 0, result.output
    with tarfile.open(output, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    return {"names": names, "manifest": manifest}


def _damaged_copy(archive: Path, target: Path) -> None:
    """The same archive with one file's bytes changed (same size, same manifest)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "files/private/proof.jpg":
                data = data[:-1] + b"!"
            out.addfile(member, io.BytesIO(data))


def _groups(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Group))


def test_refused_restores_leave_nothing_and_a_retry_works(small_site, tmp_path):
    app = small_site
    runner = app.test_cli_runner()
    rows, files = table_rows(app), stored_files(app)
    assert files == FILES

    archive = tmp_path / "site.tar.gz"
    made = _create(app, archive)
    assert made["manifest"]["files_included"] is True
    assert {entry["path"] for entry in made["manifest"]["files"]} == set(FILES)
    listed = _create(app, tmp_path / "list.tar.gz", "--no-files")
    assert listed["manifest"]["files"] == made["manifest"]["files"]
    assert not [name for name in listed["names"] if name.startswith("files/")]

    damaged = tmp_path / "damaged.tar.gz"
    _damaged_copy(archive, damaged)
    wipe(app)
    result = runner.invoke(args=["backup", "restore", str(damaged)])
    assert result.exit_code == 1
    assert "damaged" in result.output and "private/proof.jpg" in result.output
    # The schema stayed (migrated to the archive's revision), its rows did not.
    assert _groups(app) == 0
    assert stored_files(app) == {}

    # A file the archive does not have is in the way; nothing is written.
    with app.app_context():
        get_storage().save("zz/stranger.webp", b"x", "image/webp")
    result = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 1 and "storage is not empty" in result.output
    assert _groups(app) == 0
    with app.app_context():
        get_storage().delete("zz/stranger.webp")

    result = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert table_rows(app) == rows
    assert stored_files(app) == files


def test_an_archive_without_files_restores_the_rows_and_names_what_is_missing(small_site, tmp_path):
    app = small_site
    runner = app.test_cli_runner()
    rows = table_rows(app)
    archive = tmp_path / "list.tar.gz"
    _create(app, archive, "--no-files")

    wipe(app)
    with app.app_context():
        # The bucket's own backup brought one file back, not the other.
        get_storage().save("ab/photo-640.webp", FILES["ab/photo-640.webp"], "image/webp")
    result = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "no files (the archive lists them only)" in result.output
    assert "1 files the archive lists are not in the storage (e.g. private/proof.jpg)" in (
        result.output
    )
    assert table_rows(app) == rows


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_archive_is_readable_by_its_owner_only(small_site, tmp_path, monkeypatch):
    """It holds password hashes, phone numbers, addresses and transfer proofs:
    the archive, its partial file and its work folder are the owner's alone,
    and so is a folder made for it, whatever the umask lets others read."""
    seen = {}
    write_archive = services._write_archive

    def spy(partial: Path, work: Path, manifest: dict) -> None:
        write_archive(partial, work, manifest)
        seen.update(partial=_mode(partial), work=_mode(work))

    monkeypatch.setattr(services, "_write_archive", spy)
    previous = os.umask(0o022)
    try:
        archive = tmp_path / "backups" / "site.tar.gz"
        _create(small_site, archive)
        leftover = tmp_path / "left" / "site.tar.gz"
        leftover.parent.mkdir()
        # A partial file a killed run left behind, readable by all.
        Path(leftover.parent, ".site.tar.gz.partial").write_bytes(b"half")
        os.chmod(leftover.parent / ".site.tar.gz.partial", 0o644)
        _create(small_site, leftover, "--no-files")
    finally:
        os.umask(previous)
    assert seen == {"partial": 0o600, "work": 0o700}
    assert _mode(archive) == 0o600 and _mode(leftover) == 0o600
    assert _mode(archive.parent) == 0o700
    assert sorted(p.name for p in leftover.parent.iterdir()) == ["site.tar.gz"]
