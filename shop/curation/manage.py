"""Coordinator pages of curation: featured groups on the home page, and the
scoped loaders the exhibition pages (manage_exhibitions.py) share.

Featured entries are managed by any coordinator whose scope covers the
group; an exhibition by the coordinator who created it, or an operator.
Anything else is a 404. Groups and products added to an exhibition are
loaded through the scope too.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from shop.coordinators.scope import (
    coordinator_required,
    current_scope,
    groups_in_scope,
)
from shop.core.clock import jakarta_today
from shop.curation import services
from shop.curation.forms import (
    FeatureDatesForm,
    FeatureForm,
)
from shop.curation.models import FeaturedGroup
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.transaction import commit_or_flash, commit_or_raise, commit_or_show

ENDED_SHOWN = 20


def active_group_choices(exclude=()) -> list[tuple[int, str]]:
    rows = db.session.execute(
        groups_in_scope()
        .where(Group.status == GroupStatus.ACTIVE)
        .with_only_columns(Group.id, Group.name)
        .order_by(Group.name, Group.id)
    ).all()
    return [(group_id, name) for group_id, name in rows if group_id not in exclude]


def group_in_scope_by_id_or_404(group_id) -> Group:
    group = db.session.scalar(groups_in_scope().where(Group.id == group_id))
    if group is None:
        abort(404)
    return group


def _featured_in_scope():
    return (
        select(FeaturedGroup)
        .join(FeaturedGroup.group)
        .where(current_scope().groups_clause())
        .options(contains_eager(FeaturedGroup.group))
    )


def get_feature_in_scope_or_404(entry_id: int) -> FeaturedGroup:
    entry = db.session.scalar(_featured_in_scope().where(FeaturedGroup.id == entry_id))
    if entry is None:
        abort(404)
    return entry


def acting_user():
    """The coordinator acting, as the services record them."""
    return current_user._get_current_object()


@coordinator_required
def featured():
    today = jakarta_today()
    form = FeatureForm()
    form.group.choices = [(0, _("Choose a group"))] + active_group_choices()
    if request.method == "GET":
        form.starts_on.data = today
    if form.validate_on_submit():
        if not form.group.data:
            form.group.errors = [_("Choose a group.")]
        else:
            group = group_in_scope_by_id_or_404(form.group.data)
            entry = commit_or_show(
                form,
                lambda: services.feature_group(
                    group, form.starts_on.data, form.ends_on.data, today=today, by=acting_user()
                ),
            )
            if entry is not None:
                flash(_("%(group)s is featured.", group=group.name), "success")
                return redirect(url_for("curation.featured"))
    shown = list(
        db.session.scalars(
            _featured_in_scope()
            .where(FeaturedGroup.ends_on.is_(None) | (FeaturedGroup.ends_on >= today))
            .order_by(FeaturedGroup.position, FeaturedGroup.id)
        )
    )
    ended = list(
        db.session.scalars(
            _featured_in_scope()
            .where(FeaturedGroup.ends_on < today)
            .order_by(FeaturedGroup.ends_on.desc(), FeaturedGroup.id.desc())
            .limit(ENDED_SHOWN)
        )
    )
    return render_template(
        "curation/manage/featured.html",
        form=form,
        today=today,
        shown=shown,
        ended=ended,
    )


@coordinator_required
def featured_edit(entry_id: int):
    entry = get_feature_in_scope_or_404(entry_id)
    form = FeatureDatesForm(obj=entry)
    if form.validate_on_submit():
        saved = commit_or_show(
            form,
            lambda: services.change_feature_dates(
                entry, form.starts_on.data, form.ends_on.data, by=acting_user()
            ),
        )
        if saved is not None:
            flash(_("The dates have been saved."), "success")
            return redirect(url_for("curation.featured"))
    return render_template("curation/manage/featured_edit.html", form=form, entry=entry)


@coordinator_required
def featured_move(entry_id: int):
    entry = get_feature_in_scope_or_404(entry_id)
    direction = request.form.get("direction")
    if direction not in (services.UP, services.DOWN):
        abort(400)
    commit_or_flash(
        lambda: services.move_feature(
            entry, direction, current_scope(), today=jakarta_today(), by=acting_user()
        )
    )
    return redirect(url_for("curation.featured") + f"#feature-{entry_id}")


@coordinator_required
def featured_remove(entry_id: int):
    entry = get_feature_in_scope_or_404(entry_id)
    name = entry.group.name
    commit_or_raise(lambda: services.unfeature_group(entry, by=acting_user()))
    flash(_("%(group)s is no longer featured.", group=name), "success")
    return redirect(url_for("curation.featured"))
