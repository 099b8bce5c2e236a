"""The group's round pages: the list, a new round, a round with its
production and handover lists (printable and as CSV), and "ready".

Any member of the group may use them; another group's round is a 404.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.core.clock import jakarta_today
from shop.core.downloads import private_download
from shop.db import utcnow
from shop.groups.queries import get_membership_or_404
from shop.orders.forms import ActionForm
from shop.rounds import export, queries, services
from shop.rounds.forms import round_form
from shop.rounds.workflow import ROUND_FLOW
from shop.transaction import commit_or_flash, commit_or_show

CSV_KINDS = {"produksi": export.production_csv, "serah": export.handover_csv}


@login_required
def rounds(slug: str):
    group = get_membership_or_404(slug).group
    return render_template(
        "rounds/manage/index.html", group=group, rounds=queries.group_rounds(group), now=utcnow()
    )


@login_required
def new_round(slug: str):
    group = get_membership_or_404(slug).group
    form = round_form(queries.offerable_variants(group))
    if form.validate_on_submit():
        created = commit_or_show(
            form,
            lambda: services.open_round(
                group,
                form.details(),
                form.capacities(),
                today=jakarta_today(),
                by=current_user._get_current_object(),
            ),
        )
        if created is not None:
            return redirect(url_for("rounds.manage_round", slug=slug, round_id=created.id), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("rounds/manage/new.html", group=group, form=form), status


def _round_page(group, round_, **extra):
    return render_template(
        "rounds/manage/round.html",
        group=group,
        round=round_,
        production=queries.production(round_),
        handover=queries.handover(round_),
        offered=ROUND_FLOW.offered(round_),
        action_form=ActionForm(),
        now=utcnow(),
        **extra,
    )


@login_required
def manage_round(slug: str, round_id: int):
    group = get_membership_or_404(slug).group
    return _round_page(group, queries.get_round_for_group_or_404(group, round_id))


@login_required
def round_action(slug: str, round_id: int, action: str):
    if action != "siap":
        abort(404)
    group = get_membership_or_404(slug).group
    round_ = queries.get_round_for_group_or_404(group, round_id, lock=True)
    if ActionForm().validate_on_submit():
        commit_or_flash(
            lambda: services.mark_ready(round_, current_user._get_current_object()),
            ROUND_FLOW[action].done,
        )
    return redirect(url_for("rounds.manage_round", slug=slug, round_id=round_id), 303)


@login_required
def print_round(slug: str, round_id: int):
    group = get_membership_or_404(slug).group
    round_ = queries.get_round_for_group_or_404(group, round_id)
    return render_template(
        "rounds/manage/print.html",
        group=group,
        round=round_,
        production=queries.production(round_),
        handover=queries.handover(round_),
    )


@login_required
def round_csv(slug: str, round_id: int, kind: str):
    if kind not in CSV_KINDS:
        abort(404)
    group = get_membership_or_404(slug).group
    round_ = queries.get_round_for_group_or_404(group, round_id)
    name = _("production") if kind == "produksi" else _("handover")
    return private_download(
        CSV_KINDS[kind](round_),
        name=f"{name}-{group.slug}-{round_.id}.csv",
        mimetype="text/csv",
    )
