"""One way for a call to Slack to fail: `slack_call` raises a `SlackCallError`, sorted once.

Every failure is one of three faults:

- REFUSED: Slack said no, and would say it again (`channel_not_found`, `invalid_auth`, …).
- TRY_LATER: Slack is having a moment (a 429 with its Retry-After, a 5xx, `ratelimited`,
  `internal_error`, …) or could not be reached at all (refused, reset, timed out).
- OUR_BUG: anything else raised on the way. Its traceback is logged here, once.

A failure's reason is Slack's error code, `HTTP <status>`, or the kind of exception: never a
token, nor what anyone wrote.
"""

from __future__ import annotations

import http.client
import logging
import math
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from slack_sdk.errors import SlackApiError

from bot.vocabulary.slack_errors import TRY_LATER_ERRORS

logger = logging.getLogger(__name__)
Params = ParamSpec("Params")
Answer = TypeVar("Answer")
# Slack's error codes (`not_in_channel`, `invalid_auth`); a body that was not JSON reaches us
# as an "error" of its own words (slack_sdk quotes it), which is no code and never a reason.
_CODE = re.compile(r"[a-z0-9_.]{1,64}")


class Fault(StrEnum):
    REFUSED = "refused"
    TRY_LATER = "try later"
    OUR_BUG = "our bug"


class SlackCallError(Exception):
    """A call to Slack that did not do what was asked, and why.

    `status` is the HTTP status Slack answered with (None if it never answered);
    `retry_after` the seconds a 429 asked us to wait.
    """

    def __init__(
        self,
        fault: Fault,
        reason: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(fault, reason, status, retry_after)
        self.fault = fault
        self.reason = reason
        self.status = status
        self.retry_after = retry_after

    @property
    def answered(self) -> bool:
        """Slack answered, if only to say no or later (rather than never being reached)."""
        return self.status is not None

    def __str__(self) -> str:
        return f"{self.fault} ({self.reason})"


def slack_call(
    call: Callable[Params, Answer], *args: Params.args, **kwargs: Params.kwargs
) -> Answer:
    """`call(*args, **kwargs)`: its answer, or a SlackCallError saying what went wrong."""
    try:
        return call(*args, **kwargs)
    except Exception as error:
        raise failure_of(error, getattr(call, "__name__", "a call to Slack")) from error


def failure_of(error: BaseException, doing: str) -> SlackCallError:
    """What `error`, raised while `doing` something, means; a bug of ours is logged here."""
    if isinstance(error, SlackCallError):
        return error
    if isinstance(error, SlackApiError):
        response = error.response
        if response is None:
            return SlackCallError(Fault.TRY_LATER, type(error).__name__)
        code = response.get("error") if isinstance(response.data, dict) else None
        return slack_answered(response.status_code, code, response.headers)
    if isinstance(error, OSError | http.client.HTTPException):
        # Refused, reset, timed out (URLError, socket.timeout and the like are OSErrors).
        return SlackCallError(Fault.TRY_LATER, type(error).__name__)
    logger.error("%s failed: a bug of ours", doing, exc_info=error)
    return SlackCallError(Fault.OUR_BUG, type(error).__name__)


def slack_answered(
    status: int, code: object = None, headers: Mapping[str, Any] | None = None
) -> SlackCallError:
    """The failure Slack's answer of HTTP `status`, with its `error` code, if any, means."""
    reason = code if isinstance(code, str) and _CODE.fullmatch(code) else f"HTTP {status}"
    if status == 429:
        return SlackCallError(Fault.TRY_LATER, reason, status, retry_after(headers or {}))
    if status >= 500 or reason in TRY_LATER_ERRORS:
        return SlackCallError(Fault.TRY_LATER, reason, status)
    return SlackCallError(Fault.REFUSED, reason, status)


def retry_after(headers: Mapping[str, Any]) -> float:
    """Slack's Retry-After in seconds: at least 1, and 1 if it sent none, or nonsense."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                seconds = float(raw)
            except (TypeError, ValueError):
                break
            # A huge (or infinite) wait is kept: it gives up on the workspace for this pass.
            return max(1.0, seconds) if not math.isnan(seconds) else 1.0
    return 1.0
