"""What the WhatsApp Cloud API reports about messages it accepted.

Meta's status webhook says, per message id ("wamid…"), that a message was
sent, delivered, read or failed. The state only moves forward (the webhook
may repeat itself or arrive out of order), and a failure after acceptance (a
number without WhatsApp, for instance) marks the outbox row failed with
Meta's reason, where `flask notify list` shows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select

from shop.extensions import db
from shop.notify.delivery import ERROR_MAX
from shop.notify.models import OutboxChannel, OutboxMessage, OutboxStatus

# How far along a message is; a report never moves it back.
STATUS_RANK = {"": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 3}


def _statuses(payload: Any) -> Iterator[Mapping[str, Any]]:
    """The status reports in a webhook body (anything else is ignored)."""
    for entry in _items(payload, "entry"):
        for change in _items(entry, "changes"):
            for status in _items(change.get("value"), "statuses"):
                if status.get("status") in STATUS_RANK:
                    yield status


def _items(node: Any, key: str) -> list[Mapping[str, Any]]:
    """The objects in `node[key]`, a list; nothing for anything malformed."""
    items = node.get(key) if isinstance(node, Mapping) else None
    return [item for item in items if isinstance(item, Mapping)] if isinstance(items, list) else []


def _failure_reason(status: Mapping[str, Any]) -> str:
    errors = status.get("errors") or [{}]
    error = errors[0] if isinstance(errors[0], Mapping) else {}
    details = (error.get("error_data") or {}).get("details") or ""
    title = error.get("title") or error.get("message") or "no reason given"
    reason = f"WhatsApp reported the message failed, error {error.get('code')}: {title}"
    if details and details not in reason:
        reason += f" ({details})"
    return reason[:ERROR_MAX]


def record_statuses(payload: Any) -> int:
    """Apply the status reports of one webhook body; how many rows changed.

    Flushes, does not commit. Ids we never sent are ignored.
    """
    reports = [s for s in _statuses(payload) if isinstance(s.get("id"), str) and s["id"]]
    if not reports:
        return 0
    rows = {
        row.provider_message_id: row
        for row in db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.channel == OutboxChannel.WHATSAPP.value,
                OutboxMessage.provider_message_id.in_({s["id"] for s in reports}),
            )
        )
    }
    changed = 0
    for report in reports:
        row = rows.get(report["id"])
        status = report["status"]
        if row is None or STATUS_RANK[status] <= STATUS_RANK.get(row.provider_status, 0):
            continue
        row.provider_status = status
        if status == "failed":
            row.status = OutboxStatus.FAILED
            row.last_error = _failure_reason(report)
        changed += 1
    db.session.flush()
    return changed
