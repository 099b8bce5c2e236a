"""The payment parts of the group's order page: transfer proofs, refunds.

The page itself is shop.orders.manage's; what it shows of the payment comes
from `group_order_context` (connected to shop.orders.hooks.GROUP_ORDER_PAGE).
Any member of the group may use these; an order of another group is a 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from shop.groups.queries import get_membership_or_404
from shop.media.evidence import send_evidence
from shop.orders.manage import detail_order, get_order_for_group_or_404, render_detail
from shop.orders.models import Order
from shop.payments import refunds
from shop.payments.forms import RefundForm
from shop.payments.models import Refund
from shop.payments.proofs import get_proof_for_order_or_404, order_proofs, send_proof
from shop.transaction import commit_or_show


def _refund_form(refund: Refund) -> RefundForm:
    return RefundForm(prefix=f"refund-{refund.id}")


def refund_forms(order: Order, failed: tuple[int, RefundForm] | None = None) -> dict:
    """A form for each refund the group records itself (`failed`: one refused,
    drawn again with its errors)."""
    forms = {r.id: _refund_form(r) for r in order.refunds if refunds.can_record(r)}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return forms


def group_order_context(order: Order) -> dict:
    """What the group's order page shows of the payment."""
    return {"proofs": order_proofs(order), "refund_forms": refund_forms(order)}


def _refund_of(order: Order, refund_id: int) -> Refund:
    """The order's refund `refund_id`; another order's is a 404."""
    refund = next((r for r in order.refunds if r.id == refund_id), None)
    if refund is None:
        abort(404)
    return refund


@login_required
def manage_refund(slug: str, number: str, refund_id: int):
    """The group records the money it sent back, with its proof."""
    group = get_membership_or_404(slug).group
    order = detail_order(group, number, selectinload(Order.refunds), lock=True)
    refund = _refund_of(order, refund_id)
    form = _refund_form(refund)
    if not form.validate_on_submit():
        failed = refund_forms(order, failed=(refund.id, form))
        return render_detail(group, order, refund_forms=failed), 422
    by = current_user._get_current_object()
    done = commit_or_show(
        form, lambda: refunds.record_refund(refund, form.proof.data, form.note.data or "", by)
    )
    if done is None:
        order = detail_order(group, number, selectinload(Order.refunds))
        failed = refund_forms(order, failed=(refund_id, form))
        return render_detail(group, order, refund_forms=failed), 422
    flash(_("Refund recorded. The buyer sees it on the tracking page."), "success")
    return redirect(url_for("orders.manage_order", slug=slug, number=order.number), 303)


@login_required
def manage_refund_proof(slug: str, number: str, refund_id: int):
    group = get_membership_or_404(slug).group
    refund = _refund_of(get_order_for_group_or_404(group, number), refund_id)
    if not refund.has_proof:
        abort(404)
    return send_evidence(refund.image, refund.document, name=f"bukti-pengembalian-{refund.id}")


@login_required
def manage_proof(slug: str, number: str, proof_id: int):
    group = get_membership_or_404(slug).group
    order = get_order_for_group_or_404(group, number)
    return send_proof(get_proof_for_order_or_404(order, proof_id))
