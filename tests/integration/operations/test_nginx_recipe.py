"""The nginx recipe (deploy/nginx/etalase.conf) while every app machine
answers the app's 503 (the database or the bucket is away): nginx passes the
app's page on, in the visitor's language and with Retry-After, request after
request. It must not count those 503s as failed machines (max_fails), mark
every machine down and answer its own English "502 Bad Gateway" instead,
nor send one request to every machine in turn. And its upload limits: the
photo forms take more than other pages, and a request over a limit gets the
app's page for that address (/terlalu-besar), not nginx's bare 413.

The recipe is served as tests/cluster.py serves it for the many-machines
test, in front of two stand-ins for app machines.
"""

from __future__ import annotations

import http.client
import re
import shutil
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests
from flask import url_for

from tests.cluster import NGINX, RECIPE, nginx_site, self_signed_certificate, start_nginx
from tests.redis_server import free_port

APP_PAGE = "<h1>Sebentar lagi kembali</h1>"
MB = 1024 * 1024


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
def machine_handler() -> type[BaseHTTPRequestHandler]:
    """What the stand-in machines answer (a test may parametrize another)."""
    return Unavailable


@pytest.fixture
def machines(machine_handler) -> Iterator[list[ThreadingHTTPServer]]:
    servers = []
    for _ in range(2):
        server = ThreadingHTTPServer(("127.0.0.1", 0), machine_handler)
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


class Recording(BaseHTTPRequestHandler):
    """An app machine that notes each request (method, address, headers, how
    many body bytes) and answers 200, or 413 with its page at /terlalu-besar."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = 0
        while received < length:
            received += len(self.rfile.read(min(1 << 20, length - received)))
        self.server.hits.append((self.command, self.path, dict(self.headers), received))
        too_large = self.path.startswith("/terlalu-besar")
        body = f"{'APP 413' if too_large else 'APP OK'} {self.path}".encode()
        self.send_response(413 if too_large else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format, *args) -> None:  # quiet
        pass


def post_declaring(url: str, cert: str, path: str, size: int, body: bool):
    """POST `path` declaring `size` bytes (and sending them, if `body`) with
    the person's language cookie; the status and text of the answer."""
    parts = urlsplit(url)
    connection = http.client.HTTPSConnection(
        parts.hostname,
        parts.port,
        context=ssl.create_default_context(cafile=cert),
        timeout=60,
    )
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(size))
        connection.putheader("Cookie", "lang=en")
        connection.endheaders()
        if body:
            chunk = b"x" * (1 << 20)
            for start in range(0, size, len(chunk)):
                connection.send(chunk[: size - start])
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def hits(machines) -> list[tuple]:
    return [hit for server in machines for hit in server.hits]


@pytest.mark.parametrize("machine_handler", [Recording])
def test_the_photo_forms_take_more_than_other_pages(proxy, machines):
    url, cert = proxy
    product_form = "/kelola/kelompok-tani/produk/baru"

    # 20 MB of photos reach the product form whole ...
    assert post_declaring(url, cert, product_form, 20 * MB, body=True) == (
        200,
        f"APP OK {product_form}",
    )
    assert [(h[0], h[1], h[3]) for h in hits(machines)] == [("POST", product_form, 20 * MB)]

    # ... but not the log-in page: the app's page for that address answers.
    for server in machines:
        server.hits.clear()
    status, text = post_declaring(url, cert, "/masuk", 20 * MB, body=True)
    assert (status, text) == (413, "APP 413 /terlalu-besar?alamat=/masuk")
    [(method, path, headers, received)] = hits(machines)
    # A GET without the refused body, with the visitor's cookie (language).
    assert (method, received) == ("GET", 0)
    assert headers.get("Content-Length") in (None, "0")
    assert headers["Cookie"] == "lang=en"


@pytest.mark.parametrize("machine_handler", [Recording])
@pytest.mark.parametrize(
    "path",
    ["/kelola/kelompok-tani/produk/12", "/kelola/kelompok-tani/profil", "/kelola/kelompok-baru"],
)
def test_a_photo_form_over_its_limit_gets_the_apps_page(proxy, machines, path):
    url, cert = proxy
    status, text = post_declaring(url, cert, path, 101 * MB, body=False)
    assert (status, text) == (413, f"APP 413 /terlalu-besar?alamat={path}")
    assert [(h[0], h[3]) for h in hits(machines)] == [("GET", 0)]


def test_the_recipes_limits_are_the_apps(app):
    """Both limits of the recipe are the app's settings, and its photo forms'
    location is the photo forms' addresses and no others."""
    from shop.media.limits import PHOTO_FORM_ENDPOINTS

    recipe = RECIPE.read_text()
    server_wide = re.search(r"^    client_max_body_size (\d+)m;", recipe, re.MULTILINE)
    assert int(server_wide.group(1)) * MB == app.config["MAX_CONTENT_LENGTH"]
    location = re.search(
        r"location ~ (\S+) \{\n\s+client_max_body_size (\d+)m;", recipe, re.MULTILINE
    )
    photo_forms = re.compile(location.group(1))
    assert int(location.group(2)) * MB == app.config["PHOTO_FORM_MAX_CONTENT_LENGTH"]
    checked = set()
    with app.test_request_context():
        args = {"slug": "kelompok-tani", "product_id": 12, "photo_id": 3, "action": "hapus"}
        for rule in app.url_map.iter_rules():
            if "POST" not in (rule.methods or ()) or not set(rule.arguments) <= set(args):
                continue
            path = url_for(rule.endpoint, **{a: args[a] for a in rule.arguments})
            taken = photo_forms.match(path) is not None
            assert taken == (rule.endpoint in PHOTO_FORM_ENDPOINTS), path
            checked.add(rule.endpoint)
    assert PHOTO_FORM_ENDPOINTS < checked
    assert len(checked) > 20
