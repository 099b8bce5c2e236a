"""The site on several machines, as deploy/ runs it, for test_many_machines.

The `site` fixture (module scope; defined as `site_fixture`) starts two app
machines (gunicorn), a job worker, Redis, an S3 bucket (moto) and nginx in
front; `Visitor` is one person's browser through nginx; `served_by` names the
machine that answered. A test module using `site` imports `site_fixture` and
the `s3_server` fixture it needs (`from tests.s3 import s3_server_fixture`).
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import gunicorn.config
import pytest
import requests
from PIL import Image as PILImage
from requests.adapters import HTTPAdapter

from shop.config import CONVENTIONAL
from shop.media.s3 import make_s3_client
from tests.cluster import (
    NGINX,
    ROOT,
    Process,
    nginx_site,
    port_open,
    self_signed_certificate,
    start_nginx,
    wait_until,
)
from tests.conftest import TEST_DATABASE_URL, _reset_database, side_database_url
from tests.redis_server import RedisServer, free_port
from tests.s3 import KEYS, REGION

BIN = Path(sys.executable).parent
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MEDIA_RE = re.compile(r"/media/[0-9a-f]{2}/[0-9a-f]{64}-\d+\.webp")
PENDING = "photo-pending.svg"
TOOLS = (NGINX, "redis-server", "openssl", "pdfimages")
LOGIN_LIMIT = 5
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


def site_environment(**settings: str) -> dict[str, str]:
    """This machine's environment without any Etalase or Flask setting of
    its own (CI sets DATABASE_URL for the test database), plus `settings`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ETALASE_", "FLASK_"))
        and name not in CONVENTIONAL
        and name != "WEB_CONCURRENCY"
    }
    return {**env, **settings}


def control_socket(instance: Path) -> list[str]:
    """A recent gunicorn opens a control socket, by default one per user
    ($HOME/.gunicorn): each machine gets its own."""
    if not hasattr(gunicorn.config, "ControlSocket"):
        return []
    instance.mkdir(parents=True, exist_ok=True)
    return ["--control-socket", str(instance / "gunicorn.ctl")]


def run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{what} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module", name="site")
def site_fixture(tmp_path_factory, s3_server) -> Iterator[Site]:
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: run `make browser-deps` (apt install)")
    folder = tmp_path_factory.mktemp("many-machines")
    if TEST_DATABASE_URL.startswith("postgresql"):
        database_url = side_database_url("many_machines")
        _reset_database(database_url)
    else:
        database_url = f"sqlite:///{folder / 'site.db'}"
    bucket = f"etalase-site-{uuid.uuid4().hex[:12]}"
    make_s3_client(endpoint_url=s3_server, region=REGION, **KEYS).create_bucket(Bucket=bucket)

    http_port, https_port = free_port(), free_port()
    redis_server = RedisServer(folder=folder / "redis")
    app_ports = {"a": free_port(), "b": free_port()}
    url = f"https://127.0.0.1:{https_port}"
    env = site_environment(
        ETALASE_ENV="production",
        ETALASE_SECRET_KEY=secrets.token_urlsafe(48),
        ETALASE_DATABASE_URL=database_url,
        ETALASE_REDIS_URL=redis_server.url,
        ETALASE_PROCESSES="2",
        ETALASE_PROXY_COUNT="1",
        ETALASE_PUBLIC_URL=url,
        ETALASE_STORAGE_BACKEND="s3",
        ETALASE_S3_BUCKET=bucket,
        ETALASE_S3_PREFIX="site",
        ETALASE_S3_ENDPOINT_URL=s3_server,
        ETALASE_S3_REGION=REGION,
        ETALASE_S3_ACCESS_KEY_ID=KEYS["access_key_id"],
        ETALASE_S3_SECRET_ACCESS_KEY=KEYS["secret_access_key"],
        ETALASE_LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute",
        # The per-address limit is what is shared through Redis; the
        # per-account delay (in the database) is lifted for these rounds.
        ETALASE_LOGIN_FREE_FAILURES="100000",
        ETALASE_NOTIFY_IN_PROCESS="0",
    )

    def machine(name: str) -> dict[str, str]:
        instance = folder / f"machine-{name}"
        return {
            **env,
            "ETALASE_INSTANCE_PATH": str(instance),
            "ETALASE_MEDIA_ROOT": str(instance / "media"),
        }

    site = Site(
        url=url,
        cert=self_signed_certificate(folder)[0],
        folder=folder,
        database_url=database_url,
        redis_server=redis_server,
        env=env,
        data={},
        machines={f"127.0.0.1:{port}" for port in app_ports.values()},
    )
    with ExitStack() as stack:
        stack.callback(redis_server.stop)
        stack.callback(lambda: [p.stop() for p in reversed(list(site.processes.values()))])
        with site.logs_on_failure():
            redis_server.start()
            run([str(BIN / "flask"), "--app", "app", "db", "upgrade"], machine("admin"), "migrate")
            seeded = run(
                [str(BIN / "python"), "-m", "tests.integration.operations.seed_site"],
                machine("admin"),
                "seed",
            )
            site.data = json.loads(seeded.strip().splitlines()[-1])
            for name, port in app_ports.items():
                site.processes[f"gunicorn-{name}"] = Process(
                    f"gunicorn-{name}",
                    [
                        str(BIN / "gunicorn"),
                        "app:app",
                        "--bind",
                        f"127.0.0.1:{port}",
                        # One process of four threads per machine: CI has two cores.
                        "-w",
                        "1",
                        "-k",
                        "gthread",
                        "--threads",
                        "4",
                        "--timeout",
                        "60",
                        *control_socket(folder / f"machine-{name}"),
                    ],
                    folder / f"gunicorn-{name}.log",
                    cwd=ROOT,
                    env=machine(name),
                )
            site.processes["worker"] = Process(
                "worker",
                [str(BIN / "flask"), "--app", "app", "jobs", "worker"],
                folder / "worker.log",
                cwd=ROOT,
                env=machine("worker"),
            )
            for name, port in app_ports.items():
                process = site.processes[f"gunicorn-{name}"]
                wait_until(
                    lambda port=port, process=process: (
                        not process.running
                        or requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok
                    ),
                    90,
                    f"app machine {name}",
                    every=0.5,
                )
                assert process.running, f"app machine {name} exited"
            site_conf = nginx_site(
                upstreams=sorted(site.machines),
                http_port=http_port,
                https_port=https_port,
                certificate=(site.cert, folder / "key.pem"),
                cache=folder / "nginx" / "cache",
            )
            site.processes["nginx"] = start_nginx(folder / "nginx", site_conf, https_port)
            assert port_open(http_port)
        yield site
