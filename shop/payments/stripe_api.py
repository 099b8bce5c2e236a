"""The Stripe boundary: the client every call goes through, the one conversion
between rupiah and Stripe's amounts, and what we read of a Checkout Session.

Rules, and why:
- Money is rupiah everywhere else; `to_stripe_amount` is the one conversion.
  Stripe does not treat IDR as zero-decimal, so Rp25.000 is sent as 2500000.
- Every call has a connect and a read timeout and at most
  STRIPE_MAX_NETWORK_RETRIES repeats: a hung API costs the buyer seconds and
  a clear "try again", never a long wait or an error page.
- Card is offered only when both keys are set (`shop.groups.ordering.card_enabled`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import stripe
from flask import current_app

CURRENCY = "idr"


def stripe_client() -> stripe.StripeClient:
    """A client from the app's config (no module globals); STRIPE_API_BASE,
    when set, points it at another server (the tests' fake Stripe). Its HTTP
    client waits at most STRIPE_CONNECT_TIMEOUT / STRIPE_READ_TIMEOUT seconds
    and a call without an answer is repeated STRIPE_MAX_NETWORK_RETRIES times
    (with its idempotency key). One client per app and settings is kept, so
    connections to Stripe are reused (the client keeps one pool per thread)."""
    config = current_app.config
    key = (
        config["STRIPE_SECRET_KEY"],
        config.get("STRIPE_API_BASE") or "",
        float(config["STRIPE_CONNECT_TIMEOUT"]),
        float(config["STRIPE_READ_TIMEOUT"]),
        int(config["STRIPE_MAX_NETWORK_RETRIES"]),
    )
    clients = current_app.extensions.setdefault("etalase.stripe_clients", {})
    client = clients.get(key)
    if client is None:
        secret, base, connect, read, retries = key
        client = stripe.StripeClient(
            secret,
            base_addresses={"api": base} if base else None,
            http_client=stripe.RequestsClient(timeout=(connect, read)),
            max_network_retries=retries,
        )
        clients[key] = client
    return client


def to_stripe_amount(rupiah: int) -> int:
    """Rupiah to Stripe's smallest unit for IDR: hundredths (sen)."""
    if isinstance(rupiah, bool) or not isinstance(rupiah, int) or rupiah < 0:
        raise ValueError(f"not a rupiah amount: {rupiah!r}")
    return rupiah * 100


def from_stripe_amount(amount: int) -> int:
    """Stripe's hundredths of a rupiah back to whole rupiah (rounded up: a
    refund never gives back less than was paid)."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(f"not a Stripe amount: {amount!r}")
    return -(-amount // 100)


@dataclass(frozen=True)
class SessionFacts:
    """What we use of a Checkout Session, from the API or a webhook event."""

    id: str
    status: str
    payment_status: str
    amount_total: int | None
    currency: str
    order_number: str
    url: str | None
    expires_at: int | None
    payment_intent: str | None

    @classmethod
    def of(cls, session: Any) -> SessionFacts:
        # stripe >= 15: a StripeObject is not a dict; read it as one plain dict.
        data = session.to_dict() if isinstance(session, stripe.StripeObject) else dict(session)
        metadata = data.get("metadata") or {}
        intent = data.get("payment_intent")
        return cls(
            id=str(data.get("id") or ""),
            status=str(data.get("status") or ""),
            payment_status=str(data.get("payment_status") or ""),
            amount_total=data.get("amount_total"),
            currency=str(data.get("currency") or "").lower(),
            order_number=str(metadata.get("order_number") or data.get("client_reference_id") or ""),
            url=data.get("url"),
            expires_at=data.get("expires_at"),
            payment_intent=intent if isinstance(intent, str) else None,
        )
