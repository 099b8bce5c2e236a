"""Recording and changing monitoring visits, and the group marking a
recommendation done: each writes its audit entry in the same transaction,
flushes and never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.consignment.outlets import check_day
from shop.core.clock import jakarta_today
from shop.core.text import clean_line, clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group
from shop.media.images import refused_file
from shop.media.services import store_image
from shop.visits.models import FollowUp, MonevVisit, MonevVisitPhoto, Theme

MET_LENGTH = 300
FINDING_LENGTH = 4000
RECOMMENDATION_LENGTH = 500
NOTE_LENGTH = 500
MAX_RECOMMENDATIONS = 10
MAX_PHOTOS = 8
# A follow-up is planned within two years of the visit.
MAX_FOLLOW_UP_DAYS = 2 * 366

RELOAD = _l("A recommendation of another visit was sent. Reload the page.")


@dataclass
class VisitData:
    visited_on: date
    met: str
    findings: dict[Theme, str] = field(default_factory=dict)


@dataclass
class Recommendation:
    text: str
    due_on: date
    id: int | None = None  # an open follow-up of the visit being edited
    remove: bool = False


@dataclass
class PhotoUpload:
    file: object
    name: str = ""  # the file's name as sent, to say which one was refused


def record_visit(
    group: Group,
    data: VisitData,
    recommendations: list[Recommendation],
    photos: list[PhotoUpload] = (),
    *,
    by,
) -> MonevVisit:
    """A coordinator (in scope: the caller loaded the group through the scope)
    records a visit. All or nothing: a refused photo or rule leaves no row."""
    visit = MonevVisit(group=group, recorded_by_id=by.id, recorded_by_name=by.name[:80])
    _apply(visit, data)
    db.session.add(visit)
    _apply_recommendations(visit, recommendations)
    _add_photos(visit, list(photos))
    db.session.flush()
    record(AuditAction.VISIT_RECORDED, group=group, details=_details(visit), actor=by)
    return visit


def update_visit(
    visit: MonevVisit,
    data: VisitData,
    recommendations: list[Recommendation],
    photos: list[PhotoUpload] = (),
    remove_photo_ids: frozenset[int] = frozenset(),
    *,
    by,
) -> MonevVisit:
    """Change a visit. Recommendations already done stay as the group marked
    them; open ones may be reworded, moved or removed, and new ones added."""
    _apply(visit, data)
    _apply_recommendations(visit, recommendations)
    for photo in [p for p in visit.photos if p.id in remove_photo_ids]:
        visit.photos.remove(photo)
    _add_photos(visit, list(photos))
    visit.updated_at = utcnow()
    db.session.flush()
    record(AuditAction.VISIT_CHANGED, group=visit.group, details=_details(visit), actor=by)
    return visit


def mark_done(follow_up: FollowUp, note: str, *, by) -> FollowUp:
    """A member of the visited group says a recommendation is done. Done
    once: a second press (another member, the back button) changes nothing."""
    if follow_up.is_done:
        raise DomainError(_l("This recommendation is already marked done."))
    follow_up.done_at = utcnow()
    follow_up.done_by_id = by.id
    follow_up.done_by_name = by.name[:80]
    follow_up.done_note = clean_multiline(note, NOTE_LENGTH)
    db.session.flush()
    visit = follow_up.visit
    record(
        AuditAction.FOLLOW_UP_DONE,
        group=visit.group,
        details=str(
            _l("visit of %(day)s: %(text)s", day=visit.visited_on.isoformat(), text=follow_up.text)
        ),
        reason=follow_up.done_note,
        actor=by,
    )
    return follow_up


def _apply(visit: MonevVisit, data: VisitData) -> None:
    check_day(data.visited_on, jakarta_today(), "visited_on")
    met = clean_line(data.met, MET_LENGTH)
    if not met:
        raise DomainError(_l("Say who you met."), field="met")
    findings = {theme: clean_multiline(data.findings.get(theme), FINDING_LENGTH) for theme in Theme}
    if not any(findings.values()):
        raise DomainError(
            _l("Write what you found on at least one theme."), field=Theme.PRODUCTION.column
        )
    visit.visited_on = data.visited_on
    visit.met = met
    for theme, text in findings.items():
        setattr(visit, theme.column, text)


def _apply_recommendations(visit: MonevVisit, recommendations: list[Recommendation]) -> None:
    open_ones = {f.id: f for f in visit.follow_ups if f.id is not None and not f.is_done}
    kept = sum(1 for f in visit.follow_ups if f.is_done)
    for rec in recommendations:
        if rec.id is not None and rec.id not in open_ones:
            raise DomainError(RELOAD, field="recommendations")
        if rec.remove:
            if rec.id is not None:
                visit.follow_ups.remove(open_ones.pop(rec.id))
            continue
        text = clean_line(rec.text, RECOMMENDATION_LENGTH)
        if not text:
            raise DomainError(_l("Write the recommendation."), field="recommendations")
        if rec.due_on < visit.visited_on:
            raise DomainError(
                _l("A follow-up date cannot be before the visit."), field="recommendations"
            )
        if rec.due_on > visit.visited_on + timedelta(days=MAX_FOLLOW_UP_DAYS):
            raise DomainError(
                _l("A follow-up date must be within two years of the visit."),
                field="recommendations",
            )
        kept += 1
        if kept > MAX_RECOMMENDATIONS:
            raise DomainError(
                _l("A visit can have at most 10 recommendations."), field="recommendations"
            )
        follow_up = open_ones.get(rec.id) if rec.id is not None else None
        if follow_up is None:
            follow_up = FollowUp(done_by_name="", done_note="")
            visit.follow_ups.append(follow_up)
        follow_up.text = text
        follow_up.due_on = rec.due_on


def _add_photos(visit: MonevVisit, uploads: list[PhotoUpload]) -> None:
    """Photos chosen together, in their order, stored privately through the
    image pipeline; all or nothing, a refused file named."""
    if len(visit.photos) + len(uploads) > MAX_PHOTOS:
        raise DomainError(_l("A visit can have at most 8 photos."), field="photo")
    position = max((p.position for p in visit.photos), default=-1)
    for upload in uploads:
        try:
            image = store_image(upload.file, field="photo", private=True)
        except DomainError as refused:
            if upload.name and len(uploads) > 1:
                refused.message = refused_file(upload.name, refused.message)
            raise
        if any(p.image_id == image.id for p in visit.photos):
            continue
        position += 1
        visit.photos.append(MonevVisitPhoto(image=image, image_id=image.id, position=position))


def _details(visit: MonevVisit) -> str:
    return str(
        _l(
            "visit of %(day)s; met: %(met)s; %(recs)d recommendations, %(photos)d photos",
            day=visit.visited_on.isoformat(),
            met=visit.met,
            recs=len(visit.follow_ups),
            photos=len(visit.photos),
        )
    )
