"""The buyer's order pages: confirmation, private tracking, lookup, history.

The transfer proofs sent from the tracking page are shop.payments.views'."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required

from shop.errors import error_page
from shop.extensions import limiter
from shop.notify.forms import NewPushSubscriptionForm, PushSubscriptionForm, subscription_answer
from shop.notify.push import push_enabled
from shop.orders import hooks, queries
from shop.orders.push_alerts import unwatch_order, watch_order, watcher_count
from shop.transaction import commit_or_raise

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
    watch = push_enabled() and not order.status.is_final
    return render_template(
        "orders/track.html",
        order=order,
        push_watch=watch,
        push_watchers=watcher_count(order) if watch else 0,
        **hooks.page_context(hooks.TRACK_PAGE, order, **own),
    )


@tracking_limit
def track(number: str, token: str):
    return render_track(queries.get_tracked_order_or_404(number, token))


@tracking_limit
def track_push(number: str, token: str):
    """This browser hears of the order's next steps (the buyer's choice on
    the tracking page; no account needed: the private link is the key)."""
    order = queries.get_tracked_order_or_404(number, token)
    back = url_for("orders.track", number=number, token=token)
    if not push_enabled() or order.status.is_final:
        return redirect(back, 303)
    form = NewPushSubscriptionForm()
    ok = form.validate_on_submit()
    if ok:
        commit_or_raise(
            lambda: watch_order(order, form.endpoint.data, form.p256dh.data, form.auth.data)
        )
    return subscription_answer(
        ok, form, back, _("You will hear of this order’s next steps on this phone.")
    )


@tracking_limit
def track_push_off(number: str, token: str):
    order = queries.get_tracked_order_or_404(number, token)
    form = PushSubscriptionForm()
    ok = form.validate_on_submit()
    if ok:
        commit_or_raise(lambda: unwatch_order(order, form.endpoint.data))
    return subscription_answer(
        ok,
        form,
        url_for("orders.track", number=number, token=token),
        _("Notifications are off on this phone."),
    )


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
