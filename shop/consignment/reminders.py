"""The WhatsApp reminder a group sends an outlet when a visit is due: what of
each product is still out there and what is owed, in Indonesian, as a wa.me
link for the member to send."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from shop.consignment.ledger import (
    Freshness,
    GroupLedger,
    OutletLedger,
    ProductRow,
    row_order,
)
from shop.consignment.models import Consignment, ConsignmentLine
from shop.core.templating import wa_link
from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.formatting import day as format_day
from shop.i18n.formatting import rupiah


def reminder_message(group: Group, ledger: OutletLedger, visit_on: date) -> str:
    """The WhatsApp message to the outlet's owner: in Indonesian, the language
    of the warung, whatever language the member uses the site in."""
    outlet = ledger.outlet
    with force_locale("id"):
        greeting = (
            _("Hello %(name)s,", name=outlet.owner_name)
            if outlet.owner_name
            else _("Hello %(name)s,", name=outlet.name)
        )
        lines = [
            greeting,
            _(
                "this is %(group)s. We will come by on %(day)s to count our goods left with you:",
                group=group.name,
                day=format_day(visit_on),
            ),
        ]
        lines += [f"- {row.name} ({row.variant}): {row.out}" for row in ledger.rows if row.out]
        if ledger.owed:
            lines.append(
                _("Still to be paid from earlier sales: %(amount)s", amount=rupiah(ledger.owed))
            )
        lines.append(_("Thank you."))
        return "\n".join(lines)


def reminder_link(group: Group, ledger: OutletLedger, today: date) -> str:
    """wa.me with the reminder filled in, when the outlet has a WhatsApp number
    and goods are out there or money is owed; otherwise empty (no button)."""
    outlet = ledger.outlet
    if not outlet.whatsapp or not (ledger.out or ledger.owed):
        return ""
    due = outlet.visit_due_on() or today
    return wa_link(outlet.whatsapp, reminder_message(group, ledger, max(due, today)))


def reminder_links(group: Group, book: GroupLedger, today: date) -> dict[int, str]:
    """reminder_link of every outlet in `book` whose visit is due, by outlet
    id, from one statement for all of them: what of each product is still
    out there."""
    due = {
        entry.outlet.id: entry.outlet
        for entry in book.outlets
        if entry.visit_due(today) and entry.outlet.whatsapp
    }
    if not due:
        return {}
    out = ConsignmentLine.out
    rows: dict[int, list[ProductRow]] = {outlet_id: [] for outlet_id in due}
    for outlet_id, variant_id, name, label, units in db.session.execute(
        select(
            Consignment.outlet_id,
            ConsignmentLine.variant_id,
            ConsignmentLine.product_name,
            ConsignmentLine.variant_label,
            func.sum(out),
        )
        .join(ConsignmentLine, ConsignmentLine.consignment_id == Consignment.id)
        .where(Consignment.outlet_id.in_(due), out > 0)
        .group_by(
            Consignment.outlet_id,
            ConsignmentLine.variant_id,
            ConsignmentLine.product_name,
            ConsignmentLine.variant_label,
        )
        .order_by(ConsignmentLine.product_name, ConsignmentLine.variant_label)
    ):
        rows[outlet_id].append(ProductRow(None, variant_id, name, label, left=int(units)))
    return {
        outlet_id: reminder_link(
            group,
            OutletLedger(outlet, sorted(rows[outlet_id], key=row_order), [], [], [], Freshness()),
            today,
        )
        for outlet_id, outlet in due.items()
    }
