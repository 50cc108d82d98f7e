"""Workspaces' installs and OAuth states, for installing into many workspaces.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_installs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.String(length=255), nullable=False),
        sa.Column("team_id", sa.String(length=255), nullable=False),
        sa.Column("app_id", sa.String(length=255), nullable=True),
        sa.Column("bot_id", sa.String(length=255), nullable=False),
        sa.Column("bot_user_id", sa.String(length=255), nullable=False),
        sa.Column("bot_scopes", sa.Text(), nullable=False),
        sa.Column("bot_token", sa.Text(), nullable=False),
        sa.Column("bot_refresh_token", sa.Text(), nullable=True),
        sa.Column("bot_token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("installer_user_id", sa.String(length=255), nullable=True),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_installs")),
        sa.UniqueConstraint("team_id", name=op.f("uq_workspace_installs_team_id")),
    )
    op.create_table(
        "oauth_states",
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_oauth_states")),
    )
    op.create_index(
        op.f("ix_oauth_states_expires_at"), "oauth_states", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_oauth_states_expires_at"), table_name="oauth_states")
    op.drop_table("oauth_states")
    op.drop_table("workspace_installs")
