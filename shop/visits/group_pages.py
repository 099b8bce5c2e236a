"""The visited group's side: its monitoring visits and their
recommendations, which any member marks done. Loaded through the membership,
so anyone else gets a 404."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.core.clock import jakarta_today
from shop.groups.queries import get_membership_or_404
from shop.transaction import commit_or_show
from shop.visits import queries, services
from shop.visits.forms import DoneForm
from shop.visits.manage import send_visit_photo


def done_form(follow_up_id: int, formdata=None) -> DoneForm:
    """The form under one recommendation (its own prefix, so ids differ)."""
    if formdata is None:
        return DoneForm(formdata=None, prefix=f"fu{follow_up_id}")
    return DoneForm(prefix=f"fu{follow_up_id}")


def _render(membership, failed: DoneForm | None = None, failed_id: int | None = None):
    group = membership.group
    visits = queries.visits_of(group)
    forms = {
        f.id: failed if f.id == failed_id and failed is not None else done_form(f.id)
        for v in visits
        for f in v.follow_ups
        if not f.is_done
    }
    return render_template(
        "visits/group/visits.html",
        group=group,
        membership=membership,
        visits=visits,
        forms=forms,
        today=jakarta_today(),
    )


@login_required
def visits(slug: str):
    return _render(get_membership_or_404(slug))


@login_required
def photo(slug: str, visit_id: int, photo_id: int):
    group = get_membership_or_404(slug).group
    return send_visit_photo(queries.get_visit_of_group_or_404(group, visit_id), photo_id)


@login_required
def mark_done(slug: str, follow_up_id: int):
    membership = get_membership_or_404(slug)
    follow_up = queries.get_follow_up_of_group_or_404(membership.group, follow_up_id)
    form = done_form(follow_up.id, formdata=True)
    if form.validate_on_submit():
        done = commit_or_show(
            form, lambda: services.mark_done(follow_up, form.note.data or "", by=current_user)
        )
        back = url_for("visits.group_visits", slug=slug) + f"#fu-{follow_up_id}"
        if done is not None:
            flash(_("Marked done. Your coordinator can see it."), "success")
            return redirect(back, 303)
        if form.form_errors:
            # Refused whole (done already, by another member): no form to show it on.
            for message in form.form_errors:
                flash(message, "error")
            return redirect(back, 303)
    return _render(membership, form, follow_up_id)
