"""push_subscription.login_session_id and user.locale

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 03:00:00

A browser's push subscription now belongs to the login session that turned
it on: logging out (or the session being ended or swept) ends it. Rows kept
before had no session and would outlive every logout, so they are deleted;
those members turn notifications on again. `user.locale` is the language a
person's messages are written in ("" until they choose: the site's default).
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM push_subscription")
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login_session_id", sa.Integer(), nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_push_subscription_login_session_id_login_session"),
            "login_session",
            ["login_session_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_push_subscription_login_session_id"), ["login_session_id"]
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locale", sa.String(length=10), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("locale")
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscription_login_session_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_push_subscription_login_session_id_login_session"), type_="foreignkey"
        )
        batch_op.drop_column("login_session_id")
