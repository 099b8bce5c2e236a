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
import re
import ssl
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.cluster import wait_until
from tests.integration.operations.many_machines import (  # noqa: F401  (fixture `site`)
    MEDIA_RE,
    PENDING,
    WRONG_PASSWORD,
    check_exports,
    jpeg,
    served_by,
    site_fixture,
)
from tests.integration.operations.site_machines import LOGIN_LIMIT
from tests.s3 import s3_server_fixture  # noqa: F401


@pytest.mark.no_db_transaction
def test_a_group_sells_and_a_coordinator_reports_through_two_machines(site, tmp_path):
    data = site.data
    slug = data["group"]
    with site.logs_on_failure():
        both_machines_are_ready(site)
        leader = site.visitor()
        leader.login(data["leader"], data["password"])
        upload_two_photos_and_publish(leader, data)
        buyer = site.visitor()
        page = photos_from_either_machine(site, buyer, f"/k/{slug}/{data['product']}")
        share_image_from_either_machine(site, buyer, page)
        static_files_from_nginx(buyer, page)
        # The printed catalogue, made by the worker, has the photo; whichever
        # machine took the request or hands out the file.
        check_exports(site, leader, f"/kelola/{slug}/promosi/katalog.pdf", tmp_path)
        number = order_and_send_a_receipt(buyer, data)
        receipt_from_either_machine_and_never_from_media(site, leader, buyer, slug, number)
        # A coordinator downloads the group's report with its photos.
        coordinator = site.visitor()
        coordinator.login(data["coordinator"], data["password"])
        check_exports(site, coordinator, f"/koordinator/kelompok/{slug}/laporan.pdf", tmp_path)
        nginx_refuses_an_upload_over_16_mb(site)


def both_machines_are_ready(site) -> None:
    """The load balancer's probes: both machines ready (database, Redis, bucket)."""
    probes = [site.visitor().get("/readyz") for _ in range(2)]
    assert [p.status_code for p in probes] == [200, 200], [p.text for p in probes]
    assert {served_by(p) for p in probes} == site.machines
    assert site.visitor().get("/healthz").json() == {"status": "ok"}


def upload_two_photos_and_publish(leader, data) -> None:
    """A group member uploads two photos, then publishes."""
    slug = data["group"]
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


def photos_from_either_machine(site, buyer, product: str) -> str:
    """The worker makes the variants; until then the page shows a placeholder.
    Then every variant comes the same from either machine. The product page."""

    def photos_shown():
        page = buyer.get(product)
        ready = page.status_code == 200 and PENDING not in page.text
        return page.text if ready and MEDIA_RE.search(page.text) else None

    # A bound for a lost job, not a speed: on a loaded 2-core machine the
    # worker has taken over 60 s.
    page = wait_until(photos_shown, 120, "photo variants", every=0.5)
    images = sorted(set(MEDIA_RE.findall(page)))
    assert len(images) >= 2
    for path in images:
        answers = [buyer.get(path) for _ in range(4)]
        assert [a.status_code for a in answers] == [200] * 4, path
        assert {a.headers["Content-Type"] for a in answers} == {"image/webp"}
        assert {served_by(a) for a in answers} == site.machines
        assert len({a.content for a in answers}) == 1
    return page


def share_image_from_either_machine(site, buyer, page: str) -> None:
    """The share image of the product page (og:image), from either machine."""
    share = html.unescape(re.search(r'property="og:image" content="([^"]+)"', page).group(1))
    assert share.startswith(site.url + "/bagikan/"), share
    answers = [buyer.get(share) for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    assert {a.headers["Content-Type"] for a in answers} == {"image/jpeg"}
    assert {served_by(a) for a in answers} == site.machines


def static_files_from_nginx(buyer, page: str) -> None:
    """Static files come from nginx itself, for a year."""
    css = re.search(r'href="(/static/css/app\.css\?v=[^"]+)"', page).group(1)
    static = buyer.get(html.unescape(css))
    assert static.status_code == 200 and not served_by(static)
    assert "immutable" in static.headers["Cache-Control"]


def order_and_send_a_receipt(buyer, data) -> str:
    """A buyer orders by transfer and sends a photo of the receipt: the order's number."""
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
    return number


def receipt_from_either_machine_and_never_from_media(site, leader, buyer, slug, number) -> None:
    """The group opens it from either machine, once the worker has made it."""
    order_page = leader.get(f"/kelola/{slug}/pesanan/{number}").text
    proof = re.search(rf"/kelola/{slug}/pesanan/{number}/bukti/\d+", order_page).group(0)
    wait_until(lambda: leader.get(proof).status_code == 200, 120, "the receipt", every=0.5)
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


def nginx_refuses_an_upload_over_16_mb(site) -> None:
    """nginx refuses an upload over the app's 16 MB before it reaches a machine."""
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
