"""One contract for every Storage backend: the local folder and an S3 bucket
(moto's server, through the real boto3 client) answer the same calls the same way."""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime, timedelta

import pytest

from shop.media.s3 import S3Storage, make_s3_client
from shop.media.storage import LocalStorage, Storage, is_private_path
from shop.outages import StorageUnavailable
from tests.redis_server import free_port
from tests.s3 import KEYS, REGION, s3_bucket_fixture, s3_server_fixture  # noqa: F401

VARIANT = "ab/" + "ab" * 32 + "-640.webp"
SHARE = "share/cd/" + "cd" * 16 + ".jpg"
DOCUMENT = "doc/ef/" + "ef" * 32 + ".pdf"
PRIVATE = "private/ab/" + "ab" * 32 + "-640.webp"
BAD_PATHS = [
    "../outside.webp",
    "ab/../../outside.webp",
    "/etc/passwd",
    "ab\\..\\x",
    "ab//x.webp",
    "ab/x.webp/",
    "ab/\0.webp",
    "",
    "./a",
]


@pytest.fixture(params=["local", "s3"])
def make_storage(request, tmp_path):
    """`make_storage(area)`: a storage of the backend under test; two areas
    share a parent folder (local) or a bucket (S3) but nothing else."""
    if request.param == "local":
        return lambda area="media": LocalStorage(tmp_path / area)
    bucket = request.getfixturevalue("s3_bucket")
    return lambda area="media": S3Storage(bucket.client, bucket.name, prefix=area)


@pytest.fixture
def storage(make_storage) -> Storage:
    return make_storage()


def test_save_says_whether_it_created_the_file_and_overwrites(storage):
    assert storage.save(VARIANT, b"one", "image/webp") is True
    assert storage.save(VARIANT, b"two!", "image/webp") is False

    assert storage.read(VARIANT) == b"two!"
    assert [(f.path, f.size) for f in storage.iter_files()] == [(VARIANT, 4)]


def test_open_gives_a_binary_file_to_read_and_close(storage):
    storage.save(DOCUMENT, b"%PDF-1.4 body", "application/pdf")

    with storage.open(DOCUMENT) as fh:
        assert fh.read(5) == b"%PDF-"
        assert fh.read() == b"1.4 body"
    assert fh.closed


def test_exists_and_delete(storage):
    storage.save(SHARE, b"jpeg", "image/jpeg")

    assert storage.exists(SHARE)
    assert storage.delete(SHARE) is True
    assert storage.delete(SHARE) is False
    assert not storage.exists(SHARE)
    assert list(storage.iter_files()) == []


def test_a_missing_file_is_file_not_found(storage):
    with pytest.raises(FileNotFoundError):
        storage.open(VARIANT)
    with pytest.raises(FileNotFoundError):
        storage.read(VARIANT)
    assert not storage.exists(VARIANT)


def test_iter_files_lists_every_file_with_its_time_and_size(storage):
    before = datetime.now(UTC) - timedelta(seconds=5)
    for path in (VARIANT, SHARE, DOCUMENT, PRIVATE):
        storage.save(path, path.encode(), "application/octet-stream")

    listed = {f.path: f for f in storage.iter_files()}

    assert set(listed) == {VARIANT, SHARE, DOCUMENT, PRIVATE}
    for path, stored in listed.items():
        assert stored.size == len(path.encode())
        assert stored.modified.tzinfo is not None
        assert before <= stored.modified <= datetime.now(UTC) + timedelta(seconds=5)


def test_areas_do_not_see_each_others_files(make_storage):
    mine, theirs, longer = make_storage("media"), make_storage("other"), make_storage("media2")
    mine.save(VARIANT, b"mine", "image/webp")
    longer.save(SHARE, b"longer", "image/jpeg")

    assert [f.path for f in mine.iter_files()] == [VARIANT]
    assert not theirs.exists(VARIANT)
    assert theirs.delete(VARIANT) is False
    assert mine.read(VARIANT) == b"mine"
    assert not mine.exists(SHARE)


@pytest.mark.parametrize("path", BAD_PATHS)
def test_paths_that_could_leave_the_storage_are_refused(storage, path):
    for call in (
        lambda: storage.save(path, b"x", "image/webp"),
        lambda: storage.open(path),
        lambda: storage.exists(path),
        lambda: storage.delete(path),
    ):
        with pytest.raises(ValueError):
            call()
    assert list(storage.iter_files()) == []


def test_check_passes_on_a_working_storage(storage):
    storage.save(VARIANT, b"x", "image/webp")
    storage.check()


def test_private_areas():
    assert is_private_path(DOCUMENT) and is_private_path(PRIVATE)
    assert not is_private_path(VARIANT) and not is_private_path(SHARE)


# --- S3 only: what the bucket holds, and what happens when it cannot be reached


def test_objects_carry_type_and_cache_rules_and_no_public_grant(s3_bucket):
    storage = S3Storage(s3_bucket.client, s3_bucket.name, prefix="/etalase/")
    storage.save(VARIANT, b"webp", "image/webp")
    storage.save(DOCUMENT, b"%PDF-", "application/pdf")
    client = s3_bucket.client

    public = client.head_object(Bucket=s3_bucket.name, Key=f"etalase/{VARIANT}")
    private = client.head_object(Bucket=s3_bucket.name, Key=f"etalase/{DOCUMENT}")

    assert (public["ContentType"], public["CacheControl"]) == (
        "image/webp",
        "public, max-age=31536000, immutable",
    )
    assert (private["ContentType"], private["CacheControl"]) == (
        "application/pdf",
        "private, no-store",
    )
    for key in (VARIANT, DOCUMENT):
        grants = client.get_object_acl(Bucket=s3_bucket.name, Key=f"etalase/{key}")["Grants"]
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
        assert s3_bucket.anonymous_status(f"etalase/{key}") == 403


def test_an_unreachable_endpoint_is_storage_unavailable():
    closed = f"http://127.0.0.1:{free_port()}"
    client = make_s3_client(endpoint_url=closed, region=REGION, max_attempts=1, **KEYS)
    storage = S3Storage(client, "etalase", prefix="media")

    for call in (
        lambda: storage.save(VARIANT, b"x", "image/webp"),
        lambda: storage.open(VARIANT),
        lambda: storage.read(VARIANT),
        lambda: storage.exists(VARIANT),
        lambda: storage.delete(VARIANT),
        lambda: list(storage.iter_files()),
        storage.check,
    ):
        with pytest.raises(StorageUnavailable):
            call()


def test_a_missing_bucket_is_storage_unavailable_not_file_not_found(s3_bucket):
    storage = S3Storage(s3_bucket.client, s3_bucket.name + "-gone")

    with pytest.raises(StorageUnavailable):
        storage.check()
    with pytest.raises(StorageUnavailable):
        storage.save(VARIANT, b"x", "image/webp")


# --- local only: a full or read-only disk


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES])
def test_a_full_or_forbidden_disk_is_storage_unavailable(tmp_path, monkeypatch, code):
    storage = LocalStorage(tmp_path / "media")

    def refuse(src, dst):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StorageUnavailable) as unavailable:
        storage.save(VARIANT, b"x", "image/webp")
    assert unavailable.value.errno == code
    assert list(storage.iter_files()) == []


def test_check_refuses_a_missing_folder(tmp_path):
    with pytest.raises(StorageUnavailable):
        LocalStorage(tmp_path / "nowhere").check()
