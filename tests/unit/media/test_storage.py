"""LocalStorage: atomic writes, knowing which files it created, staying inside its root."""

from __future__ import annotations

import os

import pytest

from shop.media.storage import TEMP_PREFIX, LocalStorage


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "media")


def test_save_reports_whether_the_file_is_new_and_leaves_no_temp_file(storage):
    assert storage.save("ab/abc-320.webp", b"one", "image/webp") is True
    assert storage.save("ab/abc-320.webp", b"two", "image/webp") is False

    assert storage.read("ab/abc-320.webp") == b"two"
    assert [f.path for f in storage.iter_files()] == ["ab/abc-320.webp"]
    assert oct((storage.root / "ab" / "abc-320.webp").stat().st_mode & 0o777) == "0o644"


def test_a_failed_write_keeps_the_old_file_and_cleans_up(storage, monkeypatch):
    storage.save("ab/abc-320.webp", b"old", "image/webp")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        storage.save("ab/abc-320.webp", b"new", "image/webp")

    assert storage.read("ab/abc-320.webp") == b"old"
    assert not any(f.path.rsplit("/", 1)[-1].startswith(TEMP_PREFIX) for f in storage.iter_files())


def test_delete_and_exists(storage):
    storage.save("cd/x-640.webp", b"x", "image/webp")

    assert storage.exists("cd/x-640.webp")
    assert storage.delete("cd/x-640.webp") is True
    assert storage.delete("cd/x-640.webp") is False
    assert not storage.exists("cd/x-640.webp")


@pytest.mark.parametrize(
    "path", ["../outside.webp", "ab/../../outside.webp", "/etc/passwd", "ab\\..\\x", "", "./a"]
)
def test_paths_outside_the_root_are_refused(storage, path):
    with pytest.raises(ValueError):
        storage.save(path, b"x", "image/webp")
    with pytest.raises(ValueError):
        storage.exists(path)


def test_iter_files_on_a_missing_root_is_empty(storage):
    assert list(storage.iter_files()) == []
