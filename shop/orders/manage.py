"""The group's order pages: inbox, detail with the valid actions, packing slip, export.

Any member of the group (ketua or anggota) may use them; an order of another
group is a 404, exactly like an order that does not exist.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.core.clock import JAKARTA
from shop.core.downloads import private_download
from shop.core.pagination import page_arg
from shop.core.templating import absolute_url, wa_link
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import DeliveryMethod, Group
from shop.groups.queries import get_membership_or_404
from shop.orders import export, hooks, services
from shop.orders.forms import (
    ActionForm,
    CancelForm,
    ConfirmForm,
    InboxFilterForm,
    PaidForm,
    ShipForm,
)
from shop.orders.models import Order, OrderStatus
from shop.orders.queries import inbox_page, new_order_count
from shop.orders.workflow import ORDER_FLOW, awaits_payment
from shop.regions.models import District, Province, Regency
from shop.transaction import commit_or_flash
from shop.workflow import Action

INBOX_PAGE_SIZE = 20


def _new_order_count(group: Group) -> int:
    """The nav badge: one COUNT per management page."""
    return new_order_count(group)


# Reads


def get_order_for_group_or_404(group: Group, number: str, *options, lock: bool = False) -> Order:
    """The group's order by its number; another group's order is a 404.

    `lock` takes the row (FOR UPDATE on PostgreSQL) for an action, so two
    members pressing "Cancel" at once cannot both pass the state check and
    give the stock back twice: the second waits, then sees the new state.
    """
    order = None
    if len(number) <= 16:
        stmt = (
            select(Order)
            .where(Order.group_id == group.id, Order.number == number.upper())
            .options(*options)
        )
        if lock:
            stmt = stmt.with_for_update(of=Order)
        order = db.session.scalar(stmt)
    if order is None:
        abort(404)
    return order


def region_names(order: Order) -> list[str]:
    """District, regency and province of the buyer's address, those that are set."""
    row = db.session.execute(
        select(District.name, Regency.name, Province.name)
        .select_from(Order)
        .outerjoin(District, District.code == Order.district_code)
        .outerjoin(Regency, Regency.code == Order.regency_code)
        .outerjoin(Province, Province.code == Order.province_code)
        .where(Order.id == order.id)
    ).one()
    return [name for name in row if name]


def buyer_message(order: Order) -> str:
    """The WhatsApp text to the buyer, in the language the buyer ordered in."""
    with force_locale(order.locale or "id"):
        return _(
            "Hello %(name)s, this is %(group)s about your order %(number)s. "
            "Status: %(status)s. Details: %(url)s",
            name=order.buyer_name,
            group=order.group.name,
            number=order.number,
            status=str(order.status.label),
            url=absolute_url("orders.track", number=order.number, token=order.tracking_token),
        )


# Actions: the buttons the state table offers now, each with its form and its one service.


def _by():
    return current_user._get_current_object()


ACTIONS: dict[str, Action[Order]] = {
    "konfirmasi": Action(
        lambda o: ConfirmForm(needs_fee=o.delivery_method is DeliveryMethod.COURIER),
        lambda o, form, by: services.confirm_order(o, form.shipping_fee.data, by),
    ),
    "lunas": Action(
        lambda o: PaidForm(),
        lambda o, form, by: services.mark_paid(o, by, form.note.data or "", repeat=False),
    ),
    "kemas": Action(lambda o: ActionForm(), lambda o, form, by: services.mark_packed(o, by)),
    "kirim": Action(
        lambda o: ShipForm(needs_courier=o.delivery_method is DeliveryMethod.COURIER),
        lambda o, form, by: services.mark_shipped(
            o, form.courier.data or "", form.tracking_number.data or "", by
        ),
    ),
    "siap": Action(lambda o: ActionForm(), lambda o, form, by: services.mark_ready(o, by)),
    "selesai": Action(lambda o: ActionForm(), lambda o, form, by: services.complete_order(o, by)),
    "batal": Action(
        lambda o: CancelForm(),
        lambda o, form, by: services.cancel_order(o, form.reason.data or "", by),
    ),
}


def render_detail(group: Group, order: Order, failed: tuple[str, object] | None = None, **own):
    """The order's page with the buttons the state table offers now (`failed`:
    an action's form refused, drawn again with its errors). What payments
    show on it (proofs, refunds and their forms) comes from
    `hooks.GROUP_ORDER_PAGE`; `own` names win over theirs."""
    forms = {name: ACTIONS[name].form(order) for name in ORDER_FLOW.offered(order)}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "orders/manage/detail.html",
        group=group,
        order=order,
        forms=forms,
        regions=region_names(order),
        wa_url=wa_link(order.buyer_phone, buyer_message(order)),
        awaits_payment=order.status is OrderStatus.CONFIRMED and awaits_payment(order),
        **hooks.page_context(hooks.GROUP_ORDER_PAGE, order, **own),
    )


def detail_order(group: Group, number: str, *options, lock: bool = False) -> Order:
    """The order with what its page shows: lines, timeline (and `options`)."""
    return get_order_for_group_or_404(
        group,
        number,
        selectinload(Order.lines),
        selectinload(Order.events),
        *options,
        lock=lock,
    )


# Routes


@login_required
def manage_inbox(slug: str):
    group = get_membership_or_404(slug).group
    status = InboxFilterForm.read().status.data
    counts, pagination = inbox_page(group, status, page_arg(), INBOX_PAGE_SIZE)
    return render_template(
        "orders/manage/inbox.html",
        group=group,
        orders=pagination.items,
        counts=counts,
        status=status,
        statuses=list(OrderStatus),
        pagination=pagination,
    )


@login_required
def manage_order(slug: str, number: str):
    group = get_membership_or_404(slug).group
    return render_detail(group, detail_order(group, number))


@login_required
def manage_action(slug: str, number: str, action: str):
    if action not in ACTIONS:
        abort(404)
    group = get_membership_or_404(slug).group
    order = detail_order(group, number, lock=True)
    form = ACTIONS[action].form(order)
    if not form.validate_on_submit():
        return render_detail(group, order, failed=(action, form)), 422
    commit_or_flash(lambda: ACTIONS[action].run(order, form, _by()), ORDER_FLOW[action].done)
    return redirect(url_for("orders.manage_order", slug=slug, number=order.number), 303)


@login_required
def manage_slip(slug: str, number: str):
    group = get_membership_or_404(slug).group
    order = get_order_for_group_or_404(group, number, selectinload(Order.lines))
    return render_template(
        "orders/manage/slip.html", group=group, order=order, regions=region_names(order)
    )


@login_required
def manage_export(slug: str):
    group = get_membership_or_404(slug).group
    body = export.orders_csv(group, InboxFilterForm().status.data)
    filename = f"pesanan-{group.slug}-{utcnow().astimezone(JAKARTA):%Y%m%d}.csv"
    return private_download(body, name=filename, mimetype="text/csv")
