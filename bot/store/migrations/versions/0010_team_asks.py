"""Questions asked of the team in Slack, the people asked, and their answers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("channel_id", sa.String(length=255), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("closes_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("count_shown", sa.Integer(), nullable=False),
        sa.Column("count_updated_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_team_asks_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["leaders.id"],
            name=op.f("fk_team_asks_leader_id_leaders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_asks")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_team_asks_entry_id")),
    )
    op.create_index(op.f("ix_team_asks_leader_id"), "team_asks", ["leader_id"], unique=False)
    op.create_index(op.f("ix_team_asks_status"), "team_asks", ["status"], unique=False)
    op.create_table(
        "team_ask_people",
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("dm_channel", sa.String(length=255), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["ask_id"],
            ["team_asks.id"],
            name=op.f("fk_team_ask_people_ask_id_team_asks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ask_id", "user_id", name=op.f("pk_team_ask_people")),
    )
    op.create_table(
        "team_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("answerer_key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_team_answers_score_range")),
        sa.ForeignKeyConstraint(
            ["ask_id"],
            ["team_asks.id"],
            name=op.f("fk_team_answers_ask_id_team_asks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_answers")),
        sa.UniqueConstraint("ask_id", "answerer_key", name=op.f("uq_team_answers_ask_id")),
    )
    op.create_index(op.f("ix_team_answers_user_id"), "team_answers", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_team_answers_user_id"), table_name="team_answers")
    op.drop_table("team_answers")
    op.drop_table("team_ask_people")
    op.drop_index(op.f("ix_team_asks_status"), table_name="team_asks")
    op.drop_index(op.f("ix_team_asks_leader_id"), table_name="team_asks")
    op.drop_table("team_asks")
