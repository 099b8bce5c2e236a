"""Coordinator pages for verification: the groups in scope, the queue of
groups waiting for a check, each group's page with its documents, notes,
products and history, and the decisions (verify, ask for changes, suspend,
reinstate, note)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from shop.audit.models import AuditAction, AuditEntry
from shop.catalogue.group_products import product_counts
from shop.catalogue.models import Product
from shop.coordinators.scope import (
    Scope,
    coordinator_required,
    current_scope,
    get_group_in_scope_or_404,
    groups_in_scope,
)
from shop.coordinators.verification import services
from shop.coordinators.verification.forms import (
    GroupFilterForm,
    NoteForm,
    ReasonForm,
    ReinstateForm,
)
from shop.core.pagination import count_rows, paginate
from shop.core.text import fold
from shop.errors import DomainError, apply_to_form
from shop.extensions import db
from shop.groups import documents
from shop.groups.forms import ConfirmForm
from shop.groups.models import Group, GroupStatus, Membership, Programme, Verification
from shop.groups.workflow import VERIFICATION_FLOW
from shop.i18n.forms import BaseForm
from shop.regions.queries import Region, provinces, regencies_of
from shop.transaction import commit_or_raise
from shop.workflow import Action

PAGE_SIZE = 30
QUEUE_PAGE_SIZE = 20
RECENT_ENTRIES = 10
THUMB_WIDTH = 320


# URL word → the form its button posts and the one service it runs; what
# is offered, and what is said when done, is the state table's.
ACTIONS: dict[str, Action[Group]] = {
    "verifikasi": Action(
        lambda group: ConfirmForm(prefix=""),
        lambda group, form, by: services.verify_group(group, by=by),
    ),
    "minta-perbaikan": Action(
        lambda group: ReasonForm(prefix="changes"),
        lambda group, form, by: services.request_changes(group, form.reason.data, by=by),
    ),
    "tangguhkan": Action(
        lambda group: ReasonForm(prefix="suspend"),
        lambda group, form, by: services.suspend_group(group, form.reason.data, by=by),
    ),
    "aktifkan": Action(
        lambda group: ReinstateForm(prefix="reinstate"),
        lambda group, form, by: services.reinstate_group(group, form.reason.data or "", by=by),
    ),
    "catatan": Action(
        lambda group: NoteForm(prefix="note"),
        lambda group, form, by: services.add_note(group, form.note.data, by=by),
    ),
}


def _province_choices(scope: Scope) -> tuple[Region, ...]:
    """The provinces a coordinator can filter by: those of their scope, or all."""
    every = provinces()
    if scope.is_operator or not (scope.provinces or scope.regencies):
        return every
    codes = scope.provinces | {code.split(".")[0] for code in scope.regencies}
    return tuple(p for p in every if p.code in codes)


@coordinator_required
def groups():
    scope = current_scope()
    province_choices = _province_choices(scope)
    form = GroupFilterForm.read(province_codes=frozenset(p.code for p in province_choices))
    stmt = groups_in_scope(scope)
    if form.q.data:
        stmt = stmt.where(func.lower(Group.name).like(f"%{fold(form.q.data)}%"))
    if form.program.data:
        stmt = stmt.where(Group.programme == form.program.data)
    if form.kabupaten.data:
        stmt = stmt.where(Group.regency_code == form.kabupaten.data)
    elif form.provinsi.data:
        stmt = stmt.where(Group.province_code == form.provinsi.data)
    if form.verifikasi.data:
        stmt = stmt.where(Group.verification == form.verifikasi.data)
    if form.status.data:
        stmt = stmt.where(Group.status == form.status.data)
    pagination = paginate(
        stmt.options(joinedload(Group.province), joinedload(Group.regency)).order_by(
            Group.name, Group.id
        ),
        PAGE_SIZE,
    )
    rows = pagination.items
    ids = [g.id for g in rows]
    return render_template(
        "coordinators/verification/groups.html",
        scope=scope,
        groups=rows,
        document_counts=documents.document_counts(ids),
        product_counts=product_counts(ids),
        pagination=pagination,
        programmes=[p for p in Programme if not scope.programmes or p in scope.programmes],
        province_choices=province_choices,
        regency_choices=regencies_of(form.provinsi.data) if form.provinsi.data else (),
        verifications=list(Verification),
        statuses=list(GroupStatus),
        filters=form.args(),
    )


@coordinator_required
def queue():
    """Groups waiting for a check, the longest waiting first: a group that
    asked for review again waits since it asked."""
    scope = current_scope()
    stmt = groups_in_scope(scope).where(
        Group.verification == Verification.UNVERIFIED, Group.status == GroupStatus.ACTIVE
    )
    waiting_since = func.coalesce(Group.review_requested_at, Group.created_at)
    pagination = paginate(
        stmt.options(
            joinedload(Group.province), joinedload(Group.regency), joinedload(Group.logo)
        ).order_by(waiting_since, Group.id),
        QUEUE_PAGE_SIZE,
    )
    rows = pagination.items
    ids = [g.id for g in rows]
    making_changes = count_rows(
        groups_in_scope(scope).where(
            Group.verification == Verification.CHANGES_REQUESTED,
            Group.status == GroupStatus.ACTIVE,
        )
    )
    return render_template(
        "coordinators/verification/queue.html",
        scope=scope,
        groups=rows,
        document_counts=documents.document_counts(ids),
        product_counts=product_counts(ids),
        pagination=pagination,
        making_changes=making_changes,
    )


def _render_group(group: Group, failed: tuple[str, BaseForm] | None = None, status: int = 200):
    forms = {name: action.form(group) for name, action in ACTIONS.items()}
    if failed is not None:
        forms[failed[0]] = failed[1]
    members = db.session.scalar(
        select(func.count()).select_from(Membership).where(Membership.group_id == group.id)
    )
    products = list(
        db.session.scalars(
            select(Product)
            .where(Product.group_id == group.id)
            .order_by(Product.status, Product.name, Product.id)
        )
    )
    notes = list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.group_id == group.id, AuditEntry.action == AuditAction.GROUP_NOTE)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    )
    recent = list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.group_id == group.id, AuditEntry.action != AuditAction.GROUP_NOTE)
            .options(joinedload(AuditEntry.group), joinedload(AuditEntry.exhibition))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(RECENT_ENTRIES)
        )
    )
    return (
        render_template(
            "coordinators/verification/group.html",
            group=group,
            members=members,
            products=products,
            documents=documents.group_documents(group),
            notes=notes,
            recent=recent,
            forms=forms,
            offered=VERIFICATION_FLOW.offered(group),
            failed=failed[0] if failed else None,
        ),
        status,
    )


def _load_group(slug: str) -> Group:
    return get_group_in_scope_or_404(
        slug,
        joinedload(Group.province),
        joinedload(Group.regency),
        joinedload(Group.district),
        joinedload(Group.logo),
    )


@coordinator_required
def group(slug: str):
    return _render_group(_load_group(slug))


@coordinator_required
def group_action(slug: str, action: str):
    if action not in ACTIONS:
        abort(404)
    # The group row alone, locked (PostgreSQL cannot lock the outer-joined
    # regions): two coordinators deciding at once are taken one after the other.
    group = get_group_in_scope_or_404(slug, lock=True)
    form = ACTIONS[action].form(group)
    if not form.validate_on_submit():
        return _render_group(_load_group(slug), failed=(action, form), status=422)
    try:
        commit_or_raise(lambda: ACTIONS[action].run(group, form, current_user))
    except DomainError as error:
        if error.field and getattr(form, error.field, None) is not None:
            apply_to_form(form, error)
            return _render_group(_load_group(slug), failed=(action, form), status=422)
        flash(error.message, "error")
    else:
        flash(VERIFICATION_FLOW[action].done, "success")
    return redirect(url_for("coordinators.group", slug=slug), 303)


@coordinator_required
def group_document(slug: str, document_id: int):
    group = get_group_in_scope_or_404(slug)
    width = THUMB_WIDTH if request.args.get("ukuran") == "kecil" else None
    return documents.send_document(documents.get_document_or_404(group, document_id), width=width)


def _verification_text(group: Group) -> str:
    """The group's standing in two words, suspension first."""
    if group.status is GroupStatus.SUSPENDED:
        return _("Suspended")
    return str(group.verification.label)
