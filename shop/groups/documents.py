"""A group's verification papers (decree, field-visit photo) and its request
for another check: stored privately, shown only to its members and to the
coordinators whose scope covers it."""

from __future__ import annotations

from flask import Response, abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from shop.accounts.models import User
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import DocumentKind, Group, GroupDocument, Membership, Verification
from shop.media.documents import looks_like_pdf, store_document
from shop.media.images import NOT_A_PHOTO, ImageRejected
from shop.media.services import read_at_most, store_image
from shop.media.storage import get_storage

# Enough for a decree, a few field-visit photos and a permit or two; a cap so
# one group cannot fill the storage.
MAX_DOCUMENTS = 12
WEBP_TYPE = "image/webp"

EMPTY_FILE = _l("The file is empty. Choose a photo or a PDF and try again.")
PHOTO_OR_PDF = _l(
    "This file is neither a photo nor a PDF we can read. "
    "Send a photo (JPEG, PNG, WebP or HEIC) or a PDF."
)
NOT_YOURS = _l("Only the ketua or the member who uploaded a document can delete it.")
NO_CHANGES_ASKED = _l("No changes were asked of your group, so there is nothing to review again.")


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

    data = read_at_most(upload, current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if not data:
        raise DomainError(EMPTY_FILE, field=field)
    document = GroupDocument(
        group_id=group.id, kind=kind, title=title.strip()[:120], uploaded_by_id=by.id
    )
    if looks_like_pdf(data):
        document.document = store_document(data, field=field)
    else:
        try:
            document.image = store_image(data, field=field)
        except ImageRejected as rejected:
            # The photo pipeline says "not a photo"; here a PDF was fine too.
            if rejected.message is NOT_A_PHOTO:
                raise DomainError(PHOTO_OR_PDF, field=field) from None
            raise
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
    if group.verification is not Verification.CHANGES_REQUESTED:
        raise DomainError(NO_CHANGES_ASKED)
    group.verification = Verification.UNVERIFIED
    group.review_requested_at = utcnow()
    db.session.flush()
    return group


def send_document(document: GroupDocument, *, width: int | None = None) -> Response:
    """The document's file as a private response: a PDF as it was sent, a
    photo as its smallest WebP variant at least `width` wide (the largest
    without `width`).

    Never from the public /media/ address: a decree carries names and ID
    numbers. `private, no-store` keeps it out of shared and browser caches
    (a shared phone is common), `nosniff` makes the browser trust the type
    we verified. A missing file is a 404.
    """
    if document.document is not None:
        path, mimetype, extension = document.document.path, document.document.content_type, "pdf"
    elif document.image is not None and document.image.width_list:
        widths = document.image.width_list
        chosen = max(widths)
        if width is not None:
            chosen = min((w for w in widths if w >= width), default=chosen)
        path, mimetype, extension = document.image.path_for(chosen), WEBP_TYPE, "webp"
    else:
        abort(404)
    try:
        stream = get_storage().open(path)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        stream,
        mimetype=mimetype,
        as_attachment=False,
        download_name=f"dokumen-{document.id}.{extension}",
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.remove("Expires")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
