"""The group's QRIS page: add it from a photo of the sticker or its text,
confirm the merchant it names, save it, remove it. For the ketua; another
group's page is a 404."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.db_events import reading
from shop.errors import DomainError, apply_to_form
from shop.groups import queries, services
from shop.groups.forms import ConfirmForm, QrisConfirmForm, QrisForm
from shop.groups.models import Group
from shop.groups.qris import read_static, read_sticker
from shop.transaction import commit_or_flash, commit_or_show


def _page(group: Group, form: QrisForm):
    current = read_static(group.qris_payload) if group.qris_payload else None
    return render_template(
        "groups/manage/qris.html", group=group, current=current, form=form, confirm=ConfirmForm()
    )


@login_required
def qris(slug: str):
    group = queries.get_membership_or_404(slug, leader=True).group
    return _page(group, QrisForm())


def check_qris(slug: str):
    """Read the photo or the text and show the merchant to confirm. Nothing
    is written, so on SQLite the request reads without the write lock while
    the photo is decoded (about 0.1 s)."""
    with reading():
        return _check_qris(slug)


@login_required
def _check_qris(slug: str):
    group = queries.get_membership_or_404(slug, leader=True).group
    form = QrisForm()
    if not form.validate_on_submit():
        return _page(group, form), 422
    try:
        if form.photo.data:
            merchant = read_sticker(form.photo.data, field="photo")
        else:
            merchant = read_static(form.payload.data)
    except DomainError as refused:
        refused.field = refused.field or "payload"
        apply_to_form(form, refused)
        return _page(group, form), 422
    return render_template(
        "groups/manage/qris_confirm.html",
        group=group,
        merchant=merchant,
        # Not bound to this request's form, whose own (empty) text box is also named payload.
        form=QrisConfirmForm(formdata=None, payload=merchant.payload),
    )


@login_required
def save_qris(slug: str):
    group = queries.get_membership_or_404(slug, leader=True).group
    confirmed = QrisConfirmForm()
    form = QrisForm(formdata=None)
    if confirmed.validate_on_submit():
        saved = commit_or_show(
            form,
            lambda: services.save_qris(group, confirmed.payload.data or "", current_user),
        )
        if saved is not None:
            flash(
                _("Your QRIS is saved. Buyers can now choose QRIS and get a code with the amount."),
                "success",
            )
            return redirect(url_for("groups.qris", slug=slug), 303)
    else:
        form.form_errors.extend(confirmed.form_errors)
    return _page(group, form), 422


@login_required
def remove_qris(slug: str):
    group = queries.get_membership_or_404(slug, leader=True).group
    if ConfirmForm().validate_on_submit():
        commit_or_flash(
            lambda: services.remove_qris(group, current_user),
            _("Your QRIS is removed. Buyers are no longer offered QRIS."),
        )
    return redirect(url_for("groups.qris", slug=slug), 303)
