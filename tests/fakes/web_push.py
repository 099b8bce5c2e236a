"""A small fake push service (what Google, Mozilla or Apple run for their
browsers) and the browsers subscribed to it.

A `FakeBrowser` does what a browser's `pushManager.subscribe()` does: it
makes its own P-256 key pair and 16-byte auth secret and is given an endpoint
on the fake service; the site only ever learns the public half. The fake
service, like a real one, refuses a notification whose VAPID Authorization
(RFC 8292: `vapid t=<JWT>,k=<key>`) is not signed by the site's key, names
another key, has the wrong audience, an expiry in the past or more than 24
hours away, or no subject; then it DECRYPTS the aes128gcm body (RFC 8291)
with the browser's private key and auth secret, as the phone would, and
records the JSON that comes out. So a test sees exactly what a phone would
show, and proves it was encrypted for that phone.

A test can play an unhappy push service: `fail(n, status)` answers the next n
notifications with that status; `gone(browser)` answers 410 for a browser
that unsubscribed, as real services do.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid.jwt import decode as decode_jwt
from werkzeug.wrappers import Request, Response

from tests.fakes.http import serve_wsgi

_PATH = re.compile(r"/push/(?P<token>[A-Za-z0-9_-]+)")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class FakeBrowser:
    """One browser's subscription: its keys stay here, like a phone's."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    @property
    def p256dh(self) -> str:
        return b64(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth_secret(self) -> str:
        return b64(self.auth)

    @property
    def token(self) -> str:
        return self.endpoint.rsplit("/", 1)[1]


@dataclass
class Received:
    token: str
    headers: dict[str, str]
    payload: Any  # the decrypted JSON
    claims: dict[str, Any]


@dataclass
class FakePushService:
    vapid_public_key: str = ""  # the site's, as the browser subscribed with it
    url: str = ""
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._browsers: dict[str, FakeBrowser] = {}
        self._gone: set[str] = set()
        self._failures: list[int] = []

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self.refused.clear()
            self._browsers.clear()
            self._gone.clear()
            self._failures.clear()

    def browser(self) -> FakeBrowser:
        """A new browser subscribed here (`pushManager.subscribe()`)."""
        made = FakeBrowser(endpoint=f"{self.url}/push/{secrets.token_urlsafe(24)}")
        with self._lock:
            self._browsers[made.token] = made
        return made

    def gone(self, browser: FakeBrowser) -> None:
        """The browser unsubscribed (or its subscription expired): 410 from now on."""
        with self._lock:
            self._gone.add(browser.token)

    def fail(self, times: int = 1, status: int = 500) -> None:
        with self._lock:
            self._failures += [status] * times

    def payloads_for(self, browser: FakeBrowser) -> list[Any]:
        return [r.payload for r in self.received if r.token == browser.token]

    def __call__(self, environ, start_response):
        return self._answer(Request(environ))(environ, start_response)

    def _answer(self, request: Request) -> Response:
        match = _PATH.fullmatch(request.path)
        if request.method != "POST" or match is None:
            return Response(status=404)
        token = match["token"]
        with self._lock:
            browser = self._browsers.get(token)
            gone = token in self._gone
            failure = self._failures.pop(0) if self._failures else None
        if browser is None or gone:
            return self._refuse(410, "subscription gone")
        if failure is not None:
            return self._refuse(failure, "failing as told")
        try:
            claims = self._check_vapid(request.headers.get("Authorization", ""))
        except (InvalidSignature, ValueError) as exc:
            return self._refuse(401 if isinstance(exc, InvalidSignature) else 403, str(exc))
        if request.headers.get("Content-Encoding") != "aes128gcm":
            return self._refuse(400, "Content-Encoding must be aes128gcm")
        if not request.headers.get("TTL", "").isdigit():
            return self._refuse(400, "TTL missing")
        body = request.get_data()
        if len(body) > 4096:
            return self._refuse(413, "payload too large")
        plain = http_ece.decrypt(
            body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
        )
        with self._lock:
            self.received.append(
                Received(token, dict(request.headers), json.loads(plain.decode()), claims)
            )
        return Response(status=201, headers={"Location": f"{self.url}/message/{len(body)}"})

    def _check_vapid(self, header: str) -> dict[str, Any]:
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != "vapid":
            raise InvalidSignature("not a VAPID Authorization header")
        parts = dict(part.split("=", 1) for part in rest.split(",") if "=" in part)
        if parts.get("k") != self.vapid_public_key:
            raise ValueError("signed with another key than the browser subscribed with")
        claims = decode_jwt(parts.get("t", ""), self.vapid_public_key)
        now = time.time()
        if claims.get("aud") != self.url:
            raise ValueError(f"audience {claims.get('aud')!r} is not {self.url!r}")
        if not now < int(claims.get("exp", 0)) <= now + 24 * 3600:
            raise ValueError("expiry in the past or more than 24 hours away")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
            raise ValueError("no subject")
        return claims

    def _refuse(self, status: int, reason: str) -> Response:
        with self._lock:
            self.refused.append((status, reason))
        return Response(json.dumps({"reason": reason}), status=status)


# What the real push services' names resolve to, for tests that must not
# ask the network's DNS (`shop.notify.push.resolve_host` replaced).
PUBLIC_DNS = {
    "fcm.googleapis.com": ["142.250.4.95", "2404:6800:4003:c00::5f"],
    "updates.push.services.mozilla.com": ["34.117.65.55"],
    "web.push.apple.com": ["17.57.146.52"],
}


def fake_resolver(names: dict[str, list[str]] | None = None):
    """A `resolve_host` answering from `names` (PUBLIC_DNS and these)."""
    table = {**PUBLIC_DNS, **(names or {})}

    def resolve(host: str, port: int | None) -> list[str]:
        return list(table.get(host, []))

    return resolve


@contextmanager
def serve(fake: FakePushService) -> Iterator[FakePushService]:
    with serve_wsgi(fake) as url:
        fake.url = url
        yield fake
