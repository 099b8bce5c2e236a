"""The group's pages of bulk requests: the requests it may answer and its
offers, one request with the offer form, and what it can make a week.

Any member may read them and offer; the capacity is the ketua's to declare.
A request the group may not see is a 404, like one that does not exist.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from shop.bulk import queries, services
from shop.bulk.forms import CapacityForm, OfferForm
from shop.bulk.matching import answerable
from shop.bulk.models import BulkRequest
from shop.catalogue.models import Category
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import DeliveryMethod, Group
from shop.groups.queries import get_membership_or_404
from shop.transaction import commit_or_show


@login_required
def manage_requests(slug: str):
    membership = get_membership_or_404(slug)
    group = membership.group
    return render_template(
        "bulk/manage/list.html",
        group=group,
        rows=queries.requests_for_group(group),
        capacities=queries.capacities_of(group),
        is_leader=membership.is_leader,
    )


def _offer_form(group: Group, bulk: BulkRequest) -> OfferForm:
    form = OfferForm()
    form.delivery_method.choices = [(m.value, m.label) for m in group.delivery_methods]
    if not form.is_submitted():
        form.quantity.data = bulk.remaining
        form.ready_by.data = bulk.needed_by
        form.unit_price.data = bulk.budget_per_unit
        if len(group.delivery_methods) == 1:
            form.delivery_method.data = group.delivery_methods[0].value
    return form


def _can_answer(group: Group, bulk: BulkRequest) -> bool:
    stmt = select(BulkRequest.id).where(BulkRequest.id == bulk.id, answerable(group))
    return db.session.scalar(stmt) is not None


@login_required
def manage_request(slug: str, number: str):
    membership = get_membership_or_404(slug)
    group = membership.group
    bulk, offer = queries.get_request_for_group_or_404(group, number)
    form = _offer_form(group, bulk) if offer is None else None
    if form is not None and form.validate_on_submit():
        draft = services.OfferDraft(
            unit_price=form.unit_price.data,
            quantity=form.quantity.data,
            ready_by=form.ready_by.data,
            delivery_method=DeliveryMethod(form.delivery_method.data),
            delivery_fee=form.delivery_fee.data,
            note=form.note.data or "",
        )
        made = commit_or_show(
            form,
            lambda: services.make_offer(bulk, group, draft, current_user._get_current_object()),
        )
        if made is not None:
            flash(_("Your offer has been sent to %(who)s.", who=bulk.institution), "success")
            return redirect(url_for("bulk.manage_request", slug=slug, number=bulk.number), 303)
    return render_template(
        "bulk/manage/request.html",
        group=group,
        bulk=bulk,
        offer=offer,
        form=form,
        can_answer=offer is None and _can_answer(group, bulk),
        today=jakarta_today(),
    )


@login_required
def manage_capacity(slug: str):
    membership = get_membership_or_404(slug, leader=True)
    group = membership.group
    form = CapacityForm()
    if form.validate_on_submit():
        done = commit_or_show(
            form,
            lambda: (
                services.set_capacity(
                    group,
                    Category(form.category.data),
                    form.weekly_quantity.data,
                    current_user._get_current_object(),
                )
                or True
            ),
        )
        if done:
            flash(_("Saved. Requests that fit reach your group from now on."), "success")
            return redirect(url_for("bulk.manage_capacity", slug=slug), 303)
    return render_template(
        "bulk/manage/capacity.html",
        group=group,
        form=form,
        capacities=queries.capacities_of(group),
    )
