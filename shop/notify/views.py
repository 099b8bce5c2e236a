"""The WhatsApp Cloud API's status webhook: `/whatsapp/webhook`.

GET is Meta's subscription handshake (`hub.verify_token` must equal
WHATSAPP_VERIFY_TOKEN; the answer is `hub.challenge`). POST carries status
reports, signed by Meta in `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
with the app secret, WHATSAPP_APP_SECRET): checked before anything is parsed,
a bad one changes nothing (403). Without its setting each half answers 404.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from flask import abort, current_app, request

from shop.extensions import csrf, limiter
from shop.notify.services import record_statuses
from shop.transaction import commit_or_raise


def signature_ok(body: bytes, header: str, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), (header or "").strip().encode())


@limiter.exempt
def whatsapp_webhook_verify():
    token = str(current_app.config.get("WHATSAPP_VERIFY_TOKEN") or "")
    if not token:
        abort(404)
    given = request.args.get("hub.verify_token", "")
    if request.args.get("hub.mode") != "subscribe" or not hmac.compare_digest(
        given.encode(), token.encode()
    ):
        return "Forbidden", 403, {"Content-Type": "text/plain; charset=utf-8"}
    challenge = request.args.get("hub.challenge", "")
    return challenge, 200, {"Content-Type": "text/plain; charset=utf-8"}


@csrf.exempt
@limiter.exempt
def whatsapp_webhook():
    secret = str(current_app.config.get("WHATSAPP_APP_SECRET") or "")
    if not secret:
        abort(404)
    body = request.get_data()
    if not signature_ok(body, request.headers.get("X-Hub-Signature-256", ""), secret):
        return {"error": "invalid signature"}, 403
    try:
        payload = json.loads(body)
    except ValueError:
        return {"error": "invalid payload"}, 400
    commit_or_raise(lambda: record_statuses(payload))
    return {"received": True}, 200
