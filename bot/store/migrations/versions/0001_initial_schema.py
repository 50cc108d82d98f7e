"""Initial schema: leaders, question views, entries and the people who answered.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leaders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("last_question_ref", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaders")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_leaders_team_id")),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("question_ref", sa.String(length=80), nullable=False),
        sa.Column("question_text", sa.String(length=600), nullable=False),
        sa.Column("habit", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("heartbeat", sa.SmallInteger(), nullable=True),
        sa.Column("promise", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("heartbeat BETWEEN 1 AND 5", name=op.f("ck_entries_heartbeat_range")),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["leaders.id"],
            name=op.f("fk_entries_leader_id_leaders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["entries.id"],
            name=op.f("fk_entries_parent_id_entries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
    )
    op.create_index("ix_entries_leader_created", "entries", ["leader_id", "created_at", "id"])
    op.create_table(
        "question_views",
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("habit", sa.String(length=20), nullable=False),
        sa.Column("times_shown", sa.Integer(), nullable=False),
        sa.Column("last_shown_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["leaders.id"],
            name=op.f("fk_question_views_leader_id_leaders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("leader_id", "question_id", name=op.f("pk_question_views")),
    )
    op.create_table(
        "entry_people",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_entry_people_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "user_id", name=op.f("pk_entry_people")),
    )
    op.create_index(op.f("ix_entry_people_user_id"), "entry_people", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_entry_people_user_id"), table_name="entry_people")
    op.drop_table("entry_people")
    op.drop_table("question_views")
    op.drop_index("ix_entries_leader_created", table_name="entries")
    op.drop_table("entries")
    op.drop_table("leaders")
