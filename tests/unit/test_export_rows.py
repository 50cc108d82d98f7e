"""The export's rows: people by name beside their ids, "anonymous" with no id, a promise's
dates, and the names asked of Slack once per person, a bounded number of times, never failing
the export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.listeners.your_data import NAME_LOOKUPS, name_in, names_of
from bot.services.lifecycle import CSV_COLUMNS, ExportRow, _entry_row, export_csv
from bot.store.models import Entry, EntryPerson


class Slack:
    """users.info as Slack answers it: `names` known, anyone else per `error`."""

    def __init__(self, names: dict[str, str], error: str = "user_not_found") -> None:
        self.names = names
        self.error = error
        self.asked: list[str] = []

    def users_info(self, *, user: str) -> dict[str, Any]:
        self.asked.append(user)
        if user not in self.names:
            raise refused(self.error)
        return {"ok": True, "user": {"id": user, "profile": {"real_name": self.names[user]}}}


def refused(error: str) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/users.info",
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=200,
    )
    return SlackApiError("The request to the Slack API failed.", response)


def client(slack: Slack) -> WebClient:
    return cast(WebClient, slack)


def test_names_are_asked_once_each_and_a_person_slack_does_not_know_keeps_their_id() -> None:
    slack = Slack({"U0BEN": "Ben Okafor", "U0MEI": "Mei Tanaka"})

    names = names_of(client(slack), ["U0BEN", "U0GONE", "U0MEI"])

    assert names == {"U0BEN": "Ben Okafor", "U0MEI": "Mei Tanaka"}
    assert slack.asked == ["U0BEN", "U0GONE", "U0MEI"]


def test_no_more_than_the_bound_of_people_are_asked_for() -> None:
    people = [f"U{n:05d}" for n in range(NAME_LOOKUPS + 50)]
    slack = Slack({person: f"Person {person}" for person in people})

    names = names_of(client(slack), people)

    assert len(slack.asked) == NAME_LOOKUPS
    assert set(names) == set(people[:NAME_LOOKUPS])


@pytest.mark.parametrize("error", ["missing_scope", "ratelimited", "invalid_auth"])
def test_once_slack_refuses_us_or_is_busy_nobody_more_is_asked(error: str) -> None:
    slack = Slack({}, error)

    assert names_of(client(slack), ["U0BEN", "U0MEI"]) == {}
    assert slack.asked == ["U0BEN"]


@pytest.mark.parametrize(
    ("user", "name"),
    [
        (
            {"real_name": "Top", "profile": {"real_name": "Ana Lima", "display_name": "ana"}},
            "Ana Lima",
        ),
        ({"profile": {"real_name": " ", "display_name": "ana"}}, "ana"),
        ({"name": "ana.lima", "profile": {"real_name": "", "display_name": ""}}, "ana.lima"),
        ({"real_name": "x" * 300}, "x" * 80),
        ({"profile": None}, None),
        (None, None),
    ],
)
def test_a_persons_name_is_their_full_name_else_their_display_name(
    user: object, name: str | None
) -> None:
    assert name_in(user) == name


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_people_are_named_beside_their_ids_and_anonymous_has_no_id() -> None:
    blank = ("",) * len(CSV_COLUMNS)
    rows = [
        ExportRow(blank, ("U0BEN", "U0MEI")),
        ExportRow(blank, ("U0ANA",)),
        ExportRow(blank, (), anonymous=True),
        ExportRow(blank, ()),
    ]

    exported = rows_of(export_csv(rows, {"U0BEN": "Ben Okafor", "U0ANA": "=Ana"}))

    assert [row["who_answered"] for row in exported] == [
        "Ben Okafor; U0MEI",
        "'=Ana",
        "anonymous",
        "",
    ]


def test_a_logged_entry_carries_its_promise_due_done_and_dropped() -> None:
    logged = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    entry = Entry(
        id=7,
        leader_id=1,
        question_ref="vision:1",
        question_text="Where are we going?",
        habit="vision",
        answer="Somewhere",
        heartbeat=3,
        promise="Book the room",
        parent_id=None,
        created_at=logged,
        promise_due=date(2026, 12, 1),
        promise_kept_at=None,
        promise_outcome=None,
        promise_dropped_at=datetime(2026, 11, 30, 17, 5, 9, tzinfo=UTC),
        people=[EntryPerson(user_id="U0BEN", position=0)],
    )

    (row,) = rows_of(export_csv([_entry_row(entry)], {}))

    assert row["who_answered"] == row["who_answered_ids"] == "U0BEN"
    assert row["promise_due"] == "2026-12-01"
    assert row["promise_done_at_utc"] == row["promise_outcome"] == ""
    assert row["promise_dropped_at_utc"] == "2026-11-30T17:05:09+00:00"
    assert row["logged_at_utc"] == "2026-11-26T09:00:00+00:00"
    assert row["source"] == "you"
