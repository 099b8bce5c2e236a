"""Writes for product compliance and moderation: certificate checks, hiding
and restoring products, and the reminders about certificates that expire.

Each coordinator action changes the product, writes its audit entry and (for
hide/restore) queues the group's email in the caller's transaction; the
caller commits once.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from shop.audit import services as audit
from shop.audit.models import AuditAction
from shop.catalogue.models import CertificateKind, Product, ProductCertificate, ProductStatus
from shop.core.cache import mark_public_change
from shop.core.clock import jakarta_today
from shop.core.templating import absolute_url
from shop.core.text import clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.alerts import notify_group_members
from shop.i18n.formatting import day

# Certificates expiring within this many days are listed for coordinators and
# their group is told once.
EXPIRY_WARNING_DAYS = 30
REASON_MAX = 1000


def _certificate(product: Product, kind: CertificateKind) -> ProductCertificate | None:
    return next((c for c in product.certificates if c.kind is kind), None)


def _edit_url(product: Product) -> str:
    return absolute_url("catalogue.edit_product", slug=product.group.slug, product_id=product.id)


def check_certificate(
    product: Product,
    kind: CertificateKind,
    expires_on: date | None,
    *,
    by,
    today: date | None = None,
) -> ProductCertificate:
    """Record that a coordinator checked the product's number of this kind.

    The check holds the number as it is now: if the group changes the number
    later, the badge goes until someone checks the new one. Checking again
    replaces the previous check (and its expiry reminder starts afresh).
    """
    number = getattr(product, kind.product_field).strip()
    if not number:
        raise DomainError(
            _l(
                "This product has no %(kind)s number to check. The group enters it "
                "on its product page.",
                kind=kind.label,
            )
        )
    today = today or jakarta_today()
    if expires_on is not None and expires_on < today:
        raise DomainError(
            _l("That date has passed: an expired certificate cannot be marked as checked."),
            field="expires_on",
        )
    certificate = _certificate(product, kind)
    if certificate is None:
        certificate = ProductCertificate(kind=kind)
        product.certificates.append(certificate)
    certificate.number = number
    certificate.expires_on = expires_on
    certificate.checked_at = utcnow()
    certificate.checked_by_id = by.id
    certificate.expiry_notified_at = None
    # In the coordinator's language at the time, like the rest of the entry.
    details = (
        _(
            "%(kind)s %(number)s, valid until %(date)s",
            kind=kind.label,
            number=number,
            date=day(expires_on),
        )
        if expires_on is not None
        else _("%(kind)s %(number)s, no expiry date", kind=kind.label, number=number)
    )
    audit.record(AuditAction.CERTIFICATE_CHECKED, product=product, details=details, actor=by)
    db.session.flush()
    mark_public_change()
    return certificate


def remove_certificate(product: Product, kind: CertificateKind, *, by) -> None:
    """Take a check back (e.g. the certificate was withdrawn): the badge goes."""
    certificate = _certificate(product, kind)
    if certificate is None:
        raise DomainError(_l("This number has not been checked, so there is nothing to remove."))
    audit.record(
        AuditAction.CERTIFICATE_REMOVED,
        product=product,
        details=f"{kind.label} {certificate.number}",
        actor=by,
    )
    product.certificates.remove(certificate)
    db.session.flush()
    mark_public_change()


def hide_product(product: Product, reason: str, *, by) -> Product:
    """Take the product off the public site; the group sees the reason, fixes
    the listing and asks for review. Only a coordinator brings it back: the
    group's own edits and status changes leave it hidden."""
    reason = clean_multiline(reason, REASON_MAX)
    if not reason:
        raise DomainError(
            _l("Give the reason: the group reads it to know what to fix."), field="reason"
        )
    if product.is_hidden:
        raise DomainError(_l("This product is already hidden."))
    product.hidden_at = utcnow()
    product.hidden_reason = reason
    product.review_requested_at = None
    audit.record(AuditAction.PRODUCT_HIDDEN, product=product, reason=reason, actor=by)
    notify_group_members(
        product.group,
        "product_hidden",
        {"product": product, "reason": reason, "edit_url": _edit_url(product)},
    )
    db.session.flush()
    mark_public_change()
    return product


def restore_product(product: Product, *, by) -> Product:
    """Show a hidden product again (if the group has it published)."""
    if not product.is_hidden:
        raise DomainError(_l("This product is not hidden."))
    waited = product.review_requested_at is not None
    product.hidden_at = None
    product.hidden_reason = ""
    product.review_requested_at = None
    audit.record(
        AuditAction.PRODUCT_RESTORED,
        product=product,
        details=_("The group had asked for review.") if waited else "",
        actor=by,
    )
    notify_group_members(
        product.group,
        "product_restored",
        {
            "product": product,
            "is_published": product.status is ProductStatus.PUBLISHED,
            "edit_url": _edit_url(product),
        },
    )
    db.session.flush()
    mark_public_change()
    return product


def certificates_due(today: date, *, pending_only: bool = False):
    """Certificates that expired or expire within EXPIRY_WARNING_DAYS, soonest
    first, with their product and group joined (one statement)."""
    stmt = (
        select(ProductCertificate)
        .join(ProductCertificate.product)
        .join(Product.group)
        .options(contains_eager(ProductCertificate.product).contains_eager(Product.group))
        .where(
            ProductCertificate.expires_on.is_not(None),
            ProductCertificate.expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .order_by(ProductCertificate.expires_on, ProductCertificate.id)
    )
    if pending_only:
        stmt = stmt.where(
            ProductCertificate.expiry_notified_at.is_(None),
            Product.status != ProductStatus.ARCHIVED,
        )
    return stmt


def notify_expiring_certificates(today: date | None = None) -> int:
    """Tell each group, once per certificate, that one of its certificates
    expires within EXPIRY_WARNING_DAYS (or has expired). Returns how many
    certificates were reported.

    A check whose number the group has since changed is no longer the
    product's certificate and is left alone. Rows are locked (PostgreSQL,
    SKIP LOCKED) so two overlapping cron runs never send the same reminder.
    """
    today = today or jakarta_today()
    stmt = certificates_due(today, pending_only=True).with_for_update(
        of=ProductCertificate, skip_locked=True
    )
    reported = 0
    for certificate in db.session.scalars(stmt).unique():
        product = certificate.product
        if certificate.number != getattr(product, certificate.kind.product_field):
            continue
        notify_group_members(
            product.group,
            "certificate_expiring",
            {
                "product": product,
                "certificate": certificate,
                "expired": certificate.expires_on < today,
                "edit_url": _edit_url(product),
            },
        )
        certificate.expiry_notified_at = utcnow()
        reported += 1
    db.session.flush()
    return reported
