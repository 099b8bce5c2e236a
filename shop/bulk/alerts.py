"""What a bulk request's people hear: the groups told of a request (their
members by email, the group's and the members' WhatsApp numbers and their
phones, as for a new order), and the requester (the private link, a new
offer). Built and queued in the service's transaction through the outbox;
delivered after the commit."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from shop.bulk.models import BulkOffer, BulkRequest
from shop.core.templating import absolute_url
from shop.groups.alert_choices import (
    member_contacts,
    push_subscriptions,
    whatsapp_numbers,
)
from shop.groups.models import AlertKind, Group
from shop.i18n.formatting import rupiah
from shop.notify.messaging import E164, email_message, queue_all, whatsapp_message
from shop.notify.models import OutboxMessage
from shop.notify.push import push_enabled, push_message


def request_url(request: BulkRequest) -> str:
    """The requester's private page."""
    return absolute_url("bulk.request_page", number=request.number, key=request.key)


def notify_groups(request: BulkRequest, groups: Iterable[Group]) -> list[OutboxMessage]:
    """Tell each group of `request`: who gets a new-order alert on each
    channel gets this one (shop.groups.alert_choices), one read of the members."""
    groups = list(groups)
    contacts = member_contacts(g.id for g in groups)
    messages: list[OutboxMessage | None] = []
    for group in groups:
        members = contacts.get(group.id, [])
        url = absolute_url("bulk.manage_request", slug=group.slug, number=request.number)
        context = {"request": request, "group": group, "manage_url": url}
        # Each member in their own language, as the order alerts are.
        messages += [
            email_message(
                "bulk_request",
                m.email,
                "bulk_request",
                {**context, "member_name": m.name},
                m.language,
            )
            for m in members
            if m.email
        ]
        # Only the group's verified number hears of requests, as of orders.
        verified = group.alert_number
        group_number = verified if E164.fullmatch(verified or "") else None
        params = [request.number, request.institution, str(request.quantity), request.title, url]
        messages += [
            whatsapp_message("bulk_request", number, "group_bulk_request", params, locale)
            for number, locale in whatsapp_numbers(group_number, members, AlertKind.NEW_ORDER)
        ]
        if push_enabled():
            # A path: the worker opens it on the site the notification came from.
            path = current_app.url_map.bind("localhost").build(
                "bulk.manage_request", {"slug": group.slug, "number": request.number}
            )
            for target, locale in push_subscriptions(members, AlertKind.NEW_ORDER):
                with force_locale(locale):
                    title = _("Bulk request %(number)s", number=request.number)
                body = f"{request.institution} · {request.quantity} × {request.title}"
                messages.append(
                    push_message(
                        "push_bulk_request", target, title, body, path, locale, tag=request.number
                    )
                )
    return queue_all(messages)


def send_link(request: BulkRequest, channel: str, contact: str) -> list[OutboxMessage]:
    """The private link to the requester's page, where codes went."""
    url = request_url(request)
    if channel == "whatsapp":
        message = whatsapp_message(
            "bulk_link", contact, "bulk_request_link", [request.number, url], request.locale
        )
    else:
        message = email_message(
            "bulk_link",
            contact,
            "bulk_request_link",
            {"request": request, "request_url": url},
            request.locale,
        )
    return queue_all([message])


def notify_offer(offer: BulkOffer) -> list[OutboxMessage]:
    """A new offer: the requester hears of it by email when they gave one."""
    request = offer.request
    with force_locale(request.locale):
        price = rupiah(offer.unit_price)
    return queue_all(
        [
            email_message(
                "bulk_offer",
                request.contact_email,
                "bulk_offer",
                {
                    "request": request,
                    "offer": offer,
                    "price": price,
                    "request_url": request_url(request),
                },
                request.locale,
            )
        ]
    )
