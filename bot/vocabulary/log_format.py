"""LOG_FORMAT: the same fields (time, level, logger, message, traceback) as text or as JSON.

One formatter for our lines and gunicorn's, so a log shipper reads every line of the process
the same way (bot/app/server.py hands gunicorn `gunicorn_log_config`).

A record is one line, whatever it quotes: a message can hold what a request sent (an OAuth
error code, an id), and a line break in it would let the sender write a line of their own
into the log. So control characters and Unicode's line separators are escaped the way a
Python string literal writes them (a backslash, then n, x00 or u2028). A traceback keeps its
line breaks, to stay readable, but nothing else of the kind.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# C0 and C1 controls (NEL, U+0085, among them), DEL, and the line and paragraph separators:
# whatever a terminal, a log shipper or str.splitlines() could take for the end of a line.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_BUT_LF = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# JSON escapes the C0 controls itself; these it leaves raw when ensure_ascii is off.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """`text` on one line: every control character and line separator written as an escape.

    With `keep_newlines`, line feeds stay (a traceback's lines) and the rest is escaped."""
    pattern = _CONTROLS_BUT_LF if keep_newlines else _CONTROLS
    return pattern.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


class TextFormatter(logging.Formatter):
    """TEXT_FORMAT with the message on one line; a traceback follows on lines of its own."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging names it
        return escape_controls(super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        # The traceback is escaped here, as it is written: another handler's formatter may
        # have rendered and cached it on the record first.
        return escape_controls(super().format(record), keep_newlines=True)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exc_info when present."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            # UTC with an offset: comparable across machines whatever their zone.
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            # Cached on the record like logging.Formatter does, for other handlers.
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            line["exc_info"] = record.exc_text
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        # json.dumps escapes a traceback's newlines and every C0 control, so the object stays
        # on one line; the rest that could end a line is escaped here. These characters only
        # occur inside JSON strings, where an escape means the same character.
        text = json.dumps(line, ensure_ascii=False)
        return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def formatter(log_format: LogFormat) -> logging.Formatter:
    """The formatter of every handler we set up: ours, gunicorn's, in either format."""
    return JsonFormatter() if log_format == "json" else TextFormatter(TEXT_FORMAT)


def gunicorn_log_config(log_format: LogFormat, level: str) -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its error and access logs and ours, on stderr, one format.

    gunicorn applies it in the master before forking, so the workers inherit it.
    """
    return {
        "version": 1,
        # Loggers made before this (the libraries' quieted ones) keep their levels.
        "disable_existing_loggers": False,
        "formatters": {"ask_team": {"()": formatter, "log_format": log_format}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "ask_team",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        # Not propagated: the root's handler would write each of gunicorn's lines twice.
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            # A logconfig_dict turns gunicorn's access log on; WARNING keeps it off as before
            # (a line per request and per health probe), in the same format if it is raised.
            "gunicorn.access": {"level": "WARNING", "handlers": ["stderr"], "propagate": False},
        },
    }
