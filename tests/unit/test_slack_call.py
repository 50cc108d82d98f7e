"""slack_call: every way a call to Slack can fail is one of three faults, told apart in one place.

REFUSED: Slack said no and would say it again. TRY_LATER: Slack is busy, down, or out of
reach. OUR_BUG: anything else, logged with its traceback once. A failure's reason is Slack's
error code, the HTTP status, or the kind of exception: never a token, never what was sent.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, NoReturn
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web import SlackResponse

from bot.vocabulary.slack_call import (
    Fault,
    SlackCallError,
    failure_of,
    slack_answered,
    slack_call,
)

TOKEN = "xoxb-1234-never-logged"
WORDS = "what the team said"


def slack_said(status: int, data: dict[str, Any], headers: dict[str, Any] | None = None) -> Any:
    """The SlackApiError slack_sdk raises for an answer of `status` with body `data`."""
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={"headers": {"Authorization": f"Bearer {TOKEN}"}, "json": {"text": WORDS}},
        data=data,
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("The request to the Slack API failed.", response)


def raising(error: BaseException) -> Callable[..., NoReturn]:
    def call(**kwargs: Any) -> NoReturn:
        raise error

    return call


def failure(error: BaseException) -> SlackCallError:
    with pytest.raises(SlackCallError) as raised:
        slack_call(raising(error), channel="D0LEADER", text=WORDS)
    return raised.value


def test_an_answer_comes_back_as_slack_gave_it() -> None:
    def post(*, channel: str, text: str) -> dict[str, str]:
        return {"channel": channel, "ts": "1.0"}

    assert slack_call(post, channel="C0TEAM", text=WORDS) == {"channel": "C0TEAM", "ts": "1.0"}


# -- refused for good ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "user_not_found",
        "invalid_blocks",
        "an_error_slack_adds_next_year",
    ],
)
def test_an_error_slack_answers_with_is_a_refusal_named_by_its_code(code: str) -> None:
    refused = failure(slack_said(200, {"ok": False, "error": code}))

    assert (refused.fault, refused.reason, refused.status) == (Fault.REFUSED, code, 200)
    assert refused.retry_after is None
    assert refused.answered


def test_a_refusal_with_a_4xx_status_is_still_a_refusal() -> None:
    refused = failure(slack_said(401, {"ok": False, "error": "invalid_auth"}))

    assert (refused.fault, refused.reason, refused.status) == (Fault.REFUSED, "invalid_auth", 401)


def test_a_4xx_without_a_code_is_a_refusal_named_by_its_status() -> None:
    refused = failure(slack_said(404, {}))

    assert (refused.fault, refused.reason) == (Fault.REFUSED, "HTTP 404")


# -- try later ------------------------------------------------------------------------------------


def test_a_429_is_try_later_after_slacks_retry_after() -> None:
    limited = failure(slack_said(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}))

    assert (limited.fault, limited.reason, limited.status) == (Fault.TRY_LATER, "ratelimited", 429)
    assert limited.retry_after == 30.0


def test_a_429_without_retry_after_waits_a_second() -> None:
    assert failure(slack_said(429, {"ok": False})).retry_after == 1.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_is_try_later(status: int) -> None:
    down = failure(slack_said(status, {"ok": False}))

    assert (down.fault, down.reason, down.status) == (Fault.TRY_LATER, f"HTTP {status}", status)
    assert down.retry_after is None, "only a 429 says how long"


def test_a_5xx_with_a_code_is_named_by_its_code() -> None:
    down = failure(slack_said(500, {"ok": False, "error": "internal_error"}))

    assert (down.fault, down.reason) == (Fault.TRY_LATER, "internal_error")


@pytest.mark.parametrize(
    "code",
    ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"],
)
def test_slack_having_a_moment_behind_a_200_is_try_later(code: str) -> None:
    busy = failure(slack_said(200, {"ok": False, "error": code}))

    assert (busy.fault, busy.reason, busy.status) == (Fault.TRY_LATER, code, 200)


@pytest.mark.parametrize(
    "error",
    [
        URLError(ConnectionRefusedError(111, "Connection refused")),
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        socket.timeout("timed out"),  # noqa: UP041 - what older code raises
        TimeoutError("The read operation timed out"),
        http.client.RemoteDisconnected("Remote end closed connection without response"),
        http.client.IncompleteRead(b"{", 10),
    ],
    ids=type,
)
def test_slack_out_of_reach_is_try_later_named_by_the_kind_of_failure(error: Exception) -> None:
    unreached = failure(error)

    assert (unreached.fault, unreached.reason) == (Fault.TRY_LATER, type(error).__name__)
    assert unreached.status is None
    assert not unreached.answered, "Slack never answered"


# -- our bugs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        TypeError("unexpected keyword argument"),
        KeyError("channel"),
        ValueError("bad value"),
        SlackRequestError("file or content is required"),
    ],
    ids=type,
)
def test_anything_else_is_our_bug_logged_once_with_its_traceback(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    bug = failure(error)

    assert (bug.fault, bug.reason, bug.status) == (Fault.OUR_BUG, type(error).__name__, None)
    (line,) = caplog.records
    assert line.levelno == logging.ERROR
    assert line.exc_info is not None
    assert line.exc_info[1] is error
    assert bug.__cause__ is error, "the original stays at hand"


def test_a_failure_already_sorted_passes_through_unchanged_and_unlogged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inner = failure(TypeError("a bug of ours"))
    caplog.clear()

    assert failure(inner) is inner
    assert failure_of(inner, "delivering") is inner
    assert not caplog.records


def test_an_error_raised_outside_slack_call_is_sorted_the_same_way() -> None:
    refused = failure_of(slack_said(200, {"ok": False, "error": "not_in_channel"}), "posting")
    unreached = failure_of(ConnectionRefusedError(), "posting")

    assert (refused.fault, refused.reason) == (Fault.REFUSED, "not_in_channel")
    assert (unreached.fault, unreached.reason) == (Fault.TRY_LATER, "ConnectionRefusedError")


# -- what a failure says --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        slack_said(200, {"ok": False, "error": "invalid_blocks", "text": WORDS}),
        URLError(f"https://slack.com/api/chat.postMessage?token={TOKEN}&text={WORDS}"),
        TypeError(f"{TOKEN} {WORDS}"),
    ],
    ids=["refused", "unreached", "our bug"],
)
def test_a_failure_never_says_a_token_or_what_was_sent(error: Exception) -> None:
    said = str(failure(error))

    assert TOKEN not in said
    assert WORDS not in said


def test_a_failure_says_its_fault_and_reason_in_one_phrase() -> None:
    assert str(failure(slack_said(200, {"ok": False, "error": "is_archived"}))) == (
        "refused (is_archived)"
    )
    assert str(failure(ConnectionResetError())) == "try later (ConnectionResetError)"


def test_an_answer_read_without_slack_sdk_is_sorted_by_its_status() -> None:
    # A response_url's answer: no exception, just a status.
    assert slack_answered(404).fault is Fault.REFUSED
    assert slack_answered(503).fault is Fault.TRY_LATER
    assert slack_answered(429, None, {"retry-after": ["7"]}).retry_after == 7.0


# -- through a real WebClient ---------------------------------------------------------------------


class Answers(BaseHTTPRequestHandler):
    """Answers every Web API call with the server's `answer`: (status, body, headers)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, body, headers = self.server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def client_of(port: int) -> WebClient:
    client = WebClient(token=TOKEN, base_url=f"http://127.0.0.1:{port}/api/")
    client.retry_handlers = []  # one attempt: what slack_sdk raises is what is sorted
    return client


def sorted_answer(stub: HTTPServer, status: int, body: str, **headers: str) -> SlackCallError:
    """What slack_call makes of what slack_sdk raises when Slack answers this."""
    stub.answer = (status, body, headers)  # type: ignore[attr-defined]
    client = client_of(stub.server_address[1])
    with pytest.raises(SlackCallError) as raised:
        slack_call(client.chat_postMessage, channel="C0TEAM", text=WORDS)
    return raised.value


def test_an_ok_false_answer_through_slack_sdk_is_a_refusal(stub: HTTPServer) -> None:
    refused = sorted_answer(stub, 200, json.dumps({"ok": False, "error": "not_in_channel"}))

    assert (refused.fault, refused.reason, refused.status) == (Fault.REFUSED, "not_in_channel", 200)


def test_a_429_through_slack_sdk_is_try_later_after_its_retry_after(stub: HTTPServer) -> None:
    body = json.dumps({"ok": False, "error": "ratelimited"})
    limited = sorted_answer(stub, 429, body, **{"Retry-After": "5"})

    assert (limited.fault, limited.reason, limited.retry_after) == (
        Fault.TRY_LATER,
        "ratelimited",
        5,
    )


def test_a_5xx_page_through_slack_sdk_is_try_later_without_quoting_the_page(
    stub: HTTPServer,
) -> None:
    # slack_sdk puts the start of a body that is not JSON in the answer's "error".
    down = sorted_answer(stub, 503, f"<html>{WORDS}</html>", **{"Content-Type": "text/html"})

    assert (down.fault, down.reason, down.status) == (Fault.TRY_LATER, "HTTP 503", 503)


def test_what_slack_sdk_raises_for_a_closed_port_is_try_later() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = int(probe.getsockname()[1])

    with pytest.raises(SlackCallError) as raised:
        slack_call(client_of(closed).chat_postMessage, channel="C0TEAM", text=WORDS)

    assert raised.value.fault is Fault.TRY_LATER
    assert raised.value.reason == "URLError"
    assert not raised.value.answered
