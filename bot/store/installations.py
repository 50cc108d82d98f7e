"""Where workspaces' installs live (OAuth mode): slack-sdk's store interfaces over our tables.

Our own implementation rather than slack-sdk's SQLAlchemy stores: theirs keep every install
as a new row with its tokens in clear text, in tables Alembic does not manage. Here one row
per workspace is updated on reinstall, tokens are encrypted (`TokenCipher`), and the tables
come from our migrations on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from logging import Logger, getLogger
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import delete, insert, select, update

from bot.store.database import Database
from bot.store.models import OAuthState, WorkspaceInstall, utcnow
from bot.store.token_cipher import TokenCipher
from bot.store.upsert import insert_for_dialect

# How long an "Add to Slack" click may take to come back through Slack's consent screen.
STATE_LIFETIME = timedelta(minutes=10)


def _key(enterprise_id: str | None) -> str:
    # One unique key for "no enterprise" on SQLite and PostgreSQL alike (NULLs never clash).
    return enterprise_id or ""


class WorkspaceInstalls(InstallationStore):
    """One row per workspace: the latest install's bot, its token encrypted."""

    def __init__(
        self, database: Database, cipher: TokenCipher, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.database = database
        self.cipher = cipher
        self.clock = clock
        self._logger = getLogger(__name__)

    @property
    def logger(self) -> Logger:
        return self._logger

    # -- writing ---------------------------------------------------------------------------

    def save(self, installation: Installation) -> None:
        """Keep a new install, or replace the workspace's earlier one."""
        self._keep(installation, installer_user_id=installation.user_id)

    def save_bot(self, bot: Bot) -> None:
        """Keep a bot's refreshed token (token rotation); never brings back an install that
        was removed meanwhile."""
        if not bot.team_id or not bot.bot_token:
            raise ValueError("a bot needs a workspace and a token")
        with self.database.connection() as connection:
            connection.execute(
                update(WorkspaceInstall)
                .where(WorkspaceInstall.team_id == bot.team_id)
                .values(**self._token_columns(bot))
            )

    def _token_columns(self, bot: Bot) -> dict[str, Any]:
        """A refreshed bot's token, refresh token and expiry, as stored."""
        return {
            "bot_token": self.cipher.encrypt(bot.bot_token),
            "bot_refresh_token": self.cipher.encrypt(bot.bot_refresh_token)
            if bot.bot_refresh_token
            else None,
            "bot_token_expires_at": datetime.fromtimestamp(bot.bot_token_expires_at, tz=UTC)
            if bot.bot_token_expires_at
            else None,
            "updated_at": self.clock(),
        }

    def _keep(self, bot: Installation, installer_user_id: str | None) -> None:
        self._upsert(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            installer_user_id=installer_user_id,
            app_id=bot.app_id,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=",".join(bot.bot_scopes or []),
            bot_token=bot.bot_token,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
        )

    def _upsert(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        installer_user_id: str | None,
        app_id: str | None,
        bot_id: str | None,
        bot_user_id: str | None,
        bot_scopes: str,
        bot_token: str | None,
        bot_refresh_token: str | None,
        bot_token_expires_at: int | None,
    ) -> None:
        if not team_id or not bot_token:
            raise ValueError("an install needs a workspace and a bot token")
        now = self.clock()
        expires = (
            datetime.fromtimestamp(bot_token_expires_at, tz=UTC) if bot_token_expires_at else None
        )
        values: dict[str, Any] = {
            "app_id": app_id,
            "bot_id": bot_id or "",
            "bot_user_id": bot_user_id or "",
            "bot_scopes": bot_scopes,
            "bot_token": self.cipher.encrypt(bot_token),
            "bot_refresh_token": self.cipher.encrypt(bot_refresh_token)
            if bot_refresh_token
            else None,
            "bot_token_expires_at": expires,
            "updated_at": now,
        }
        table = WorkspaceInstall.__table__
        with self.database.connection() as connection:
            statement = insert_for_dialect(connection.dialect.name, table).values(
                enterprise_id=_key(enterprise_id),
                team_id=team_id,
                installer_user_id=installer_user_id,
                installed_at=now,
                **values,
            )
            if installer_user_id:
                # A reinstall names its installer; a token refresh keeps the original one.
                values["installer_user_id"] = installer_user_id
                values["installed_at"] = now
            connection.execute(
                statement.on_conflict_do_update(index_elements=["team_id"], set_=values)
            )

    # -- reading ---------------------------------------------------------------------------

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The workspace's bot, its token decrypted; None if it has no install."""
        row = self._row(team_id)
        return None if row is None else self._bot_of(row)

    def refreshed_bot(self, team_id: str, refresh: Callable[[Bot], Bot | None]) -> Bot | None:
        """The workspace's bot after `refresh` (None: nothing to do), one process at a time.

        The row is locked (FOR UPDATE on PostgreSQL; SQLite's writer lock) around the call to
        Slack, so two workers never spend the same refresh token: Slack revokes a used one.
        The second reads the first's new token and finds nothing to refresh.
        """
        with self.database.transaction() as session:
            row = session.scalars(
                select(WorkspaceInstall)
                .where(WorkspaceInstall.team_id == team_id)
                .with_for_update()
            ).one_or_none()
            if row is None:
                return None
            bot = self._bot_of(row)
            refreshed = refresh(bot)
            if refreshed is None:
                return bot
            for column, value in self._token_columns(refreshed).items():
                setattr(row, column, value)
            return refreshed

    def _bot_of(self, row: WorkspaceInstall) -> Bot:
        return Bot(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id or None,
            team_id=row.team_id,
            bot_token=self.cipher.decrypt(row.bot_token),
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            bot_refresh_token=self.cipher.decrypt(row.bot_refresh_token)
            if row.bot_refresh_token
            else None,
            bot_token_expires_at=row.bot_token_expires_at,
            installed_at=row.installed_at.timestamp(),
        )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        row = self._row(team_id)
        if row is None:
            return None
        bot = self._bot_of(row)
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
            user_id=row.installer_user_id or "",
            installed_at=bot.installed_at,
        )

    def _row(self, team_id: str | None) -> WorkspaceInstall | None:
        if not team_id:
            return None
        with self.database.transaction(writes=False) as session:
            # Slack's workspace ids are unique across Slack, Enterprise Grid included.
            row = session.scalars(
                select(WorkspaceInstall).where(WorkspaceInstall.team_id == team_id)
            ).one_or_none()
            if row is not None:
                session.expunge(row)
            return row

    # -- forgetting ------------------------------------------------------------------------

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        # We ask for no user tokens: a workspace's install is its bot.
        if user_id is None:
            self.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        with self.database.connection() as connection:
            connection.execute(delete(WorkspaceInstall).where(WorkspaceInstall.team_id == team_id))

    # -- keys ------------------------------------------------------------------------------

    def check_key(self) -> None:
        """Raise `TokenKeyError` if the stored tokens do not open with the keys we have."""
        with self.database.transaction(writes=False) as session:
            stored = session.scalars(select(WorkspaceInstall.bot_token).limit(1)).first()
        if stored is not None:
            self.cipher.decrypt(stored)

    def rotate_key(self) -> int:
        """Re-encrypt every stored token with the newest key; how many rows were."""
        with self.database.transaction() as session:
            rows = list(session.scalars(select(WorkspaceInstall).with_for_update()))
            for row in rows:
                row.bot_token = self.cipher.rotate(row.bot_token)
                if row.bot_refresh_token:
                    row.bot_refresh_token = self.cipher.rotate(row.bot_refresh_token)
            return len(rows)


class OAuthStates(OAuthStateStore):
    """Single-use states for "Add to Slack", kept in the database so any process can check."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.database = database
        self.clock = clock
        self._logger = getLogger(__name__)

    @property
    def logger(self) -> Logger:
        return self._logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self.clock()
        with self.database.connection() as connection:
            # Forget states nobody came back with, so the table stays small.
            connection.execute(delete(OAuthState).where(OAuthState.expires_at <= now))
            connection.execute(
                insert(OAuthState).values(state=state, expires_at=now + STATE_LIFETIME)
            )
        return state

    def consume(self, state: str) -> bool:
        """True once for a state we issued that has not expired; False ever after."""
        if not isinstance(state, str) or not state:
            return False
        with self.database.connection() as connection:
            used = connection.execute(
                delete(OAuthState).where(
                    OAuthState.state == state, OAuthState.expires_at > self.clock()
                )
            )
            return used.rowcount == 1
