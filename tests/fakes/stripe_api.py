"""A small fake of Stripe's API: just the Checkout Session calls Etalase makes.

The real `stripe` client is pointed at it (`STRIPE_API_BASE`), so the tests
exercise the client's own form encoding, headers and response parsing. The
`localstripe` package has no Checkout Sessions, hence this fake.

It keeps sessions in memory, records every request (with the form body
decoded into nested dicts and lists, as Stripe reads it), and lets a test
play Stripe's part: `pay` or `expire` a session, then `signed_event` builds
the webhook Stripe would send, signed with Stripe's own scheme.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import stripe
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

API_VERSION = "2026-10-28.endive"
_KEY_PART = re.compile(r"\[([^\]]*)\]")


def decode_form(body: str) -> dict[str, Any]:
    """`a[b][0][c]=1` → {"a": {"b": [{"c": "1"}]}}: Stripe's nested form keys."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head = key.split("[", 1)[0]
        parts = [head, *_KEY_PART.findall(key[len(head) :])]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _lists(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, Any]
    headers: dict[str, str]


class StripeFailure(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind


@dataclass
class FakeStripe:
    """Stripe's side of a Checkout. `url` is set once the server runs."""

    api_key: str = "sk_test_etalase"
    webhook_secret: str = "whsec_test_etalase"
    url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    # Called (with the recorded request) while a create call is in flight.
    on_create: Any = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._routes = Map(
            [
                Rule("/v1/checkout/sessions", methods=["POST"], endpoint="create"),
                Rule("/v1/checkout/sessions/<sid>", methods=["GET"], endpoint="retrieve"),
                Rule("/v1/checkout/sessions/<sid>/expire", methods=["POST"], endpoint="expire"),
            ]
        )

    def reset(self) -> None:
        with self._lock:
            self.sessions.clear()
            self.requests.clear()
            self.on_create = None

    # What a test asks of it

    def created(self) -> list[Recorded]:
        path = "/v1/checkout/sessions"
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def pay(self, session_id: str) -> dict[str, Any]:
        """The buyer paid on Stripe's page."""
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status="paid",
            payment_intent="pi_test_" + secrets.token_hex(12),
        )
        return session

    def expire(self, session_id: str) -> dict[str, Any]:
        """The session's time ran out unpaid."""
        session = self.sessions[session_id]
        session["status"] = "expired"
        return session

    def event(self, kind: str, session_id: str, event_id: str | None = None) -> dict[str, Any]:
        return {
            "id": event_id or "evt_test_" + secrets.token_hex(12),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": kind,
            "data": {"object": dict(self.sessions[session_id])},
        }

    def sign(
        self, event: dict[str, Any], secret: str | None = None, timestamp: int | None = None
    ) -> tuple[str, str]:
        """The body and `Stripe-Signature` header Stripe would send."""
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(
            payload, secret or self.webhook_secret, timestamp=timestamp
        )
        return payload, header

    def signed_event(self, kind: str, session_id: str, **kwargs: Any) -> tuple[str, str]:
        return self.sign(self.event(kind, session_id, kwargs.pop("event_id", None)), **kwargs)

    # The HTTP side

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._dispatch(request)
        except StripeFailure as failure:
            response = _json(
                {"error": {"type": failure.kind, "message": failure.message}}, failure.status
            )
        response.headers["Request-Id"] = "req_" + secrets.token_hex(8)
        # One request per connection: no keep-alive socket outlives a test.
        response.headers["Connection"] = "close"
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        body = request.get_data(as_text=True)
        recorded = Recorded(
            request.method, request.path, decode_form(body), dict(request.headers.items())
        )
        with self._lock:
            self.requests.append(recorded)
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            raise StripeFailure(401, "Invalid API Key provided.", "invalid_request_error")
        adapter = self._routes.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except Exception:
            raise StripeFailure(404, f"Unrecognized request URL ({request.path}).") from None
        if endpoint == "create":
            if self.on_create is not None:
                self.on_create(recorded)
            return _json(self._create(recorded.form))
        session = self.sessions.get(args["sid"])
        if session is None:
            raise StripeFailure(404, f"No such checkout.session: '{args['sid']}'")
        if endpoint == "expire":
            if session["status"] != "open":
                raise StripeFailure(400, "Only an open Checkout Session can be expired.")
            session["status"] = "expired"
        return _json(session)

    def _create(self, form: dict[str, Any]) -> dict[str, Any]:
        """Checks what real Stripe checks for the parameters we send."""
        if form.get("mode") != "payment":
            raise StripeFailure(400, "Missing required param: mode.")
        items = form.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeFailure(400, "Missing required param: line_items.")
        now = int(time.time())
        expires_at = int(form.get("expires_at", now + 86400))
        if not now + 1800 - 5 <= expires_at <= now + 86400:
            raise StripeFailure(400, "expires_at must be 30 minutes to 24 hours from now.")
        currencies = {item["price_data"]["currency"] for item in items}
        if len(currencies) != 1:
            raise StripeFailure(400, "All line items must share one currency.")
        amount = sum(
            int(item["price_data"]["unit_amount"]) * int(item["quantity"]) for item in items
        )
        sid = "cs_test_" + secrets.token_hex(24)
        session = {
            "id": sid,
            "object": "checkout.session",
            "mode": "payment",
            "livemode": False,
            "created": now,
            "expires_at": expires_at,
            "url": f"https://checkout.stripe.test/c/pay/{sid}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_subtotal": amount,
            "amount_total": amount,
            "currency": currencies.pop(),
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "metadata": form.get("metadata", {}),
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "locale": form.get("locale"),
            "payment_intent": None,
        }
        with self._lock:
            self.sessions[sid] = session
        return session


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


@contextmanager
def serve(fake: FakeStripe) -> Iterator[FakeStripe]:
    """Serve the fake on 127.0.0.1 (a free port) in a thread."""
    server = make_server("127.0.0.1", 0, fake, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
