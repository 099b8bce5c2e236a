"""Checkout pages: the buyer's details and choices, then placing the orders."""

from __future__ import annotations

import json

from flask import (
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from shop.cart import queries as cart_queries
from shop.cart.session import (
    cart_identity,
    current_cart,
    keep_checked,
    parse_identity,
    save_cart,
)
from shop.checkout import services
from shop.checkout.forms import CheckoutForm
from shop.errors import DomainError, apply_to_form
from shop.extensions import limiter
from shop.groups.models import PaymentMethod
from shop.groups.ordering import buyer_payment_methods, card_enabled
from shop.regions.fields import region_refresh_requested
from shop.transaction import commit_or_raise


def _offered_payments(cart) -> dict[int, list[PaymentMethod]]:
    """How each group of the cart may be paid (the service's own rule)."""
    return {g.group.id: buyer_payment_methods(g.group) for g in cart.groups}


def _render(form, cart, choices=None):
    identity = cart_identity()
    form.cart_id.data = identity.id
    form.cart_version.data = str(identity.version)
    form.quoted.data = json.dumps(cart.prices(), sort_keys=True)
    return render_template(
        "checkout/form.html",
        form=form,
        cart=cart,
        choices=choices or {},
        offered_payments=_offered_payments(cart),
        details=_details(form),
    )


# The fields of the buyer's details fieldset (templates/checkout/_details.html).
DETAIL_FIELDS = ("name", "phone", "email", "province", "regency", "district", "address", "note")


def _details(form):
    """The buyer's details fieldset. A blank one (a guest opening the page)
    is the same HTML every time in a language, and most of the page's
    rendering (the fields and the province list): it is rendered once per
    language and kept in the process (worked out each time with the debugger
    on, so an edited template shows at once)."""
    blank = not form.region_refresh.data and not any(
        getattr(form, name).data or getattr(form, name).errors for name in DETAIL_FIELDS
    )
    if not blank or current_app.debug:
        return _render_details(form)
    kept = current_app.extensions.setdefault("checkout_blank_details", {})
    key = (str(get_locale()), request.script_root)
    found = kept.get(key)
    if found is None:
        found = kept[key] = _render_details(form)
    return found


def _render_details(form):
    return get_template_attribute("checkout/_details.html", "details")(form)


def _choices_from_request(cart) -> dict[int, services.GroupChoice]:
    """The choices sent per group; a group the page did not show (the cart
    changed in another tab) has none, so the page drawn again preselects its
    first options."""
    return {
        g.group.id: services.GroupChoice(
            delivery=request.form.get(f"delivery-{g.group.id}", ""),
            payment=request.form.get(f"payment-{g.group.id}", ""),
        )
        for g in cart.groups
        if f"delivery-{g.group.id}" in request.form or f"payment-{g.group.id}" in request.form
    }


def _choices_sent() -> dict[int, services.GroupChoice]:
    """The choices sent per group id, without reading the cart: the service
    asks for those of the groups the cart holds."""
    group_ids = {
        key.partition("-")[2] for key in request.form if key.startswith(("delivery-", "payment-"))
    }
    return {
        int(group_id): services.GroupChoice(
            delivery=request.form.get(f"delivery-{group_id}", ""),
            payment=request.form.get(f"payment-{group_id}", ""),
        )
        for group_id in group_ids
        if group_id.isdigit() and len(group_id) <= 18
    }


def _quoted(form) -> dict[str, int]:
    try:
        data = json.loads(form.quoted.data or "{}")
    except ValueError:
        return {}
    return (
        {str(k): v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}
    )


def _confirmation(key: str, sent):
    """To the orders of this cart version. The session's cart is emptied when
    it is still that version (a replay whose first answer never arrived)."""
    if cart_identity() == sent:
        save_cart({})
    return redirect(url_for("orders.confirmation", key=key), 303)


@limiter.limit(lambda: current_app.config["CHECKOUT_RATE_LIMIT"], methods=["POST"])
def start():
    form = CheckoutForm()
    if request.method != "POST":
        return _page(form, None)
    sent = parse_identity(form.cart_id.data, form.cart_version.data)
    if (
        sent is not None
        and sent == cart_identity()
        and current_cart()
        and not region_refresh_requested(form)
    ):
        # The page's own cart version, filled in: the service reads and
        # checks the cart itself (and finds the orders of a replay).
        if form.validate_on_submit():
            return _place(form, _placement(form, _choices_sent(), sent))
        return _page(form, sent, valid=False)
    return _page(form, sent)


def _page(form, sent, valid: bool | None = None):
    """Every answer but placing: the confirmation of a cart version already
    ordered, back to the cart, or the page (drawn again with its errors).
    `valid` is the form's validation when it was done already."""
    if request.method == "POST":
        # Another tab, click or replay of a cart version already ordered:
        # the same confirmation, whatever the cart holds now.
        done = services.find_checkout(sent) if sent else None
        if done is not None:
            return _confirmation(done.key, sent)
    cart = _load_cart()
    back_to_cart = _back_to_cart(cart)
    if back_to_cart is not None:
        return back_to_cart
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = current_user.name
        form.phone.data = current_user.phone
        form.email.data = current_user.email
    choices = _choices_from_request(cart) if request.method == "POST" else {}
    if request.method == "POST" and region_refresh_requested(form):
        return _render(form, cart, choices)
    if not (form.validate_on_submit() if valid is None else valid):
        return _render(form, cart, choices)
    if sent != cart_identity():
        # The cart changed (in another tab) after this page was drawn.
        form.form_errors.append(
            _(
                "Your cart changed after this page was opened, so nothing was ordered. "
                "Check your order below and place it again."
            )
        )
        return _render(form, cart, choices)
    return _place(form, _placement(form, choices, sent))


def _load_cart():
    """The session's cart as the page shows it (no photos), kept as checked:
    a quantity above the stock left is lowered to it, and the buyer told."""
    cart = cart_queries.load_cart(current_cart(), photos=False)
    notes = keep_checked(cart)
    if cart.missing:
        flash(_("A product in your cart is no longer available and was removed."), "info")
    for note in notes:
        flash(note, "info")
    return cart


def _back_to_cart(cart):
    """An empty cart, or one with marked lines, is not checked out: back to it."""
    if not cart.groups:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.show"))
    if cart.has_problems:
        flash(_("Something in your cart changed. Check the marked lines, then check out."), "error")
        return redirect(url_for("cart.show"))
    return None


def _placement(form, choices, sent) -> services.Placement:
    """What the valid form asks to order, for the cart version the page showed."""
    return services.Placement(
        cart=current_cart(),
        quoted=_quoted(form),
        choices=choices,
        identity=sent,
        card_enabled=card_enabled(),
        buyer=services.Buyer(
            name=form.name.data,
            phone=form.phone.data,
            email=(form.email.data or "").strip().lower() or None,
            address=form.address.data or "",
            province_code=form.province.data,
            regency_code=form.regency.data,
            district_code=form.district.data,
            note=form.note.data or "",
            locale=str(get_locale()),
            user=current_user if current_user.is_authenticated else None,
        ),
    )


def _place(form, placement: services.Placement):
    """Place the orders (one service, committed) and answer each refusal its
    way; the cart is read for the answer only when the orders were refused."""
    try:
        key = commit_or_raise(lambda: services.place_orders(placement).key)
    except services.SoldOut as error:
        # A line the cart marks gets the cart's own message; a quantity
        # lowered to the stock left is shown on this page to confirm again;
        # stock taken by someone else meanwhile gets its own message.
        if isinstance(error, services.CartProblem):
            cart = _load_cart()
            back_to_cart = _back_to_cart(cart)
            if back_to_cart is not None:
                return back_to_cart
            if cart.notes:
                return _render(form, cart, _choices_from_request(cart))
        flash(error.message, "error")
        return redirect(url_for("cart.show"))
    except DomainError as error:
        cart = _load_cart()
        back_to_cart = _back_to_cart(cart)
        if back_to_cart is not None:
            return back_to_cart
        choices = _choices_from_request(cart)
        if isinstance(error, services.PriceChanged):
            flash(error.message, "error")
        else:
            apply_to_form(form, error)
        return _render(form, cart, choices)
    return _confirmation(key, placement.identity)
