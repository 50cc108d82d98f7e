"""The playground: the real bot behind a page, with no Slack workspace at all.

These drive the page's own JSON requests (what its JavaScript sends); the browser tests in
test_playground_browser.py click the same things in Chromium.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.playground.answer_form import answer_values
from bot.playground.fake_slack import FakeSlack
from bot.playground.run import Playground
from bot.playground.slack_driver import request
from tests.support.blocks import text_of
from tests.support.cli import cli_env, start_ask_team, wait_until_serving
from tests.support.flows import outcome_values, promise_values
from tests.support.playground import TEAM, WHAT_THEY_SAID, Message, Visitor, start_playground

STOP = "What should we stop doing?"


@pytest.fixture
def ben(playground: Playground) -> Visitor:
    return Visitor(playground.fake.base_url, "U0BEN")


@pytest.fixture
def mei(playground: Playground) -> Visitor:
    return Visitor(playground.fake.base_url, "U0MEI")


@pytest.fixture
def dev(playground: Playground) -> Visitor:
    return Visitor(playground.fake.base_url, "U0DEV")


def log_an_answer(visitor: Visitor, words: str = WHAT_THEY_SAID) -> None:
    visitor.command()
    card = visitor.last_dm_saying("Question for your team")
    visitor.click(card, "Log answers")
    answer = {"answer": {"answer_text": {"type": "plain_text_input", "value": words}}}
    assert visitor.submit(answer)["errors"] is None
    visitor.last_dm_saying("Saved what your team said")


def test_typing_ask_team_shows_a_question_card_only_to_whoever_typed_it(
    ana: Visitor, ben: Visitor
) -> None:
    assert ana.command() == {"ok": True}

    card = ana.last_dm_saying("Question for your team")
    assert card["ephemeral"]
    assert {"Another question", "Log answers"} <= set(_labels(card))
    assert ben.dm() == []


@pytest.mark.smoke
def test_the_log_modal_shows_errors_under_the_field_then_saves_the_corrected_answer(
    ana: Visitor,
) -> None:
    ana.command()
    ana.click(ana.last_dm_saying("Question for your team"), "Log answers")
    assert ana.top_modal()["view"]["title"]["text"] == "Log answers"

    refused = ana.submit({})
    assert "Write what the team said" in refused["errors"]["answer"]
    assert "Write what the team said" in ana.top_modal()["errors"]["answer"]

    typed = {"answer": {"answer_text": {"type": "plain_text_input", "value": WHAT_THEY_SAID}}}
    assert ana.submit(typed) == {"ok": True, "errors": None}
    assert ana.wait_until(lambda s: not s["modals"])
    confirmation = ana.last_dm_saying("Saved what your team said")
    assert WHAT_THEY_SAID in text_of(confirmation["blocks"])


def test_a_subscribed_leader_jumps_the_clock_to_their_next_nudge_at_nine_their_time(
    ana: Visitor,
) -> None:
    assert ana.do("clock", action="next")["ok"] is False
    ana.command("schedule 9:00 weekdays")
    ana.wait_until(lambda s: s["next_nudge"])

    jumped = ana.do("clock", action="next")

    assert jumped["summary"].endswith("1 nudge sent")
    lisbon = datetime.fromisoformat(jumped["now"]).astimezone(ZoneInfo("Europe/Lisbon"))
    assert (lisbon.hour, lisbon.minute, lisbon.weekday() < 5) == (9, 0, True)
    nudge = ana.last_dm_saying("Today's question for your team")
    assert not nudge["ephemeral"]
    assert "Log answers" in _labels(nudge)


def test_the_export_arrives_by_dm_as_a_csv_file_to_download(ana: Visitor) -> None:
    log_an_answer(ana)

    ana.command("export")

    shared = ana.last_dm_saying("Everything you have logged")["files"][0]
    assert shared["mimetype"] == "text/csv"
    download = request("GET", ana.base_url + shared["url"])
    assert download.status == 200
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [row["answer"] for row in rows] == [WHAT_THEY_SAID]


def test_opening_home_shows_the_leaders_own_home_tab(ana: Visitor) -> None:
    log_an_answer(ana)

    ana.do("home")

    home = ana.wait_until(lambda s: s["home"])["home"]
    assert "Lead by following" in text_of(home["blocks"])
    assert WHAT_THEY_SAID in text_of(home["blocks"])


def test_another_pretend_user_sees_an_empty_log(ana: Visitor, ben: Visitor) -> None:
    log_an_answer(ana)

    ben.command("history")

    history = ben.last_dm_saying("")
    assert WHAT_THEY_SAID not in text_of(history["blocks"] or history["text"])
    assert "nothing" in text_of(history["blocks"] or history["text"]).lower()


def test_a_first_schedule_is_one_reply_brought_up_to_date_in_place(ana: Visitor) -> None:
    ana.command("schedule 9:00 weekdays")
    state = ana.wait_until(lambda s: any("(Europe/Lisbon)" in m["text"] for m in ana.dm(s)))
    replies = [m for m in ana.dm(state) if "weekdays at 9:00" in m["text"]]
    assert len(replies) == 1
    assert "Next:" in replies[0]["text"]


def test_what_was_logged_is_there_after_the_playground_restarts(tmp_path: Path) -> None:
    database = tmp_path / "kept.db"
    first = start_playground(database)
    log_an_answer(Visitor(first.fake.base_url))
    first.stop()

    again = start_playground(database)
    try:
        visitor = Visitor(again.fake.base_url)
        visitor.command("history")
        assert WHAT_THEY_SAID in text_of(visitor.last_dm_saying("")["blocks"])
    finally:
        again.stop()


def test_after_a_restart_the_clock_and_every_conversation_carry_on(tmp_path: Path) -> None:
    database = tmp_path / "kept.db"
    first = start_playground(database)
    ana = Visitor(first.fake.base_url)
    ana.command("schedule 9:00 weekdays")
    ana.wait_until(lambda s: s["next_nudge"])
    jumped = datetime.fromisoformat(ana.do("clock", action="next")["now"])
    ana.last_dm_saying("Today's question for your team")
    first.stop()

    again = start_playground(database)
    try:
        ana = Visitor(again.fake.base_url)
        state = ana.state()
        assert datetime.fromisoformat(state["now"]) >= jumped
        assert any("Today's question for your team" in m["text"] for m in ana.dm(state))
        # The next nudge is the one after the day already delivered, not that day's again.
        assert datetime.fromisoformat(state["next_nudge"]) > jumped
    finally:
        again.stop()


def test_reset_the_playground_starts_afresh_with_the_clock_at_now(tmp_path: Path) -> None:
    database = tmp_path / "reset.db"
    playground = start_playground(database)
    try:
        ana = Visitor(playground.fake.base_url)
        log_an_answer(ana)
        ana.command("schedule 9:00 weekdays")
        ana.wait_until(lambda s: s["next_nudge"])
        ana.do("clock", action="next")

        assert ana.do("reset")["ok"] is True

        state = ana.state()
        assert [m["text"] for m in ana.dm(state)] == [], [m["text"] for m in ana.dm(state)]
        assert state["next_nudge"] is None
        assert abs(datetime.fromisoformat(state["now"]) - datetime.now(UTC)) < timedelta(minutes=1)
        ana.command("history")
        assert "Nothing logged yet" in text_of(ana.last_dm_saying("")["blocks"])
    finally:
        playground.stop()
    # And it stays reset after a restart: only the history it was asked for since.
    again = start_playground(database)
    try:
        (only,) = Visitor(again.fake.base_url).dm()
        assert "Nothing logged yet" in text_of(only["blocks"])
    finally:
        again.stop()


@pytest.mark.parametrize(
    ("verb", "body", "problem"),
    [
        ("command", {"user": "U0NOBODY", "text": ""}, "no pretend user"),
        ("command", {"user": "U0ANA", "channel": "D0BEN", "text": ""}, "cannot write"),
        ("command", {"user": "U0ANA", "text": ["history"]}, "text must be text"),
        ("action", {"user": "U0ANA", "surface": "message", "action": {}}, "action_id"),
        ("action", {"user": "U0ANA", "surface": "sky", "action": {"action_id": "x"}}, "surface"),
        ("submit", {"user": "U0ANA", "view_id": "V404", "values": {}}, "closed"),
        ("clock", {"user": "U0ANA", "action": "backwards"}, "the clock"),
    ],
)
def test_the_page_answers_what_it_never_sends_with_a_400_saying_why(
    ana: Visitor, verb: str, body: dict[str, object], problem: str
) -> None:
    answer = request(
        "POST",
        f"{ana.base_url}/ui/{verb}",
        json.dumps(body).encode(),
        {"Content-Type": "application/json"},
    )
    assert answer.status == 400
    assert problem in answer.json["error"]


@pytest.mark.parametrize("path", ["/ui/state?user=U0NOBODY", "/ui/nothing", "/static/../cli.py"])
def test_unknown_paths_and_people_are_refused(ana: Visitor, path: str) -> None:
    assert request("GET", ana.base_url + path).status in (400, 404)


def test_the_page_and_its_scripts_are_served_from_the_package(ana: Visitor) -> None:
    page = request("GET", ana.base_url + "/")
    assert page.status == 200
    assert "text/html" in page.headers["Content-Type"]
    for script in ("app.js", "blockkit.js", "mrkdwn.js", "style.css"):
        assert request("GET", f"{ana.base_url}/static/{script}").status == 200, script


def test_ask_team_run_with_no_slack_credentials_opens_the_playground(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = {k: v for k, v in cli_env(tmp_path, fake_slack).items() if not k.startswith("SLACK_")}
    process = start_ask_team("run", env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_serving(process, url)
        assert request("GET", url + "/").status == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert output.splitlines()[0] == (
        f"No Slack credentials: opening the local playground at {url}/ "
        "(to connect a real workspace, start with `ask-team manifest`)"
    )
    assert (tmp_path / "ask_team_playground.db").exists()


def _labels(message: dict[str, object]) -> list[str]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [
        element["text"]["text"]
        for block in blocks
        for element in block.get("elements", [])
        if element.get("type") == "button"
    ]


def test_only_the_pages_own_json_requests_from_its_own_address_are_taken(ana: Visitor) -> None:
    form = request(
        "POST",
        f"{ana.base_url}/ui/command",
        b'{"user": "U0ANA", "text": "forget me"}',
        {"Content-Type": "text/plain"},
    )
    rebound = request(
        "GET", f"{ana.base_url}/ui/state?user=U0ANA", headers={"Host": "evil.example:3000"}
    )

    assert form.status == 400
    assert "application/json" in form.json["error"]
    assert rebound.status == 421


def answer_in_team(
    visitor: Visitor, post: Message, words: str, *, named: bool = False, channel: str = TEAM
) -> dict[str, Any]:
    """Press Answer on the question in #team (or `channel`), write `words` and send them: the
    modal after."""
    shown = visitor.state()["modals"]
    visitor.click(post, "Answer", channel)
    # The form opens in place of whatever modal was left open.
    visitor.top_modal(other_than=shown[-1]["id"] if shown else None)
    assert visitor.submit(answer_values(words, add_name=named))["errors"] is None
    return visitor.top_modal()


def test_a_leader_asks_team_anonymously_and_closing_answers_brings_her_the_summary(
    ana: Visitor, ben: Visitor, mei: Visitor, dev: Visitor
) -> None:
    # Typed as a person types it: the page sends `#team` as Slack links it.
    assert ana.command(f"ask #team anonymously {STOP}", channel=TEAM) == {"ok": True}

    assert ana.last_saying("Asking in", TEAM)["ephemeral"]
    post = ben.last_saying("asks the team", TEAM)
    assert not post["ephemeral"]
    assert "Anonymous, unless you add your name" in text_of(post["blocks"])
    assert "Answer" in _labels(post)
    assert not any("Asking in" in m["text"] for m in ben.in_channel(TEAM))

    thanks = answer_in_team(ben, post, "Stop the weekly status report", named=True)
    assert "your answer is in" in text_of(thanks["view"]["blocks"])
    answer_in_team(mei, post, "Slack pings after 7")
    answer_in_team(dev, post, "The reorg rumours")
    # The bot updates the count with chat.update, at most once every 5 seconds.
    counted = ana.last_saying("3 answers so far", TEAM, seconds=15)
    assert counted["ts"] == post["ts"]

    jumped = ana.do("clock", action="close")

    assert jumped["summary"].startswith("It is now")
    assert "answers closed on 1 question to the team" in jumped["summary"]
    lisbon = datetime.fromisoformat(jumped["now"]).astimezone(ZoneInfo("Europe/Lisbon"))
    assert (lisbon.hour, lisbon.minute) == (18, 0)
    summary = text_of(ana.last_dm_saying("Your team answered")["blocks"])
    assert STOP in summary
    assert "3 answered" in summary
    assert "<@U0BEN>: Stop the weekly status report" in summary
    # Two anonymous answers are fewer than the three it takes to show any: they stay hidden.
    assert "Slack pings" not in summary
    assert "reorg" not in summary
    closed = mei.last_saying("Answers closed", TEAM)
    assert closed["ts"] == post["ts"]
    assert "Answer" not in _labels(closed)
    assert ana.do("clock", action="close")["ok"] is False


def test_a_team_member_answers_then_withdraws_and_the_leader_cannot_answer_herself(
    ana: Visitor, ben: Visitor
) -> None:
    assert ana.do("clock", action="close")["error"].startswith("No question to the team")
    ana.command(f"ask #team {STOP}", channel=TEAM)
    post = ben.last_saying("asks the team", TEAM)

    ana.click(post, "Answer", TEAM)
    assert ana.last_saying("your own question", TEAM)["ephemeral"]
    done = answer_in_team(ben, post, "Fewer meetings")
    ana.last_saying("1 answer so far", TEAM)
    ben.click(post, "Answer", TEAM)
    form = ben.top_modal(other_than=done["id"])
    assert "You answered already" in text_of(form["view"]["blocks"])
    ben.click_in_modal(form, "Withdraw my answer")

    withdrawn = ben.wait_until(
        lambda s: "withdrawn" in text_of(s["modals"][-1]["view"]["blocks"]) if s["modals"] else 0
    )
    assert withdrawn["modals"][-1]["id"] == form["id"], "the same modal, updated"
    assert not any("your own question" in m["text"] for m in ben.in_channel(TEAM))


def test_asking_people_by_name_sends_each_of_them_the_question_by_dm(
    ana: Visitor, ben: Visitor, mei: Visitor, dev: Visitor
) -> None:
    ana.command("ask @ben @mei What would you change first?")

    for asked in (ben, mei):
        question = asked.last_dm_saying("A question from your lead")
        assert "What would you change first?" in text_of(question["blocks"])
        assert "Answer" in _labels(question)
    assert dev.dm() == []


def test_a_leader_promises_on_the_summary_and_the_team_sees_it_and_its_done(
    ana: Visitor, ben: Visitor
) -> None:
    assert ana.command(f"ask #team {STOP}", channel=TEAM) == {"ok": True}
    post = ben.last_saying("asks the team", TEAM)
    answer_in_team(ben, post, "Stop the weekly status report", named=True)
    ana.do("clock", action="close")

    summary = ana.last_dm_saying("Your team answered")
    ana.click(summary, "Promise something")
    form = ana.top_modal()
    assert form["view"]["title"]["text"] == "Promise something"
    assert ana.submit(promise_values("Drop the status report for a month"))["errors"] is None

    told = ben.last_saying("I'll Drop the status report for a month", TEAM)
    assert "Stop the weekly status report" not in text_of(told["blocks"])
    promises = ana.command("promises")
    assert promises == {"ok": True}
    listed = ana.last_saying("Open promises", ana.dm_channel())
    ana.click(listed, "Done")
    ana.top_modal(other_than=form["id"])
    assert ana.submit(outcome_values("No status report since the 4th"))["errors"] is None

    done = ben.last_saying("Done: Drop the status report for a month", TEAM)
    assert "No status report since the 4th" in text_of(done["blocks"])


def test_someone_asked_by_dm_who_has_not_answered_is_reminded_on_the_way_to_the_close(
    ana: Visitor, ben: Visitor, dev: Visitor
) -> None:
    ana.command("ask @ben @dev What would you change first?")
    asked = ben.last_dm_saying("A question from your lead")
    answer_in_team(ben, asked, "The release checklist", channel=ben.dm_channel())

    jumped = ana.do("clock", action="close")

    # The jump stopped at Dev's reminder, in his own morning, before answers closed.
    assert "1 person reminded" in jumped["summary"]
    assert "answers closed on 1 question to the team" in jumped["summary"]
    reminder = dev.last_dm_saying("A gentle reminder")
    assert "What would you change first?" in text_of(reminder["blocks"])
    assert not any("A gentle reminder" in m["text"] for m in ben.dm())
    assert "1 reminded" in text_of(ana.last_dm_saying("Your team answered")["blocks"])

    dev.click(reminder, "Don't remind me for this leader's questions")
    assert "no more reminders" in text_of(dev.last_dm_saying("No more reminders")["blocks"])


def test_a_jump_stops_at_a_snoozed_nudge_before_the_next_days(ana: Visitor) -> None:
    ana.command("schedule 9:00 weekdays")
    ana.wait_until(lambda s: s["next_nudge"])
    ana.do("clock", action="next")
    nudge = ana.last_dm_saying("Today's question for your team")
    ana.click(nudge, "Snooze 1 hour")
    state = ana.wait_until(lambda s: (s["next_event"] or {}).get("what") == "snoozed nudge")
    assert state["next_event"]["at"] < state["next_nudge"]

    jumped = ana.do("clock", action="next")

    # The snoozed question came back at 10:00, on its own, before the next day's nudge.
    stops = jumped["summary"].split("; ")
    assert len(stops) == 2, jumped["summary"]
    assert stops[0].endswith("1 nudge sent")
    assert stops[1].endswith("1 nudge sent")
    assert "missed" not in jumped["summary"]


def test_closing_answers_on_a_later_day_delivers_the_nudges_due_on_the_way(ana: Visitor) -> None:
    ana.command("schedule 9:00 weekdays")
    ana.wait_until(lambda s: s["next_nudge"])
    assert ana.command(f"ask #team {STOP}", channel=TEAM) == {"ok": True}
    ana.last_saying("asks the team", TEAM)

    jumped = ana.do("clock", action="close")

    # Answers close at 18:00 on the next working day; its 09:00 nudge came at 09:00.
    assert "1 nudge sent" in jumped["summary"]
    assert "missed" not in jumped["summary"]
    assert ana.last_dm_saying("Today's question for your team")
    assert "answers closed on 1 question to the team" in jumped["summary"]
