"""Images: a status (variants made by a background job) and a private flag (evidence under private/)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 17:30:00

Existing images are ready. Images used only as evidence (transfer proofs,
decree photos) become private, and their files move under `private/` in the
storage the app is configured with, so no public address can reach them: they
are copied before the table is altered and the old copies deleted after; an
old copy left behind (a failed delete) is removed by `flask media sweep`.
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

PRIVATE_ONLY = """
    (EXISTS (SELECT 1 FROM payment_proof WHERE payment_proof.image_id = image.id)
     OR EXISTS (SELECT 1 FROM group_document WHERE group_document.image_id = image.id))
    AND NOT EXISTS (SELECT 1 FROM product_photo WHERE product_photo.image_id = image.id)
    AND NOT EXISTS (SELECT 1 FROM "group" WHERE "group".logo_id = image.id OR "group".cover_id = image.id)
    AND NOT EXISTS (SELECT 1 FROM exhibition WHERE exhibition.banner_id = image.id)
"""


def _storage():
    """The app's storage when migrating through `flask db upgrade`, else None."""
    try:
        from flask import current_app

        from shop.media.storage import get_storage

        return get_storage() if current_app else None
    except Exception:  # plain alembic, no app: rows change, files stay
        return None


def _paths(key, widths, into_private):
    for width in [w for w in (widths or "").split(",") if w]:
        public = f"{key[:2]}/{key}-{width}.webp"
        private = f"private/{public}"
        yield (public, private) if into_private else (private, public)


def _copy(storage, rows, into_private: bool) -> None:
    """Copy the files to their new place; the old ones stay until the rows move."""
    for key, widths in rows:
        for source, target in _paths(key, widths, into_private):
            try:
                if storage.exists(source) and not storage.exists(target):
                    storage.save(target, storage.read(source), "image/webp")
            except OSError:
                log.warning("could not copy %s to %s; copy it by hand", source, target)


def _remove_sources(storage, rows, into_private: bool) -> None:
    for key, widths in rows:
        for source, target in _paths(key, widths, into_private):
            try:
                if storage.exists(target):
                    storage.delete(source)
            except OSError:
                log.warning("could not delete %s; `flask media sweep` will", source)


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT key, widths FROM image WHERE {PRIVATE_ONLY}")).all()
    storage = _storage() if rows else None
    # Files first, before the ALTER locks the table: pages keep showing images
    # while evidence is copied (to a bucket, that may take a while).
    if storage is not None:
        _copy(storage, rows, into_private=True)
    with op.batch_alter_table('image', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('status', sa.String(length=12), server_default='ready', nullable=False))
    bind.execute(sa.text(f"UPDATE image SET private = :yes WHERE {PRIVATE_ONLY}"), {"yes": True})
    if storage is not None:
        _remove_sources(storage, rows, into_private=True)


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT key, widths FROM image WHERE private = :yes"), {"yes": True}).all()
    storage = _storage() if rows else None
    if storage is not None:
        _copy(storage, rows, into_private=False)
    with op.batch_alter_table('image', schema=None) as batch_op:
        batch_op.drop_column('status')
        batch_op.drop_column('private')
    if storage is not None:
        _remove_sources(storage, rows, into_private=False)
