"""An index that holds everything the rotation reads of a leader's views, so both of its reads
before `/ask-team`'s acknowledgement are answered from the index alone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_question_views_rotation",
        "question_views",
        ["leader_id", "habit", "question_id", "times_shown"],
    )


def downgrade() -> None:
    op.drop_index("ix_question_views_rotation", table_name="question_views")
