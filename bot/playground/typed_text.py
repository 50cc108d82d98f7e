"""What a pretend person types, as Slack sends it to the bot."""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.playground.people import Channel, PretendUser

# `#team` or `@ana` as typed, not inside a word (`ana@example.com`); a name may hold dots,
# but a full stop after it ends the sentence, not the name.
TYPED_MENTION = re.compile(r"(?<![\w@#])([#@])([\w-]+(?:\.[\w-]+)*)")


def as_slack_sends(
    typed: str, channels: Collection[Channel], people: Collection[PretendUser]
) -> str:
    """Typed text as Slack sends it: `& < >` escaped, `#team` and `@ana` linked."""

    def linked(mention: re.Match[str]) -> str:
        # Linked only if it names the channel or a pretend person; else left as typed.
        sign, name = mention[1], mention[2].lower()
        if sign == "#":
            channel = next((c for c in channels if c.name == name), None)
            return f"<#{channel.id}|{channel.name}>" if channel else mention[0]
        person = next((u for u in people if u.name == name), None)
        return f"<@{person.id}|{person.name}>" if person else mention[0]

    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return TYPED_MENTION.sub(linked, escaped)
