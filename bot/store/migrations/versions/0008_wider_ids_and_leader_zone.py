"""Slack ids up to 255 characters; the leader's time zone as Slack last told us.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Slack documents no upper bound for its ids and has lengthened them before.
WIDENED = (
    ("leaders", "team_id"),
    ("leaders", "user_id"),
    ("entry_people", "user_id"),
    ("custom_questions", "team_id"),
    ("custom_questions", "added_by"),
)


def upgrade() -> None:
    # SQLite does not enforce VARCHAR lengths, so only PostgreSQL needs its columns widened;
    # rebuilding SQLite tables (batch mode) would cost a full copy for nothing.
    if op.get_bind().dialect.name == "postgresql":
        for table, column in WIDENED:
            op.alter_column(
                table, column, type_=sa.String(length=255), existing_type=sa.String(length=32)
            )
    op.add_column("leaders", sa.Column("tz", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE leaders SET tz = (SELECT schedules.tz FROM schedules"
        " WHERE schedules.leader_id = leaders.id)"
    )


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+): batch mode would copy `leaders` and drop the original,
    # which cascades to every entry while foreign keys are on.
    op.drop_column("leaders", "tz")
    if op.get_bind().dialect.name == "postgresql":
        for table, column in WIDENED:
            op.alter_column(
                table, column, type_=sa.String(length=32), existing_type=sa.String(length=255)
            )
