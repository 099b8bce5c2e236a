"""The group verification's state table.

A group's state here is the pair (verification, status): where a
coordinator's check stands, and whether the group is public or suspended.
The coordinator's group page offers the decisions `VERIFICATION_FLOW.offered`
names and the group's verification page its "ask for review again"; the
services (shop.coordinators.verification.services, shop.groups.documents)
call `VERIFICATION_FLOW.check` before changing anything. The keys are the
words of the pages' URLs (/kelompok/<slug>/<key>, …/verifikasi/tinjau-ulang).
"""

from __future__ import annotations

from itertools import product

from flask_babel import lazy_gettext as _l

from shop.groups.models import Group, GroupStatus, Verification
from shop.workflow import Move, Workflow

Standing = tuple[Verification, GroupStatus]

ALREADY_VERIFIED = _l("This group is already verified.")
VERIFY_SUSPENDED = _l("This group is suspended. Reinstate it before verifying it.")
ALREADY_CHANGES = _l(
    "Changes are already requested and the group has not asked for review yet. "
    "Add a note if you want to tell it more."
)
ALREADY_SUSPENDED = _l("This group is already suspended.")
NOT_SUSPENDED = _l("This group is not suspended.")
NO_CHANGES_ASKED = _l("No changes were asked of your group, so there is nothing to review again.")

COORDINATOR = "a coordinator whose scope holds the group"
EVERY: frozenset[Standing] = frozenset(product(Verification, GroupStatus))


def _where(verification=None, status=None) -> frozenset[Standing]:
    return frozenset(
        (v, s)
        for v, s in EVERY
        if (verification is None or v in verification) and (status is None or s in status)
    )


def standing(group: Group) -> Standing:
    return (group.verification, group.status)


VERIFICATION_FLOW: Workflow[Group, Standing] = Workflow(
    standing,
    {
        "verifikasi": Move(
            # Never on a suspended group: a badge must not appear on a group
            # buyers cannot see. A pending request for changes is settled by it.
            sources=_where(
                {Verification.UNVERIFIED, Verification.CHANGES_REQUESTED}, {GroupStatus.ACTIVE}
            ),
            target=Verification.VERIFIED,
            who=COORDINATOR,
            refused=lambda s: (
                ALREADY_VERIFIED if s[0] is Verification.VERIFIED else VERIFY_SUSPENDED
            ),
            done=_l("The group is verified. Its members have been told."),
        ),
        "minta-perbaikan": Move(
            # A verified group loses its badge until it is verified again.
            sources=_where({Verification.UNVERIFIED, Verification.VERIFIED}),
            target=Verification.CHANGES_REQUESTED,
            who=COORDINATOR,
            refused=ALREADY_CHANGES,
            done=_l("Changes requested. The group has been told why."),
        ),
        "tangguhkan": Move(
            sources=_where(status={GroupStatus.ACTIVE}),
            target=GroupStatus.SUSPENDED,
            who=COORDINATOR,
            refused=ALREADY_SUSPENDED,
            done=_l("The group is suspended: its shop and products are hidden from buyers."),
        ),
        "aktifkan": Move(
            # Its verification is kept as it was.
            sources=_where(status={GroupStatus.SUSPENDED}),
            target=GroupStatus.ACTIVE,
            who=COORDINATOR,
            refused=NOT_SUSPENDED,
            done=_l("The group is reinstated: its shop is public again."),
        ),
        "catatan": Move(
            sources=EVERY,
            target=None,
            who=COORDINATOR + " (the group does not see notes)",
            refused=None,
            done=_l("The note has been added."),
        ),
        "tinjau-ulang": Move(
            # Back into the coordinators' queue, marked as a repeat request.
            sources=_where({Verification.CHANGES_REQUESTED}),
            target=Verification.UNVERIFIED,
            who="a member of the group",
            refused=NO_CHANGES_ASKED,
            # A suspended group's page speaks of the suspension only.
            shown=_where({Verification.CHANGES_REQUESTED}, {GroupStatus.ACTIVE}),
            done=_l("Thank you. A coordinator will check your group again."),
        ),
    },
)
