"""care pathway: public summaries (the public story of an incident) and care-plan notes

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


def downgrade() -> None:
    op.drop_table("care_plans")
    op.drop_table("public_summaries")
