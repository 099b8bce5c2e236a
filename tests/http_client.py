"""A visitor of a served app (tests.conftest.serve) through `requests`, as a
browser would: CSRF tokens read from the forms, the cart's Origin header.

(Not named http.py: tests/ is on sys.path, where it would hide the standard
library's `http`.)
"""

from __future__ import annotations

import re

import requests


def form_field(html: str, name: str) -> str:
    """The value of the form field `name` on the page."""
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} on the page: {html[:3000]}"
    return match.group(1).replace("&#34;", '"').replace("&quot;", '"')


def log_in(base: str, login: str, password: str) -> tuple[requests.Session, int]:
    """A browser logging in: the form's CSRF token, then the POST."""
    http = requests.Session()
    page = http.get(f"{base}/masuk", timeout=30).text
    response = http.post(
        f"{base}/masuk",
        data={"csrf_token": form_field(page, "csrf_token"), "login": login, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    return http, response.status_code


def add_to_cart(
    http: requests.Session, base: str, variant_id: int, timeout: float = 30
) -> requests.Response:
    """One unit of the variant into the session's cart (302 when added)."""
    return http.post(
        f"{base}/keranjang/tambah",
        data={"variant": variant_id, "quantity": 1},
        headers={"Origin": base},
        allow_redirects=False,
        timeout=timeout,
    )


def checkout_form(html: str, group_id: int, *, name: str, phone: str) -> dict:
    """The checkout page's form filled in: pick-up, cash, in Jambi."""
    return {
        "csrf_token": form_field(html, "csrf_token"),
        "cart_id": form_field(html, "cart_id"),
        "cart_version": form_field(html, "cart_version"),
        "quoted": form_field(html, "quoted"),
        "name": name,
        "phone": phone,
        "province": "15",
        "regency": "15.71",
        f"delivery-{group_id}": "pickup",
        f"payment-{group_id}": "cash",
    }


def place(http: requests.Session, base: str, form: dict, timeout: float = 30) -> requests.Response:
    """Press "Place order" (303 to the confirmation when placed)."""
    return http.post(f"{base}/checkout", data=form, allow_redirects=False, timeout=timeout)


def check_out(base: str, variant_id: int, group_id: int, n: int) -> tuple[int, int]:
    """Guest number `n` puts one unit in the cart and places the order: (the
    add's status, the order's status; 303 to its confirmation when placed)."""
    with requests.Session() as http:
        added = add_to_cart(http, base, variant_id)
        page = http.get(f"{base}/checkout", timeout=30)
        if page.status_code != 200:
            return added.status_code, page.status_code
        form = checkout_form(page.text, group_id, name=f"Pembeli {n}", phone=f"0812{n:08d}")
        return added.status_code, place(http, base, form).status_code
