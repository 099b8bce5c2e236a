"""A small fake of Meta's Graph API for WhatsApp: the `/<phone number id>/messages` call.

The real sender (with `requests`) is pointed at it through WHATSAPP_API_URL,
so the tests exercise the real HTTP request: URL, Bearer token, JSON body and
the answer's parsing. Like Meta it checks the token (401, Graph error 190),
the phone number id, and the body of a template message against the
templates it knows (their languages, how many body parameters, whether a
copy-code button is required), answering 400 with a Graph-style error for
anything wrong, and `{"messages": [{"id": "wamid…"}]}` for a good request.

It records every request, and a test can play an unhappy Meta: `fail(n, …)`
answers the next n requests with an error status (500, 429, 400, …),
`stall(n)` holds the next n answers until `release()` (so a client's read
timeout runs out), and `signed_status(...)` builds the status webhook Meta
would send, signed with the app secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.fakes.http import serve_wsgi

VERSION = "v21.0"
# Our order alert keys, each approved with five body parameters.
ORDER_ALERTS = (
    "group_new_order",
    "group_proof_sent",
    "group_paid",
    "group_cancelled",
    "buyer_confirmed",
    "buyer_shipped",
    "buyer_ready",
    "buyer_paid",
    "buyer_cancelled",
)
_PATH = re.compile(r"/(?P<version>v\d+\.\d+)/(?P<phone_id>[^/]+)/messages")


@dataclass
class Template:
    languages: set[str]
    body_params: int
    copy_code_button: bool = False


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    json: Any
    accepted: bool = False


@dataclass
class Failure:
    status: int
    code: int
    message: str


@dataclass
class FakeGraph:
    phone_number_id: str = "109876543210987"
    token: str = field(default_factory=lambda: "EAAG" + secrets.token_urlsafe(40))
    app_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    url: str = ""
    templates: dict[str, Template] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._stalls = 0
        self._release = threading.Event()
        self.reset()

    # --- what a test uses ------------------------------------------------

    @property
    def api_url(self) -> str:
        """What WHATSAPP_API_URL is set to."""
        return f"{self.url}/{VERSION}"

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self._failures.clear()
            self._stalls = 0
            self._release = threading.Event()
            self.templates.clear()
            self.templates.update(
                {
                    "etalase_verify_code": Template({"id", "en"}, 1, copy_code_button=True),
                    "etalase_reset_code": Template({"id", "en"}, 1, copy_code_button=True),
                    # The order alerts (README, "WhatsApp templates"), in Indonesian.
                    **{f"etalase_{key}": Template({"id"}, 5) for key in ORDER_ALERTS},
                }
            )

    def fail(
        self,
        times: int = 1,
        status: int = 500,
        code: int = 2,
        message: str = "Service temporarily unavailable",
    ) -> None:
        """Answer the next `times` requests with this error instead."""
        with self._lock:
            self._failures.extend(Failure(status, code, message) for _ in range(times))

    def stall(self, times: int = 1) -> None:
        """Hold the next `times` answers until `release()` (they are still made)."""
        with self._lock:
            if self._release.is_set():
                self._release = threading.Event()
            self._stalls += times

    def release(self) -> None:
        self._release.set()

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The bodies of the requests that were accepted."""
        return [r.json for r in self.received if r.accepted]

    def signed_status(
        self,
        wamid: str,
        status: str,
        *,
        recipient: str = "6281234567890",
        errors: list | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the status webhook Meta sends for a message."""
        value: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "6281100000000",
                "phone_number_id": self.phone_number_id,
            },
            "statuses": [
                {
                    "id": wamid,
                    "status": status,
                    "timestamp": "1796400000",
                    "recipient_id": recipient,
                    **({"errors": errors} if errors else {}),
                }
            ],
        }
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}
                ],
            }
        ).encode()
        return body, self.sign(body)

    def sign(self, body: bytes) -> dict[str, str]:
        """The headers Meta sends with a webhook body: signed with the app secret."""
        signature = hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        return {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={signature}"}

    # --- the server --------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        return self._answer(request)(environ, start_response)

    def _answer(self, request: Request) -> Response:
        try:
            body = json.loads(request.get_data(as_text=True) or "null")
        except ValueError:
            body = None
        received = Received(request.path, dict(request.headers), body)
        with self._lock:
            self.received.append(received)
            failure = self._failures.pop(0) if self._failures else None
            stalled = self._stalls > 0
            if stalled:
                self._stalls -= 1
            release = self._release
        response = self._handle(request, body, failure)
        received.accepted = response.status_code == 200
        if stalled:
            release.wait(30)
        return response

    def _handle(self, request: Request, body: Any, failure: Failure | None) -> Response:
        match = _PATH.fullmatch(request.path)
        if request.method != "POST" or match is None:
            return _error(400, 100, "Unknown path components", "OAuthException")
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _error(
                401, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException"
            )
        if match["phone_id"] != self.phone_number_id:
            return _error(
                400,
                100,
                f"Unsupported post request. Object with ID '{match['phone_id']}' does not exist",
                "GraphMethodException",
            )
        if failure is not None:
            return _error(failure.status, failure.code, failure.message)
        problem = self._check(body)
        if problem is not None:
            return problem
        wamid = "wamid.HBgN" + secrets.token_urlsafe(24)
        return _json(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": wamid}],
            },
        )

    def _check(self, body: Any) -> Response | None:
        """What Meta says to a body that is not a good template message."""
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return _error(400, 100, "The parameter messaging_product is required.")
        if body.get("recipient_type", "individual") != "individual":
            return _error(400, 100, "Invalid parameter", details="recipient_type")
        if not re.fullmatch(r"[1-9][0-9]{6,14}", str(body.get("to", ""))):
            return _error(400, 100, "Invalid parameter", details="to: not a phone number")
        if body.get("type") != "template" or not isinstance(body.get("template"), dict):
            return _error(400, 100, "Invalid parameter", details="type must be template")
        template = body["template"]
        known = self.templates.get(template.get("name"))
        language = (template.get("language") or {}).get("code")
        if known is None or language not in known.languages:
            return _error(
                404 if known is None else 400,
                132001,
                "Template name does not exist in the translation",
                details=f"template name ({template.get('name')}) does not exist in {language}",
            )
        components = template.get("components") or []
        bodies = [c for c in components if c.get("type") == "body"]
        params = bodies[0].get("parameters", []) if bodies else []
        if len(params) != known.body_params:
            return _error(
                400,
                132000,
                "Number of parameters does not match the expected number of params",
                details=f"body: number of localizable_params ({len(params)}) does not match "
                f"the expected number of params ({known.body_params})",
            )
        for param in params:
            text = param.get("text") if param.get("type") == "text" else None
            if not isinstance(text, str) or not text.strip():
                return _error(400, 131008, "Required parameter is missing", details="body text")
            if re.search(r"[\n\t]| {5,}", text):
                return _error(
                    400,
                    132018,
                    "There was an issue with the parameters in your template.",
                    details="Param text cannot have new-line/tab characters or more than 4 "
                    "consecutive spaces",
                )
        buttons = [c for c in components if c.get("type") == "button"]
        if known.copy_code_button and not buttons:
            return _error(400, 131008, "Required parameter is missing", details="buttons")
        return None


def _json(status: int, payload: Any) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _error(
    status: int, code: int, message: str, kind: str = "OAuthException", *, details: str = ""
) -> Response:
    error: dict[str, Any] = {
        "message": f"({'#'}{code}) {message}",
        "type": kind,
        "code": code,
        "fbtrace_id": "A" + secrets.token_hex(10),
    }
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return _json(status, {"error": error})


@contextmanager
def serve(fake: FakeGraph) -> Iterator[FakeGraph]:
    """Serve the fake on 127.0.0.1 (a free port) in a thread."""
    with serve_wsgi(fake) as url:
        fake.url = url
        try:
            yield fake
        finally:
            fake.release()
