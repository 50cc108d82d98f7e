"""An ask's default close planned in UTC, before Slack said the leader's zone, is marked so
that it moves into the zone whenever the zone becomes known.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("team_asks") as table:
        table.add_column(
            sa.Column("close_awaits_zone", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("team_asks") as table:
        table.drop_column("close_awaits_zone")
