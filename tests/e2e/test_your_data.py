"""A leader's data is theirs to export and to erase; removing the app erases the workspace's."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.playground.slack_driver import event_callback
from bot.services.lifecycle import spreadsheet_safe
from bot.store.models import Entry, Leader, Schedule
from tests.support.blocks import button, press, text_of
from tests.support.flows import log
from tests.support.harness import LEADER, OTHER_LEADER, OTHER_WORKSPACE_LEADER, Harness

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
    assert rows[0][:5] == ["entry_id", "logged_at_utc", "habit", "question", "answer"]
    assert [row[4] for row in rows[1:]] == [TRICKY, "second answer"]
    assert rows[1][5] == "U0ALICE"
    assert rows[1][6] == "4"
    assert rows[1][7] == 'Book "the" room, 3pm'


# The form trims what is typed, so a leading tab or carriage return never reaches the log.
FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"]


def test_exported_answers_open_in_a_spreadsheet_as_text_never_as_formulas(
    harness: Harness,
) -> None:
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
    assert {row[7] for row in rows[1:]} == {"'=1+1"}


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
