"""A small fake of Stripe's API: just the Checkout Session and Refund calls Etalase makes.

This module is the server (routes, idempotency, stalls, outages) and what a
test asks of it; the sessions and refunds themselves are made and checked in
`tests.fakes.stripe_resources`.

The real `stripe` client is pointed at it (`STRIPE_API_BASE`), so the tests
exercise the client's own form encoding, headers and response parsing. The
`localstripe` package has no Checkout Sessions, hence this fake.

It keeps sessions in memory, records every request (with the form body
decoded into nested dicts and lists, as Stripe reads it), and lets a test
play Stripe's part: `pay` or `expire` a session, then `signed_event` builds
the webhook Stripe would send, signed with Stripe's own scheme.

Like Stripe it honours idempotency keys on POSTs: the same key with the same
parameters answers with the first answer (nothing new is made), with other
parameters a 400 `idempotency_error`, and while the first is still being
answered a 409. A test can make calls slow (`stall`: the work is done, the
answer waits until `release()`), so a client's read timeout runs out, and
make Stripe unavailable for the next calls (`outage`).
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
from werkzeug.wrappers import Request, Response

from tests.fakes.http import serve_wsgi
from tests.fakes.stripe_resources import (
    StripeFailure,
    json_response,
    new_checkout_session,
    new_refund,
)

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


@dataclass
class FakeStripe:
    """Stripe's side of a Checkout. `url` is set once the server runs."""

    api_key: str = "sk_test_etalase"
    webhook_secret: str = "whsec_test_etalase"
    url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Called (with the recorded request) while a create call is in flight.
    on_create: Any = None
    # The status a new refund gets ("succeeded", or "pending" to answer later).
    refund_status: str = "succeeded"
    # Endpoints whose next calls are answered only once `release()` is called
    # (the work itself is done at once): endpoint -> how many calls.
    stall: dict[str, int] = field(default_factory=dict)
    # Endpoints whose next calls get a 500 api_error: endpoint -> how many.
    outage: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._answered = threading.Condition(self._lock)
        self._stalled_answers = 0
        self._idempotent: dict[str, tuple[dict[str, Any], int, dict[str, Any]] | None] = {}
        self._routes = Map(
            [
                Rule("/v1/checkout/sessions", methods=["POST"], endpoint="create"),
                Rule("/v1/checkout/sessions/<sid>", methods=["GET"], endpoint="retrieve"),
                Rule("/v1/checkout/sessions/<sid>/expire", methods=["POST"], endpoint="expire"),
                Rule("/v1/refunds", methods=["POST"], endpoint="refund"),
                Rule("/v1/refunds/<rid>", methods=["GET"], endpoint="retrieve_refund"),
            ]
        )

    def reset(self) -> None:
        self.release()
        with self._lock:
            self.sessions.clear()
            self.refunds.clear()
            self.requests.clear()
            self._idempotent.clear()
            self.stall.clear()
            self.outage.clear()
            self.on_create = None
            self.refund_status = "succeeded"
            self._stalled_answers = 0
        self._released.clear()

    def release(self) -> None:
        """Let every stalled answer go out."""
        self._released.set()

    def wait_for_stalled_answers(self, count: int, timeout: float = 10) -> None:
        """Wait until `count` stalled calls have been answered (after release)."""
        with self._answered:
            if not self._answered.wait_for(lambda: self._stalled_answers >= count, timeout):
                raise AssertionError("the stalled calls were never answered")

    def live_sessions(self) -> list[dict[str, Any]]:
        """Sessions a buyer could still pay."""
        return [s for s in self.sessions.values() if s["status"] == "open"]

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

    def refunded(self, payment_intent: str) -> int:
        """Hundredths refunded so far (not failed) from one payment."""
        return sum(
            r["amount"]
            for r in self.refunds.values()
            if r["payment_intent"] == payment_intent and r["status"] != "failed"
        )

    def settle_refund(self, refund_id: str, status: str = "succeeded") -> dict[str, Any]:
        """A pending refund reached the card (or failed)."""
        refund = self.refunds[refund_id]
        refund["status"] = status
        return refund

    def object_event(
        self, kind: str, obj: dict[str, Any], event_id: str | None = None
    ) -> dict[str, Any]:
        """The event Stripe would send about `obj` (a session, a refund)."""
        return {
            "id": event_id or "evt_test_" + secrets.token_hex(12),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": kind,
            "data": {"object": dict(obj)},
        }

    def expire(self, session_id: str) -> dict[str, Any]:
        """The session's time ran out unpaid."""
        session = self.sessions[session_id]
        session["status"] = "expired"
        return session

    def event(self, kind: str, session_id: str, event_id: str | None = None) -> dict[str, Any]:
        return self.object_event(kind, self.sessions[session_id], event_id)

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
            response = json_response(
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
        with self._lock:
            down = self.outage.get(endpoint, 0)
            if down:
                self.outage[endpoint] = down - 1
        if down:
            raise StripeFailure(500, "An error occurred with Stripe. Try again.", "api_error")
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        if not key:
            response = self._route(endpoint, args, recorded)
            self._maybe_stall(endpoint)
            return response
        with self._lock:
            if key in self._idempotent:
                seen = self._idempotent[key]
                if seen is None:
                    raise StripeFailure(
                        409,
                        "There is currently another in-progress request using this "
                        "Idempotent Key. Please try again later.",
                        "idempotency_error",
                    )
                form, status, body = seen
                if form != recorded.form:
                    raise StripeFailure(
                        400,
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                        "idempotency_error",
                    )
                return json_response(body, status)
            self._idempotent[key] = None
        try:
            response = self._route(endpoint, args, recorded)
        except StripeFailure as failure:
            body = {"error": {"type": failure.kind, "message": failure.message}}
            with self._lock:
                self._idempotent[key] = (recorded.form, failure.status, body)
            raise
        with self._lock:
            self._idempotent[key] = (recorded.form, response.status_code, response.json)
        # The work is done and remembered under the key; only the answer may be late.
        self._maybe_stall(endpoint)
        return response

    def _maybe_stall(self, endpoint: str) -> None:
        with self._lock:
            stalled = self.stall.get(endpoint, 0)
            if stalled:
                self.stall[endpoint] = stalled - 1
        if stalled:
            # Done, but the answer comes late (a client's read timeout runs out).
            self._released.wait(30)
            with self._answered:
                self._stalled_answers += 1
                self._answered.notify_all()

    def _route(self, endpoint: str, args: dict[str, Any], recorded: Recorded) -> Response:
        if endpoint == "create":
            if self.on_create is not None:
                self.on_create(recorded)
            return json_response(self._create(recorded.form))
        if endpoint == "refund":
            return json_response(self._refund(recorded.form))
        if endpoint == "retrieve_refund":
            refund = self.refunds.get(args["rid"])
            if refund is None:
                raise StripeFailure(404, f"No such refund: '{args['rid']}'")
            return json_response(refund)
        session = self.sessions.get(args["sid"])
        if session is None:
            raise StripeFailure(404, f"No such checkout.session: '{args['sid']}'")
        if endpoint == "expire":
            if session["status"] != "open":
                raise StripeFailure(400, "Only an open Checkout Session can be expired.")
            session["status"] = "expired"
        return json_response(session)

    def _create(self, form: dict[str, Any]) -> dict[str, Any]:
        session = new_checkout_session(form)
        with self._lock:
            self.sessions[session["id"]] = session
        return session

    def _refund(self, form: dict[str, Any]) -> dict[str, Any]:
        intent = form.get("payment_intent")
        paid = next(
            (
                s
                for s in self.sessions.values()
                if intent and s.get("payment_intent") == intent and s["payment_status"] == "paid"
            ),
            None,
        )
        refunded = self.refunded(intent) if paid is not None else 0
        refund = new_refund(form, paid, refunded, self.refund_status)
        with self._lock:
            self.refunds[refund["id"]] = refund
        return refund


@contextmanager
def serve(fake: FakeStripe) -> Iterator[FakeStripe]:
    """Serve the fake on 127.0.0.1 (a free port) in a thread."""
    with serve_wsgi(fake) as url:
        fake.url = url
        yield fake
