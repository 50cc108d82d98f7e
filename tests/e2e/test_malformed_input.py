"""What Slack would never send gets a 4xx or a polite 200: never a 500, and at most one log
line, without a traceback, since a malformed request is the sender's fault, not ours.

Specified three ways. The classes of the issue that found the 500s, each by name. Then
Hypothesis, for every button, form, event and command the app registers: Slack's own shapes
with fields replaced by wrong types, absurd numbers and odd text, signed and posted over
HTTP, while another leader's entries must stay as they were. And the edge policy
(bot/domain/edge.py) on its own: whatever it lets through must be a request Bolt can read.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any, NoReturn, cast
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.request.payload_utils import (
    to_action,
    to_command,
    to_event,
    to_message,
    to_options,
    to_shortcut,
    to_view,
)
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.app.socket_mode import GuardedSocketModeHandler
from bot.app.web import wsgi_app
from bot.blocks.notices import NOT_SAVED as FORM_KEPT
from bot.blocks.notices import SOMETHING_WENT_WRONG as TRY_AGAIN
from bot.domain.edge import Rejected, check_request
from bot.domain.history_cursor import Cursor, encode_page_request
from bot.domain.history_filters import HistoryQuery
from bot.domain.payloads import encode_log_metadata
from bot.domain.shape_fields import MalformedError
from bot.domain.slack_shapes import Accepted, check_interaction
from bot.listeners import BOT_EVENTS, SLASH_COMMANDS, register_all
from bot.listeners.errors import polite_answer
from bot.playground.fake_slack import block_kit_problems
from bot.playground.seed import seed_entries
from bot.playground.slack_driver import (
    Response,
    SlackDriver,
    User,
    event_callback,
    log_values,
    request,
)
from bot.senders.after_ack import AfterAckSender
from bot.services.deps import Deps
from bot.vocabulary import ids
from bot.vocabulary.slack_ids import MAX_LENGTH as MAX_SLACK_ID_LENGTH
from tests.support.flows import their_entries
from tests.support.harness import LEADER, OTHER_LEADER, SIGNING_SECRET, Harness

# -- what the app registers, and what is fuzzed ----------------------------------------------------


@dataclass
class Registrations:
    """What `register_all` asks Bolt to route, by the names it routes on."""

    actions: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)
    closed_forms: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    commands: set[str] = field(default_factory=set)

    def _route(self, names: set[str], constraint: object) -> Callable[[Any], Any]:
        if isinstance(constraint, str):
            names.add(constraint)
        return lambda listener: listener  # a pattern is a catch-all: the unknown ids reach it

    def action(self, constraint: object) -> Callable[[Any], Any]:
        return self._route(self.actions, constraint)

    def view(self, constraint: object) -> Callable[[Any], Any]:
        if isinstance(constraint, dict) and constraint.get("type") == "view_closed":
            return self._route(self.closed_forms, constraint["callback_id"])
        return self._route(self.forms, constraint)

    def event(self, constraint: object) -> Callable[[Any], Any]:
        return self._route(self.events, constraint)

    def command(self, constraint: object) -> Callable[[Any], Any]:
        return self._route(self.commands, constraint)

    def error(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        return handler

    def use(self, middleware: Callable[..., Any]) -> Callable[..., Any]:
        return middleware


def _constants(keep: Callable[[str], bool]) -> list[str]:
    return sorted(
        value for name, value in vars(ids).items() if isinstance(value, str) and keep(name)
    )


# Every id that names a button or an input in our Block Kit, plus one of each we never made.
FUZZED_ACTIONS = [
    *_constants(lambda name: name.isupper() and not name.endswith(("_BLOCK", "_CALLBACK"))),
    "button_from_the_future",
]
FUZZED_FORMS = [*_constants(lambda name: name.endswith("_CALLBACK")), "form_from_the_past"]
FUZZED_EVENTS = [*sorted(BOT_EVENTS), "reaction_added"]
FUZZED_COMMANDS = sorted(SLASH_COMMANDS)


def test_every_button_form_event_and_command_the_app_registers_is_fuzzed() -> None:
    registered = Registrations()
    register_all(cast(App, registered), cast(Deps, None), cast(AfterAckSender, None))

    assert registered.actions <= set(FUZZED_ACTIONS)
    assert registered.forms <= set(FUZZED_FORMS)
    assert registered.closed_forms <= set(FUZZED_FORMS)
    assert registered.events <= set(FUZZED_EVENTS)
    assert registered.commands <= set(FUZZED_COMMANDS)


# -- values no message of ours carries -------------------------------------------------------------

HUGE = "99999999999999999999999"
TRICKY_TEXT = [
    *("", " ", "0", "1", "2", "4", "-1", "²", "²³:00", "１２", "٣", HUGE, "2147483648"),
    *("9223372036854775808", "1.5", "1e9", "null", "true", "[]", "{}", "{", "x" * 5000),
    *("🙂", "\u202e", "\u200b", "\x00", "\ud800", "../../etc/passwd", "%", "\\", "<!channel>"),
    *("vision-01", "vision-01/1", "vision-01/²", "vision-01/99", "custom-1", "heartbeat", "me"),
    *('{"q":"vision-01/²"}', '{"q":"vision-01","p":' + HUGE + "}", '{"e":' + HUGE + "}"),
    *('{"e":1}', '{"e":4}', '{"e":-1}', '{"e":true}', '{"e":"1"}', '{"e":1,"h":{"w":"%"}}'),
    *('{"d":"older","t":"9999-12-31T23:59:59-23:59","i":1}', '{"d":"newer","t":"x","i":1}'),
    *('{"d":"older","t":"2026-01-01T00:00:00","i":' + HUGE + "}", "U0NOBODY", "T0ELSEWHERE"),
    *("Europe/Paris", "Mars/Olympus", "x" * 300, "09:00", "25:61", "2026-02-30", "C0CHANNEL"),
]
# What a form field can hold: text, but not half a surrogate pair, which no encoder takes.
TRICKY_FORM_TEXT = [text for text in TRICKY_TEXT if text != "\ud800"]
# JSON of every type: the odd text above, numbers past every integer column, small nests.
junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**23])
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(TRICKY_TEXT),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
_DELETED = object()
Place = tuple[str | int, ...]


def places(tree: object, prefix: Place = ()) -> list[Place]:
    """Every place a value sits in a JSON tree."""
    if isinstance(tree, dict):
        items: Iterable[tuple[str | int, object]] = tree.items()
    elif isinstance(tree, list):
        items = enumerate(tree)
    else:
        return []
    found: list[Place] = []
    for key, value in items:
        found += [(*prefix, key), *places(value, (*prefix, key))]
    return found


def leaves(tree: object, prefix: Place = ()) -> list[Place]:
    return [place for place in places(tree, prefix) if not places(_at(tree, place[len(prefix) :]))]


def _at(tree: Any, place: Place) -> Any:
    for key in place:
        tree = tree[key]
    return tree


def _put(tree: Any, place: Place, value: object) -> None:
    parent = _at(tree, place[:-1])
    if value is _DELETED:
        del parent[place[-1]]
    else:
        parent[place[-1]] = value


@st.composite
def tampered(draw: st.DrawFn, base: dict[str, Any], targets: list[Place]) -> dict[str, Any]:
    """`base` with one to three fields replaced by junk or removed; or, half of the time, one
    of `targets` (what the listeners parse) holding odd text."""
    payload = copy.deepcopy(base)
    odd_text = draw(st.booleans())
    if targets and odd_text:
        _put(payload, draw(st.sampled_from(targets)), draw(st.sampled_from(TRICKY_TEXT)))
        return payload
    for _ in range(draw(st.integers(1, 3))):
        where = places(payload)
        if where:
            _put(payload, draw(st.sampled_from(where)), draw(junk | st.just(_DELETED)))
    return payload


# -- posting, and what every answer must be --------------------------------------------------------

FUZZ_USER = User("U0FUZZ", "T0FUZZ", "fuzz")
_event_ids = count(1)


@dataclass
class Guarded:
    """Posts signed requests to the running app and holds every answer to the same rules."""

    harness: Harness
    caplog: pytest.LogCaptureFixture
    theirs: list[tuple[Any, ...]]

    @property
    def slack(self) -> SlackDriver:
        return self.harness.slack

    def answer(self, send: Callable[[], Response], sent: object) -> Response:
        """A 4xx or a 200; no error logged, at most one warning; their entries unchanged."""
        start = len(self.caplog.records)
        response = send()
        self.harness.settle()
        records = self.caplog.records[start:]
        assert response.status == 200 or 400 <= response.status < 500, (response.status, sent)
        ours = [r for r in records if r.levelno >= logging.ERROR or r.exc_info]
        assert not ours, ([r.getMessage() for r in ours], sent)
        loud = [r.getMessage() for r in records if r.levelno >= logging.WARNING]
        assert len(loud) <= 1, (loud, sent)
        assert their_entries(self.harness) == self.theirs, sent
        return response

    def interaction(self, payload: dict[str, Any]) -> Response:
        return self.answer(lambda: self.slack.interaction(payload), payload)

    def event(self, body: dict[str, Any]) -> Response:
        encoded = json.dumps(body).encode()
        return self.answer(lambda: self.slack.post(encoded, "application/json"), body)

    def command(self, fields: dict[str, str]) -> Response:
        return self.answer(lambda: self.slack.post(urlencode(fields).encode()), fields)

    def raw(self, body: bytes, content_type: str) -> Response:
        return self.answer(lambda: self.slack.post(body, content_type), body)


@pytest.fixture
def guarded(harness: Harness, caplog: pytest.LogCaptureFixture) -> Guarded:
    """The other leader has three entries with promises; the leader, and the leader of
    another workspace whom the fuzzed events are about, have one each."""
    now = harness.clock()
    theirs: list[tuple[str, str, list[str], datetime]] = [
        ("vision", f"their answer {n}", [], now - timedelta(days=n)) for n in range(3)
    ]
    seed_entries(harness.app.deps, OTHER_LEADER, theirs, promise="their promise")
    seed_entries(harness.app.deps, LEADER, [("people", "my answer", [], now)], promise="mine")
    seed_entries(harness.app.deps, FUZZ_USER, [("vision", "fuzz", [], now)], promise="fuzz")
    caplog.set_level(logging.INFO)
    return Guarded(harness, caplog, their_entries(harness))


def fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Seeded, so a run is reproducible; no example database written into the tree."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# -- Slack's own shapes, the bases the fuzzing starts from -----------------------------------------

# Builds Slack's shapes where no app runs (Socket Mode, the edge on its own).
_DRIVER = SlackDriver("http://unused", SIGNING_SECRET, "https://hooks.slack.com/actions")

# What our buttons carry: question references, row ids, and the JSON of history pages.
BUTTON_VALUES = [
    *("1", "4", "vision-01", "vision-01/1", "heartbeat", "me", '{"e":1}', '{"e":4}'),
    encode_log_metadata("vision-01", parent=4),
    encode_page_request(HistoryQuery(), Cursor(datetime(2026, 11, 26, tzinfo=UTC), 4), "older"),
]


def form_values(callback_id: str) -> tuple[str, dict[str, Any]]:
    """Metadata and `view.state.values` as our modal `callback_id` is submitted."""
    if callback_id == ids.LOG_CALLBACK:
        values = log_values("they said", ["U0ANA"], "3", "a promise", "2026-12-24")
        return encode_log_metadata("vision-01", parent=4), values
    if callback_id == ids.SCHEDULE_CALLBACK:
        return "", {
            "schedule_time": {"time_picker": {"type": "timepicker", "selected_time": "09:00"}},
            "schedule_days": {
                "days_checkboxes": {"type": "checkboxes", "selected_options": [{"value": "1"}]}
            },
            "schedule_habits": {
                "habits_checkboxes": {
                    "type": "checkboxes",
                    "selected_options": [{"value": "vision"}],
                }
            },
        }
    if callback_id == ids.PROMISE_KEPT_CALLBACK:
        return encode_log_metadata(entry_id=4), {
            "outcome": {"outcome_text": {"type": "plain_text_input", "value": "we did it"}},
            "share": {
                "share_channel": {
                    "type": "conversations_select",
                    "selected_conversation": "C0CHANNEL",
                }
            },
        }
    return "", {"notes": {"notes_text": {"type": "plain_text_input", "value": "typed"}}}


def submission(slack: SlackDriver, callback_id: str, kind: str) -> dict[str, Any]:
    metadata, values = form_values(callback_id)
    inputs = [{"type": "input", "block_id": block_id} for block_id in values]
    view = {"callback_id": callback_id, "private_metadata": metadata, "blocks": inputs}
    payload = slack.submission_payload(view, values)
    if kind == "view_closed":
        del payload["trigger_id"], payload["response_urls"]
        payload |= {"type": "view_closed", "is_cleared": False}
    return payload


EVENTS: dict[str, dict[str, Any]] = {
    "user_change": {
        "type": "user_change",
        "user": {
            "id": FUZZ_USER.user_id,
            "team_id": FUZZ_USER.team_id,
            "name": "fuzz",
            "tz": "Europe/Paris",
            "tz_offset": 3600,
            "profile": {"real_name": "Fuzz"},
        },
        "cache_ts": 1_700_000_000,
        "event_ts": "1700000000.000100",
    },
    "app_home_opened": {
        "type": "app_home_opened",
        "user": FUZZ_USER.user_id,
        "channel": "D0FUZZ",
        "tab": "home",
        "event_ts": "1700000000.000100",
    },
    "app_uninstalled": {"type": "app_uninstalled", "event_ts": "1700000000.000100"},
    "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": ["U0FUZZ"], "bot": ["U0B"]}},
    "reaction_added": {
        "type": "reaction_added",
        "user": FUZZ_USER.user_id,
        "reaction": "thumbsup",
        "item": {"type": "message", "channel": "C0CHANNEL", "ts": "1700000000.000100"},
        "event_ts": "1700000000.000200",
    },
}


def delivery(user: User, event_id: str, event_type: str) -> dict[str, Any]:
    """The Events API delivery of a fresh copy of the event `event_type` in `user`'s workspace."""
    return event_callback(user.team_id, event_id, copy.deepcopy(EVENTS[event_type]))


def test_every_fuzzed_event_has_a_base() -> None:
    assert set(FUZZED_EVENTS) <= set(EVENTS)


# -- the fuzzing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("action_id", FUZZED_ACTIONS)
@fuzz(examples=25)
@given(data=st.data())
def test_a_tampered_button_gets_an_answer_and_changes_nothing_of_anyone_else(
    guarded: Guarded, action_id: str, data: st.DataObject
) -> None:
    value = data.draw(st.sampled_from(BUTTON_VALUES), label="value")
    base = guarded.slack.click_payload(action_id, value)
    targets: list[Place] = [("actions", 0, "value"), ("actions", 0, "block_id"), ("trigger_id",)]

    guarded.interaction(data.draw(tampered(base, targets), label="payload"))


@pytest.mark.parametrize("kind", ["view_submission", "view_closed"])
@pytest.mark.parametrize("callback_id", FUZZED_FORMS)
@fuzz(examples=30)
@given(data=st.data())
def test_a_tampered_form_gets_an_answer_and_changes_nothing_of_anyone_else(
    guarded: Guarded, callback_id: str, kind: str, data: st.DataObject
) -> None:
    base = submission(guarded.slack, callback_id, kind)
    targets = [("view", "private_metadata"), *leaves(base["view"]["state"], ("view", "state"))]

    response = guarded.interaction(data.draw(tampered(base, targets), label="payload"))

    if response.status == 200 and response.body:
        assert response.json.get("response_action") in ("errors", "update"), response.json


@pytest.mark.parametrize("event_type", FUZZED_EVENTS)
@fuzz(examples=30)
@given(data=st.data())
def test_a_tampered_event_is_answered_and_changes_nothing_of_anyone_else(
    guarded: Guarded, event_type: str, data: st.DataObject
) -> None:
    base = delivery(FUZZ_USER, "EvFuzz", event_type)
    body = data.draw(tampered(base, leaves(base["event"], ("event",))), label="body")
    if body.get("event_id") == "EvFuzz":
        body["event_id"] = f"EvFuzz{next(_event_ids)}"  # each delivery is a new one

    guarded.event(body)


@pytest.mark.parametrize("command", FUZZED_COMMANDS)
@fuzz(examples=80)
@given(data=st.data())
def test_a_tampered_command_gets_an_answer_and_changes_nothing_of_anyone_else(
    guarded: Guarded, command: str, data: st.DataObject
) -> None:
    text = data.draw(st.sampled_from(["", "history", "log", "schedule", "promises", "add"]))
    fields: dict[str, str] = {**guarded.slack.command_form(text), "command": command}
    for key in data.draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3)):
        if data.draw(st.booleans(), label="remove"):
            fields.pop(key, None)
        else:
            fields[key] = data.draw(st.sampled_from(TRICKY_FORM_TEXT), label=key)

    guarded.command(fields)


@fuzz(examples=80)
@given(
    body=st.binary(max_size=300)
    | st.builds(lambda value: json.dumps(value).encode(), junk)
    | st.builds(lambda value: b"payload=" + json.dumps(value).encode(), junk),
    content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded", ""]),
)
def test_any_signed_body_gets_an_answer(guarded: Guarded, body: bytes, content_type: str) -> None:
    guarded.raw(body, content_type)


# -- the classes, by name ------------------------------------------------------------------


def _set(place: Place, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda payload: _put(payload, place, value)


BROKEN_CLICKS = {
    "actions is empty": _set(("actions",), []),
    "actions is a string": _set(("actions",), "question_another"),
    "actions holds null": _set(("actions",), [None]),
    "actions holds an empty object": _set(("actions",), [{}]),
    "action_id is a number": _set(("actions", 0, "action_id"), 7),
    "the value is a number": _set(("actions", 0, "value"), 7),
    "user is a number": _set(("user",), 7),
    "user is missing": _set(("user",), _DELETED),
    "user.id is lowercase": _set(("user", "id"), "u0leader"),
    "user.id is too long for a Slack id": _set(("user", "id"), "U" * (MAX_SLACK_ID_LENGTH + 1)),
    "team is a list": _set(("team",), ["T0TEAM"]),
    "enterprise is a number": _set(("enterprise",), 7),
    "channel is a number": _set(("channel",), 7),
    "response_url is not a URL": _set(("response_url",), "x"),
    "response_urls is a string": _set(("response_urls",), "x"),
    "authorizations is a number": _set(("authorizations",), 7),
    "container is a string": _set(("container",), "x"),
    "type is unknown": _set(("type",), "nonsense"),
    "type is a number": _set(("type",), 7),
}
BROKEN_VIEWS = {
    "view is null": _set(("view",), None),
    "view is a string": _set(("view",), "view"),
    "view is a list": _set(("view",), []),
    "view.state is null": _set(("view", "state"), None),
    "view.state is a string": _set(("view", "state"), "state"),
    "view.state is a list": _set(("view", "state"), []),
    "view.state.values is a list": _set(("view", "state", "values"), []),
    "a state block is a string": _set(("view", "state", "values", "answer"), "x"),
    "callback_id is a number": _set(("view", "callback_id"), 7),
    "private_metadata is an object": _set(("view", "private_metadata"), {"q": "vision-01"}),
    "view.team_id is lowercase": _set(("view", "app_installed_team_id"), "t0team"),
}
BROKEN_EVENTS = {
    "event is null": _set(("event",), None),
    "event is a string": _set(("event",), "app_home_opened"),
    "event is a list": _set(("event",), []),
    "event.type is a number": _set(("event", "type"), 7),
    "event.user is a number": _set(("event", "user"), 7),
    "event.channel is a number": _set(("event", "channel"), 7),
    "team_id is missing": _set(("team_id",), _DELETED),
    "event_id is a number": _set(("event_id",), 7),
    "authorizations holds a string": _set(("authorizations",), ["x"]),
}


def assert_refused_quietly(response: Response, records: list[logging.LogRecord]) -> None:
    assert response.status == 400
    assert response.text == "malformed request"
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None


@pytest.mark.parametrize("broken", BROKEN_CLICKS.values(), ids=BROKEN_CLICKS.keys())
def test_a_click_in_a_shape_slack_never_sends_is_refused_in_one_line(
    guarded: Guarded, broken: Callable[[dict[str, Any]], None]
) -> None:
    payload = guarded.slack.click_payload(ids.QUESTION_ANOTHER, "vision")
    broken(payload)

    start = len(guarded.caplog.records)
    response = guarded.interaction(payload)

    assert_refused_quietly(response, guarded.caplog.records[start:])


@pytest.mark.parametrize("broken", BROKEN_VIEWS.values(), ids=BROKEN_VIEWS.keys())
def test_a_form_in_a_shape_slack_never_sends_is_refused_in_one_line(
    guarded: Guarded, broken: Callable[[dict[str, Any]], None]
) -> None:
    payload = submission(guarded.slack, ids.LOG_CALLBACK, "view_submission")
    broken(payload)

    start = len(guarded.caplog.records)
    response = guarded.interaction(payload)

    assert_refused_quietly(response, guarded.caplog.records[start:])


@pytest.mark.parametrize("broken", BROKEN_EVENTS.values(), ids=BROKEN_EVENTS.keys())
def test_an_event_in_a_shape_slack_never_sends_is_refused_in_one_line(
    guarded: Guarded, broken: Callable[[dict[str, Any]], None]
) -> None:
    body = delivery(FUZZ_USER, "EvBroken", "app_home_opened")
    broken(body)

    start = len(guarded.caplog.records)
    response = guarded.event(body)

    assert_refused_quietly(response, guarded.caplog.records[start:])


# Buttons whose value names one of our rows, with numbers int() refuses or no column holds.
NOT_A_ROW = ["²", "١", HUGE, "2147483648", "0", "-1", " 1", "1\n", "1.0"]
ROW_BUTTONS = {
    **dict.fromkeys((ids.NUDGE_SNOOZE, ids.NUDGE_SKIP, ids.PROMISE_DONE), NOT_A_ROW),
    ids.CUSTOM_REMOVE: NOT_A_ROW,
    **{
        button: [f'{{"e":{number}}}' for number in (HUGE, 2**31, 0, -1, 1.0, '"²"', "true")]
        for button in (ids.ENTRY_EDIT, ids.ENTRY_DELETE, ids.ENTRY_FOLLOW_UP)
    },
    ids.HISTORY_OLDER: [f'{{"d":"older","t":"2026-01-01T00:00:00","i":{HUGE}}}'],
    ids.QUESTION_LOG: ['{"q":"vision-01","p":' + HUGE + "}", '{"q":"vision-01/²"}'],
}


@pytest.mark.parametrize("button", ROW_BUTTONS)
def test_a_button_naming_no_possible_row_is_answered_politely(
    guarded: Guarded, button: str
) -> None:
    for value in ROW_BUTTONS[button]:
        response = guarded.interaction(guarded.slack.click_payload(button, value))

        assert response.status == 200, value


@pytest.mark.parametrize(
    "metadata",
    ['{"q":"vision-01/²"}', '{"q":"vision-01","p":' + HUGE + "}", '{"e":' + HUGE + "}"],
)
def test_log_metadata_naming_nothing_we_have_keeps_the_form_open(
    guarded: Guarded, metadata: str
) -> None:
    payload = submission(guarded.slack, ids.LOG_CALLBACK, "view_submission")
    payload["view"]["private_metadata"] = metadata

    response = guarded.interaction(payload)

    assert response.status == 200
    assert response.json["response_action"] == "errors"


@pytest.mark.parametrize(
    ("block", "action", "state"),
    [
        ("schedule_time", "time_picker", {"selected_time": 930}),
        ("schedule_time", "time_picker", {"selected_time": "²³:00"}),
        ("schedule_time", "time_picker", {"selected_time": ["09:00"]}),
        ("schedule_days", "days_checkboxes", {"selected_options": 5}),
        ("schedule_days", "days_checkboxes", {"selected_options": "1"}),
        ("schedule_days", "days_checkboxes", {"selected_options": [{"value": ["1"]}]}),
        ("schedule_days", "days_checkboxes", {"selected_options": [{"value": "²"}]}),
        ("schedule_habits", "habits_checkboxes", {"selected_options": [{"value": {"h": 1}}]}),
    ],
    ids=lambda part: json.dumps(part, ensure_ascii=False),
)
def test_schedule_values_of_the_wrong_type_are_a_field_error(
    guarded: Guarded, block: str, action: str, state: dict[str, Any]
) -> None:
    payload = submission(guarded.slack, ids.SCHEDULE_CALLBACK, "view_submission")
    payload["view"]["state"]["values"][block][action] = {"type": "x", **state}

    response = guarded.interaction(payload)

    assert response.status == 200
    answer = response.json
    assert answer["response_action"] in ("errors", "update")
    if block != "schedule_habits":  # habits left unreadable means all of them
        assert block in answer["errors"]


# -- signatures ------------------------------------------------------------------------------------

SECRET_WORDS = "what-the-team-said-7f3a"


def secret_body() -> bytes:
    """A command whose text must never reach a log."""
    form = _command_fields(f"add vision {SECRET_WORDS}?")
    return urlencode(form).encode()


def _command_fields(text: str) -> dict[str, str]:
    return {
        "command": "/ask-team",
        "text": text,
        "team_id": LEADER.team_id,
        "user_id": LEADER.user_id,
        "trigger_id": "1.2.3",
        "response_url": "https://hooks.slack.com/commands/T0TEAM/1/x",
    }


@pytest.mark.parametrize(
    "stamp",
    ["abc", "1e9", "1700000000.5", " 1700000000", "", "-1", "9" * 40, "²", "١٧٠٠٠٠٠٠٠٠"],
)
def test_a_timestamp_that_is_not_a_whole_number_is_refused_as_unsigned(
    harness: Harness, caplog: pytest.LogCaptureFixture, stamp: str
) -> None:
    body = secret_body()
    # Signed with that very timestamp: the HMAC is right, the timestamp is not a time.
    signature = harness.slack.sign(stamp, body)
    header = stamp.encode().decode("latin-1")  # HTTP headers travel as bytes

    response = harness.slack.post(
        body, signature=signature, headers={"X-Slack-Request-Timestamp": header}
    )

    assert response.status == 401
    assert len(caplog.records) <= 1
    assert not any(record.exc_info for record in caplog.records)


def test_an_unsigned_body_that_is_not_utf8_is_refused_in_one_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    response = request("POST", harness.slack.events_url, b"\xff\xfe\x00garbage", headers)

    # Unsigned, so nobody's request: refused before anything reads it.
    assert response.status == 401
    assert len(caplog.records) == 1
    assert caplog.records[0].exc_info is None


def test_a_signed_body_that_is_not_utf8_is_refused_in_one_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    response = harness.slack.post(b"text=\xff\xfe&command=/ask-team")

    assert response.status == 400
    assert len(caplog.records) == 1
    assert caplog.records[0].exc_info is None


def _forged(slack: SlackDriver, body: bytes) -> dict[str, Response]:
    now = int(time.time())
    other = "v0=" + hmac.new(b"not-our-secret", f"v0:{now}:".encode() + body, "sha256").hexdigest()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return {
        "unsigned": request("POST", slack.events_url, body, headers),
        "zeros": slack.post(body, signature="v0=" + "0" * 64),
        "another secret": slack.post(body, timestamp=now, signature=other),
        "stale": slack.post(body, timestamp=now - 6 * 60),
        "v1": slack.post(body, signature="v1=" + slack.sign(str(now), body)[3:]),
        "uppercase hex": slack.post(
            body, timestamp=now, signature=slack.sign(str(now), body).upper()
        ),
    }


def test_a_forged_request_is_refused_and_its_body_never_logged(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    answers = _forged(harness.slack, secret_body())

    assert {name: answer.status for name, answer in answers.items()} == dict.fromkeys(answers, 401)
    assert all(answer.text == "not signed by Slack" for answer in answers.values())
    for record in caplog.records:
        assert SECRET_WORDS not in record.getMessage()
        assert SECRET_WORDS not in str(record.args)
        assert record.exc_info is None
    assert len(caplog.records) == len(answers), "one line per refusal"


def test_a_correctly_signed_request_is_still_served(harness: Harness) -> None:
    response = harness.slack.post(urlencode(harness.slack.command_form("help")).encode())

    assert response.status == 200
    assert response.json["response_type"] == "ephemeral"


def test_a_command_we_do_not_declare_is_not_found_in_one_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    form = harness.slack.command_form("help") | {"command": "/not-ours"}

    response = harness.slack.post(urlencode(form).encode())

    assert (response.status, response.text) == (404, "no such command here")
    assert [record.levelno for record in caplog.records] == [logging.WARNING]


def test_a_command_with_payload_in_its_text_is_a_command(harness: Harness) -> None:
    # Bolt's own parsing sniffs for "payload" anywhere in a form body.
    response = harness.slack.command("history payload")

    assert response.status == 200
    assert response.json["response_type"] == "ephemeral"


# -- one error policy for our own bugs -------------------------------------------------------------


def _boom(*args: object, **kwargs: object) -> NoReturn:
    raise RuntimeError("a bug of ours")


def _our_bug_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].exc_info is not None, "our bug: the traceback is what we need"


def test_a_form_whose_listener_fails_stays_open_with_everything_typed(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.listeners.log.decode_log_metadata", _boom)

    response = harness.slack.interaction(
        submission(harness.slack, ids.LOG_CALLBACK, "view_submission")
    )

    assert response.status == 200
    assert response.json == {"response_action": "errors", "errors": {"promise_due": FORM_KEPT}}
    _our_bug_logged(caplog)


def test_a_button_whose_listener_fails_gets_a_polite_note(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.listeners.questions.ask", _boom)

    response = harness.slack.click(ids.QUESTION_ANOTHER, "vision")

    assert response.status == 200
    (note,) = harness.fake.wait_for("response_url")
    assert note.params["text"] == TRY_AGAIN
    assert note.params["replace_original"] is False
    _our_bug_logged(caplog)


def test_an_event_whose_listener_fails_is_still_acknowledged(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.listeners.home.context_of", _boom)
    body = delivery(LEADER, "EvFails", "app_home_opened")

    response = harness.slack.post(json.dumps(body).encode(), "application/json")

    assert response.status == 200, "Slack retries, then disables, refused event deliveries"
    _our_bug_logged(caplog)


def test_a_command_that_fails_is_answered_in_words_slack_can_show() -> None:
    answer = polite_answer("command", {"command": "/ask-team"}, cast(AfterAckSender, None))

    assert answer.status == 200
    reply = json.loads(answer.body)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == TRY_AGAIN
    assert not block_kit_problems(reply, is_message=True)


# -- the WSGI front: readiness, lengths, methods ---------------------------------------------------


def bare_app() -> App:
    return App(
        token="xoxb-test",
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
        request_verification_enabled=False,
    )


def call(
    application: Callable[..., Iterable[bytes]],
    method: str,
    path: str,
    body: bytes = b"",
    **environ: str,
) -> tuple[str, bytes]:
    """One request to a WSGI app in-process: its status line and body."""
    env: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, **environ}
    setup_testing_defaults(env)
    env["wsgi.input"] = io.BytesIO(body)
    started: list[str] = []
    chunks = application(env, lambda status, headers: started.append(status))
    return started[0], b"".join(chunks)


@pytest.mark.parametrize(
    ("ready", "status", "text", "lines"),
    [
        (lambda: True, "200 OK", b"ready", 0),
        (None, "200 OK", b"ready", 0),
        (lambda: False, "503 Service Unavailable", b"database unavailable", 1),
        (lambda: _boom(), "503 Service Unavailable", b"database unavailable", 1),
    ],
    ids=["ready", "nothing-to-check", "not-ready", "check-raises"],
)
def test_readiness_says_whether_the_database_answers(
    caplog: pytest.LogCaptureFixture,
    ready: Callable[[], bool] | None,
    status: str,
    text: bytes,
    lines: int,
) -> None:
    application = wsgi_app(bare_app(), ready=ready)

    assert call(application, "GET", "/readyz") == (status, text)
    assert len(caplog.records) == lines
    assert not any(record.exc_info for record in caplog.records)


@pytest.mark.parametrize(
    ("length", "status"),
    [
        ("-5", "400 Bad Request"),
        ("12abc", "400 Bad Request"),
        (str(2 << 20), "413 Content Too Large"),
    ],
)
def test_a_content_length_we_cannot_honour_is_refused_before_reading(
    length: str, status: str
) -> None:
    application = wsgi_app(bare_app())

    assert call(application, "POST", "/slack/events", CONTENT_LENGTH=length)[0] == status


def test_only_post_reaches_the_events_path() -> None:
    application = wsgi_app(bare_app())

    assert call(application, "GET", "/slack/events")[0] == "405 Method Not Allowed"
    assert call(application, "GET", "/elsewhere")[0] == "404 Not Found"


def test_no_secret_no_server() -> None:
    with pytest.raises(ValueError, match="signing secret"):
        wsgi_app(bare_app(), signing_secret="")


# -- Socket Mode: the same shapes refused before Bolt ----------------------------------------------


class _Client:
    def __init__(self) -> None:
        self.acks: list[str] = []

    def send_socket_mode_response(self, response: Any) -> None:
        self.acks.append(response.envelope_id)


@pytest.fixture
def socket_handler(monkeypatch: pytest.MonkeyPatch) -> tuple[GuardedSocketModeHandler, list[str]]:
    """The guarded handler, with Bolt's own `handle` recording what it is given."""
    handed: list[str] = []
    monkeypatch.setattr(
        SocketModeHandler, "handle", lambda self, client, req: handed.append(req.envelope_id)
    )
    # Built without a connection: __init__ would start the client's threads.
    handler = GuardedSocketModeHandler.__new__(GuardedSocketModeHandler)
    handler.app = bare_app()  # calling Slack itself: response_urls on hooks.slack.com only
    return handler, handed


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("interactive", {"type": "block_actions", "user": {"id": "U0A"}, "actions": []}),
        ("interactive", {"type": "view_submission", "user": {"id": "U0A"}, "view": "x"}),
        ("events_api", {"type": "event_callback", "team_id": "T0A", "event": None}),
        ("slash_commands", {"command": "/other", "user_id": "U0A", "team_id": "T0A"}),
        ("slash_commands", {"command": "/ask-team", "user_id": "U0A", "team_id": 7}),
        ("hello", {}),
        ("interactive", _DRIVER.click_payload("x", "y", response_url="http://127.0.0.1:9/x")),
        ("slash_commands", _DRIVER.command_form(response_url="http://127.0.0.1:9/x")),
    ],
    ids=[
        *("empty-actions", "string-view", "null-event", "unknown-command", "number-team"),
        *("hello", "click-answered-elsewhere", "command-answered-elsewhere"),
    ],
)
def test_a_socket_mode_envelope_slack_never_sends_is_acked_and_kept_from_bolt(
    socket_handler: tuple[GuardedSocketModeHandler, list[str]],
    caplog: pytest.LogCaptureFixture,
    kind: str,
    payload: dict[str, Any],
) -> None:
    handler, handed = socket_handler
    client = _Client()

    envelope = SocketModeRequest(type=kind, envelope_id="E1", payload=payload)
    handler.handle(cast(Any, client), envelope)

    assert client.acks == ["E1"], "acknowledged, so Slack does not retry it"
    assert handed == []
    assert [record.levelno for record in caplog.records] == [logging.WARNING]


def test_a_socket_mode_envelope_in_slack_shape_reaches_bolt(
    socket_handler: tuple[GuardedSocketModeHandler, list[str]],
) -> None:
    handler, handed = socket_handler
    click = _DRIVER.click_payload(ids.QUESTION_ANOTHER, "vision")

    envelope = SocketModeRequest(type="interactive", envelope_id="E2", payload=click)
    handler.handle(cast(Any, _Client()), envelope)

    assert handed == ["E2"]


# -- the edge on its own ---------------------------------------------------------------------------


def _signed(body: bytes, now: float, stamp: int | None = None) -> dict[str, Any]:
    timestamp = str(int(now) if stamp is None else stamp)
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return {"timestamp": timestamp, "signature": "v0=" + digest.hexdigest()}


def verdict(
    body: bytes, content_type: str = "application/x-www-form-urlencoded"
) -> Accepted | Rejected:
    now = time.time()
    return check_request(
        secret=SIGNING_SECRET,
        body=body,
        content_type=content_type,
        now=now,
        commands=SLASH_COMMANDS,
        **_signed(body, now),
    )


def test_every_shape_slack_sends_passes_the_edge() -> None:
    shapes = {
        "command": urlencode(_DRIVER.command_form("history")).encode(),
        "ssl check": b"ssl_check=1&token=legacy",
        "click": urlencode({"payload": json.dumps(_DRIVER.click_payload("x", "y"))}).encode(),
        "submission": urlencode(
            {"payload": json.dumps(submission(_DRIVER, ids.LOG_CALLBACK, "view_submission"))}
        ).encode(),
        "closed": urlencode(
            {"payload": json.dumps(submission(_DRIVER, ids.LOG_CALLBACK, "view_closed"))}
        ).encode(),
    }
    home_click = _DRIVER.click_payload(ids.HOME_SETTINGS, "")
    del home_click["response_url"], home_click["channel"]
    home_click |= {
        "container": {"type": "view", "view_id": "V0HOME"},
        "view": {"id": "V0HOME", "type": "home", "team_id": "T0TEAM", "blocks": []},
    }
    grid_click = _DRIVER.click_payload(ids.QUESTION_ANOTHER, "vision")
    grid_click |= {
        "team": None,
        "enterprise": {"id": "E0GRID", "name": "Grid"},
        "is_enterprise_install": True,
    }
    grid_click["user"]["team_id"] = "E0GRID"
    shapes |= {
        name: urlencode({"payload": json.dumps(payload)}).encode()
        for name, payload in (("home tab click", home_click), ("grid click", grid_click))
    }
    with_authorizations = delivery(LEADER, "Ev2", "app_home_opened") | {
        "enterprise_id": None,
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6ImFwcF9ob21lX29wZW5lZCJ9",
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": "T0TEAM",
                "user_id": "U0BOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }
    events = {
        "url check": {"type": "url_verification", "challenge": "abc", "token": "t"},
        "with authorizations": with_authorizations,
        "rate limited": {"type": "app_rate_limited", "team_id": "T0A", "minute_rate_limited": 1},
        **{name: delivery(LEADER, "Ev1", name) for name in EVENTS},
    }

    for name, body in shapes.items():
        assert isinstance(verdict(body), Accepted), name
    for name, event in events.items():
        assert isinstance(verdict(json.dumps(event).encode(), "application/json"), Accepted), name


def test_a_slack_id_is_uppercase_letters_and_digits_up_to_255() -> None:
    def with_user(user_id: str) -> dict[str, Any]:
        payload = _DRIVER.click_payload("x", "y")
        payload["user"]["id"] = user_id
        return payload

    check_interaction(with_user("U" * MAX_SLACK_ID_LENGTH))
    for refused in ("U" * (MAX_SLACK_ID_LENGTH + 1), "u0leader", "U0 LEADER", "", "Ü0LEADER"):
        with pytest.raises(MalformedError, match=r"payload\.user\.id is not a Slack id"):
            check_interaction(with_user(refused))


def test_a_signature_holds_for_five_minutes_either_way() -> None:
    body, now = b"ssl_check=1", 1_800_000_000.0

    def status(stamp: int) -> int:
        result = check_request(
            secret=SIGNING_SECRET,
            body=body,
            content_type=None,
            now=now,
            commands=SLASH_COMMANDS,
            **_signed(body, now, stamp),
        )
        return result.status if not isinstance(result, Accepted) else 200

    skews = (-301, -300, 0, 300, 301)
    assert [status(int(now) + skew) for skew in skews] == [401, 200, 200, 200, 401]


BASES = [
    (_DRIVER.click_payload("x", "y"), "interaction"),
    (submission(_DRIVER, ids.LOG_CALLBACK, "view_submission"), "interaction"),
    (submission(_DRIVER, ids.SCHEDULE_CALLBACK, "view_closed"), "interaction"),
    *((delivery(FUZZ_USER, "Ev1", event), "event") for event in EVENTS),
    (_DRIVER.command_form("history"), "command"),
]


@fuzz(examples=1000)
@given(
    sent=st.sampled_from(BASES).flatmap(
        lambda base: st.tuples(tampered(base[0], []), st.just(base[1]))
    ),
)
def test_whatever_the_edge_lets_through_bolt_can_read(sent: tuple[dict[str, Any], str]) -> None:
    payload, kind = sent
    if kind == "event":
        result = verdict(json.dumps(payload).encode(), "application/json")
    elif kind == "interaction":
        result = verdict(urlencode({"payload": json.dumps(payload)}).encode())
    else:
        fields = {key: str(value) for key, value in payload.items()}
        result = verdict(urlencode(fields, encoding="utf-8", errors="surrogatepass").encode())

    if isinstance(result, Accepted):
        # Where Bolt used to raise: building its context, and the arguments of a listener.
        bolt = BoltRequest(
            body=json.dumps(result.body), headers={"content-type": "application/json"}
        )
        for read in (to_action, to_view, to_event, to_command, to_message, to_options, to_shortcut):
            read(bolt.body)
    else:
        assert result.status in (400, 404), result  # malformed, or a command not ours


# -- values nested past what json can read ---------------------------------------------------------

# json.loads gives up on this with RecursionError, not ValueError; ours are flat objects.
DEEP = "[" * 2900
# The buttons whose value is JSON of ours: they read it, and say once that they could not.
JSON_BUTTONS = {
    ids.ENTRY_EDIT,
    ids.ENTRY_DELETE,
    ids.ENTRY_FOLLOW_UP,
    ids.HISTORY_OLDER,
    ids.HISTORY_NEWER,
    ids.TEAM_ANSWER_WITHDRAW,
}


@pytest.mark.parametrize("action_id", FUZZED_ACTIONS)
def test_a_button_value_nested_past_reading_is_answered_politely_in_one_line(
    guarded: Guarded, action_id: str
) -> None:
    start = len(guarded.caplog.records)

    # No error, no traceback, at most one warning: what `guarded` holds every answer to.
    response = guarded.interaction(guarded.slack.click_payload(action_id, DEEP))

    assert response.status == 200
    records = guarded.caplog.records[start:]
    assert not any("[[[" in record.getMessage() for record in records), "never the value"
    if action_id in JSON_BUTTONS:
        assert [record.levelno for record in records] == [logging.WARNING]
        assert guarded.harness.fake.calls_to("response_url"), "answered, as a stale button"


def test_modal_metadata_nested_past_reading_keeps_the_form_open_in_one_line(
    guarded: Guarded,
) -> None:
    payload = submission(guarded.slack, ids.LOG_CALLBACK, "view_submission")
    payload["view"]["private_metadata"] = DEEP
    start = len(guarded.caplog.records)

    response = guarded.interaction(payload)

    assert response.json["response_action"] == "errors"
    records = guarded.caplog.records[start:]
    assert [(record.levelno, record.exc_info) for record in records] == [(logging.WARNING, None)]
