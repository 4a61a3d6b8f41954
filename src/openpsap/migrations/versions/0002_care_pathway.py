"""care pathway: public summaries, care-plan notes, care outcomes and follow-up tasks

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import openpsap.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_summaries",
        sa.Column("incident_id", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=False),
        sa.Column("approved_at", openpsap.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_public_summaries")),
    )
    op.create_table(
        "care_plans",
        sa.Column("caller_number", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", openpsap.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("caller_number", name=op.f("pk_care_plans")),
    )
    op.create_table(
        "incident_care",
        sa.Column("incident_id", sa.String(length=16), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", openpsap.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_care")),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("incident_id", sa.String(length=16), nullable=True),
        sa.Column("caller_number", sa.String(length=32), nullable=True),
        sa.Column("referral", sa.String(length=32), nullable=True),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("due_at", openpsap.db.UTCDateTime(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", openpsap.db.UTCDateTime(), nullable=False),
        sa.Column("closed_at", openpsap.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    op.create_index(op.f("ix_follow_ups_status"), "follow_ups", ["status"])
    op.create_index(op.f("ix_follow_ups_incident_id"), "follow_ups", ["incident_id"])
    op.create_index(op.f("ix_follow_ups_caller_number"), "follow_ups", ["caller_number"])


def downgrade() -> None:
    op.drop_table("follow_ups")
    op.drop_table("incident_care")
    op.drop_table("care_plans")
    op.drop_table("public_summaries")
