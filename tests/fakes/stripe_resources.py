"""What the fake Stripe makes: Checkout Sessions and Refunds, built from the
decoded form of a create call and checked the way real Stripe checks the
parameters Etalase sends. The server side (routes, idempotency, stalls and
outages, what a test asks of it) is `tests.fakes.stripe_api.FakeStripe`.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from werkzeug.wrappers import Response


class StripeFailure(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind


def json_response(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def new_checkout_session(form: dict[str, Any]) -> dict[str, Any]:
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
    amount = sum(int(item["price_data"]["unit_amount"]) * int(item["quantity"]) for item in items)
    sid = "cs_test_" + secrets.token_hex(24)
    return {
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


def new_refund(
    form: dict[str, Any], paid: dict[str, Any] | None, refunded: int, status: str
) -> dict[str, Any]:
    """Checks what real Stripe checks: a paid payment (`paid`, the session
    that paid `form`'s payment_intent), and no more than is left of it
    (`refunded` hundredths are already refunded). The refund gets `status`."""
    intent = form.get("payment_intent")
    if paid is None:
        raise StripeFailure(400, f"No such payment_intent: '{intent}'")
    amount = int(form.get("amount") or paid["amount_total"])
    if amount <= 0 or amount > paid["amount_total"] - refunded:
        raise StripeFailure(
            400,
            "Refund amount is greater than the unrefunded amount on the charge.",
        )
    return {
        "id": "re_test_" + secrets.token_hex(12),
        "object": "refund",
        "amount": amount,
        "currency": paid["currency"],
        "payment_intent": intent,
        "charge": "ch_test_" + intent.removeprefix("pi_test_"),
        "created": int(time.time()),
        "metadata": form.get("metadata", {}),
        "status": status,
        "reason": form.get("reason"),
    }
