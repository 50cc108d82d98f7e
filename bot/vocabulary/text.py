"""Text hygiene for what users type and what we show back in mrkdwn."""

from __future__ import annotations

import re
from datetime import datetime

# C0/C1 control characters other than tab and newline. PostgreSQL rejects NUL in text,
# and the rest only garble what a leader reads later.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ELLIPSIS = "…"


def clean_text(text: str) -> str:
    """Normalise newlines, drop control characters and trim; keeps every visible character."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def counted(count: int, singular: str, plural: str) -> str:
    """`1 entry`, `2,000 entries`: a number with its noun in the right number."""
    return f"{count:,} {singular if count == 1 else plural}"


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as markup, so `<!channel>` shows, not pings."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_slack(text: str) -> str:
    """Command text as typed: Slack sends `&`, `<` and `>` escaped (&amp; first would undo
    a typed "&lt;")."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shown(text: str, limit: int) -> str:
    """`text` escaped for mrkdwn and cut with an ellipsis so the escaped form fits `limit`."""
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    # Cut on the raw text so an entity such as &amp; is never split in half.
    budget = limit - len(ELLIPSIS)
    kept: list[str] = []
    used = 0
    for char in text:
        piece = escape_mrkdwn(char)
        if used + len(piece) > budget:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept).rstrip() + ELLIPSIS


def slack_date(moment: datetime, *, with_time: bool = False) -> str:
    """A date Slack shows in each reader's own time zone, with a UTC fallback."""
    stamp = int(moment.timestamp())
    if with_time:
        return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|{moment:%Y-%m-%d %H:%M} UTC>"
    return f"<!date^{stamp}^{{date_short}}|{moment:%Y-%m-%d}>"
