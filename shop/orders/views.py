"""The buyer's order pages: confirmation, private tracking, lookup, history.

The transfer proofs sent from the tracking page are shop.payments.views'."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required

from shop.errors import error_page
from shop.extensions import limiter
from shop.orders import hooks, queries

# One budget for a buyer's tracking page and the proof images it shows.
tracking_limit = limiter.shared_limit(
    lambda: current_app.config["TRACKING_RATE_LIMIT"], scope="order-tracking"
)


def confirmation(key: str):
    checkout = queries.get_checkout_or_404(key)
    return render_template("orders/confirmation.html", checkout=checkout)


def render_track(order, **own):
    """The buyer's tracking page; what payments show on it (proofs, the
    proof form, the card button) comes from `hooks.TRACK_PAGE`."""
    return render_template(
        "orders/track.html", order=order, **hooks.page_context(hooks.TRACK_PAGE, order, **own)
    )


@tracking_limit
def track(number: str, token: str):
    return render_track(queries.get_tracked_order_or_404(number, token))


def rate_limited(error: RateLimitExceeded):
    """A limit's own page (its on_breach drew one), else the 429 page."""
    if error.response is not None:  # drawn by the limit's on_breach
        return error.response
    return error_page(429)


@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"], methods=["POST"])
def lookup():
    error = None
    if request.method == "POST":
        order = queries.find_by_number_and_phone(
            request.form.get("number", "")[: queries.TYPED_NUMBER_MAX],
            request.form.get("phone", "")[:32],
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
