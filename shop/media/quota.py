"""The daily quota of new photos a group may upload (PHOTO_DAILY_QUOTA), and
the group the current request uploads for."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from shop.core.clock import jakarta_today, midnight_utc
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.media.models import Image

# The group the current request uploads for (set by the group pages' loader).
_UPLOAD_GROUP = "_etalase_upload_group_id"


class PhotoQuotaReached(DomainError):
    """The group has uploaded its new photos for today (PHOTO_DAILY_QUOTA):
    answered 429 with the moment the quota starts again."""

    status = 429

    def __init__(self, message, field: str | None = None, *, retry_after: int):
        super().__init__(message, field)
        self.headers = {"Retry-After": str(retry_after)}


def attribute_uploads_to(group) -> None:
    """Photos stored in this request are the group's: they count against its
    daily quota. Called by the membership loader of every group page, so no
    upload form can forget it; a buyer's proof or a coordinator's banner
    belongs to no group."""
    if has_request_context():
        setattr(g, _UPLOAD_GROUP, group.id)


def upload_group_id() -> int | None:
    return g.get(_UPLOAD_GROUP) if has_request_context() else None


def photos_uploaded_today(group_id: int, now=None) -> int:
    """New photos uploaded for the group since midnight in Jakarta."""
    since = midnight_utc(jakarta_today(now))
    return db.session.scalar(
        select(func.count())
        .select_from(Image)
        .where(Image.group_id == group_id, Image.created_at >= since)
    )


def check_photo_quota(group_id: int, *, field: str | None = None) -> None:
    """Refuse a new photo once the group has uploaded PHOTO_DAILY_QUOTA today.

    A day is a Jakarta day, counted from the image rows' creation times, so
    the quota starts again at 00.00 WIB on every machine alike. The same
    photo uploaded again is not a new photo and is not counted (store_image
    finds its row first). Two uploads at the very same moment may both pass
    at the last place: the quota is a brake on floods, not an exact ledger.
    """
    quota = current_app.config["PHOTO_DAILY_QUOTA"]
    now = utcnow()
    if photos_uploaded_today(group_id, now) < quota:
        return
    resets = midnight_utc(jakarta_today(now) + timedelta(days=1))
    seconds = max(1, math.ceil((resets - now).total_seconds()))
    hours = math.ceil(seconds / 3600)
    raise PhotoQuotaReached(
        _(
            "Your group has added %(quota)d new photos today, the most for one day. "
            "Nothing was saved. You can add photos again from 00.00 WIB, in about %(wait)s.",
            quota=quota,
            wait=ngettext("%(num)d hour", "%(num)d hours", hours),
        ),
        field,
        retry_after=seconds,
    )
