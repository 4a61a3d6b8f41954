"""AVL fixes out of the event log: unit_positions (a bounded history; the latest stays on the unit)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from openpsap.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_positions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.String(length=16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("device_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_unit_positions_unit_at", "unit_positions", ["unit_id", "device_at"])
    op.create_index(op.f("ix_unit_positions_received_at"), "unit_positions", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_unit_positions_received_at"), table_name="unit_positions")
    op.drop_index("ix_unit_positions_unit_at", table_name="unit_positions")
    op.drop_table("unit_positions")
