"""Custom questions: a workspace's own additions to the question bank.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custom_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("habit", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_questions")),
        sa.UniqueConstraint("team_id", "text", name=op.f("uq_custom_questions_team_id")),
    )
    op.create_index(op.f("ix_custom_questions_team_id"), "custom_questions", ["team_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_custom_questions_team_id"), table_name="custom_questions")
    op.drop_table("custom_questions")
