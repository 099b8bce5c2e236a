"""The site on several machines, as deploy/ runs it, for test_many_machines.

The `site` fixture (module scope; defined as `site_fixture`) starts two app
machines (gunicorn), a job worker, Redis, an S3 bucket (moto) and nginx in
front; `Visitor` is one person's browser through nginx; `served_by` names the
machine that answered. A test module using `site` imports `site_fixture` and
the `s3_server` fixture it needs (`from tests.s3 import s3_server_fixture`).
Each step of starting the site is in site_machines.py.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from PIL import Image as PILImage
from requests.adapters import HTTPAdapter

from tests.cluster import (
    NGINX,
    Process,
    self_signed_certificate,
    wait_until,
)
from tests.integration.operations.site_machines import (
    migrate_and_seed,
    production_settings,
    site_bucket,
    site_database,
    start_app_machine,
    start_front,
    start_worker,
    wait_for_app_machine,
)
from tests.redis_server import RedisServer, free_port

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MEDIA_RE = re.compile(r"/media/[0-9a-f]{2}/[0-9a-f]{64}-\d+\.webp")
PENDING = "photo-pending.svg"
TOOLS = (NGINX, "redis-server", "openssl", "pdfimages")
WRONG_PASSWORD = "salah-sekali-123"


@dataclass
class Site:
    url: str
    cert: Path
    folder: Path
    database_url: str
    redis_server: RedisServer
    env: dict[str, str]
    data: dict
    machines: set[str]
    processes: dict[str, Process] = field(default_factory=dict)

    def visitor(self, address: str = "127.0.0.1") -> Visitor:
        return Visitor(self, address)

    @contextmanager
    def logs_on_failure(self) -> Iterator[None]:
        """A failing step prints what every process said (pytest shows it)."""
        try:
            yield
        except BaseException:
            redis = "running" if self.redis_server.running else "stopped"
            print(f"\n===== redis ({redis}) =====\n{self.redis_server.tail(60)}")
            for name, process in self.processes.items():
                state = "running" if process.running else f"exited {process.popen.returncode}"
                print(f"\n===== {name} ({state}) =====\n{process.tail(60)}")
            raise


class FromAddress(HTTPAdapter):
    """Connect from another loopback address: another client to nginx."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Visitor:
    """One person's browser: cookies, a Referer on every request (Flask-WTF
    checks it over HTTPS) and CSRF tokens taken from the pages."""

    def __init__(self, site: Site, address: str) -> None:
        self.site = site
        self.http = requests.Session()
        # Not the machine's CA bundle (REQUESTS_CA_BUNDLE would win) nor its proxies.
        self.http.trust_env = False
        self.http.verify = str(site.cert)
        self.http.headers["Referer"] = site.url + "/"
        if address != "127.0.0.1":
            self.http.mount("https://", FromAddress(address))

    def url(self, path: str) -> str:
        return urljoin(self.site.url + "/", path)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.url(path), timeout=90, **kwargs)

    def token(self, page: str) -> str:
        found = TOKEN_RE.search(self.get(page).text)
        assert found, f"no CSRF token on {page}"
        return html.unescape(found.group(1))

    def post(self, path: str, data: dict, *, form: str | None = None, **kwargs):
        """POST as the form on page `form` (default: `path`) would."""
        data = {"csrf_token": self.token(form or path), **data}
        return self.http.post(
            self.url(path), data=data, allow_redirects=False, timeout=90, **kwargs
        )

    def login(self, login: str, password: str) -> None:
        answer = self.post("/masuk", {"login": login, "password": password})
        assert answer.status_code == 302, answer.text[:3000]

    def order(
        self, variant: int, quantity: int, group_id: int, *, name: str, phone: str, address: str
    ) -> requests.Response:
        """Put `quantity` of `variant` in the cart and place the order (pick-up,
        paid by transfer): the answer, 303 to the confirmation when placed."""
        added = self.http.post(
            self.url("/keranjang/tambah"),
            data={"variant": str(variant), "quantity": str(quantity)},
            headers={"Origin": self.site.url},
            allow_redirects=False,
            timeout=30,
        )
        assert added.status_code == 302, added.text[:2000]
        checkout = self.get("/checkout").text
        return self.post(
            "/checkout",
            {
                "cart_id": field_value(checkout, "cart_id"),
                "cart_version": field_value(checkout, "cart_version"),
                "quoted": field_value(checkout, "quoted"),
                "name": name,
                "phone": phone,
                "province": "15",
                "regency": "15.71",
                "address": address,
                f"delivery-{group_id}": "pickup",
                f"payment-{group_id}": "transfer",
            },
        )


def served_by(response: requests.Response) -> str:
    return response.headers.get("X-Upstream", "")


def field_value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert found, f"no {name} field"
    return html.unescape(found.group(1))


def jpeg(color: tuple[int, int, int], size=(900, 700)) -> bytes:
    im = PILImage.new("RGB", size, color)
    im.paste((30, 30, 30), (0, 0, size[0] // 3, size[1] // 3))
    buf = BytesIO()
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def pdf_images(pdf: bytes, folder: Path) -> int:
    """How many pictures the PDF embeds (pdfimages -list, after its header)."""
    path = folder / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    )
    return len(listing.stdout.splitlines()) - 2


def check_exports(site: Site, visitor: Visitor, link: str, folder: Path) -> None:
    """Ask for a PDF twice (once on each machine: the link answers at once
    and the worker makes the file), then download each file twice: every
    download is the PDF with its pictures."""
    asked = [visitor.get(link, allow_redirects=False) for _ in range(2)]
    assert [a.status_code for a in asked] == [303, 303], link
    assert {served_by(a) for a in asked} == site.machines
    for answer in asked:
        download = urlsplit(answer.headers["Location"]).path + "/berkas"
        wait_until(
            lambda download=download: (
                visitor.get(download, allow_redirects=False).status_code == 200
            ),
            60,
            f"the worker making {link}",
            every=0.5,
        )
        files = [visitor.get(download, allow_redirects=False) for _ in range(2)]
        for pdf in files:
            assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
            assert pdf_images(pdf.content, folder) >= 1, link
        assert {served_by(pdf) for pdf in files} == site.machines


@pytest.fixture(scope="module", name="site")
def site_fixture(tmp_path_factory, s3_server) -> Iterator[Site]:
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: run `make browser-deps` (apt install)")
    folder = tmp_path_factory.mktemp("many-machines")
    database_url = site_database(folder)
    bucket = site_bucket(s3_server)

    http_port, https_port = free_port(), free_port()
    redis_server = RedisServer(folder=folder / "redis")
    app_ports = {"a": free_port(), "b": free_port()}
    url = f"https://127.0.0.1:{https_port}"
    site = Site(
        url=url,
        cert=self_signed_certificate(folder)[0],
        folder=folder,
        database_url=database_url,
        redis_server=redis_server,
        env=production_settings(url, database_url, redis_server.url, bucket, s3_server),
        data={},
        machines={f"127.0.0.1:{port}" for port in app_ports.values()},
    )
    with ExitStack() as stack:
        stack.callback(redis_server.stop)
        stack.callback(lambda: [p.stop() for p in reversed(list(site.processes.values()))])
        with site.logs_on_failure():
            redis_server.start()
            migrate_and_seed(site)
            for name, port in app_ports.items():
                start_app_machine(site, name, port)
            start_worker(site)
            for name, port in app_ports.items():
                wait_for_app_machine(site, name, port)
            start_front(site, http_port, https_port)
        yield site
