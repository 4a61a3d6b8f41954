"""jurisdictions imported from OpenStreetMap: their roads, addresses, places and area

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from openpsap.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jurisdictions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("area", sa.JSON(), nullable=False),
        sa.Column("centre_lat", sa.Float(), nullable=False),
        sa.Column("centre_lon", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_jurisdictions")),
    )
    op.create_table(
        "jurisdiction_layers",
        sa.Column("jurisdiction", sa.String(length=64), nullable=False),
        sa.Column("layer", sa.String(length=32), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["jurisdiction"], ["jurisdictions.name"], ondelete="CASCADE",
                                name=op.f("fk_jurisdiction_layers_jurisdiction_jurisdictions")),
        sa.PrimaryKeyConstraint("jurisdiction", "layer", name=op.f("pk_jurisdiction_layers")),
    )


def downgrade() -> None:
    op.drop_table("jurisdiction_layers")
    op.drop_table("jurisdictions")
