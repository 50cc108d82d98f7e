"""Text a request could put in a log line to break it: line breaks, other controls, a forged
record of its own (bot/vocabulary/log_format.py must keep each record on one line)."""

from __future__ import annotations

import re

# Every character that ends a line for someone: a terminal, a log shipper, str.splitlines().
LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]
LINE_BREAKS += ["\u2028", "\u2029"]
# Not line breaks, but no log line should carry them raw either.
OTHER_CONTROLS = ["\x00", "\x1b[31m", "\x07", "\x7f", "\x9b", "\t"]
FORGED = "2026-11-26 09:00:00,000 ERROR bot.app.web: FORGED by the sender"
HOSTILE = "x" + "".join(LINE_BREAKS + OTHER_CONTROLS) + FORGED
RAW = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
