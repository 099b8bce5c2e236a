"""The coordinator's list of a group's members, and the one-time password
reset link for one of them."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.recovery_forms import ButtonForm
from shop.coordinators.members import services
from shop.coordinators.scope import coordinator_required, get_group_in_scope_or_404
from shop.core.templating import absolute_url, wa_link
from shop.transaction import commit_or_raise


@coordinator_required
def members(slug: str):
    group = get_group_in_scope_or_404(slug)
    return render_template(
        "coordinators/members/members.html",
        group=group,
        memberships=services.group_members(group),
        form=ButtonForm(),
        hours=current_app.config["RESET_COORDINATOR_LINK_HOURS"],
    )


@coordinator_required
def member_reset_link(slug: str, user_id: int):
    group = get_group_in_scope_or_404(slug)
    member = services.member_of(group, user_id)
    # Coordinators recover their own accounts by email or WhatsApp, never
    # through a colleague.
    if member is None or member.coordinator is not None or member.id == current_user.id:
        abort(404)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    by = current_user._get_current_object()
    token = commit_or_raise(lambda: services.create_reset_link(member, group, by))
    link = absolute_url("recovery.reset_link", token=token)
    message = _(
        "Hello %(name)s, this is the link to set a new password for %(site)s. It works once, "
        "within %(hours)d hours: %(link)s",
        name=member.name,
        site=current_app.config["SITE_NAME"],
        hours=current_app.config["RESET_COORDINATOR_LINK_HOURS"],
        link=link,
    )
    return render_template(
        "coordinators/members/member_link.html",
        group=group,
        member=member,
        link=link,
        whatsapp=wa_link(member.phone, message) if member.phone else "",
        hours=current_app.config["RESET_COORDINATOR_LINK_HOURS"],
    )
