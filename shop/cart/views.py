"""The cart pages: add from a product page, review, change and remove.

CSRF on "add to cart": product pages are cached whole for visitors without a
session, so they cannot carry a session-bound CSRF token. The add endpoint
therefore checks the token when the form has one (visitors with a session),
and otherwise requires the browser's own proof that the form came from this
site: an `Origin` (or, failing that, `Referer`) header naming this host, which
a page on another site cannot forge. Every other cart POST carries a token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf

from shop.cart import queries, services
from shop.cart.forms import AddToCartForm, QuantityForm
from shop.catalogue.models import Variant
from shop.errors import DomainError
from shop.extensions import csrf, db

bp = Blueprint("cart", __name__)

SESSION_KEY = "cart"


def current_cart() -> dict[str, int]:
    return services.clean(session.get(SESSION_KEY))


def save_cart(cart: dict[str, int]) -> None:
    if cart:
        session[SESSION_KEY] = cart
    else:
        session.pop(SESSION_KEY, None)


def _same_origin() -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not source or source == "null":
        return False
    return urlsplit(source).netloc == request.host


def _check_add_csrf() -> None:
    token = request.form.get("csrf_token")
    if token:
        try:
            validate_csrf(token)
        except Exception as error:  # ValidationError: same answer as CSRFProtect
            raise CSRFError(str(error)) from None
    elif not _same_origin():
        raise CSRFError("The request did not come from this site.")


@bp.post("/keranjang/tambah")
@csrf.exempt
def add():
    _check_add_csrf()
    form = AddToCartForm()
    back = request.referrer if _same_origin() else url_for("cart.show")
    if not form.validate():
        flash(_("Choose a variant and a quantity of at least 1."), "error")
        return redirect(back)
    variant = db.session.get(Variant, form.variant.data)
    if variant is None:
        abort(404)
    try:
        cart = services.add(current_cart(), variant, form.quantity.data)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    save_cart(cart)
    flash(
        _("%(name)s is in your cart.", name=services.variant_name(variant)),
        "success",
    )
    return redirect(url_for("cart.show"))


@bp.get("/keranjang")
def show():
    view = queries.load_cart(current_cart())
    if view.missing:
        save_cart({k: v for k, v in current_cart().items() if k not in view.missing})
        flash(_("A product in your cart is no longer available and was removed."), "info")
    return render_template("cart/show.html", cart=view, form=QuantityForm())


@bp.post("/keranjang/ubah")
def update():
    form = QuantityForm()
    if not form.validate_on_submit() or not (form.variant.data or "").isdigit():
        flash(_("Give a quantity from 0 to 999."), "error")
        return redirect(url_for("cart.show"))
    variant = db.session.get(Variant, int(form.variant.data))
    cart = current_cart()
    if variant is None:
        save_cart(services.remove(cart, int(form.variant.data)))
        return redirect(url_for("cart.show"))
    try:
        save_cart(services.set_quantity(cart, variant, form.quantity.data or 0))
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("cart.show"))


@bp.post("/keranjang/hapus/<int:variant_id>")
def remove(variant_id: int):
    save_cart(services.remove(current_cart(), variant_id))
    flash(_("Removed from your cart."), "info")
    return redirect(url_for("cart.show"))
