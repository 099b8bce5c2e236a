"""The buyer's order pages: confirmation, private tracking, lookup, history."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required

from shop.errors import DomainError, apply_to_form, error_page
from shop.extensions import db, limiter
from shop.orders import queries
from shop.payments import card, proofs, transfer
from shop.payments.forms import ProofForm

# One budget for a buyer's tracking page and the proof images it shows.
tracking_limit = limiter.shared_limit(
    lambda: current_app.config["TRACKING_RATE_LIMIT"], scope="order-tracking"
)


def confirmation(key: str):
    checkout = queries.get_checkout_or_404(key)
    return render_template("orders/confirmation.html", checkout=checkout)


def _render_track(order, proof_form=None):
    return render_template(
        "orders/track.html",
        order=order,
        proof_form=proof_form or (ProofForm() if transfer.can_send_proof(order) else None),
        proofs=proofs.order_proofs(order),
        card_payable=card.card_enabled() and card.card_payable(order),
    )


@tracking_limit
def track(number: str, token: str):
    return _render_track(queries.get_tracked_order_or_404(number, token))


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
    return make_response(_render_track(order, form), 429)


def _rate_limited(error: RateLimitExceeded):
    if error.response is not None:  # drawn by the limit's on_breach
        return error.response
    return error_page(429)


@limiter.limit(lambda: current_app.config["PROOF_UPLOAD_RATE_LIMIT"], on_breach=_too_many_proofs)
def send_proof(number: str, token: str):
    """The buyer uploads a transfer receipt (photo or PDF) from the tracking page."""
    order = queries.get_tracked_order_or_404(number, token)
    form = ProofForm()
    if form.validate_on_submit():
        try:
            transfer.record_proof(order, form.proof.data)
        except DomainError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(_("Thank you! The group will check your transfer."), "success")
            return redirect(url_for("orders.track", number=order.number, token=token), 303)
    return _render_track(order, form), 400


@tracking_limit
def show_proof(number: str, token: str, proof_id: int):
    order = queries.get_tracked_order_or_404(number, token)
    return proofs.send_proof(proofs.get_proof_for_order_or_404(order, proof_id))


@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"], methods=["POST"])
def lookup():
    error = None
    if request.method == "POST":
        order = queries.find_by_number_and_phone(
            request.form.get("number", "")[:20], request.form.get("phone", "")[:32]
        )
        if order is not None:
            return redirect(
                url_for("orders.track", number=order.number, token=order.tracking_token), 303
            )
        error = _("No order matches this number and phone. Check both and try again.")
    return render_template("orders/lookup.html", error=error)


@login_required
def history():
    return render_template("orders/history.html", orders=queries.orders_of_buyer(current_user))
