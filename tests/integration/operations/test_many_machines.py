"""Issue 11: the site on several machines, as deploy/ runs it.

Two app machines (gunicorn, each with an instance folder and MEDIA_ROOT of
its own, so nothing on a machine's disk can be relied on), one job worker,
one database, one Redis, one S3 bucket (moto), and nginx in front with the
deploy recipe, round-robin over both machines: consecutive requests land on
different machines. Settings are production ones (ETALASE_ENV=production,
HTTPS through nginx with a certificate the client trusts).

A group uploads photos (the worker makes their variants) and publishes; a
buyer sees them and the share image from either machine; the printed
catalogue (made by the worker) downloads with its photo from either machine;
the buyer orders by transfer and sends a receipt the group opens from either
machine and nobody can fetch from /media/; a coordinator downloads the
report with its photos. Then Redis goes away: browsing,
logging in and checking out still work; it comes back empty on the same
port and the log-in limit is shared again without restarting anything.
"""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
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
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from shop.config import CONVENTIONAL, Defaults, from_environment
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
from tests.s3 import KEYS, REGION, s3_server_fixture  # noqa: F401

BIN = Path(sys.executable).parent
ENV_EXAMPLE = ROOT / "deploy" / "etalase.env.example"
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


@pytest.fixture(scope="module")
def site(tmp_path_factory, s3_server) -> Iterator[Site]:
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


@pytest.mark.no_db_transaction
def test_a_group_sells_and_a_coordinator_reports_through_two_machines(site, tmp_path):
    data = site.data
    slug = data["group"]
    product = f"/k/{slug}/{data['product']}"
    with site.logs_on_failure():
        # The load balancer's probes: both machines ready (database, Redis, bucket).
        probes = [site.visitor().get("/readyz") for _ in range(2)]
        assert [p.status_code for p in probes] == [200, 200], [p.text for p in probes]
        assert {served_by(p) for p in probes} == site.machines
        assert site.visitor().get("/healthz").json() == {"status": "ok"}

        # A group member uploads two photos, then publishes.
        leader = site.visitor()
        leader.login(data["leader"], data["password"])
        photos = f"/kelola/{slug}/produk/{data['product_id']}/foto"
        for n, color in enumerate(((200, 120, 40), (40, 120, 200))):
            upload = {"photo": (f"abon-{n}.jpg", jpeg(color), "image/jpeg")}
            sent = leader.post(photos, {"alt_text": f"Abon lele {n}"}, files=upload)
            assert sent.status_code == 302, sent.text[:2000]
        published = leader.post(
            f"/kelola/{slug}/produk/{data['product_id']}/status",
            {"status": "published"},
            form=f"/kelola/{slug}/produk/{data['product_id']}",
        )
        assert published.status_code in (302, 303), published.text[:2000]

        # The worker makes the variants; until then the page shows a placeholder.
        buyer = site.visitor()

        def photos_shown():
            page = buyer.get(product)
            ready = page.status_code == 200 and PENDING not in page.text
            return page.text if ready and MEDIA_RE.search(page.text) else None

        page = wait_until(photos_shown, 60, "photo variants", every=0.5)
        images = sorted(set(MEDIA_RE.findall(page)))
        assert len(images) >= 2
        for path in images:
            answers = [buyer.get(path) for _ in range(4)]
            assert [a.status_code for a in answers] == [200] * 4, path
            assert {a.headers["Content-Type"] for a in answers} == {"image/webp"}
            assert {served_by(a) for a in answers} == site.machines
            assert len({a.content for a in answers}) == 1

        # The share image of the product page (og:image), from either machine.
        share = html.unescape(re.search(r'property="og:image" content="([^"]+)"', page).group(1))
        assert share.startswith(site.url + "/bagikan/"), share
        answers = [buyer.get(share) for _ in range(4)]
        assert [a.status_code for a in answers] == [200] * 4
        assert {a.headers["Content-Type"] for a in answers} == {"image/jpeg"}
        assert {served_by(a) for a in answers} == site.machines

        # Static files come from nginx itself, for a year.
        css = re.search(r'href="(/static/css/app\.css\?v=[^"]+)"', page).group(1)
        static = buyer.get(html.unescape(css))
        assert static.status_code == 200 and not served_by(static)
        assert "immutable" in static.headers["Cache-Control"]

        # The printed catalogue, made by the worker, has the photo; whichever
        # machine took the request or hands out the file.
        check_exports(site, leader, f"/kelola/{slug}/promosi/katalog.pdf", tmp_path)

        # A buyer orders by transfer and sends a photo of the receipt.
        placed = buyer.order(
            data["variant"],
            2,
            data["group_id"],
            name="Bu Ani",
            phone="0812-3456-7890",
            address="Jl. Kenanga 5, Telanaipura",
        )
        assert placed.status_code == 303, placed.text[:2000]
        confirmation = buyer.get(placed.headers["Location"]).text
        number, token = re.search(r'/lacak/(ET-[^/"]+)/([^/"]+)"', confirmation).groups()
        receipt = {"proof": ("bukti.jpg", jpeg((250, 250, 240), (600, 800)), "image/jpeg")}
        sent = buyer.post(
            f"/lacak/{number}/{token}/bukti", {}, form=f"/lacak/{number}/{token}", files=receipt
        )
        assert sent.status_code == 303, sent.text[:2000]

        # The group opens it from either machine, once the worker has made it.
        order_page = leader.get(f"/kelola/{slug}/pesanan/{number}").text
        proof = re.search(rf"/kelola/{slug}/pesanan/{number}/bukti/\d+", order_page).group(0)
        wait_until(lambda: leader.get(proof).status_code == 200, 60, "the receipt", every=0.5)
        answers = [leader.get(proof) for _ in range(4)]
        assert [a.status_code for a in answers] == [200] * 4
        assert {served_by(a) for a in answers} == site.machines
        assert {a.headers["Cache-Control"] for a in answers} == {"private, no-store"}
        # ... and nobody reaches it at any /media/ address.
        engine = create_engine(site.database_url, poolclass=NullPool)
        with engine.connect() as db:
            key, widths = db.execute(
                text(
                    "SELECT image.key, image.widths FROM payment_proof"
                    " JOIN image ON image.id = payment_proof.image_id"
                )
            ).one()
        engine.dispose()
        assert widths
        guesses = [f"private/incoming/{key[:2]}/{key}"]
        for width in widths.split(","):
            guesses += [f"{key[:2]}/{key}-{width}.webp", f"private/{key[:2]}/{key}-{width}.webp"]
        for path in guesses:
            answers = [buyer.get(f"/media/{path}") for _ in range(2)]
            assert [a.status_code for a in answers] == [404, 404], path

        # A coordinator downloads the group's report with its photos.
        coordinator = site.visitor()
        coordinator.login(data["coordinator"], data["password"])
        check_exports(site, coordinator, f"/koordinator/kelompok/{slug}/laporan.pdf", tmp_path)

        # nginx refuses an upload over the app's 16 MB before it reaches a machine.
        connection = http.client.HTTPSConnection(
            "127.0.0.1",
            urlsplit(site.url).port,
            context=ssl.create_default_context(cafile=str(site.cert)),
            timeout=30,
        )
        connection.putrequest("POST", "/masuk")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(17 * 1024 * 1024))
        connection.endheaders()
        assert connection.getresponse().status == 413
        connection.close()


@pytest.mark.no_db_transaction
def test_redis_going_away_and_coming_back(site):
    data = site.data
    slug = data["group"]
    with site.logs_on_failure():
        site.redis_server.stop()

        # Browsing, logging in and checking out still work, on both machines.
        anonymous = site.visitor()
        for path in ("/", "/kelompok", f"/k/{slug}", f"/k/{slug}/{data['on_sale']}"):
            answers = [anonymous.get(path) for _ in range(2)]
            assert [a.status_code for a in answers] == [200, 200], path
            assert {served_by(a) for a in answers} == site.machines
        leader = site.visitor()
        leader.login(data["leader"], data["password"])
        assert leader.get(f"/kelola/{slug}").status_code == 200
        buyer = site.visitor()
        placed = buyer.order(
            data["on_sale_variant"],
            1,
            data["group_id"],
            name="Pak Budi",
            phone="0813-1111-2222",
            address="Jl. Melati 2",
        )
        assert placed.status_code == 303, placed.text[:2000]
        assert "/lacak/ET-" in buyer.get(placed.headers["Location"]).text

        # Back on the same port, empty. A new client's wrong passwords, spread
        # over both machines, are refused after the limit: the count is shared
        # in Redis again, and no machine was restarted.
        site.redis_server.start()
        started = {name: p.popen.pid for name, p in site.processes.items() if "gunicorn" in name}
        deadline = time.monotonic() + 60
        for n in range(2, 250):
            # Each round is a new client, so earlier rounds never count.
            attacker = site.visitor(f"127.0.0.{n}")
            token = attacker.token("/masuk")
            wrong = {"login": data["leader"], "password": WRONG_PASSWORD, "csrf_token": token}
            answers = [
                attacker.http.post(
                    attacker.url("/masuk"), data=wrong, allow_redirects=False, timeout=30
                )
                for _ in range(LOGIN_LIMIT + 1)
            ]
            codes = [a.status_code for a in answers]
            assert max(codes) < 500, codes
            assert {served_by(a) for a in answers} == site.machines
            in_redis = any(f"127.0.0.{n}" in key for key in site.redis_server.keys(0, "*LIMIT*"))
            if codes == [200] * LOGIN_LIMIT + [429] and in_redis:
                break
            # A machine still counting in its own memory tries Redis again
            # after 1, 2, 4 … seconds.
            assert time.monotonic() < deadline, f"the log-in limit is not shared again: {codes}"
            time.sleep(1)
        assert {
            name: p.popen.pid for name, p in site.processes.items() if "gunicorn" in name
        } == started
        assert site.redis_server.running
        assert all(p.running for p in site.processes.values())


def test_the_settings_example_names_real_settings():
    """Every ETALASE_<NAME> in deploy/etalase.env.example (set or shown in a
    comment) is a setting, and its value reads as that setting's type."""
    example = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        found = re.fullmatch(r"#?\s*(ETALASE_[A-Z0-9_]+)=(.*)", line.strip())
        if found:
            example[found.group(1)] = found.group(2).strip().strip('"')
    assert {"ETALASE_ENV", "ETALASE_SECRET_KEY", "ETALASE_REDIS_URL"} <= set(example)
    settings = {name: getattr(Defaults, name) for name in dir(Defaults) if name.isupper()}
    unknown = {
        name
        for name in example
        if name.removeprefix("ETALASE_") not in settings
        and name not in ("ETALASE_ENV", "ETALASE_INSTANCE_PATH")
    }
    assert not unknown
    read = from_environment(settings, example)
    assert set(read.values()) == set(example) - {"ETALASE_ENV", "ETALASE_INSTANCE_PATH"}
    assert settings["PROXY_COUNT"] == 1 and settings["STORAGE_BACKEND"] == "s3"
