"""The group's consignment pages: outlets, drop-offs, visits and the ledger.

Any member of the group (ketua or anggota) may use them. Every outlet, note
and visit is loaded through the member's group (views.get_*_or_404), so
another group's is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from shop.consignment import ledger, reminders, services
from shop.consignment.forms import CountRow, DropOffForm, ItemRow, OutletForm, VisitForm
from shop.consignment.models import Outlet
from shop.consignment.views import (
    get_consignment_or_404,
    get_outlet_or_404,
    get_visit_or_404,
)
from shop.consignment.workflow import NOTE_FLOW, OUTLET_FLOW, VISIT_FLOW, NoteFacts, VisitFacts
from shop.core.clock import jakarta_today
from shop.groups.queries import get_membership_or_404
from shop.i18n.formatting import rupiah
from shop.i18n.forms import BaseForm
from shop.regions.fields import region_refresh_requested
from shop.transaction import commit_or_flash, commit_or_show


def _outlet_page(slug: str, outlet: Outlet, **args):
    return redirect(url_for("consignment.outlet", slug=slug, outlet_id=outlet.id, **args))


# The ledger


@login_required
def overview(slug: str):
    group = get_membership_or_404(slug).group
    archived = request.args.get("arsip") == "1"
    today = jakarta_today()
    book = ledger.group_ledger(group, archived=archived)
    return render_template(
        "consignment/overview.html",
        group=group,
        ledger=book,
        archived=archived,
        archived_count=None if archived else ledger.archived_count(group),
        reminders={} if archived else reminders.reminder_links(group, book, today),
        today=today,
        confirm=BaseForm(),
    )


@login_required
def outlet(slug: str, outlet_id: int):
    group = get_membership_or_404(slug).group
    outlet = get_outlet_or_404(group, outlet_id)
    today = jakarta_today()
    book = ledger.outlet_ledger(outlet)
    new_number = request.args.get("nota", "")
    new_note = next((c for c in book.consignments if c.number == new_number), None)
    due_on = book.visit_due_on()
    return render_template(
        "consignment/outlet.html",
        group=group,
        outlet=outlet,
        ledger=book,
        today=today,
        due_on=due_on,
        due=book.visit_due(today),
        reminder=reminders.reminder_link(group, book, today),
        latest_visit=book.latest_visit,
        new_note=new_note,
        confirm=BaseForm(),
        outlet_moves=OUTLET_FLOW.offered(outlet),
        note_moves={c.id: NOTE_FLOW.offered(NoteFacts.of(c)) for c in book.consignments},
        visit_moves={
            v.id: VISIT_FLOW.offered(VisitFacts.of(v, book.latest_visit)) for v in book.visits
        },
    )


# Outlets


@login_required
def create_outlet(slug: str):
    group = get_membership_or_404(slug).group
    form = OutletForm()
    if request.method == "GET":
        form.province.data, form.regency.data = group.province_code, group.regency_code
        form.fill_region_choices()
    if not region_refresh_requested(form) and form.validate_on_submit():
        created = commit_or_show(form, lambda: services.create_outlet(group, form.to_data()))
        if created is not None:
            flash(
                _("“%(name)s” is added. Now record the goods you leave there.", name=created.name),
                "success",
            )
            return _outlet_page(slug, created)
    return render_template("consignment/outlet_form.html", group=group, form=form, outlet=None)


@login_required
def edit_outlet(slug: str, outlet_id: int):
    group = get_membership_or_404(slug).group
    outlet = get_outlet_or_404(group, outlet_id)
    form = OutletForm(obj=outlet)
    if not region_refresh_requested(form) and form.validate_on_submit():
        saved = commit_or_show(form, lambda: services.update_outlet(outlet, form.to_data()))
        if saved is not None:
            flash(_("Your changes are saved."), "success")
            return _outlet_page(slug, outlet)
    return render_template("consignment/outlet_form.html", group=group, form=form, outlet=outlet)


@login_required
def archive_outlet(slug: str, outlet_id: int):
    group = get_membership_or_404(slug).group
    outlet = get_outlet_or_404(group, outlet_id)
    if BaseForm().validate_on_submit():
        if commit_or_flash(
            lambda: services.archive_outlet(outlet),
            _("“%(name)s” is archived.", name=outlet.name),
        ):
            return redirect(url_for("consignment.overview", slug=slug))
    return _outlet_page(slug, outlet)


@login_required
def restore_outlet(slug: str, outlet_id: int):
    group = get_membership_or_404(slug).group
    outlet = get_outlet_or_404(group, outlet_id)
    if BaseForm().validate_on_submit():
        commit_or_flash(
            lambda: services.restore_outlet(outlet),
            _("“%(name)s” is back on the list.", name=outlet.name),
        )
    return _outlet_page(slug, outlet)


# Drop-offs


def _stale(slug: str, outlet: Outlet, stale: services.StaleForm):
    """The form was sent again after it was saved: nothing more is saved, and
    the outlet's page shows what was (the transaction helper rolled back)."""
    flash(str(stale.message), "info")
    return _outlet_page(slug, outlet)


def _refused(slug: str, outlet: Outlet, move: str):
    """The outlet's page with the refusal, if its state table refuses `move`
    (an archived outlet); None if the form may be shown."""
    refusal = OUTLET_FLOW.refusal(outlet, move)
    if refusal is None:
        return None
    flash(refusal.message, "error")
    return _outlet_page(slug, outlet)


def _submit(form, rows: dict, save):
    """When the form was sent and it and all its rows are valid, run `save`
    (one service call) and commit: its result, or None to show the form
    (again) with the refusal on it. StaleForm is the caller's to handle."""
    # `&`, not `and`: every row is validated, so every row shows its errors.
    if form.is_submitted() and form.validate() & all([row.validate() for row in rows.values()]):
        return commit_or_show(form, save)
    return None


@login_required
def leave_goods(slug: str, outlet_id: int):
    group = get_membership_or_404(slug).group
    outlet = get_outlet_or_404(group, outlet_id)
    if (refused := _refused(slug, outlet, "titip")) is not None:
        return refused
    variants = ledger.variants_to_leave(group)
    form = DropOffForm()
    formdata = request.form if form.is_submitted() else None
    rows = {
        variant.id: ItemRow(
            formdata=formdata, prefix=f"item-{variant.id}-", data={"unit_price": variant.price}
        )
        for variant, _product in variants
    }
    if request.method == "GET":
        form.left_on.data = jakarta_today()
        form.shown_after.data = str(services.latest_consignment_id(outlet))
    try:
        note = _submit(
            form,
            rows,
            lambda: services.leave_goods(
                group,
                outlet,
                form.left_on.data,
                form.to_items(rows),
                form.note.data or "",
                by=current_user,
                shown_after=form.shown_after_id(),
            ),
        )
    except services.StaleForm as stale:
        return _stale(slug, outlet, stale)
    if note is not None:
        flash(
            ngettext(
                "Note %(number)s is saved: %(num)d unit left at %(outlet)s, worth %(value)s. "
                "Print the nota for the owner to sign.",
                "Note %(number)s is saved: %(num)d units left at %(outlet)s, worth %(value)s. "
                "Print the nota for the owner to sign.",
                note.total_quantity,
                number=note.number,
                outlet=outlet.name,
                value=rupiah(note.total_value),
            ),
            "success",
        )
        return _outlet_page(slug, outlet, nota=note.number)
    return render_template(
        "consignment/leave_goods.html",
        group=group,
        outlet=outlet,
        form=form,
        rows=[(variant, product, rows[variant.id]) for variant, product in variants],
    )


@login_required
def cancel_consignment(slug: str, number: str):
    group = get_membership_or_404(slug).group
    consignment = get_consignment_or_404(group, number[:16])
    outlet = consignment.outlet
    if BaseForm().validate_on_submit():
        commit_or_flash(
            lambda: services.cancel_consignment(consignment),
            _("Note %(number)s is cancelled; its goods are back in stock.", number=number.upper()),
        )
    return _outlet_page(slug, outlet)


# Visits


@login_required
def record_visit(slug: str, outlet_id: int):
    group = get_membership_or_404(slug).group
    outlet = get_outlet_or_404(group, outlet_id)
    if (refused := _refused(slug, outlet, "kunjungan")) is not None:
        return refused
    book = ledger.outlet_ledger(outlet)
    form = VisitForm()
    formdata = request.form if form.is_submitted() else None
    rows = {
        open_line.line.id: CountRow(formdata=formdata, prefix=f"line-{open_line.line.id}-")
        for open_line in book.open_lines
    }
    if request.method == "GET":
        form.visited_on.data = jakarta_today()
        form.shown_after.data = str(book.latest_visit.id if book.latest_visit else 0)
    try:
        visit = _submit(
            form,
            rows,
            lambda: services.record_visit(
                group,
                outlet,
                form.visited_on.data,
                form.to_counts(rows),
                form.money_received.data or 0,
                form.note.data or "",
                by=current_user,
                shown_after=form.shown_after_id(),
            ),
        )
    except services.StaleForm as stale:
        return _stale(slug, outlet, stale)
    if visit is not None:
        flash(
            _(
                "The visit is recorded: %(sold)s sold, %(received)s received. "
                "Still owed: %(owed)s.",
                sold=rupiah(visit.sold_value),
                received=rupiah(visit.money_received),
                owed=rupiah(outlet.owed),
            ),
            "success",
        )
        return _outlet_page(slug, outlet)
    return render_template(
        "consignment/visit.html",
        group=group,
        outlet=outlet,
        ledger=book,
        form=form,
        rows=[(open_line, rows[open_line.line.id]) for open_line in book.open_lines],
    )


@login_required
def undo_visit(slug: str, outlet_id: int, visit_id: int):
    group = get_membership_or_404(slug).group
    outlet = get_outlet_or_404(group, outlet_id)
    visit = get_visit_or_404(outlet, visit_id)
    if BaseForm().validate_on_submit():
        commit_or_flash(
            lambda: services.undo_visit(visit),
            _("The visit is taken back: its sales, returns and money are undone."),
        )
    return _outlet_page(slug, outlet)
