"""monev_visit, monev_visit_photo, monev_follow_up: coordinators' monitoring visits

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 02:40:00

A visit to a group (a Jakarta day, who was met, findings per theme), its
private photos and its recommendations with follow-up days, which the group
marks done.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monev_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("met", sa.String(length=300), nullable=False),
        sa.Column("finding_production", sa.Text(), nullable=False),
        sa.Column("finding_packaging", sa.Text(), nullable=False),
        sa.Column("finding_marketing", sa.Text(), nullable=False),
        sa.Column("finding_finance", sa.Text(), nullable=False),
        sa.Column("finding_equipment", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_monev_visit_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_monev_visit_recorded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monev_visit")),
    )
    op.create_index(
        "ix_monev_visit_group_visited_on", "monev_visit", ["group_id", "visited_on"], unique=False
    )

    op.create_table(
        "monev_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_by_name", sa.String(length=80), nullable=False),
        sa.Column("done_note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["user.id"],
            name=op.f("fk_monev_follow_up_done_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["monev_visit.id"],
            name=op.f("fk_monev_follow_up_visit_id_monev_visit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monev_follow_up")),
    )
    op.create_index(
        "ix_monev_follow_up_open_due", "monev_follow_up", ["done_at", "due_on"], unique=False
    )
    op.create_index(
        op.f("ix_monev_follow_up_visit_id"), "monev_follow_up", ["visit_id"], unique=False
    )

    op.create_table(
        "monev_visit_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["image_id"], ["image.id"], name=op.f("fk_monev_visit_photo_image_id_image")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["monev_visit.id"],
            name=op.f("fk_monev_visit_photo_visit_id_monev_visit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monev_visit_photo")),
    )
    op.create_index(
        op.f("ix_monev_visit_photo_image_id"), "monev_visit_photo", ["image_id"], unique=False
    )
    op.create_index(
        op.f("ix_monev_visit_photo_visit_id"), "monev_visit_photo", ["visit_id"], unique=False
    )


def downgrade():
    op.drop_table("monev_visit_photo")
    op.drop_table("monev_follow_up")
    op.drop_table("monev_visit")
