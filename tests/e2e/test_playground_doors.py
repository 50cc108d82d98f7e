"""Who may use the playground: its own page and its own bot, at its own address.

The playground listens on loopback, yet any site a visitor has open can send requests there,
and a DNS name pointed at 127.0.0.1 can read the answers. These send what such a page would,
over real HTTP; test_playground_browser.py does it from Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.playground.run import Playground
from bot.playground.slack_driver import Response, request
from tests.support.playground import TEAM, Visitor, start_playground

ANOTHER_SITE = "http://evil.example"
ANOTHER_NAME = "evil.example:3000"
FORGET_ANA = {"user": "U0ANA", "text": "forget me"}
# Every kind of path the playground serves: the page, its files and state, downloads, what
# the page posts, and the stand-in for Slack's Web API, response_urls, uploads and stats.
EVERY_DOOR = [
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/static/app.js"),
    ("GET", "/ui/state?user=U0ANA"),
    ("GET", "/files/F0FILE/export.csv"),
    ("POST", "/ui/command"),
    ("POST", "/api/chat.postMessage"),
    ("POST", "/response/command"),
    ("POST", "/upload/F0FILE"),
    ("GET", "/_stats"),
]


@pytest.fixture
def base_url(playground: Playground) -> str:
    return playground.fake.base_url


@pytest.fixture
def bot_token(playground: Playground) -> str:
    return playground.bot_token


def post_command(base_url: str, headers: dict[str, str]) -> Response:
    """What the page posts for `/ask-team forget me` typed by Ana, with these headers."""
    return request("POST", f"{base_url}/ui/command", json.dumps(FORGET_ANA).encode(), headers)


def web_api(
    base_url: str, method: str, params: dict[str, Any], headers: dict[str, str]
) -> Response:
    """A Web API call to the stand-in, as the bot's client makes it."""
    body = json.dumps(params).encode()
    json_type = {"Content-Type": "application/json; charset=utf-8"}
    return request("POST", f"{base_url}/api/{method}", body, {**json_type, **headers})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload_url(base_url: str, token: str) -> tuple[str, str]:
    """Step 1 of an upload, as the bot's export does it: the file id and where to send it."""
    answer = web_api(
        base_url,
        "files.getUploadURLExternal",
        {"filename": "export.csv", "length": 4},
        bearer(token),
    ).json
    assert answer["ok"], answer
    return str(answer["file_id"]), str(answer["upload_url"])


def downloaded(base_url: str, file_id: str) -> bytes:
    return request("GET", f"{base_url}/files/{file_id}/export.csv").body


# -- what the page posts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain; x=application/json",
        "text/plain",
        "application/x-www-form-urlencoded; charset=application/json",
        "multipart/form-data; boundary=application/json",
        "application/jsonp",
        "application/json; x=1",
        "",
    ],
)
def test_a_command_is_taken_only_as_the_json_media_type(
    base_url: str, sent_to_the_bot: list[bytes], content_type: str
) -> None:
    answer = post_command(base_url, {"Content-Type": content_type})

    assert 400 <= answer.status < 500
    assert sent_to_the_bot == []


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", 'Application/JSON;charset="UTF-8"'],
)
def test_the_pages_json_is_taken_with_or_without_its_charset(
    base_url: str, sent_to_the_bot: list[bytes], content_type: str
) -> None:
    assert post_command(base_url, {"Content-Type": content_type}).status == 200
    assert len(sent_to_the_bot) == 1


@pytest.mark.parametrize("origin", [ANOTHER_SITE, "http://127.0.0.1:1", "http://localhost", "null"])
def test_a_command_from_another_origin_is_refused_and_never_reaches_the_bot(
    base_url: str, sent_to_the_bot: list[bytes], origin: str
) -> None:
    answer = post_command(base_url, {"Content-Type": "application/json", "Origin": origin})

    assert answer.status == 403
    assert sent_to_the_bot == []


def test_a_command_from_the_pages_own_origin_reaches_the_bot(
    base_url: str, sent_to_the_bot: list[bytes]
) -> None:
    answer = post_command(base_url, {"Content-Type": "application/json", "Origin": base_url})

    assert answer.status == 200
    assert len(sent_to_the_bot) == 1


# -- every path ----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), EVERY_DOOR)
def test_every_path_refuses_another_sites_page_with_403(
    base_url: str, method: str, path: str
) -> None:
    answer = request(method, base_url + path, b"{}", {"Origin": ANOTHER_SITE})

    assert answer.status == 403


@pytest.mark.parametrize(("method", "path"), EVERY_DOOR)
def test_every_path_refuses_a_name_that_is_not_the_playgrounds_address_with_421(
    base_url: str, method: str, path: str
) -> None:
    answer = request(method, base_url + path, b"{}", {"Host": ANOTHER_NAME})

    assert answer.status == 421


def test_another_site_cannot_post_into_team_even_with_the_bots_token(
    base_url: str, bot_token: str, ana: Visitor
) -> None:
    headers = {**bearer(bot_token), "Origin": ANOTHER_SITE}

    answer = web_api(base_url, "chat.postMessage", {"channel": TEAM, "text": "Pizza!"}, headers)

    assert answer.status == 403
    assert ana.in_channel(TEAM) == []


def test_another_site_cannot_replace_an_upload_even_knowing_its_url(
    base_url: str, bot_token: str
) -> None:
    file_id, url = upload_url(base_url, bot_token)

    assert request("POST", url, b"forged", {"Origin": ANOTHER_SITE}).status == 403
    assert request("POST", url, b"real").status == 200
    assert downloaded(base_url, file_id) == b"real"


# -- the stand-in for Slack ------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [{}, bearer("xoxb-playground"), bearer("xoxb-test-token"), {"Authorization": "xoxb-x"}],
)
def test_the_web_api_answers_only_calls_bearing_the_bots_own_token(
    base_url: str, ana: Visitor, authorization: dict[str, str]
) -> None:
    answer = web_api(
        base_url, "chat.postMessage", {"channel": TEAM, "text": "Pizza!"}, authorization
    )

    assert answer.json == {"ok": False, "error": "invalid_auth"}
    assert ana.in_channel(TEAM) == []


def test_the_bots_own_call_is_answered(base_url: str, bot_token: str, ana: Visitor) -> None:
    answer = web_api(
        base_url, "chat.postMessage", {"channel": TEAM, "text": "Hello"}, bearer(bot_token)
    )

    assert answer.json["ok"] is True
    assert [message["text"] for message in ana.in_channel(TEAM)] == ["Hello"]


def test_every_playground_has_a_token_of_its_own(playground: Playground, tmp_path: Path) -> None:
    another = start_playground(tmp_path / "another.db")
    try:
        assert another.bot_token != playground.bot_token
        assert another.bot_token.startswith("xoxb-playground-")
    finally:
        another.stop()


def test_uploads_get_file_ids_nobody_can_guess_and_urls_of_their_own(
    base_url: str, bot_token: str
) -> None:
    uploads = [upload_url(base_url, bot_token) for _ in range(3)]

    file_ids = [file_id for file_id, _ in uploads]
    assert all(re.fullmatch(r"F[A-Z0-9]{16}", file_id) for file_id in file_ids), file_ids
    assert len(set(file_ids)) == len(file_ids)
    # The page shows file ids (downloads are named by them): the upload URL holds a secret.
    assert all(file_id not in url for file_id, url in uploads)


def test_an_upload_url_takes_the_bots_bytes_once_and_a_file_id_alone_takes_none(
    base_url: str, bot_token: str
) -> None:
    file_id, url = upload_url(base_url, bot_token)

    assert request("POST", f"{base_url}/upload/{file_id}", b"forged").status == 404
    assert request("POST", url, b"real").status == 200
    assert request("POST", url, b"again").status == 404
    assert downloaded(base_url, file_id) == b"real"


def test_a_response_url_the_stand_in_never_handed_out_is_refused(
    base_url: str, ana: Visitor
) -> None:
    said = json.dumps({"text": "Pizza!", "response_type": "in_channel"}).encode()

    answer = request(
        "POST", f"{base_url}/response/command", said, {"Content-Type": "application/json"}
    )

    assert answer.status == 404
    assert ana.dm() == []
