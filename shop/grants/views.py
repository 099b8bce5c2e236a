"""The group's own page of its grants and what they bought: read only.

Coordinators record grants and equipment (they verify the purchase against
the receipts and the decree, and funders rely on the record); the group's
members see exactly what is recorded for them, to check it and to tell
their coordinator what is missing.
"""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from shop.grants.queries import grants_of
from shop.groups.queries import get_membership_or_404


@login_required
def manage_grants(slug: str):
    group = get_membership_or_404(slug).group
    return render_template(
        "grants/group_grants.html", group=group, grants=grants_of(group), editable=False
    )
