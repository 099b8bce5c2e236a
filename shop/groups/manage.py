"""Group management pages: create, profile, bank accounts, members and invitations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.core.clock import jakarta_today
from shop.db import utcnow
from shop.errors import DomainError
from shop.groups import hooks, queries, services
from shop.groups.forms import BankAccountForm, ConfirmForm, GroupForm
from shop.groups.models import GroupStatus, Role
from shop.groups.suspension import GroupSuspended, suspension_contact
from shop.regions.fields import region_refresh_requested
from shop.transaction import commit_or_flash, commit_or_raise, commit_or_show


@login_required
def dashboard():
    memberships = queries.memberships_of(current_user)
    if len(memberships) == 1 and not request.args.get("semua"):
        return redirect(url_for("groups.manage_home", slug=memberships[0].group.slug))
    return render_template("groups/manage/dashboard.html", memberships=memberships)


@login_required
def create():
    form = GroupForm()
    if request.method == "GET":
        form.accepts_transfer.data = form.accepts_cash.data = form.offers_pickup.data = True
    if request.method == "POST" and region_refresh_requested(form):
        return render_template("groups/manage/create.html", form=form)
    if form.validate_on_submit():
        group = commit_or_show(
            form,
            lambda: services.create_group(
                current_user, form.to_profile(), form.logo.data, form.cover.data
            ),
        )
        if group is not None:
            flash(_("Your group is ready. Now add your first product."), "success")
            return redirect(url_for("groups.manage_home", slug=group.slug))
    return render_template("groups/manage/create.html", form=form)


@login_required
def manage_home(slug: str):
    membership = queries.get_membership_or_404(slug)
    group = membership.group
    today = jakarta_today()
    suspended = group.status is GroupStatus.SUSPENDED
    return render_template(
        "groups/manage/home.html",
        membership=membership,
        group=group,
        suspension_contact=suspension_contact(group) if suspended else None,
        today=today,
        **hooks.home_panels(group, today),
    )


@login_required
def profile(slug: str):
    membership = queries.get_membership_or_404(slug, leader=True)
    group = membership.group
    form = GroupForm(obj=group)
    if request.method == "GET":
        form.programme.data = group.programme.value
    if request.method == "POST" and region_refresh_requested(form):
        return render_template("groups/manage/profile.html", form=form, group=group)
    if form.validate_on_submit():
        saved = commit_or_show(
            form,
            lambda: services.update_profile(
                group, form.to_profile(), form.logo.data, form.cover.data
            ),
        )
        if saved is not None:
            flash(_("The group profile has been saved."), "success")
            return redirect(url_for("groups.profile", slug=group.slug))
    return render_template("groups/manage/profile.html", form=form, group=group)


@login_required
def bank_accounts(slug: str):
    membership = queries.get_membership_or_404(slug, leader=True)
    group = membership.group
    form = BankAccountForm()
    if form.validate_on_submit():
        account = commit_or_show(
            form,
            lambda: services.add_bank_account(
                group, form.bank_name.data, form.account_number.data, form.account_holder.data
            ),
        )
        if account is not None:
            flash(_("The bank account has been added."), "success")
            return redirect(url_for("groups.bank_accounts", slug=slug))
    return render_template(
        "groups/manage/bank_accounts.html", group=group, form=form, confirm=ConfirmForm()
    )


@login_required
def remove_bank_account(slug: str, account_id: int):
    membership = queries.get_membership_or_404(slug, leader=True)
    if ConfirmForm().validate_on_submit():
        try:
            commit_or_raise(lambda: services.remove_bank_account(membership.group, account_id))
        except DomainError:  # another group's account
            abort(404)
        flash(_("The bank account has been removed."), "success")
    return redirect(url_for("groups.bank_accounts", slug=slug))


@login_required
def members(slug: str):
    membership = queries.get_membership_or_404(slug, leader=True)
    group = membership.group
    members = queries.members_of(group)
    invitations = queries.open_invitations(group, utcnow())
    return render_template(
        "groups/manage/members.html",
        group=group,
        me=membership,
        members=members,
        leaders=sum(1 for m in members if m.is_leader),
        invitations=invitations,
        shown=services.shown_invitation(invitations),
        confirm=ConfirmForm(),
        roles=list(Role),
    )


@login_required
def invitation(slug: str):
    """The group's newest invitation link that still works, shown again on
    every visit (a reload makes no new link: that is the POST below)."""
    membership = queries.get_membership_or_404(slug, leader=True)
    group = membership.group
    shown = services.shown_invitation(queries.open_invitations(group, utcnow()))
    if shown is None:
        return redirect(url_for("groups.members", slug=slug) + "#undang")
    invitation, token = shown
    return render_template(
        "groups/manage/invitation_created.html",
        group=group,
        link=url_for("groups.join", token=token, _external=True),
        invitation=invitation,
        confirm=ConfirmForm(),
    )


@login_required
def create_invitation(slug: str):
    membership = queries.get_membership_or_404(slug, leader=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    commit_or_raise(lambda: services.create_invitation(membership.group, current_user))
    flash(_("New invitation link made. Share it with your members."), "success")
    return redirect(url_for("groups.invitation", slug=slug), 303)


@login_required
def revoke_invitation(slug: str, invitation_id: int):
    membership = queries.get_membership_or_404(slug, leader=True)
    if ConfirmForm().validate_on_submit():
        try:
            commit_or_raise(lambda: services.revoke_invitation(membership.group, invitation_id))
        except DomainError:  # another group's invitation
            abort(404)
        flash(_("The invitation link has been withdrawn."), "success")
    return redirect(url_for("groups.members", slug=slug))


@login_required
def remove_member(slug: str, membership_id: int):
    """A page asking to confirm (no JavaScript needed); its button posts
    `yakin=1`, which removes. The group's only ketua is not offered removal."""
    membership = queries.get_membership_or_404(slug, leader=True)
    group = membership.group
    members = queries.members_of(group)
    target = next((m for m in members if m.id == membership_id), None)
    if target is None:
        abort(404)
    form = ConfirmForm()
    if request.method == "POST" and request.form.get("yakin") == "1":
        if not form.validate_on_submit():
            abort(400)
        removed = commit_or_flash(
            lambda: services.remove_member(group, membership_id),
            _("You have left the group.")
            if membership_id == membership.id
            else _("The member has been removed from the group."),
        )
        if removed and membership_id == membership.id:
            return redirect(url_for("groups.dashboard"))
        return redirect(url_for("groups.members", slug=slug))
    return render_template(
        "groups/manage/remove_member.html",
        group=group,
        me=membership,
        target=target,
        last_leader=target.is_leader and sum(1 for m in members if m.is_leader) <= 1,
        form=form,
    )


@login_required
def change_role(slug: str, membership_id: int):
    membership = queries.get_membership_or_404(slug, leader=True)
    try:
        role = Role(request.form.get("role", ""))
    except ValueError:
        abort(400)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(
            lambda: services.set_role(membership.group, membership_id, role),
            _("The role has been changed."),
        )
    return redirect(url_for("groups.members", slug=slug))


def join(token: str):
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("groups/join_invalid.html"), 404
    if invitation.group.status is GroupStatus.SUSPENDED:
        # Joining changes the members, which a suspended group cannot do.
        raise GroupSuspended(invitation.group, member=False)
    if not current_user.is_authenticated:
        return render_template("groups/join.html", invitation=invitation, form=None)
    form = ConfirmForm()
    if form.validate_on_submit():
        membership = commit_or_raise(lambda: services.accept_invitation(token, current_user))
        flash(_("You are now a member of %(group)s.", group=membership.group.name), "success")
        return redirect(url_for("groups.manage_home", slug=membership.group.slug))
    return render_template("groups/join.html", invitation=invitation, form=form)
