"""The cart pages: add from a product page, review, change and remove.

CSRF on "add to cart": product pages are cached whole for visitors without a
session, so they cannot carry a session-bound CSRF token. The add endpoint
therefore checks the token when the form has one (visitors with a session),
and otherwise requires the browser's own proof that the form came from this
site: an `Origin` (or, failing that, `Referer`) header naming this host, which
a page on another site cannot forge. Every other cart POST carries a token.

The cart lives in the session cookie: these POSTs only read the database, so
on SQLite they read without the write lock (`reading`) and never queue
behind checkouts.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf

from shop.cart import hooks, queries, services
from shop.cart.forms import AddToCartForm, QuantityForm
from shop.cart.session import current_cart, keep_checked, save_cart
from shop.catalogue.models import Variant
from shop.db_events import reading
from shop.errors import DomainError
from shop.extensions import csrf
from shop.groups.ordering import takes_orders


def _from_this_site(url: str | None) -> bool:
    return bool(url) and url != "null" and urlsplit(url).netloc == request.host


def _same_origin() -> bool:
    return _from_this_site(request.headers.get("Origin") or request.headers.get("Referer"))


def _back(variant: Variant | None) -> str:
    """Where a refused "add" returns: the page the form was on when the browser
    says so and it is on this site, else the product's page, else the cart."""
    if _from_this_site(request.referrer):
        return request.referrer
    if variant is not None and variant.product.is_public:
        product = variant.product
        return url_for(
            "catalogue.product", group_slug=product.group.slug, product_slug=product.slug
        )
    return url_for("cart.show")


def _check_add_csrf() -> None:
    token = request.form.get("csrf_token")
    if token:
        try:
            validate_csrf(token)
        except Exception as error:  # ValidationError: same answer as CSRFProtect
            raise CSRFError(str(error)) from None
    elif not _same_origin():
        raise CSRFError("The request did not come from this site.")


@csrf.exempt
def add():
    _check_add_csrf()
    form = AddToCartForm()
    chosen = form.variant.data  # None unless the form sent a number
    with reading():
        variant = queries.get_variant(chosen) if isinstance(chosen, int) else None
    if not form.validate():
        flash(_("Choose a variant and a quantity of at least 1."), "error")
        return redirect(_back(variant))
    if variant is None:
        abort(404)
    try:
        change = services.add(current_cart(), variant, form.quantity.data)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(_back(variant))
    save_cart(change.cart)
    flash(
        _("%(name)s is in your cart.", name=services.variant_name(variant)),
        "success",
    )
    if change.note:
        flash(change.note, "info")
    return redirect(url_for("cart.show"))


def show():
    view = queries.load_cart(current_cart())
    notes = keep_checked(view)
    if view.missing:
        flash(_("A product in your cart is no longer available and was removed."), "info")
    for note in notes:
        flash(note, "info")
    return render_template(
        "cart/show.html",
        cart=view,
        form=QuantityForm(),
        unpayable={g.group.id for g in view.groups if not takes_orders(g.group)},
        **hooks.page_context(view),
    )


def update():
    form = QuantityForm()
    if not form.validate_on_submit() or not (form.variant.data or "").isdigit():
        flash(_("Give a quantity from 0 to 999."), "error")
        return redirect(url_for("cart.show"))
    with reading():
        variant = queries.get_variant(int(form.variant.data))
    cart = current_cart()
    if variant is None:
        save_cart(services.remove(cart, int(form.variant.data)))
        return redirect(url_for("cart.show"))
    try:
        change = services.set_quantity(cart, variant, form.quantity.data or 0)
    except DomainError as error:
        flash(error.message, "error")
    else:
        save_cart(change.cart)
        if change.note:
            flash(change.note, "info")
    return redirect(url_for("cart.show"))


def remove(variant_id: int):
    save_cart(services.remove(current_cart(), variant_id))
    flash(_("Removed from your cart."), "info")
    return redirect(url_for("cart.show"))
