"""Morale alerts (one per pulse or low run, and the leader's choice to have them) and each
workspace's learned pace for chat.postMessage.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "morale_alerts",
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["leaders.id"],
            name=op.f("fk_morale_alerts_leader_id_leaders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("leader_id", "source", name=op.f("pk_morale_alerts")),
    )
    op.create_table(
        "workspace_paces",
        sa.Column("team_id", sa.String(length=255), nullable=False),
        sa.Column("per_minute", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspace_paces")),
    )
    # Plain ADD COLUMN: rebuilding `leaders` in a batch is not needed on SQLite 3.35+.
    op.add_column(
        "leaders",
        sa.Column("morale_alerts", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("leaders", "morale_alerts")
    op.drop_table("workspace_paces")
    op.drop_table("morale_alerts")
