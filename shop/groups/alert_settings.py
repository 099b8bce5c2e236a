"""A member's own page of order alerts: which alerts they get, on which channel."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.groups import queries
from shop.groups.alert_choices import alert_choices, set_alert_choices
from shop.groups.forms import AlertChoicesForm
from shop.groups.models import AlertChannel
from shop.notify.messaging import whatsapp_enabled
from shop.transaction import commit_or_raise


@login_required
def alerts(slug: str):
    membership = queries.get_membership_or_404(slug)
    group = membership.group
    form = AlertChoicesForm()
    if form.validate_on_submit():
        commit_or_raise(
            lambda: set_alert_choices(
                membership, AlertChannel.WHATSAPP, form.chosen(AlertChannel.WHATSAPP)
            )
        )
        flash(_("Your alert choices are saved."), "success")
        return redirect(url_for("groups.alerts", slug=group.slug))
    if not form.is_submitted():
        form.fill(AlertChannel.WHATSAPP, alert_choices(membership)[AlertChannel.WHATSAPP])
    user = current_user
    return render_template(
        "groups/manage/alerts.html",
        group=group,
        membership=membership,
        form=form,
        whatsapp_on=whatsapp_enabled(),
        my_number=user.phone if user.phone and user.phone_verified_at else None,
    )
