"""The bot scopes ask-team asks for: manifest.yml declares the same (tests/test_manifest.py)."""

BOT_SCOPES = ("commands", "chat:write", "users:read", "im:write", "files:write")
