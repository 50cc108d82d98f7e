"""A leader's data is theirs to export and to erase; removing the app erases the workspace's."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.playground.fake_slack import Call
from bot.playground.slack_driver import event_callback, log_values
from bot.services.lifecycle import spreadsheet_safe
from bot.store.models import Entry, Leader, Schedule
from tests.support.blocks import block_and_button, button, press, text_of
from tests.support.flows import log, outcome_values, press_done
from tests.support.harness import LEADER, OTHER_LEADER, OTHER_WORKSPACE_LEADER, Harness
from tests.support.team import ANA, DEV, KAI, LEE, ask_channel, close_answers
from tests.support.team import answer as answer_as

TRICKY = 'She said "ship it", then: no,\nwait; 日本語, Ελληνικά, emoji 🎉, tab\tend'


def rows_in(harness: Harness, model: type, team_id: str | None = None) -> int:
    with harness.app.deps.database.transaction(writes=False) as session:
        statement = select(func.count()).select_from(model)
        if team_id is not None and model is Leader:
            statement = statement.where(Leader.team_id == team_id)
        return session.scalar(statement) or 0


def test_export_dms_a_csv_that_round_trips_what_was_typed(harness: Harness) -> None:
    log(harness, TRICKY, promise='Book "the" room, 3pm')
    log(harness, "second answer")
    log(harness, "not mine", user=OTHER_LEADER)

    reply = harness.slack.command("export").json

    assert "Exporting 2 entries" in text_of(reply)
    (upload,) = harness.fake.wait_for("file_upload")
    (opened,) = harness.fake.calls_to("conversations.open")
    assert opened.params["users"] == LEADER.user_id
    (done,) = harness.fake.wait_for("files.completeUploadExternal")
    assert done.params["channel_id"] == "D0DM"
    rows = list(csv.reader(io.StringIO(upload.params["content"], newline="")))
    assert rows[0] == HEADER
    assert [row[4] for row in rows[1:]] == [TRICKY, "second answer"]
    first = dict(zip(HEADER, rows[1], strict=True))
    # Slack gave no name for U0ALICE (the fake's users.info has none): the id stands in.
    assert (first["who_answered"], first["who_answered_ids"]) == ("U0ALICE", "U0ALICE")
    assert first["heartbeat"] == "4"
    assert first["promise"] == 'Book "the" room, 3pm'
    assert first["promise_due"] == first["promise_done_at_utc"] == ""
    assert first["source"] == "you"


HEADER = [
    "entry_id",
    "logged_at_utc",
    "habit",
    "question",
    "answer",
    "who_answered",
    "who_answered_ids",
    "heartbeat",
    "promise",
    "promise_due",
    "promise_done_at_utc",
    "promise_outcome",
    "promise_dropped_at_utc",
    "follow_up_of_entry",
    "question_ref",
    "source",
]
NAMES = {"U0BEN": "Ben Okafor", "U0MEI": "Mei Tanaka", "U0ANA": "Ana Lima"}


def slack_names(harness: Harness, names: dict[str, str] = NAMES) -> None:
    """users.info answers as Slack does: the person's names, or user_not_found."""

    def users_info(call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        user_id = str(call.params.get("user"))
        if user_id not in names:
            return 200, {"ok": False, "error": "user_not_found"}, {}
        name = names[user_id]
        profile = {"real_name": name, "display_name": name.split()[0].lower()}
        return 200, {"ok": True, "user": {"id": user_id, "name": "x", "profile": profile}}, {}

    harness.fake.respond_with("users.info", users_info)


def exported(harness: Harness, channel: str = "C0CHANNEL") -> list[dict[str, str]]:
    """`/ask-team export`: the rows of the CSV the bot shared, by column."""
    harness.slack.command("export", channel=channel)
    (upload,) = harness.fake.wait_for("file_upload")
    reader = csv.DictReader(io.StringIO(upload.params["content"], newline=""))
    assert reader.fieldnames == HEADER
    return list(reader)


def log_with(
    harness: Harness, answer: str, people: list[str], promise: str | None, due: str | None
) -> None:
    modals = len(harness.fake.calls_to("views.open"))
    card = harness.slack.command("vision").json["blocks"]
    press(harness, card, "Log answers")
    view = harness.fake.wait_for("views.open", modals + 1)[-1]
    harness.slack.submit(view.params["view"], log_values(answer, people, "4", promise, due))
    harness.settle()


def test_the_export_names_who_answered_beside_their_ids_once_each(harness: Harness) -> None:
    slack_names(harness)
    log_with(harness, "first", ["U0BEN", "U0MEI"], None, None)
    log_with(harness, "second", ["U0MEI", "U0GONE"], None, None)

    rows = exported(harness)

    people = [(row["who_answered"], row["who_answered_ids"]) for row in rows]
    assert people == [
        ("Ben Okafor; Mei Tanaka", "U0BEN U0MEI"),
        # Slack no longer knows U0GONE: named by id, and the others still by name.
        ("Mei Tanaka; U0GONE", "U0MEI U0GONE"),
    ]
    asked = [call.params["user"] for call in harness.fake.calls_to("users.info")]
    assert asked == ["U0BEN", "U0MEI", "U0GONE"], "one users.info per person"


def test_a_promise_exports_its_due_date_and_when_and_what_was_done(harness: Harness) -> None:
    log_with(harness, "an answer", ["U0BEN"], "Fix the build", "2026-12-01")
    log_with(harness, "still open", ["U0BEN"], "Book the room", "2026-12-24")
    harness.clock.advance(days=2)
    modal = press_done(harness, harness.slack.command("promises").json, "Fix the build")
    harness.slack.submit(modal, outcome_values("=Moved CI to faster runners"))
    harness.settle()

    kept, still_open = exported(harness)

    assert kept["promise"] == "Fix the build"
    assert kept["promise_due"] == "2026-12-01"
    assert kept["promise_done_at_utc"] == "2026-11-28T09:00:00+00:00"
    assert kept["promise_outcome"] == "'=Moved CI to faster runners", "never a formula"
    assert kept["promise_dropped_at_utc"] == ""
    assert still_open["promise_due"] == "2026-12-24"
    assert still_open["promise_done_at_utc"] == still_open["promise_outcome"] == ""


def test_a_named_team_answer_is_named_and_an_anonymous_one_stays_anonymous(
    harness: Harness,
) -> None:
    slack_names(harness)
    post = ask_channel(harness, "anonymously What should we stop doing?")
    for person, words in ((DEV, "one"), (KAI, "two"), (LEE, "three")):
        answer_as(harness, post, person, f"anonymous answer {words}")
    answer_as(harness, post, ANA, "named answer", add_name=True)
    close_answers(harness)

    rows = exported(harness)

    team = {row["answer"]: row for row in rows if row["source"] == "team"}
    assert (team["named answer"]["who_answered"], team["named answer"]["who_answered_ids"]) == (
        "Ana Lima",
        "U0ANA",
    )
    for words in ("one", "two", "three"):
        row = team[f"anonymous answer {words}"]
        assert (row["who_answered"], row["who_answered_ids"]) == ("anonymous", "")
    asked = {call.params["user"] for call in harness.fake.calls_to("users.info")}
    assert not asked & {DEV.user_id, KAI.user_id, LEE.user_id}


@pytest.mark.parametrize("error", ["missing_scope", "ratelimited"])
def test_slack_failing_to_name_people_still_exports_them_by_id(
    harness: Harness, error: str
) -> None:
    log_with(harness, "first", ["U0BEN", "U0MEI"], None, None)
    harness.fake.respond_with("users.info", lambda call: (200, {"ok": False, "error": error}, {}))

    (row,) = exported(harness)

    assert (row["who_answered"], row["who_answered_ids"]) == ("U0BEN; U0MEI", "U0BEN U0MEI")
    assert len(harness.fake.calls_to("users.info")) == 1, "no asking on once Slack says no"
    assert not harness.fake.calls_to("response_url"), "the export was not refused"


@pytest.mark.parametrize(
    ("channel", "where"),
    [("D0DM", "on its way here."), ("C0CHANNEL", "on its way to your DM with me.")],
)
def test_the_reply_says_where_the_file_goes_from_where_it_was_asked(
    harness: Harness, channel: str, where: str
) -> None:
    log(harness, "an answer")

    export = text_of(harness.slack.command("export", channel=channel).json)
    chart = text_of(harness.slack.command("heartbeat chart", channel=channel).json)

    assert export.endswith(f"the CSV is {where}")
    assert chart.endswith(f"The chart is {where}")
    harness.settle()
    assert len(harness.fake.calls_to("files.completeUploadExternal")) == 2
    # The Heartbeat trend button on the question card, on a message where it was asked.
    card = harness.slack.command("heartbeat", channel=channel).json
    block, trend = block_and_button(card, "Heartbeat trend")
    click = harness.slack.click_payload(
        trend["action_id"], trend["value"], block_id=block["block_id"], channel=channel
    )
    harness.slack.interaction(click)
    (reading,) = harness.fake.wait_for("response_url")
    assert reading.params["text"].endswith(f"The chart is {where}")


# The form trims what is typed, so a leading tab or carriage return never reaches the log.
FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"]


def test_exported_answers_open_in_a_spreadsheet_as_text_never_as_formulas(
    harness: Harness,
) -> None:
    # A name is typed by its owner, in Slack: a formula too.
    slack_names(harness, {"U0ALICE": "@SUM(A1) Alice"})
    for answer in FORMULAS:
        log(harness, answer, promise="=1+1")

    harness.slack.command("export")
    (upload,) = harness.fake.wait_for("file_upload")

    # As a spreadsheet program reads the file: each cell is a formula if it starts with a
    # trigger character, and text shown as typed if a quote comes first.
    rows = list(csv.reader(io.StringIO(upload.params["content"], newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert [row[4] for row in rows[1:]] == ["'" + answer for answer in FORMULAS]
    assert {row[HEADER.index("promise")] for row in rows[1:]} == {"'=1+1"}
    assert {row[HEADER.index("who_answered")] for row in rows[1:]} == {"'@SUM(A1) Alice"}


@pytest.mark.parametrize("cell", ["\tcell", "\rcell", "=1", "+1", "-1", "@a"])
def test_every_formula_trigger_is_neutralised(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe("plain " + cell) == "plain " + cell


def test_a_failed_upload_is_told_to_the_leader_instead_of_on_its_way(harness: Harness) -> None:
    log(harness, "an answer")
    harness.fake.respond_with(
        "files.completeUploadExternal",
        lambda call: (200, {"ok": False, "error": "internal_error"}, {}),
    )

    harness.slack.command("export")
    (note,) = harness.fake.wait_for("response_url")

    text = text_of(note)
    assert "could not share the export" in text
    assert note.params["replace_original"] is True


def test_export_with_nothing_logged_says_so(harness: Harness) -> None:
    text = text_of(harness.slack.command("export").json)

    assert "nothing to export" in text
    assert not harness.fake.calls_to("conversations.open")


def test_an_operator_can_export_from_the_command_line(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log(harness, TRICKY)
    harness.fake.wait_for("chat.postMessage")
    monkeypatch.setenv("DATABASE_URL", harness.app.deps.database.url)

    assert main(["export", "--team", LEADER.team_id, "--user", LEADER.user_id]) == 0

    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert rows[1][4] == TRICKY
    assert main(["export", "--team", LEADER.team_id, "--user", "U0NOBODY"]) == 1


def test_forget_me_asks_first_and_cancel_keeps_everything(harness: Harness) -> None:
    log(harness, "keep me")
    harness.fake.wait_for("chat.postMessage")

    blocks = harness.slack.command("forget me").json["blocks"]
    assert "1 logged entry," in text_of(blocks)
    delete = button(blocks, "Delete everything")
    assert delete["style"] == "danger"
    assert delete["confirm"]["confirm"]["text"] == "Delete"

    press(harness, blocks, "Keep my data")
    (answer,) = harness.fake.wait_for("response_url")
    assert "Nothing was deleted" in text_of(answer)
    assert rows_in(harness, Entry) == 1


def test_forget_me_deletes_only_the_caller(harness: Harness) -> None:
    log(harness, "mine")
    log(harness, "theirs", user=OTHER_LEADER)
    harness.slack.command("schedule 9:00 weekdays")
    harness.fake.wait_for("chat.postMessage", 2)
    harness.settle()
    harness.fake.forget_calls()

    harness.slack.click("forget_confirm", "U0OTHER", block_id="forget_me")

    (answer,) = harness.fake.wait_for("response_url")
    assert "Deleted 1 entry," in text_of(answer)
    assert rows_in(harness, Entry) == 1, "the other leader's entry is untouched"
    assert rows_in(harness, Schedule) == 0
    history = json.dumps(harness.slack.command("history", user=OTHER_LEADER).json["blocks"])
    assert "theirs" in history


def uninstall_event(team_id: str, event_id: str, kind: str = "app_uninstalled") -> bytes:
    event: dict[str, object] = {"type": kind, "event_ts": "1700000000.000100"}
    if kind == "tokens_revoked":
        event["tokens"] = {"oauth": ["U0LEADER"], "bot": ["UBOT"]}
    return json.dumps(event_callback(team_id, event_id, event)).encode()


@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
def test_removing_the_app_forgets_that_workspace_once(harness: Harness, kind: str) -> None:
    log(harness, "workspace one")
    log(harness, "workspace two", user=OTHER_WORKSPACE_LEADER)
    harness.fake.wait_for("chat.postMessage", 2)

    first = harness.slack.post(
        uninstall_event(LEADER.team_id, "Ev1", kind), content_type="application/json"
    )
    assert first.status == 200
    assert rows_in(harness, Leader, LEADER.team_id) == 0
    assert rows_in(harness, Leader, OTHER_WORKSPACE_LEADER.team_id) == 1

    # Slack retries the same delivery: harmless, and it does not touch data logged since.
    log(harness, "after reinstall")
    harness.fake.wait_for("chat.postMessage", 3)
    again = harness.slack.post(
        uninstall_event(LEADER.team_id, "Ev1", kind), content_type="application/json"
    )
    assert again.status == 200
    assert rows_in(harness, Leader, LEADER.team_id) == 1


def test_revoking_only_user_tokens_keeps_the_data(harness: Harness) -> None:
    log(harness, "still here")
    harness.fake.wait_for("chat.postMessage")
    body = json.loads(uninstall_event(LEADER.team_id, "Ev2", "tokens_revoked"))
    body["event"]["tokens"] = {"oauth": ["U0LEADER"]}

    harness.slack.post(json.dumps(body).encode(), content_type="application/json")

    assert rows_in(harness, Entry) == 1
