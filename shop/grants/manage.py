"""Coordinator pages of grants: a group's grants and what each bought, for
the coordinators whose scope holds the group and the operator (404 for
anyone else, as for a group that does not exist)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.coordinators.scope import coordinator_required, get_group_in_scope_or_404
from shop.core.clock import jakarta_today
from shop.grants import services
from shop.grants.forms import GrantForm, ItemForm
from shop.grants.queries import (
    get_grant_or_404,
    get_item_or_404,
    get_photo_or_404,
    grants_of,
)
from shop.transaction import commit_or_raise, commit_or_show


def _acting_user():
    return current_user._get_current_object()


def _to_grants(slug: str):
    return redirect(url_for("grants.group_grants", slug=slug), 303)


@coordinator_required
def group_grants(slug: str):
    group = get_group_in_scope_or_404(slug)
    return render_template(
        "grants/manage/grants.html", group=group, grants=grants_of(group), editable=True
    )


@coordinator_required
def grant_new(slug: str):
    group = get_group_in_scope_or_404(slug)
    form = GrantForm()
    if not form.is_submitted():
        form.funding_year.data = jakarta_today().year
    if form.validate_on_submit():
        grant = commit_or_show(
            form, lambda: services.add_grant(group, form.details(), by=_acting_user())
        )
        if grant is not None:
            flash(_("The grant has been recorded. Now add what it bought."), "success")
            return _to_grants(slug)
    return render_template("grants/manage/grant_form.html", group=group, form=form, grant=None)


@coordinator_required
def grant_edit(slug: str, grant_id: int):
    group = get_group_in_scope_or_404(slug)
    grant = get_grant_or_404(group, grant_id)
    form = GrantForm(obj=grant)
    if form.validate_on_submit():
        changed = commit_or_show(
            form, lambda: services.change_grant(grant, form.details(), by=_acting_user())
        )
        if changed is not None:
            flash(_("The grant has been saved."), "success")
            return _to_grants(slug)
    return render_template("grants/manage/grant_form.html", group=group, form=form, grant=grant)


@coordinator_required
def grant_remove(slug: str, grant_id: int):
    group = get_group_in_scope_or_404(slug)
    grant = get_grant_or_404(group, grant_id)
    commit_or_raise(lambda: services.remove_grant(grant, by=_acting_user()))
    flash(_("The grant and what it bought have been removed."), "success")
    return _to_grants(slug)


@coordinator_required
def item_new(slug: str, grant_id: int):
    group = get_group_in_scope_or_404(slug)
    grant = get_grant_or_404(group, grant_id)
    form = ItemForm()
    if form.validate_on_submit():
        item = commit_or_show(
            form,
            lambda: services.add_item(grant, form.details(), form.photos.data, by=_acting_user()),
        )
        if item is not None:
            flash(_("The equipment has been recorded."), "success")
            return _to_grants(slug)
    return render_template(
        "grants/manage/item_form.html", group=group, grant=grant, form=form, item=None
    )


@coordinator_required
def item_edit(slug: str, grant_id: int, item_id: int):
    group = get_group_in_scope_or_404(slug)
    grant = get_grant_or_404(group, grant_id)
    item = get_item_or_404(grant, item_id)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        changed = commit_or_show(
            form,
            lambda: services.change_item(item, form.details(), form.photos.data, by=_acting_user()),
        )
        if changed is not None:
            flash(_("The equipment has been saved."), "success")
            return _to_grants(slug)
    return render_template(
        "grants/manage/item_form.html", group=group, grant=grant, form=form, item=item
    )


@coordinator_required
def item_remove(slug: str, grant_id: int, item_id: int):
    group = get_group_in_scope_or_404(slug)
    item = get_item_or_404(get_grant_or_404(group, grant_id), item_id)
    commit_or_raise(lambda: services.remove_item(item, by=_acting_user()))
    flash(_("The equipment has been removed."), "success")
    return _to_grants(slug)


@coordinator_required
def item_photo_remove(slug: str, grant_id: int, item_id: int, photo_id: int):
    group = get_group_in_scope_or_404(slug)
    item = get_item_or_404(get_grant_or_404(group, grant_id), item_id)
    photo = get_photo_or_404(item, photo_id)
    commit_or_raise(lambda: services.remove_item_photo(item, photo, by=_acting_user()))
    flash(_("The photo has been removed."), "success")
    return redirect(url_for("grants.item_edit", slug=slug, grant_id=grant_id, item_id=item_id), 303)
