"""Reminders: a promise on its day and a week past it, and people asked by DM who have not
answered; a claim for each promise's reminder, people's choice not to be reminded, and
dropped promises.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not a batch: rebuilding `entries` on SQLite would drop its search
# triggers (0007). SQLite has had ADD and DROP COLUMN since 3.35.


def upgrade() -> None:
    op.create_table(
        "promise_reminders",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_promise_reminders_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "kind", "due", name=op.f("pk_promise_reminders")),
    )
    op.create_table(
        "reminder_opt_outs",
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["leaders.id"],
            name=op.f("fk_reminder_opt_outs_leader_id_leaders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("leader_id", "user_id", name=op.f("pk_reminder_opt_outs")),
    )
    op.add_column("entries", sa.Column("promise_dropped_at", sa.DateTime(), nullable=True))
    op.add_column("team_asks", sa.Column("reminded_through", sa.DateTime(), nullable=True))
    op.add_column(
        "team_asks",
        sa.Column("reminded_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("team_ask_people", sa.Column("tz", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("team_ask_people", "tz")
    op.drop_column("team_asks", "reminded_count")
    op.drop_column("team_asks", "reminded_through")
    op.drop_column("entries", "promise_dropped_at")
    op.drop_table("reminder_opt_outs")
    op.drop_table("promise_reminders")
