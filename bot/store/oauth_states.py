"""States for "Add to Slack" (OAuth mode): signed, so issuing one writes nothing; recorded once
when Slack sends the visitor back, so each works once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from logging import Logger, getLogger
from typing import Any

from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import delete

from bot.store.database import Database
from bot.store.models import OAuthState, utcnow
from bot.store.upsert import insert_for_dialect

# How long an "Add to Slack" click may take to come back through Slack's consent screen.
STATE_LIFETIME = timedelta(minutes=10)


class OAuthStates(OAuthStateStore):
    """States for "Add to Slack" that any process can check, and that write nothing when issued.

    A state is its expiry and a nonce, signed with a key only the app has. Issuing one writes
    no row, so visitors to the install page cannot fill the database; coming back with it
    records its nonce until it expires, so it works once.
    """

    def __init__(
        self, database: Database, key: bytes, clock: Callable[[], datetime] = utcnow
    ) -> None:
        if not key:
            raise ValueError("OAuth states need a signing key")
        self.database = database
        self._key = key
        self.clock = clock
        self._logger = getLogger(__name__)

    @property
    def logger(self) -> Logger:
        return self._logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        expires = int((self.clock() + STATE_LIFETIME).timestamp())
        unsigned = f"{expires}.{secrets.token_urlsafe(16)}"
        return f"{unsigned}.{self._signature(unsigned)}"

    def consume(self, state: str) -> bool:
        """True once for a state we issued that has not expired; False ever after."""
        nonce_and_expiry = self._verified(state)
        if nonce_and_expiry is None:
            return False
        nonce, expires_at = nonce_and_expiry
        now = self.clock()
        with self.database.connection() as connection:
            # States nobody can use any more: the table holds only the last few minutes'.
            connection.execute(delete(OAuthState).where(OAuthState.expires_at <= now))
            recorded = connection.execute(
                insert_for_dialect(connection.dialect.name, OAuthState.__table__)
                .values(state=nonce, expires_at=expires_at)
                .on_conflict_do_nothing(index_elements=["state"])
                # Not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT here.
                .returning(OAuthState.state)
            ).first()
            return recorded is not None

    def _verified(self, state: object) -> tuple[str, datetime] | None:
        """The nonce and expiry of a state we signed that has not expired, else None."""
        if not isinstance(state, str) or len(state) > 200:
            return None
        unsigned, _, signature = state.rpartition(".")
        expires, _, nonce = unsigned.partition(".")
        if not (expires.isascii() and expires.isdigit() and nonce):
            return None
        if not hmac.compare_digest(signature, self._signature(unsigned)):
            return None
        expires_at = datetime.fromtimestamp(int(expires), tz=UTC)
        now = self.clock()
        if not now < expires_at <= now + STATE_LIFETIME:
            return None
        return nonce, expires_at

    def _signature(self, unsigned: str) -> str:
        digest = hmac.new(self._key, unsigned.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()


def state_key(client_secret: str) -> bytes:
    """The key that signs OAuth states: derived from the app's client secret, which every
    process has and no visitor does."""
    return hmac.new(client_secret.encode(), b"ask-team oauth state", hashlib.sha256).digest()
