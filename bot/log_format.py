"""LOG_FORMAT: the same fields (time, level, logger, message, traceback) as text or as JSON.

One formatter for our lines and gunicorn's, so a log shipper reads every line of the process
the same way (bot/server.py hands gunicorn `gunicorn_log_config`).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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
        # A traceback's newlines are escaped, so the object stays on one line.
        return json.dumps(line, ensure_ascii=False)


def formatter(log_format: LogFormat) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


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
