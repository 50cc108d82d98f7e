"""Requests Slack did not send, or sent oddly, get a 4xx or a polite answer, never a 500."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlencode, urlsplit

import pytest

from bot.playground.fake_slack import block_kit_problems
from bot.playground.slack_driver import event_callback, request
from tests.support.blocks import headline, lines_under, text_of
from tests.support.harness import Harness


def command_body(text: str = "") -> bytes:
    return urlencode(
        {
            "command": "/ask-team",
            "text": text,
            "team_id": "T0TEAM",
            "user_id": "U0LEADER",
            "trigger_id": "1.2.3",
            "response_url": "https://hooks.slack.com/commands/T0TEAM/1/x",
        }
    ).encode()


def test_an_unsigned_request_is_refused(harness: Harness) -> None:
    response = request(
        "POST",
        harness.slack.events_url,
        command_body(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status == 401


def test_a_wrongly_signed_request_is_refused(harness: Harness) -> None:
    response = harness.slack.post(command_body(), signature="v0=" + "0" * 64)

    assert response.status == 401


def test_a_request_signed_with_another_secret_is_refused(harness: Harness) -> None:
    from slack_sdk.signature import SignatureVerifier

    stamp = int(time.time())
    signature = SignatureVerifier("not-our-secret").generate_signature(
        timestamp=str(stamp), body=command_body()
    )

    assert harness.slack.post(command_body(), timestamp=stamp, signature=signature).status == 401


def test_a_stale_request_is_refused_even_when_correctly_signed(harness: Harness) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60

    assert harness.slack.post(command_body(), timestamp=six_minutes_ago).status == 401


def test_a_body_altered_after_signing_is_refused(harness: Harness) -> None:
    stamp = int(time.time())
    signature = harness.slack.signer.generate_signature(
        timestamp=str(stamp), body=command_body("help")
    )

    assert (
        harness.slack.post(command_body("history"), timestamp=stamp, signature=signature).status
        == 401
    )


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"payload=not-json",
        b"payload=%7B%22type%22%3A%22block_actions%22%7D",
        b"payload=%5B1%2C2%5D",
        b"\xff\xfe\x00garbage",
        json.dumps({"type": "nonsense"}).encode(),
    ],
    ids=[
        "empty",
        "payload-not-json",
        "block-actions-without-fields",
        "payload-array",
        "binary",
        "json-nonsense",
    ],
)
def test_a_malformed_but_signed_body_never_gets_a_500(harness: Harness, body: bytes) -> None:
    response = harness.slack.post(body)

    assert 200 <= response.status < 500


def test_an_unknown_button_gets_a_polite_message(harness: Harness) -> None:
    response = harness.slack.click("button_from_the_future", "x")

    assert response.status == 200
    (call,) = harness.fake.wait_for("response_url")
    assert "older message" in text_of(call)
    assert call.params["replace_original"] is False


def test_a_form_we_no_longer_know_says_so_and_hands_back_what_was_typed(
    harness: Harness,
) -> None:
    typed = {
        "notes": {
            "notes_text": {
                "type": "plain_text_input",
                "value": "Ana wants *fewer* meetings & <less> noise",
            }
        },
        "empty": {"empty_text": {"type": "plain_text_input", "value": "  "}},
        "pick": {"pick_user": {"type": "users_select", "selected_user": "U0ANA"}},
    }

    response = harness.slack.submit({"callback_id": "form_from_the_past", "blocks": []}, typed)

    assert response.status == 200
    assert response.json["response_action"] == "update"
    view = response.json["view"]
    assert not block_kit_problems({"view": view}, is_message=False)
    assert "older version of ask-team" in headline(view), "first, why it cannot be saved"
    typed_back = lines_under(view, "What you typed")
    assert typed_back == ["Ana wants *fewer* meetings &amp; &lt;less&gt; noise"]


def test_an_event_we_do_not_act_on_is_still_acknowledged(harness: Harness) -> None:
    event = event_callback("T0TEAM", "EvUnknown", {"type": "reaction_added", "user": "U0ANA"})

    response = harness.slack.post(json.dumps(event).encode(), content_type="application/json")

    assert response.status == 200, "Slack retries, then disables, refused event deliveries"


def test_an_oversize_body_is_refused_before_it_is_read(harness: Harness) -> None:
    parts = urlsplit(harness.slack.events_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.putrequest("POST", parts.path)
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(2 << 20))
    connection.endheaders()

    assert connection.getresponse().status == 413
    connection.close()


def test_a_health_check_answers_without_slack(harness: Harness) -> None:
    response = request("GET", harness.app.url + "/healthz")

    assert response.status == 200
    assert response.text == "ok"


def test_url_verification_challenge_is_answered(harness: Harness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"}).encode()

    response = harness.slack.post(body, content_type="application/json")

    assert response.status == 200
    assert "abc123" in response.text
