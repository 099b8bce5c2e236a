"""Checkout under load: guests add two products of two groups and place orders.

    python bench/checkout.py --base http://127.0.0.1:8123 --seconds 10 --threads 8

Each thread is a buyer with its own cookies who loops: add to cart (2 lines
from 2 groups), open the checkout, place the orders. Reports completed
checkouts per second and the latency of the "Place order" POST. Uses the
benchmark database (DATABASE_URL) to pick products and give them ample stock.

The buyers share the machine with the server, so each is a small browser of
its own on http.client: one kept-alive connection (opened again when the
server closed it), the cookies the server sets sent back, the headers a
browser sends (the same Accept-Encoding as python-requests, whose answers it
decodes) and the page's hidden fields read back. It costs about half the CPU
of python-requests per checkout.
"""

from __future__ import annotations

import argparse
import html as html_text
import http.client
import re
import statistics
import sys
import threading
import time
import zlib
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pick_variants(count: int = 20) -> list[tuple[int, int]]:
    """(variant id, group id) pairs of tracked-stock variants of different groups."""
    from sqlalchemy import text, update

    from shop import create_app
    from shop.catalogue.models import Variant
    from shop.extensions import db

    app = create_app()
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT v.id, p.group_id FROM variant v JOIN product p ON p.id = v.product_id "
                'JOIN "group" g ON g.id = p.group_id WHERE v.stock IS NOT NULL '
                "AND p.status = 'published' AND g.offers_pickup AND g.accepts_cash "
                "ORDER BY v.id LIMIT :n"
            ),
            {"n": count * 4},
        ).all()
        seen, picked = set(), []
        for variant_id, group_id in rows:
            if group_id not in seen:
                seen.add(group_id)
                picked.append((variant_id, group_id))
        ids = [v for v, _ in picked[:count]]
        db.session.execute(update(Variant).where(Variant.id.in_(ids)).values(stock=1_000_000))
        db.session.commit()
        return picked[:count]


INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """Every hidden input of the checkout form (CSRF token, the cart's id and
    version, the quoted prices…), as a browser would send them back."""
    fields = {}
    for tag in INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html_text.unescape(attributes.get("value", ""))
    if "csrf_token" not in fields:
        raise RuntimeError("no csrf_token on the checkout page")
    return fields


class Browser:
    """One buyer's connection and cookies: what a browser keeps between requests."""

    HEADERS = {
        "User-Agent": "etalase-bench",
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate, br, zstd",
    }

    def __init__(self, base: str):
        self.base = base
        self.host = urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        """(status, body as text); a kept-alive connection the server closed
        meanwhile is opened again and the request sent once more, as a browser does."""
        body = urlencode(form).encode() if form is not None else None
        sent = {**self.HEADERS, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                self.connection.close()
                self.connection = None
                if reused and attempt == 1:
                    continue
                raise
            break
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status, _decoded(data, response.headers.get("Content-Encoding", ""))

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _decoded(data: bytes, encoding: str) -> str:
    if encoding == "br":
        data = brotli.decompress(data)
    elif encoding in ("gzip", "deflate"):
        data = zlib.decompress(data, zlib.MAX_WBITS | 32)
    return data.decode()


def buyer(base: str, pairs, stop: float, latencies: list[float], errors: list[str], n: int):
    browser = Browser(base)
    i = n
    while time.perf_counter() < stop:
        (v1, g1), (v2, g2) = pairs[i % len(pairs)], pairs[(i + 1) % len(pairs)]
        i += 2
        try:
            for variant in (v1, v2):
                browser.request(
                    "POST",
                    "/keranjang/tambah",
                    {"variant": variant, "quantity": 1},
                    headers={"Origin": base},
                )
            _status, page = browser.request("GET", "/checkout")
            form = {
                **hidden_fields(page),
                "name": f"Pembeli {n}",
                "phone": "0812-3456-7890",
                "province": "15",
                "regency": "15.71",
            }
            for group in (g1, g2):
                form[f"delivery-{group}"] = "pickup"
                form[f"payment-{group}"] = "cash"
            started = time.perf_counter()
            status, _page = browser.request("POST", "/checkout", form)
            if status != 303:
                errors.append(str(status))
                continue
            latencies.append(time.perf_counter() - started)
        except (OSError, http.client.HTTPException, RuntimeError) as error:
            errors.append(type(error).__name__)
    browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    pairs = pick_variants()
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    stop = started + args.seconds
    threads = [
        threading.Thread(target=buyer, args=(args.base, pairs, stop, latencies, errors, n))
        for n in range(args.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
    print(
        f"checkout {len(latencies) / elapsed:10.2f} {p99:9.1f}ms  "
        f"(2 orders each; POST p50 {p50:.1f}ms, {args.threads} buyers, {len(errors)} failures)"
    )


if __name__ == "__main__":
    main()
