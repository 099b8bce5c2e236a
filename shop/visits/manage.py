"""Coordinator pages of monitoring visits: a group's visits, recording and
changing one, its photos, and the recommendations due in the scope. Every
visit is loaded through the scope, so one outside it is a 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.coordinators.scope import coordinator_required, current_scope, get_group_in_scope_or_404
from shop.core.clock import jakarta_today
from shop.media.evidence import send_evidence
from shop.transaction import commit_or_show
from shop.visits import queries, services
from shop.visits.forms import VisitForm, follow_up_row
from shop.visits.models import MonevVisit, Theme

THUMB_WIDTH = 320


def send_visit_photo(visit: MonevVisit, photo_id: int):
    """A photo of a visit the caller may read, privately; small with ?ukuran=kecil."""
    photo = next((p for p in visit.photos if p.id == photo_id), None)
    if photo is None:
        abort(404)
    width = THUMB_WIDTH if request.args.get("ukuran") == "kecil" else None
    return send_evidence(photo.image, None, name=f"kunjungan-{visit.id}-{photo.id}", width=width)


@coordinator_required
def group_visits(slug: str):
    group = get_group_in_scope_or_404(slug)
    return render_template(
        "visits/manage/group_visits.html",
        group=group,
        visits=queries.visits_of(group),
        today=jakarta_today(),
    )


def _render_form(form: VisitForm, group, visit: MonevVisit | None = None, rows=None):
    return render_template(
        "visits/manage/visit_form.html",
        form=form,
        group=group,
        visit=visit,
        rows=rows or {},
        themes=list(Theme),
        today=jakarta_today(),
    )


@coordinator_required
def new_visit(slug: str):
    group = get_group_in_scope_or_404(slug)
    form = VisitForm()
    if request.method == "GET":
        form.visited_on.data = jakarta_today()
    if request.method == "POST" and form.request_extra_row():
        return _render_form(form, group)
    if form.validate_on_submit():
        visit = commit_or_show(
            form,
            lambda: services.record_visit(
                group,
                form.to_data(),
                form.to_recommendations(),
                form.to_photos(),
                by=current_user,
            ),
        )
        if visit is not None:
            flash(_("The visit has been recorded; the group can see it."), "success")
            return redirect(url_for("visits.visit", visit_id=visit.id), 303)
    return _render_form(form, group)


@coordinator_required
def visit(visit_id: int):
    found = queries.get_visit_in_scope_or_404(current_scope(), visit_id)
    return render_template(
        "visits/manage/visit.html", visit=found, group=found.group, today=jakarta_today()
    )


@coordinator_required
def edit_visit(visit_id: int):
    scope = current_scope()
    posted = request.method == "POST"
    found = queries.get_visit_in_scope_or_404(scope, visit_id, lock=posted)
    open_ones = [f for f in found.follow_ups if not f.is_done]
    rows = {f.id: follow_up_row(f, request.form if posted else None) for f in open_ones}
    form = VisitForm() if posted else VisitForm(formdata=None)
    if not posted:
        form.load(found)
        while len(form.recommendations) > 1:
            form.recommendations.pop_entry()
    if posted and form.request_extra_row():
        return _render_form(form, found.group, found, rows)
    rows_ok = all([row.validate() for row in rows.values()]) if posted else False
    if form.validate_on_submit() and rows_ok:
        removed = frozenset(
            int(value)
            for value in request.form.getlist("remove_photo")
            if value.isascii() and value.isdigit() and len(value) <= 9
        )
        saved = commit_or_show(
            form,
            lambda: services.update_visit(
                found,
                form.to_data(),
                form.to_recommendations(rows),
                form.to_photos(),
                removed,
                by=current_user,
            ),
        )
        if saved is not None:
            flash(_("The visit has been saved."), "success")
            return redirect(url_for("visits.visit", visit_id=found.id), 303)
    return _render_form(form, found.group, found, rows)


@coordinator_required
def coordinator_photo(visit_id: int, photo_id: int):
    return send_visit_photo(queries.get_visit_in_scope_or_404(current_scope(), visit_id), photo_id)


@coordinator_required
def due():
    today = jakarta_today()
    pagination = queries.due_in_scope(current_scope(), today)
    return render_template(
        "visits/manage/due.html",
        follow_ups=pagination.items,
        pagination=pagination,
        today=today,
        soon_days=queries.DUE_SOON_DAYS,
    )
