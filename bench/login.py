"""Log in through the real form and print the session cookie for wrk.

    python bench/login.py --base http://127.0.0.1:8123 --phone +6281900000001

Prints `session=…` (the value of a Cookie header); exits non-zero if the
log-in did not work.
"""

from __future__ import annotations

import argparse
import re
import sys

import requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--phone", required=True)
    parser.add_argument("--password", default="bench-password")
    args = parser.parse_args()
    http = requests.Session()
    page = http.get(f"{args.base}/masuk", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not token:
        sys.exit("no CSRF token on the log-in page")
    answer = http.post(
        f"{args.base}/masuk",
        data={"csrf_token": token.group(1), "login": args.phone, "password": args.password},
        headers={"Origin": args.base, "Referer": f"{args.base}/masuk"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "session" not in http.cookies:
        sys.exit(f"log-in failed: {answer.status_code}")
    print(f"session={http.cookies['session']}")


if __name__ == "__main__":
    main()
