"""The page where a ketua verifies the group's own WhatsApp number: its
status, a button that sends a code to it, and the box to type the code in."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.accounts.recovery_forms import ButtonForm, CodeForm
from shop.accounts.recovery_views import limited
from shop.groups import group_number, queries
from shop.notify.messaging import whatsapp_enabled
from shop.transaction import commit_or_flash, commit_or_show


def _page(slug: str) -> str:
    return url_for("groups.whatsapp_number", slug=slug)


@login_required
@limited
def whatsapp_number(slug: str):
    membership = queries.get_membership_or_404(slug, leader=True)
    group = membership.group
    form = CodeForm()
    status = group_number.number_status(group)
    if form.validate_on_submit():
        phone = commit_or_show(
            form, lambda: group_number.verify_group_number(group, form.code.data, current_user)
        )
        if phone is not None:
            flash(
                _("The group’s WhatsApp number is verified. Order alerts now go to it."),
                "success",
            )
            return redirect(_page(slug), 303)
    response = render_template(
        "groups/manage/whatsapp_number.html",
        group=group,
        form=form,
        send=ButtonForm(prefix="send"),
        status=status.value,
        whatsapp_on=whatsapp_enabled(),
        pending=group_number.code_pending(group),
        wait=group_number.resend_wait(group),
    )
    # A code's form and the group's number: never kept by a shared cache.
    return response, {"Cache-Control": "private, no-store"}


@login_required
@limited
def send_whatsapp_code(slug: str):
    membership = queries.get_membership_or_404(slug, leader=True)
    group = membership.group
    if ButtonForm(prefix="send").validate_on_submit():
        commit_or_flash(
            lambda: group_number.send_group_code(group, current_user, str(get_locale())),
            _("A code is on its way to the group’s WhatsApp number."),
        )
    return redirect(_page(slug), 303)
