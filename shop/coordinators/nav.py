"""The coordinator pages' menu and the header's coordinator link: template
globals the coordinators blueprint registers for every page.

The menu names endpoints of several blueprints (coordinators, curation,
monitoring, visits) by string only, so this module imports none of them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from shop.coordinators.scope import coordinator_of

# The coordinator menu: (endpoint, label, endpoints that mark it current).
NAV = (
    ("monitoring.overview", _l("Overview"), ("monitoring.overview",)),
    ("coordinators.groups", _l("Groups"), ("coordinators.groups", "coordinators.group")),
    ("coordinators.queue", _l("Verification"), ("coordinators.queue",)),
    ("coordinators.certificates", _l("Certificates"), ("coordinators.certificates",)),
    ("coordinators.moderation", _l("Moderation"), ("coordinators.moderation",)),
    ("curation.featured", _l("Featured"), ("curation.featured",)),
    ("curation.exhibitions", _l("Exhibitions"), ("curation.exhibitions",)),
    ("curation.rounds", _l("Pre-order"), ("curation.rounds",)),
    (
        "bulk.coordinate_requests",
        _l("Bulk requests"),
        ("bulk.coordinate_requests", "bulk.coordinate_request", "bulk.invite"),
    ),
    ("monitoring.index", _l("Monitoring"), ("monitoring.index",)),
    ("visits.due", _l("Follow-ups"), ("visits.due", "visits.visit", "visits.edit")),
    ("monitoring.audit", _l("Audit log"), ("monitoring.audit",)),
)


def is_coordinator() -> bool:
    return coordinator_of(current_user) is not None


def coordinator_nav():
    return {"coordinator_nav": NAV}
