"""The requester's pages: posting a request, confirming the contact, the
private page where offers are compared and accepted, and getting back in
with a new code when the link is lost. No account: the private link (sent
to the verified contact) is the key."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from shop.bulk import accepting, queries, services
from shop.bulk.forms import AccessForm, ButtonForm, CodeForm, RequestForm
from shop.bulk.models import OfferStatus, RequestStatus
from shop.catalogue.models import Category
from shop.errors import DomainError, apply_to_form
from shop.extensions import limiter
from shop.i18n.phone import normalise
from shop.regions.fields import region_refresh_requested
from shop.transaction import commit_or_flash, commit_or_raise, commit_or_show

code_limit = limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"], methods=["POST"])
# Where the access code went, then the contact it proved (kept in the signed session).
ACCESS_TARGET = "bulk_access_target"
ACCESS_CONTACT = "bulk_contact"


def _locale() -> str:
    return str(get_locale() or "id")[:5]


@code_limit
def new_request():
    form = RequestForm()
    if region_refresh_requested(form):
        return render_template("bulk/new.html", form=form)
    if form.validate_on_submit():
        draft = services.RequestDraft(
            institution=form.institution.data,
            contact_name=form.contact_name.data,
            phone=form.phone.data,
            email=(form.email.data or "").strip().lower() or None,
            category=Category(form.category.data),
            title=form.title.data,
            description=form.description.data or "",
            quantity=form.quantity.data,
            needed_by=form.needed_by.data,
            budget_per_unit=form.budget_per_unit.data,
            province_code=form.province.data,
            regency_code=form.regency.data,
            district_code=form.district.data,
            address=form.address.data,
            locale=_locale(),
        )
        posted = commit_or_show(form, lambda: services.post_request(draft))
        if posted is not None:
            return redirect(url_for("bulk.request_page", number=posted.number, key=posted.key), 303)
    return render_template("bulk/new.html", form=form)


def _render_request(bulk, code_form=None, failed=None):
    offers = queries.offers_of(bulk) if bulk.status is not RequestStatus.PENDING else []
    return render_template(
        "bulk/request.html",
        bulk=bulk,
        offers=offers,
        open_offers=[o for o in offers if o.status is OfferStatus.OPEN],
        code_form=code_form or CodeForm(),
        button=ButtonForm(),
        failed=failed or {},
        taken=request.form if failed else {},
    )


def request_page(number: str, key: str):
    return _render_request(queries.get_request_by_key_or_404(number, key))


@code_limit
def confirm(number: str, key: str):
    bulk = queries.get_request_by_key_or_404(number, key)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            groups = commit_or_raise(lambda: services.confirm_request(bulk, form.code.data))
        except DomainError as error:
            apply_to_form(form, error)
        else:
            flash(
                _(
                    "Your request is open. %(count)d groups that can make it were told; "
                    "their offers will appear here.",
                    count=len(groups),
                ),
                "success",
            )
            return redirect(url_for("bulk.request_page", number=bulk.number, key=key), 303)
    return _render_request(bulk, code_form=form)


@code_limit
def resend(number: str, key: str):
    bulk = queries.get_request_by_key_or_404(number, key)
    if ButtonForm().validate_on_submit():
        commit_or_flash(lambda: services.resend_confirmation(bulk), _("A new code is on its way."))
    return redirect(url_for("bulk.request_page", number=bulk.number, key=key), 303)


def accept(number: str, key: str):
    """The requester's choice: how many to take from each open offer."""
    bulk = queries.get_request_by_key_or_404(number, key)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("bulk.request_page", number=bulk.number, key=key), 303)
    quantities: dict[int, int] = {}
    wrong: dict[str, str] = {}
    for name, value in request.form.items():
        if not name.startswith("take-"):
            continue
        offer_id, typed = name.removeprefix("take-"), value.strip()
        if not offer_id.isdigit() or not typed:
            continue
        if not typed.isdigit() or len(typed) > 7:
            wrong[offer_id] = _("Enter a whole number.")
            continue
        quantities[int(offer_id)] = int(typed)
    if wrong:
        return _render_request(bulk, failed={"fields": wrong}), 422
    try:
        placed = commit_or_raise(lambda: accepting.accept_offers(bulk, quantities))
    except DomainError as error:
        return _render_request(bulk, failed={"message": error.message}), 422
    flash(
        _(
            "Ordered: %(numbers)s. Each group confirms its order; pay as its order page says.",
            numbers=", ".join(order.number for order in placed),
        ),
        "success",
    )
    return redirect(url_for("bulk.request_page", number=bulk.number, key=key), 303)


def close(number: str, key: str):
    bulk = queries.get_request_by_key_or_404(number, key)
    if ButtonForm().validate_on_submit():
        commit_or_flash(
            lambda: services.close_request(bulk),
            _("The request is closed. Groups can no longer offer."),
        )
    return redirect(url_for("bulk.request_page", number=bulk.number, key=key), 303)


def _typed_contact(typed: str) -> str:
    typed = typed.strip()
    if "@" in typed:
        return typed.lower()
    return normalise(typed, mobile_only=False) or typed


@code_limit
def access():
    """A lost link: a code to the contact, then the contact's requests."""
    form = AccessForm()
    if form.validate_on_submit():
        typed = _typed_contact(form.contact.data)
        try:
            target = commit_or_raise(lambda: services.request_access(typed, _locale()))
        except DomainError as error:
            apply_to_form(form, error)
        else:
            session[ACCESS_TARGET] = target or typed
            return redirect(url_for("bulk.access_code"), 303)
    return render_template("bulk/access.html", form=form)


@code_limit
def access_code():
    target = session.get(ACCESS_TARGET)
    if not target:
        return redirect(url_for("bulk.access"), 303)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            proved = commit_or_raise(lambda: services.confirm_access(target, form.code.data))
        except DomainError as error:
            apply_to_form(form, error)
        else:
            session.pop(ACCESS_TARGET, None)
            session[ACCESS_CONTACT] = proved
            return redirect(url_for("bulk.my_requests"), 303)
    return render_template("bulk/access_code.html", form=form)


def my_requests():
    contact = session.get(ACCESS_CONTACT)
    if not contact:
        return redirect(url_for("bulk.access"), 303)
    return render_template("bulk/mine.html", requests=queries.requests_of_contact(contact))
