"""Suspension means read-only: which group pages stay open while a coordinator
has suspended the group, and the refusal every other page gets.

The guard lives in the membership loader every /kelola/<slug> route calls
(`shop.groups.queries.get_membership_or_404`), so a route added later is
refused for a suspended group unless it is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import Forbidden

from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db
from shop.groups.models import Group, GroupStatus, Membership

GET = frozenset({"GET", "HEAD"})
GET_POST = frozenset({"GET", "HEAD", "POST"})

# What a suspended group may still do: see its pages, and finish what is
# already under way with people outside the group. Endpoint → methods.
OPEN_WHILE_SUSPENDED: dict[str, frozenset[str]] = {
    # Seeing the group: its products, members, bank accounts, the reason.
    "groups.manage_home": GET,
    "groups.members": GET,
    "groups.bank_accounts": GET,
    "groups.qris": GET,
    "groups.verification": GET,
    "groups.document_file": GET,
    # The orders being finished still send alerts: a member may choose them.
    "groups.alerts": GET_POST,
    # Orders already placed are finished, so no buyer is stranded: confirm,
    # pack, ship, mark paid, cancel with a refund, record the refund.
    "orders.manage_inbox": GET,
    "orders.manage_order": GET,
    "orders.manage_action": frozenset({"POST"}),
    "orders.manage_slip": GET,
    "payments.manage_proof": GET,
    "payments.manage_refund": frozenset({"POST"}),
    "payments.manage_refund_proof": GET,
    "orders.manage_export": GET,
    "sales.manage_sales": GET,
    # Consignment: goods already at an outlet are still counted and paid
    # for at a visit (and a mistaken visit taken back), so the money the
    # outlets owe is not lost; new outlets and drop-offs are refused.
    "consignment.overview": GET,
    "consignment.outlet": GET,
    "consignment.nota": GET,
    "consignment.nota_pdf": GET,
    "consignment.record_visit": GET_POST,
    "consignment.undo_visit": frozenset({"POST"}),
    # Pre-order rounds already taking orders are finished like orders: the
    # lists are made and printed, the buyers told the goods are ready; no
    # new round is opened.
    "rounds.manage_rounds": GET,
    "rounds.manage_round": GET,
    "rounds.round_action": frozenset({"POST"}),
    "rounds.print_round": GET,
    "rounds.round_csv": GET,
    # The marketing kit can be looked at; its printed material (which points
    # buyers at a hidden shop) is not made.
    "marketing.kit": GET,
    # Monitoring visits go on: the group reads the recommendations and marks
    # them done (often what its reinstatement waits for).
    "visits.group_visits": GET,
    "visits.group_photo": GET,
    "visits.mark_done": frozenset({"POST"}),
}


def is_open_while_suspended(endpoint: str | None, method: str) -> bool:
    return method in OPEN_WHILE_SUSPENDED.get(endpoint or "", frozenset())


class GroupSuspended(Forbidden):
    """A suspended group's member asked for a page that changes something.
    Answered 403 with the coordinator's reason (`shop.groups.views`)."""

    def __init__(self, group: Group, *, member: bool = True):
        super().__init__()
        self.group = group
        self.member = member


def guard(membership: Membership) -> None:
    """Refuse the current request if the membership's group is suspended and
    the endpoint is not on the allow-list. Raises GroupSuspended."""
    group = membership.group
    if group.status is GroupStatus.SUSPENDED and not is_open_while_suspended(
        request.endpoint, request.method
    ):
        raise GroupSuspended(group)


@dataclass(frozen=True)
class Contact:
    """Whom a suspended group asks about it: the coordinator who suspended it."""

    name: str
    organisation: str
    phone: str | None


def suspension_contact(group: Group) -> Contact | None:
    """The coordinator of the latest suspension, from the audit log."""
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.group_id == group.id, AuditEntry.action == AuditAction.GROUP_SUSPENDED)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return None
    actor = entry.actor
    coordinator = getattr(actor, "coordinator", None) if actor is not None else None
    return Contact(
        name=entry.actor_name,
        organisation=coordinator.organisation if coordinator is not None else "",
        phone=actor.phone if actor is not None else None,
    )
