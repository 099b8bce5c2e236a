"""The coordinator's pages of bulk requests: the requests in their regions,
one request with its offers and the groups told, and inviting a group in
their scope to answer. Outside the scope: 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.bulk import queries, services
from shop.bulk.forms import InviteForm
from shop.coordinators.scope import coordinator_required, current_scope, get_group_in_scope_or_404
from shop.transaction import commit_or_show


@coordinator_required
def requests():
    return render_template(
        "bulk/coordinate/list.html", rows=queries.requests_in_scope(current_scope())
    )


def _invite_form(scope, bulk) -> InviteForm:
    form = InviteForm()
    groups = queries.invitable_groups(scope, bulk) if bulk.is_open else []
    form.group.choices = [("", _("Choose a group"))] + [
        (g.slug, f"{g.name} · {g.regency.name}") for g in groups
    ]
    return form


@coordinator_required
def request_page(number: str):
    scope = current_scope()
    bulk = queries.get_request_in_scope_or_404(scope, number)
    form = _invite_form(scope, bulk)
    return _render(bulk, form)


def _render(bulk, form):
    return render_template(
        "bulk/coordinate/request.html",
        bulk=bulk,
        offers=queries.offers_of(bulk),
        told=queries.told_groups(bulk),
        form=form,
    )


@coordinator_required
def invite(number: str):
    scope = current_scope()
    bulk = queries.get_request_in_scope_or_404(scope, number)
    form = _invite_form(scope, bulk)
    if not form.validate_on_submit():
        return _render(bulk, form), 422
    slug = form.group.data
    if not slug or len(slug) > 80:
        abort(404)
    group = get_group_in_scope_or_404(slug)
    invited = commit_or_show(
        form, lambda: services.invite_group(bulk, group, current_user._get_current_object())
    )
    if invited is None:
        return _render(bulk, form), 422
    flash(_("%(group)s has been told of this request.", group=group.name), "success")
    return redirect(url_for("bulk.coordinate_request", number=bulk.number), 303)
