"""A group's verification papers (decree, field-visit photo) and its request
for another check: stored privately, shown only to its members and to the
coordinators whose scope covers it."""

from __future__ import annotations

from flask import Response, abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from shop.accounts.models import User
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import DocumentKind, Group, GroupDocument, Membership, Verification
from shop.groups.workflow import VERIFICATION_FLOW
from shop.media.evidence import send_evidence, store_evidence

# Enough for a decree, a few field-visit photos and a permit or two; a cap so
# one group cannot fill the storage.
MAX_DOCUMENTS = 12

EMPTY_FILE = _l("The file is empty. Choose a photo or a PDF and try again.")
PHOTO_OR_PDF = _l(
    "This file is neither a photo nor a PDF we can read. "
    "Send a photo (JPEG, PNG, WebP or HEIC) or a PDF."
)
NOT_YOURS = _l("Only the ketua or the member who uploaded a document can delete it.")


def too_many_documents(limit: int):
    return _l(
        "Your group already has %(count)d documents. Delete one you no longer need first.",
        count=limit,
    )


def group_documents(group: Group) -> list[GroupDocument]:
    """The group's documents, newest first, with their file rows loaded."""
    return list(
        db.session.scalars(
            select(GroupDocument)
            .where(GroupDocument.group_id == group.id)
            .options(selectinload(GroupDocument.image), selectinload(GroupDocument.document))
            .order_by(GroupDocument.created_at.desc(), GroupDocument.id.desc())
        )
    )


def document_counts(group_ids: list[int]) -> dict[int, int]:
    """{group id: number of documents} in one statement."""
    if not group_ids:
        return {}
    rows = db.session.execute(
        select(GroupDocument.group_id, func.count())
        .where(GroupDocument.group_id.in_(group_ids))
        .group_by(GroupDocument.group_id)
    )
    return dict(rows.all())


def get_document_or_404(group: Group, document_id: int) -> GroupDocument:
    """Document `document_id` of this group; another group's is a 404."""
    document = db.session.scalar(
        select(GroupDocument)
        .where(GroupDocument.id == document_id, GroupDocument.group_id == group.id)
        .options(selectinload(GroupDocument.image), selectinload(GroupDocument.document))
    )
    if document is None:
        abort(404)
    return document


def add_document(
    group: Group,
    kind: DocumentKind,
    title: str,
    upload: FileStorage | bytes,
    *,
    by: User,
    field: str | None = "file",
) -> GroupDocument:
    """Keep a paper the group sends for its verification.

    Rules, and why:
    - At most MAX_DOCUMENTS per group, counted with the group row locked
      (PostgreSQL), so two uploads at once cannot pass the cap together.
    - The file is a photo or a PDF by its content, never its name: `%PDF-` at
      the start goes to the PDF checks (store_document), anything else to the
      photo pipeline (re-encoded, metadata and GPS stripped). Both keep the
      upload limits of every other upload.
    - A rejected file raises a DomainError on `field` before anything is
      written; a failed transaction deletes the files it wrote.
    Never commits: the view does.
    """
    db.session.flush()
    db.session.refresh(group, with_for_update=True)
    count = db.session.scalar(
        select(func.count()).select_from(GroupDocument).where(GroupDocument.group_id == group.id)
    )
    if count >= MAX_DOCUMENTS:
        raise DomainError(too_many_documents(MAX_DOCUMENTS), field=field)

    image, stored = store_evidence(
        upload, field=field, empty_message=EMPTY_FILE, not_readable_message=PHOTO_OR_PDF
    )
    document = GroupDocument(
        group_id=group.id,
        kind=kind,
        title=title.strip()[:120],
        uploaded_by_id=by.id,
        image=image,
        document=stored,
    )
    db.session.add(document)
    db.session.flush()
    return document


def remove_document(group: Group, document_id: int, *, by: Membership) -> GroupDocument:
    """Delete a document of the group: the ketua may delete any, a member the
    ones they uploaded. The photo's files go with the next media sweep; the
    file is no longer reachable through any page once the row is gone.
    Raises LookupError for a document that is not the group's."""
    document = db.session.scalar(
        select(GroupDocument).where(
            GroupDocument.id == document_id, GroupDocument.group_id == group.id
        )
    )
    if document is None:
        raise LookupError(document_id)
    if not by.is_leader and document.uploaded_by_id != by.user_id:
        raise DomainError(NOT_YOURS)
    db.session.delete(document)
    db.session.flush()
    return document


def request_review(group: Group) -> Group:
    """The group made the changes a coordinator asked for and wants another
    check: it goes back to "not yet verified", into the coordinators' queue,
    marked as a repeat request. The coordinator's note stays, so the next
    coordinator sees what was asked. Only after changes were requested."""
    db.session.flush()
    db.session.refresh(group, with_for_update=True)
    VERIFICATION_FLOW.check(group, "tinjau-ulang")
    group.verification = Verification.UNVERIFIED
    group.review_requested_at = utcnow()
    db.session.flush()
    return group


def send_document(document: GroupDocument, *, width: int | None = None) -> Response:
    """The document's file, privately: a decree carries names and ID numbers."""
    return send_evidence(
        document.image, document.document, name=f"dokumen-{document.id}", width=width
    )
