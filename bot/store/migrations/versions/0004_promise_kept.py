"""Entries remember when their promise was kept; follow-ups are found by index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("promise_kept_at", sa.DateTime(), nullable=True))
    op.create_index(op.f("ix_entries_parent_id"), "entries", ["parent_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_entries_parent_id"), table_name="entries")
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("promise_kept_at")
