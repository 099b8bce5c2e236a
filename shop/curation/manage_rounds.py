"""Coordinator page of curation: the pre-order rounds taking orders in the
coordinator's scope, each featured (first on the public list of rounds,
marked as chosen) or not. A round outside the scope is a 404."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from shop.coordinators.scope import coordinator_required, current_scope
from shop.curation.manage import acting_user
from shop.extensions import db
from shop.orders.forms import ActionForm
from shop.rounds import services
from shop.rounds.models import Round, RoundItem, RoundStatus
from shop.transaction import commit_or_flash

MOVES = {
    "unggulkan": (services.feature_round, _l("The round is featured.")),
    "lepas": (services.unfeature_round, _l("The round is no longer featured.")),
}


def _rounds_in_scope():
    return (
        select(Round)
        .join(Round.group)
        .where(current_scope().groups_clause(), Round.status == RoundStatus.OPEN)
        .options(
            contains_eager(Round.group),
            selectinload(Round.items).joinedload(RoundItem.product),
        )
    )


@coordinator_required
def rounds():
    shown = db.session.scalars(
        _rounds_in_scope().order_by(Round.featured_at.is_(None), Round.closes_at, Round.id)
    ).unique()
    return render_template("curation/manage/rounds.html", rounds=list(shown), form=ActionForm())


@coordinator_required
def feature(round_id: int, action: str):
    if action not in MOVES:
        abort(404)
    round_ = db.session.scalar(_rounds_in_scope().where(Round.id == round_id))
    if round_ is None:
        abort(404)
    if ActionForm().validate_on_submit():
        service, done = MOVES[action]
        commit_or_flash(lambda: service(round_, acting_user()), done)
    return redirect(url_for("curation.rounds"), 303)
