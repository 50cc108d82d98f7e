"""When a workspace's rotating token may next be refreshed, and how many refreshes failed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspace_installs") as table:
        table.add_column(sa.Column("refresh_not_before", sa.DateTime(), nullable=True))
        table.add_column(
            sa.Column("refresh_failures", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace_installs") as table:
        table.drop_column("refresh_failures")
        table.drop_column("refresh_not_before")
