"""A response_url is posted to only if it points at Slack (or the stand-in SLACK_API_URL names).

The bot POSTs to a request's response_url after the ack; followed wherever it pointed, a
signed payload could aim the bot at any host it can reach. Such a request is refused at the
edge with a 400 and one line naming the field, and the sender never posts there either.
The allow-list on its own is in tests/unit/test_response_urls.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import Response
from bot.senders.after_ack import AfterAckSender, Respond
from bot.vocabulary import ids
from tests.support.harness import Harness
from tests.support.recorder import Recorder


@pytest.fixture
def elsewhere() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.close()


def refused_in_one_line(
    response: Response, caplog: pytest.LogCaptureFixture, field: str, url: str
) -> None:
    assert (response.status, response.text) == (400, "malformed request")
    (line,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.exc_info is None
    assert field in line.getMessage()
    assert url not in line.getMessage()
    assert "127.0.0.1" not in line.getMessage()


# -- at the edge, over signed HTTP -----------------------------------------------------------------


def test_a_command_whose_response_url_is_not_slacks_is_refused_and_nothing_is_fetched(
    harness: Harness, caplog: pytest.LogCaptureFixture, elsewhere: Recorder
) -> None:
    form = harness.slack.command_form("vision", response_url=elsewhere.url)

    response = harness.slack.post(urlencode(form).encode())
    harness.settle()

    refused_in_one_line(response, caplog, "command.response_url", elsewhere.url)
    assert elsewhere.paths == []


def test_a_click_whose_response_url_is_not_slacks_is_refused_and_nothing_is_fetched(
    harness: Harness, caplog: pytest.LogCaptureFixture, elsewhere: Recorder
) -> None:
    response = harness.slack.click(ids.QUESTION_ANOTHER, "vision", response_url=elsewhere.url)
    harness.settle()

    refused_in_one_line(response, caplog, "payload.response_url", elsewhere.url)
    assert elsewhere.paths == []
    assert harness.fake.calls_to("response_url") == []


def test_a_form_whose_response_urls_are_not_slacks_is_refused(
    harness: Harness, caplog: pytest.LogCaptureFixture, elsewhere: Recorder
) -> None:
    payload = harness.slack.submission_payload({"callback_id": ids.LOG_CALLBACK}, {})
    payload["response_urls"] = [
        {"block_id": "b", "action_id": "a", "channel_id": "C0", "response_url": elsewhere.url}
    ]

    response = harness.slack.interaction(payload)
    harness.settle()

    refused_in_one_line(response, caplog, "payload.response_urls[0].response_url", elsewhere.url)
    assert elsewhere.paths == []


@pytest.mark.parametrize(
    "where",
    [
        "https://hooks.slack.com.example.com/actions/T0/1/x",
        "http://hooks.slack.com/actions/T0/1/x",
        "https://hooks.slack.com@127.0.0.1/actions",
        "https://hooks.slack.com:8443/actions",
        "https://hooks.slack.com\\@127.0.0.1/actions",
        "https://slack.com/api/chat.postMessage",
        "http://169.254.169.254/latest/meta-data",
    ],
)
def test_a_response_url_near_slacks_is_still_refused(harness: Harness, where: str) -> None:
    response = harness.slack.click(ids.QUESTION_ANOTHER, "vision", response_url=where)

    assert response.status == 400


def test_the_stand_ins_own_response_urls_still_work(harness: Harness) -> None:
    command = harness.slack.command("vision")
    click = harness.slack.click(ids.QUESTION_ANOTHER, "vision")

    assert (command.status, click.status) == (200, 200)
    (replaced,) = harness.fake.wait_for("response_url")
    assert replaced.path == "/response/click"


# -- the sender, whatever reaches it ---------------------------------------------------------------


def test_the_sender_never_posts_to_a_response_url_that_is_not_slacks(
    fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture, elsewhere: Recorder
) -> None:
    sender = AfterAckSender(WebClient(token="xoxb-test", base_url=fake_slack.api_url))

    sender.send([Respond("hello", [])], team_id="T0TEAM", response_url=elsewhere.url)
    assert sender.wait_idle()

    assert elsewhere.paths == []
    (line,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.exc_info is None
    assert "127.0.0.1" not in line.getMessage()
