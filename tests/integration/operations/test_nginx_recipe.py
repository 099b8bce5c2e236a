"""The nginx recipe (deploy/nginx/etalase.conf) while every app machine
answers the app's 503 (the database or the bucket is away): nginx passes the
app's page on, in the visitor's language and with Retry-After, request after
request. It must not count those 503s as failed machines (max_fails), mark
every machine down and answer its own English "502 Bad Gateway" instead,
nor send one request to every machine in turn.

The recipe is served as tests/cluster.py serves it for the many-machines
test, in front of two stand-ins for app machines.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.cluster import NGINX, nginx_site, self_signed_certificate, start_nginx
from tests.redis_server import free_port

APP_PAGE = "<h1>Sebentar lagi kembali</h1>"


class Unavailable(BaseHTTPRequestHandler):
    """What an app machine answers while its database is away."""

    def _answer(self) -> None:
        self.server.hits.append(self.command)
        body = APP_PAGE.encode()
        self.send_response(503)
        self.send_header("Retry-After", "30")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = _answer

    def log_message(self, format, *args) -> None:  # quiet
        pass


@pytest.fixture
def machines() -> Iterator[list[ThreadingHTTPServer]]:
    servers = []
    for _ in range(2):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
        server.hits = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy(tmp_path, machines) -> Iterator[tuple[str, str]]:
    if not shutil.which(NGINX):
        pytest.fail(f"{NGINX} not found: run `make browser-deps` (apt install)")
    cert, key = self_signed_certificate(tmp_path)
    https_port = free_port()
    site = nginx_site(
        upstreams=[f"127.0.0.1:{server.server_port}" for server in machines],
        http_port=free_port(),
        https_port=https_port,
        certificate=(cert, key),
        cache=tmp_path / "nginx" / "cache",
    )
    nginx = start_nginx(tmp_path / "nginx", site, https_port)
    try:
        yield f"https://127.0.0.1:{https_port}", str(cert)
    finally:
        nginx.stop()


def test_the_apps_503_reaches_the_visitor_request_after_request(proxy, machines):
    url, cert = proxy
    http = requests.Session()
    http.trust_env = False
    http.verify = cert

    answers = [http.get(f"{url}/katalog", timeout=30) for _ in range(10)]

    for response in answers:
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "30"
        assert response.text == APP_PAGE  # the app's page, not nginx's "502 Bad Gateway"
    # Each request reached one machine once (a 503 is not tried elsewhere),
    # and both machines kept getting requests.
    assert [len(server.hits) for server in machines] == [5, 5]
    # A checkout sent while the site is away is not sent twice either.
    assert http.post(f"{url}/checkout", timeout=30).status_code == 503
    assert sum(len(server.hits) for server in machines) == 11
