"""A local S3 for tests: moto's server on 127.0.0.1, started once per run, and
a fresh bucket per test. Import the fixtures where they are needed:

    from tests.s3 import s3_bucket_fixture, s3_server_fixture  # noqa: F401

(the fixtures are named `s3_server`, `s3_bucket`, `s3_storage`; the functions
carry another name so a test's parameter does not shadow an import).

The real boto3 client talks HTTP to it, so signing, errors and streaming are
the ones production sees (moto does not check signatures: access rules are
tested in the app).
"""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from moto.server import ThreadedMotoServer

from shop.media.s3 import S3Storage, make_s3_client
from tests.redis_server import free_port

REGION = "us-east-1"
KEYS = {"access_key_id": "testing", "secret_access_key": "testing"}
PREFIX = "etalase"


@dataclass(frozen=True)
class Bucket:
    endpoint: str
    name: str
    client: object

    def public_url(self, key: str) -> str:
        """The object's address without a signature: what anyone could fetch."""
        return f"{self.endpoint}/{self.name}/{key}"

    def anonymous_status(self, key: str) -> int:
        """The HTTP status an unsigned GET of the object gets."""
        try:
            with urllib.request.urlopen(self.public_url(key), timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            with refused:
                return refused.code


@pytest.fixture(scope="session", name="s3_server")
def s3_server_fixture() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(name="s3_bucket")
def s3_bucket_fixture(s3_server) -> Iterator[Bucket]:
    client = make_s3_client(endpoint_url=s3_server, region=REGION, **KEYS)
    name = f"etalase-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    yield Bucket(endpoint=s3_server, name=name, client=client)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", ()):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


def use_bucket(app, monkeypatch, tmp_path, endpoint: str, bucket: str) -> None:
    """Point the app's storage at `bucket` of the S3 server at `endpoint`,
    under PREFIX; MEDIA_ROOT points at an empty folder, to prove nothing
    lands there."""
    settings = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_PREFIX": PREFIX,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": KEYS["access_key_id"],
        "S3_SECRET_ACCESS_KEY": KEYS["secret_access_key"],
        "MEDIA_ROOT": str(tmp_path / "unused-media"),
    }
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)


@pytest.fixture(name="s3_storage")
def s3_storage_fixture(app, monkeypatch, s3_bucket, tmp_path) -> S3Storage:
    """The app stores files in the test's bucket (STORAGE_BACKEND "s3")."""
    use_bucket(app, monkeypatch, tmp_path, s3_bucket.endpoint, s3_bucket.name)
    return S3Storage(s3_bucket.client, s3_bucket.name, PREFIX)
