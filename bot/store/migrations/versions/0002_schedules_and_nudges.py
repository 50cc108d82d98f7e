"""Schedules and nudges: when each leader wants a question, and the once-a-day claims.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("question_ref", sa.String(length=80), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("snoozed_until", sa.DateTime(), nullable=True),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["leaders.id"],
            name=op.f("fk_nudges_leader_id_leaders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudges")),
        sa.UniqueConstraint("leader_id", "local_date", name=op.f("uq_nudges_leader_id")),
    )
    op.create_index(op.f("ix_nudges_snoozed_until"), "nudges", ["snoozed_until"])
    op.create_table(
        "schedules",
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("minute_of_day", sa.SmallInteger(), nullable=False),
        sa.Column("days", sa.SmallInteger(), nullable=False),
        sa.Column("habits", sa.String(length=120), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("resume_on", sa.Date(), nullable=True),
        sa.Column("pause_reason", sa.String(length=64), nullable=True),
        sa.Column("next_due_at", sa.DateTime(), nullable=True),
        sa.Column("next_local_date", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["leaders.id"],
            name=op.f("fk_schedules_leader_id_leaders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("leader_id", name=op.f("pk_schedules")),
    )
    op.create_index(op.f("ix_schedules_next_due_at"), "schedules", ["next_due_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_schedules_next_due_at"), table_name="schedules")
    op.drop_table("schedules")
    op.drop_index(op.f("ix_nudges_snoozed_until"), table_name="nudges")
    op.drop_table("nudges")
