"""A promise made on a team conversation remembers whether the team was told, so that
marking it done is told in the same thread.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not a batch: rebuilding `entries` on SQLite would drop its search
# triggers (0007). SQLite has had ADD and DROP COLUMN since 3.35.


def upgrade() -> None:
    op.add_column(
        "entries",
        sa.Column("promise_told", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("entries", "promise_told")
