"""Where workspaces' installs live (OAuth mode): slack-sdk's store interfaces over our tables.

Our own implementation rather than slack-sdk's SQLAlchemy stores: theirs keep every install
as a new row with its tokens in clear text, in tables Alembic does not manage. Here one row
per workspace is updated on reinstall, tokens are encrypted (`TokenCipher`), and the tables
come from our migrations on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from logging import Logger, getLogger
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import Connection

from bot.store.database import Database
from bot.store.models import WorkspaceInstall, utcnow
from bot.store.token_cipher import TokenCipher, TokenKeyError
from bot.store.upsert import insert_for_dialect


@dataclass(frozen=True)
class RefreshClaim:
    """A rotating token this process may refresh now: no other process will until `lease` ends.

    `stored_refresh` is the refresh token as stored (encrypted): the new tokens are kept only if
    it is still the one stored, so a reinstall meanwhile is never overwritten."""

    bot: Bot
    stored_refresh: str
    failures: int


def _key(enterprise_id: str | None) -> str:
    # One unique key for "no enterprise" on SQLite and PostgreSQL alike (NULLs never clash).
    return enterprise_id or ""


def installed_at(connection: Connection, team_id: str) -> datetime | None:
    """When the workspace's latest install was kept; None if it has none."""
    return connection.scalar(
        select(WorkspaceInstall.installed_at).where(WorkspaceInstall.team_id == team_id)
    )


class WorkspaceInstalls(InstallationStore):
    """One row per workspace: the latest install's bot, its token encrypted."""

    def __init__(
        self,
        database: Database,
        cipher: TokenCipher,
        clock: Callable[[], datetime] = utcnow,
        *,
        on_install: Callable[[Connection, str, str], None] | None = None,
    ) -> None:
        self.database = database
        self.cipher = cipher
        self.clock = clock
        # Run with (connection, team id, installer) in the install's own transaction.
        self.on_install = on_install
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
            # A new install starts with a working refresh token: no backoff carried over.
            "refresh_not_before": None,
            "refresh_failures": 0,
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
            if installer_user_id and self.on_install is not None:
                self.on_install(connection, team_id, installer_user_id)

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

    def claim_refreshes(
        self, now: datetime, *, expiring_before: datetime, lease: timedelta
    ) -> list[RefreshClaim]:
        """Claim every rotating token that expires before `expiring_before` and is not claimed
        or backing off: one short write, so no lock is held while Slack is asked."""
        with self.database.connection() as connection:
            rows = connection.execute(
                update(WorkspaceInstall)
                .where(
                    WorkspaceInstall.bot_refresh_token.is_not(None),
                    WorkspaceInstall.bot_token_expires_at < expiring_before,
                    or_(
                        WorkspaceInstall.refresh_not_before.is_(None),
                        WorkspaceInstall.refresh_not_before <= now,
                    ),
                )
                .values(refresh_not_before=now + lease)
                .returning(*WorkspaceInstall.__table__.c)
            ).all()
        claims = []
        for row in rows:
            try:
                bot = self._bot_of(row)  # type: ignore[arg-type]
            except TokenKeyError:
                # Start-up refuses keys that do not open every token; a key removed since
                # then leaves this one to its lease, and the others are still refreshed.
                self._logger.warning("the token of %s does not open with the keys", row.team_id)
                continue
            claims.append(RefreshClaim(bot, row.bot_refresh_token, row.refresh_failures))
        return claims

    def keep_refreshed(self, claim: RefreshClaim, refreshed: Bot) -> bool:
        """Store a refreshed token, unless the install changed meanwhile; whether it was."""
        values = self._token_columns(refreshed) | {
            "refresh_not_before": None,
            "refresh_failures": 0,
        }
        with self.database.connection() as connection:
            kept = connection.execute(
                update(WorkspaceInstall)
                .where(
                    WorkspaceInstall.team_id == claim.bot.team_id,
                    WorkspaceInstall.bot_refresh_token == claim.stored_refresh,
                )
                .values(**values)
            )
            return kept.rowcount == 1

    def refresh_refused(self, claim: RefreshClaim, retry_at: datetime) -> None:
        """Count a refused refresh and leave the token alone until `retry_at`."""
        with self.database.connection() as connection:
            connection.execute(
                update(WorkspaceInstall)
                .where(
                    WorkspaceInstall.team_id == claim.bot.team_id,
                    WorkspaceInstall.bot_refresh_token == claim.stored_refresh,
                )
                .values(refresh_not_before=retry_at, refresh_failures=claim.failures + 1)
            )

    def _bot_of(self, row: WorkspaceInstall) -> Bot:
        """The install as slack-sdk's `Bot`, its tokens decrypted (an ORM or a Core row)."""
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
        # Read on every request in OAuth mode: one autocommit statement, not a transaction.
        with self.database.single_read() as connection:
            # Slack's workspace ids are unique across Slack, Enterprise Grid included.
            # A Core row has the attributes of the ORM one, without a session to build it.
            return connection.execute(  # type: ignore[return-value]
                select(WorkspaceInstall.__table__).where(WorkspaceInstall.team_id == team_id)
            ).first()

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
        """Raise `TokenKeyError` unless every stored token opens with the keys we have."""
        rows = self._stored_tokens()
        closed = sum(1 for tokens in rows if not all(map(self.cipher.opens, tokens)))
        if closed:
            which = f"{closed} of {len(rows)} installed workspaces"
            has = "has a token that does" if closed == 1 else "have tokens that do"
            raise TokenKeyError(
                f"{which} {has} not open with TOKEN_ENCRYPTION_KEY. Put back the key they were "
                "encrypted with, after the new one (TOKEN_ENCRYPTION_KEY=new,old), run "
                "`ask-team rotate-key`, and only then drop the old key."
            )

    def _stored_tokens(self) -> list[tuple[str, ...]]:
        with self.database.connection(writes=False) as connection:
            rows = connection.execute(
                select(WorkspaceInstall.bot_token, WorkspaceInstall.bot_refresh_token)
            ).all()
        return [tuple(token for token in row if token) for row in rows]

    def rotate_key(self) -> int:
        """Re-encrypt every stored token with the newest key; how many workspaces' were.

        All or nothing: if any token does not open, nothing is rewritten."""
        self.check_key()
        with self.database.transaction() as session:
            rows = list(session.scalars(select(WorkspaceInstall).with_for_update()))
            for row in rows:
                row.bot_token = self.cipher.rotate(row.bot_token)
                if row.bot_refresh_token:
                    row.bot_refresh_token = self.cipher.rotate(row.bot_refresh_token)
            return len(rows)
