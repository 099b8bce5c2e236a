"""The buyer's payment pages: transfer proofs sent from the tracking page,
card payments (off to Stripe Checkout and back), the group's refund proof,
and Stripe's webhook. What the tracking page shows of them comes from
`track_context` (connected to shop.orders.hooks.TRACK_PAGE)."""

from __future__ import annotations

import logging

import stripe
from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from shop.errors import DomainError
from shop.extensions import csrf, db, limiter
from shop.media.evidence import send_evidence
from shop.orders import queries
from shop.orders.models import Order
from shop.orders.views import render_track, tracking_limit
from shop.payments import card, proofs, transfer
from shop.payments.forms import ProofForm
from shop.payments.models import Refund
from shop.transaction import commit_or_raise, commit_or_show

log = logging.getLogger(__name__)


def get_card_order_or_404(number: str, token: str) -> Order:
    """The order behind a private tracking link, if card payments are on."""
    if not card.card_enabled():
        abort(404)
    return queries.get_tracked_order_or_404(number, token, page=False)


def _tracking_url(order: Order) -> str:
    return url_for("orders.track", number=order.number, token=order.tracking_token)


def track_context(order: Order) -> dict:
    """What the tracking page shows of the payment: the proofs sent, the
    form for another, the card button."""
    return {
        "proof_form": ProofForm() if transfer.can_send_proof(order) else None,
        "proofs": proofs.order_proofs(order),
        "card_payable": card.card_enabled() and card.card_payable(order),
    }


def _too_many_proofs(limit):
    """A guest over the proof limit: the tracking page again, saying why."""
    form = ProofForm()
    form.form_errors.append(
        _(
            "You have sent many proofs from this connection in a short time. "
            "Please wait a while and try again, or send the proof to the group on WhatsApp."
        )
    )
    order = queries.get_tracked_order_or_404(**request.view_args)
    return make_response(render_track(order, proof_form=form), 429)


@limiter.limit(lambda: current_app.config["PROOF_UPLOAD_RATE_LIMIT"], on_breach=_too_many_proofs)
def send_proof(number: str, token: str):
    """The buyer uploads a transfer receipt (photo or PDF) from the tracking page."""
    order = queries.get_tracked_order_or_404(number, token)
    form = ProofForm()
    if form.validate_on_submit():
        if commit_or_show(form, lambda: transfer.record_proof(order, form.proof.data)) is not None:
            flash(_("Thank you! The group will check your transfer."), "success")
            return redirect(url_for("orders.track", number=order.number, token=token), 303)
    return render_track(order, proof_form=form), 400


@tracking_limit
def show_proof(number: str, token: str, proof_id: int):
    order = queries.get_tracked_order_or_404(number, token)
    return proofs.send_proof(proofs.get_proof_for_order_or_404(order, proof_id))


@limiter.limit(lambda: current_app.config["CHECKOUT_RATE_LIMIT"])
def pay_by_card(number: str, token: str):
    order = get_card_order_or_404(number, token)
    tracking = _tracking_url(order)
    try:
        url = commit_or_raise(lambda: card.start_checkout(order))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(tracking, 303)
    except stripe.APIConnectionError:
        # No answer in time (or no connection): the order is as it was, and
        # pressing again asks Stripe for the same session, never a second one.
        log.warning("Stripe did not answer for order %s", number, exc_info=True)
        flash(
            _("The card company did not answer in time. Your order has not changed: try again."),
            "error",
        )
        return redirect(tracking, 303)
    except stripe.StripeError:
        log.exception("Stripe refused a Checkout Session for order %s", number)
        flash(_("The card payment page could not be opened. Please try again shortly."), "error")
        return redirect(tracking, 303)
    return redirect(url, 303)


def card_return(number: str, token: str):
    """Back from Stripe. Only a session Stripe reports as paid counts; the
    webhook does the same, so whichever comes second changes nothing."""
    order = get_card_order_or_404(number, token)
    tracking = _tracking_url(order)
    order_id = order.id
    try:
        commit_or_raise(lambda: card.fulfil_session(request.args.get("session_id", "")[:255]))
    except (stripe.StripeError, OperationalError):
        # Stripe unreachable, or (SQLite) this GET's deferred transaction met
        # another writer's commit. The webhook still counts the payment, so
        # the buyer is told to wait for it (rolled back by commit_or_raise).
        log.warning("could not confirm the card payment of order %s", number, exc_info=True)
    order = db.session.get(Order, order_id, populate_existing=True)
    if order is not None and order.is_paid:
        flash(_("Payment received."), "success")
    else:
        flash(_("We are waiting for the card company's confirmation."), "info")
    return redirect(tracking, 303)


def refund_proof(number: str, token: str, refund_id: int):
    """The group's proof of a refund transfer, for the buyer of that order only."""
    order = queries.get_tracked_order_or_404(number, token, page=False)
    refund = db.session.scalar(
        select(Refund).where(Refund.id == refund_id, Refund.order_id == order.id)
    )
    if refund is None or not refund.has_proof:
        abort(404)
    return send_evidence(refund.image, refund.document, name=f"bukti-pengembalian-{refund.id}")


@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """Stripe's signature is checked on the raw body before anything is
    parsed; a bad one changes nothing (400). Repeats and kinds we do not
    handle are answered 200 so Stripe stops retrying them."""
    if not card.card_enabled():
        abort(404)
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    try:
        event = stripe.Webhook.construct_event(
            request.get_data(), request.headers.get("Stripe-Signature", ""), secret
        )
    except (ValueError, stripe.SignatureVerificationError):
        return {"error": "invalid payload or signature"}, 400
    commit_or_raise(lambda: card.handle_event(event))
    return {"received": True}, 200
