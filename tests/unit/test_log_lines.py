"""One record is one line, whatever a request put in it (bot/vocabulary/log_format.py).

A message can quote what a request sent; a line break in it would let the sender write
lines of their own into the log, and a NUL or a control sequence would garble it. Specified
on the formatter, for both LOG_FORMATs; tests/e2e/test_log_lines.py reads a real
`ask-team serve` process's stderr.
"""

from __future__ import annotations

import json
import logging
import sys

import pytest

from bot.vocabulary.log_format import LOG_FORMATS, LogFormat, formatter, gunicorn_log_config
from tests.support.log_lines import FORGED, HOSTILE, LINE_BREAKS, OTHER_CONTROLS, RAW


def record(message: str, *args: object, exc_info: bool = False) -> logging.LogRecord:
    made = logging.makeLogRecord(
        {"name": "bot.app.oauth", "levelno": logging.INFO, "levelname": "INFO"}
        | {"msg": message, "args": args}
    )
    if exc_info:
        try:
            raise ValueError("what a bug of ours said\x00")
        except ValueError:
            made.exc_info = sys.exc_info()
    return made


# -- the formatter ---------------------------------------------------------------------------------


@pytest.mark.parametrize("log_format", LOG_FORMATS)
@pytest.mark.parametrize(
    "sent", [*LINE_BREAKS, *OTHER_CONTROLS], ids=lambda text: text.encode("unicode_escape").decode()
)
def test_a_value_from_a_request_stays_on_its_records_line(log_format: LogFormat, sent: str) -> None:
    line = formatter(log_format).format(record("install failed: %s", f"x{sent}{FORGED}"))

    assert len(line.splitlines()) == 1, line
    assert not RAW.search(line), line
    assert "FORGED" in line


def test_a_text_line_shows_where_the_controls_were() -> None:
    line = formatter("text").format(record("install failed: %s", "x\nFORGED\x00\u2028"))

    assert line.endswith(r"INFO bot.app.oauth: install failed: x\nFORGED\x00\u2028")


def test_a_json_line_keeps_the_message_exactly() -> None:
    line = formatter("json").format(record("install failed: %s", HOSTILE))

    assert json.loads(line)["message"] == f"install failed: {HOSTILE}"
    assert not RAW.search(line), line


def test_a_text_traceback_keeps_its_lines_and_nothing_else_breaks_them() -> None:
    rendered = formatter("text").format(record("failed: %s", HOSTILE, exc_info=True))

    first, *traceback = rendered.split("\n")
    assert "FORGED" in first
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[-1] == r"ValueError: what a bug of ours said\x00"
    assert not RAW.search(rendered.replace("\n", "")), rendered


def test_a_json_traceback_is_on_the_records_line() -> None:
    line = formatter("json").format(record("failed: %s", HOSTILE, exc_info=True))

    assert len(line.splitlines()) == 1
    assert json.loads(line)["exc_info"].endswith("ValueError: what a bug of ours said\x00")


@pytest.mark.parametrize("log_format", LOG_FORMATS)
def test_gunicorn_writes_its_lines_with_the_same_formatter(log_format: LogFormat) -> None:
    spec = gunicorn_log_config(log_format, "INFO")["formatters"]["ask_team"]
    made = spec["()"](log_format=spec["log_format"])

    assert type(made) is type(formatter(log_format))
    assert len(made.format(record("Invalid request: %s", HOSTILE)).splitlines()) == 1
