"""The demo's monitoring visit: recorded by the JPS TKM coordinator, with
photos and three recommendations (done, overdue, open)."""

from __future__ import annotations

from datetime import timedelta

from shop.accounts.models import User
from shop.core.clock import jakarta_today
from shop.demo import pictures
from shop.demo.data.coordinators import (
    MONEV_FINDINGS,
    MONEV_FOLLOW_UPS,
    MONEV_VISIT_DAYS_AGO,
    MONEV_VISIT_GROUP,
    MONEV_VISIT_MET,
)
from shop.groups.models import Group
from shop.visits import services
from shop.visits.models import Theme


def load_monev_visit(groups: list[Group], coordinator: User) -> int:
    """Record the visit; returns how many visits were made (1, or 0 without the group)."""
    group = next((g for g in groups if g.name == MONEV_VISIT_GROUP), None)
    if group is None:
        return 0
    today = jakarta_today()
    visited_on = today - timedelta(days=MONEV_VISIT_DAYS_AGO)
    photos = [
        services.PhotoUpload(pictures.group_cover(f"Kunjungan monev {n}", group.name), f"{n}.jpg")
        for n in (1, 2)
    ]
    recommendations = [
        # Due dates before the visit are not allowed: the overdue ones fall
        # between the visit and today.
        services.Recommendation(text, today + timedelta(days=days))
        for text, days, _done in MONEV_FOLLOW_UPS
    ]
    visit = services.record_visit(
        group,
        services.VisitData(
            visited_on, MONEV_VISIT_MET, {Theme(k): v for k, v in MONEV_FINDINGS.items()}
        ),
        recommendations,
        photos,
        by=coordinator,
    )
    leader = next(m.user for m in group.memberships if m.is_leader)
    for follow_up in visit.follow_ups:
        if any(text == follow_up.text and done for text, _days, done in MONEV_FOLLOW_UPS):
            services.mark_done(follow_up, "Sudah dipisah sejak awal bulan ini.", by=leader)
    return 1
