"""A member's own page of order alerts: which alerts they get, on which
channel, and turning notifications on or off on the phone they hold."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.accounts.forms import MESSAGE_LANGUAGES
from shop.groups import queries
from shop.groups.alert_choices import alert_choices, set_alert_choices
from shop.groups.forms import AlertChoicesForm
from shop.groups.models import AlertChannel
from shop.notify.forms import NewPushSubscriptionForm, PushSubscriptionForm, subscription_answer
from shop.notify.messaging import whatsapp_enabled
from shop.notify.push import (
    push_enabled,
    subscribe,
    subscribed_in,
    subscription_count,
    unsubscribe,
)
from shop.transaction import commit_or_raise


@login_required
def alerts(slug: str):
    membership = queries.get_membership_or_404(slug)
    group = membership.group
    form = AlertChoicesForm()
    channels = [AlertChannel.WHATSAPP] + ([AlertChannel.PUSH] if push_enabled() else [])
    if form.validate_on_submit():

        def save() -> None:
            for channel in channels:
                set_alert_choices(membership, channel, form.chosen(channel))

        commit_or_raise(save)
        flash(_("Your alert choices are saved."), "success")
        return redirect(url_for("groups.alerts", slug=group.slug))
    if not form.is_submitted():
        choices = alert_choices(membership)
        for channel in channels:
            form.fill(channel, choices[channel])
    user = current_user
    push_on = AlertChannel.PUSH in channels
    language = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return render_template(
        "groups/manage/alerts.html",
        group=group,
        membership=membership,
        form=form,
        whatsapp_on=whatsapp_enabled(),
        push_on=push_on,
        phones=subscription_count(user.id) if push_on else 0,
        push_here=push_on and subscribed_in(user.login_session.id),
        my_language=MESSAGE_LANGUAGES[language],
        my_number=user.phone if user.phone and user.phone_verified_at else None,
    )


@login_required
def push_subscribe(slug: str):
    """Turn notifications on for the browser that posts its subscription,
    for as long as this log-in lasts."""
    membership = queries.get_membership_or_404(slug)
    if not push_enabled():
        return redirect(url_for("groups.alerts", slug=slug), 303)
    form = NewPushSubscriptionForm()
    ok = form.validate_on_submit()
    if ok:
        commit_or_raise(
            lambda: subscribe(
                current_user.id,
                current_user.login_session.id,
                form.endpoint.data,
                form.p256dh.data,
                form.auth.data,
                request.user_agent.string or "",
            )
        )
    return subscription_answer(
        ok,
        form,
        url_for("groups.alerts", slug=membership.group.slug),
        _("Notifications are on on this phone."),
    )


@login_required
def push_unsubscribe(slug: str):
    """Turn notifications off for the browser that posts its endpoint."""
    membership = queries.get_membership_or_404(slug)
    form = PushSubscriptionForm()
    ok = form.validate_on_submit()
    if ok:
        commit_or_raise(lambda: unsubscribe(current_user.id, form.endpoint.data))
    return subscription_answer(
        ok,
        form,
        url_for("groups.alerts", slug=membership.group.slug),
        _("Notifications are off on this phone."),
    )
