"""Slack tokens encrypted at rest with Fernet keys from TOKEN_ENCRYPTION_KEY.

The key never goes into the database, so a dump alone yields no usable token. Several keys
(comma-separated, newest first) let an operator rotate: the first encrypts, any decrypts,
and `ask-team rotate-key` re-encrypts every token with the first.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenKeyError(ValueError):
    """TOKEN_ENCRYPTION_KEY is missing, malformed, or does not open a stored token."""


class TokenCipher:
    """Encrypts and decrypts tokens with the keys of TOKEN_ENCRYPTION_KEY."""

    def __init__(self, keys: str) -> None:
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise TokenKeyError(
                "TOKEN_ENCRYPTION_KEY is empty; make one with `ask-team new-key` "
                "(a Fernet key: 32 url-safe base64-encoded bytes)."
            )
        try:
            self._fernet = MultiFernet([Fernet(part.encode()) for part in parts])
        except ValueError:
            raise TokenKeyError(
                "TOKEN_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes), "
                "comma-separated, newest first; make one with `ask-team new-key`."
            ) from None

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, stored: str) -> str:
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken:
            raise TokenKeyError(
                "a stored token does not open with TOKEN_ENCRYPTION_KEY: was a key removed "
                "before `ask-team rotate-key` re-encrypted everything with the new one?"
            ) from None

    def opens(self, stored: str) -> bool:
        """Whether a stored token opens with these keys."""
        try:
            self._fernet.decrypt(stored.encode())
        except InvalidToken:
            return False
        return True

    def rotate(self, stored: str) -> str:
        """The same token, encrypted again with the first (newest) key."""
        try:
            return self._fernet.rotate(stored.encode()).decode()
        except InvalidToken:
            raise TokenKeyError(
                "a stored token does not open with any key of TOKEN_ENCRYPTION_KEY"
            ) from None


def new_key() -> str:
    """A fresh Fernet key, for TOKEN_ENCRYPTION_KEY."""
    return Fernet.generate_key().decode()
