"""Make a visitor through the real forms and print its session cookie for wrk.

    python bench/login.py --base http://127.0.0.1:8123 --phone +6281900000001
    python bench/login.py --base http://127.0.0.1:8123 --cart /k/kelompok-1/produk-2
    python bench/login.py --base … --phone +6281300000001 --cart /k/…

`--phone` logs in (password `bench-password`); `--cart` puts the first
variant of the product on that page in the cart and opens the cart (which
shows and clears the "in your cart" message), as a buyer in the middle of
shopping. Prints `session=…` (the value of a Cookie header); exits non-zero
if a step did not work.
"""

from __future__ import annotations

import argparse
import re
import sys

import requests


def log_in(http: requests.Session, base: str, phone: str, password: str) -> None:
    page = http.get(f"{base}/masuk", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not token:
        sys.exit("no CSRF token on the log-in page")
    answer = http.post(
        f"{base}/masuk",
        data={"csrf_token": token.group(1), "login": phone, "password": password},
        headers={"Origin": base, "Referer": f"{base}/masuk"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "session" not in http.cookies:
        sys.exit(f"log-in failed: {answer.status_code}")


def add_to_cart(http: requests.Session, base: str, product_path: str) -> None:
    page = http.get(f"{base}{product_path}", timeout=30).text
    variant = re.search(r'name="variant"[^>]*value="(\d+)"', page) or re.search(
        r'<option value="(\d+)"(?! disabled)', page
    )
    if not variant:
        sys.exit(f"no variant to buy on {product_path}")
    answer = http.post(
        f"{base}/keranjang/tambah",
        data={"variant": variant.group(1), "quantity": "1"},
        headers={"Origin": base, "Referer": f"{base}{product_path}"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        sys.exit(f"add to cart failed: {answer.status_code}")
    http.get(f"{base}/keranjang", timeout=30)  # shows the message, which leaves the session


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True)
    parser.add_argument("--phone")
    parser.add_argument("--password", default="bench-password")
    parser.add_argument("--cart", metavar="PRODUCT_PATH")
    args = parser.parse_args()
    if not (args.phone or args.cart):
        sys.exit("give --phone, --cart or both")
    http = requests.Session()
    if args.phone:
        log_in(http, args.base, args.phone, args.password)
    if args.cart:
        add_to_cart(http, args.base, args.cart)
    print(f"session={http.cookies['session']}")


if __name__ == "__main__":
    main()
