"""Coordinator pages for product compliance and moderation: one product's
certificate checks and hidden state, certificates about to expire, and the
hidden products waiting for a coordinator."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from shop.accounts.models import User
from shop.audit.models import AuditEntry
from shop.catalogue.models import CertificateKind, Product
from shop.coordinators.compliance import services
from shop.coordinators.compliance.forms import CertificateForm, HideForm
from shop.coordinators.scope import (
    coordinator_required,
    current_scope,
    get_product_in_scope_or_404,
)
from shop.core.cache import page_day
from shop.core.clock import jakarta_today
from shop.core.pagination import count_rows, paginate
from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.forms import BaseForm
from shop.transaction import commit_or_flash, commit_or_show

HISTORY_LIMIT = 50
PAGE_SIZE = 50


def _certificate_day(product: Product) -> date:
    """The day a public page judges the product's certificates on.

    A certificate's badge goes at midnight without any write, so a page that
    shows a dated one is not stored in the page cache when it could outlive
    the day (`page_day`), as for the home page's featured groups."""
    if any(c.expires_on is not None for c in product.certificates):
        return page_day()
    return jakarta_today()


def _kind_or_404(kind: str) -> CertificateKind:
    try:
        return CertificateKind(kind)
    except ValueError:
        abort(404)


def _load_product(product_id: int, *, lock: bool = False) -> Product:
    return get_product_in_scope_or_404(
        product_id,
        selectinload(Product.certificates),
        selectinload(Product.photos),
        joinedload(Product.group, Group.regency),
        lock=lock,
    )


def _render_product(product: Product, *, failed: CertificateForm | HideForm | None = None):
    """The product page; `failed` is the form just refused, shown with its errors."""
    checks = {c.kind: c for c in product.certificates}
    forms = {}
    for kind in CertificateKind:
        if isinstance(failed, CertificateForm) and failed._prefix == f"{kind.value}-":
            forms[kind] = failed
        else:
            check = checks.get(kind)
            forms[kind] = CertificateForm(
                formdata=None,
                prefix=kind.value,
                data={"expires_on": check.expires_on if check else None},
            )
    hide_form = failed if isinstance(failed, HideForm) else HideForm(formdata=None)
    # What went wrong, for the summary at the top of a long page: (anchor, message).
    problems = []
    if failed is not None:
        for f in failed:
            problems += [(f.id, message) for message in f.errors]
        anchor = "moderasi" if isinstance(failed, HideForm) else f"cert-{failed._prefix[:-1]}"
        problems += [(anchor, message) for message in failed.form_errors]
    checker_ids = {c.checked_by_id for c in product.certificates if c.checked_by_id}
    checkers = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(checker_ids))).all())
        if checker_ids
        else {}
    )
    history = list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.product_id == product.id)
            .options(joinedload(AuditEntry.group), joinedload(AuditEntry.exhibition))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(HISTORY_LIMIT)
        )
    )
    return render_template(
        "coordinators/compliance/product.html",
        product=product,
        group=product.group,
        kinds=list(CertificateKind),
        checks=checks,
        checkers=checkers,
        forms=forms,
        hide_form=hide_form,
        history=history,
        problems=problems,
        today=jakarta_today(),
    )


def _back_to_product(product: Product, anchor: str = ""):
    url = url_for("coordinators.product", product_id=product.id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


@coordinator_required
def product(product_id: int):
    return _render_product(_load_product(product_id))


@coordinator_required
def check_certificate(product_id: int, kind: str):
    kind = _kind_or_404(kind)
    product = _load_product(product_id, lock=True)
    form = CertificateForm(prefix=kind.value)
    if form.validate_on_submit():
        checked = commit_or_show(
            form,
            lambda: services.check_certificate(
                product, kind, form.expires_on.data, by=current_user
            ),
        )
        if checked is not None:
            flash(_("%(kind)s number marked as checked.", kind=kind.label), "success")
            return _back_to_product(product, f"cert-{kind.value}")
    return _render_product(_load_product(product_id), failed=form)


@coordinator_required
def remove_certificate(product_id: int, kind: str):
    kind = _kind_or_404(kind)
    product = _load_product(product_id, lock=True)
    if BaseForm().validate_on_submit():
        commit_or_flash(
            lambda: services.remove_certificate(product, kind, by=current_user),
            _("The %(kind)s check has been removed.", kind=kind.label),
        )
    return _back_to_product(product, f"cert-{kind.value}")


@coordinator_required
def hide_product(product_id: int):
    product = _load_product(product_id, lock=True)
    form = HideForm()
    if form.validate_on_submit():
        hidden = commit_or_show(
            form, lambda: services.hide_product(product, form.reason.data, by=current_user)
        )
        if hidden is not None:
            flash(
                _("“%(name)s” is hidden; the group has been told why.", name=product.name),
                "success",
            )
            return _back_to_product(product)
    return _render_product(_load_product(product_id), failed=form)


@coordinator_required
def restore_product(product_id: int):
    product = _load_product(product_id, lock=True)
    if BaseForm().validate_on_submit():
        commit_or_flash(
            lambda: services.restore_product(product, by=current_user),
            _("“%(name)s” is restored; the group has been told.", name=product.name),
        )
    if request.form.get("back") == "moderation":
        return redirect(url_for("coordinators.moderation"))
    return _back_to_product(product)


@coordinator_required
def certificates():
    today = jakarta_today()
    stmt = services.certificates_due(today).where(current_scope().groups_clause())
    pagination = paginate(stmt, PAGE_SIZE)
    return render_template(
        "coordinators/compliance/certificates.html",
        certificates=pagination.items,
        pagination=pagination,
        today=today,
        horizon=today + timedelta(days=services.EXPIRY_WARNING_DAYS),
    )


@coordinator_required
def moderation():
    stmt = (
        select(Product)
        .join(Product.group)
        .where(current_scope().groups_clause(), Product.hidden_at.is_not(None))
        .options(joinedload(Product.group))
    )
    pagination = paginate(
        stmt.order_by(
            # Groups that asked for review first, the longest waiting first.
            Product.review_requested_at.is_(None),
            Product.review_requested_at,
            Product.hidden_at,
            Product.id,
        ),
        PAGE_SIZE,
    )
    hidden = pagination.items
    waiting = count_rows(stmt.where(Product.review_requested_at.is_not(None)))
    return render_template(
        "coordinators/compliance/moderation.html",
        asking=[p for p in hidden if p.review_requested_at is not None],
        others=[p for p in hidden if p.review_requested_at is None],
        waiting=waiting,
        pagination=pagination,
        restore_form=BaseForm(formdata=None),
    )
