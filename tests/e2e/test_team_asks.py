"""Asking the team in Slack: the leader asks a channel or people, the team answers (named or
anonymously), the leader gets one summary when answers close, and the answers join the log."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.runtime import ask_closer
from bot.playground.answer_form import answer_values
from bot.playground.fake_slack import Call, default_answer
from bot.playground.slack_driver import event_callback, log_values
from bot.store.models import Base, TeamAnswer, TeamAsk
from tests.support.blocks import button, press, text_of
from tests.support.flows import open_home, outcome_values, press_done, promise_values
from tests.support.harness import LEADER, Harness
from tests.support.team import (
    ANA,
    BEN,
    CHANNEL,
    DEV,
    KAI,
    LEE,
    MEI,
    OUTSIDER,
    ZOE,
    answer,
    ask_channel,
    close_answers,
    open_answer_form,
    posts_to,
    press_in,
    pulse,
)

QUESTION = "What should we stop doing?"


def dms_to(harness: Harness, user_id: str) -> list[Any]:
    return [c for c in harness.fake.calls_to("chat.postMessage") if c.params["channel"] == user_id]


def history(harness: Harness, words: str = "") -> str:
    return text_of(harness.slack.command(f"history {words}".strip()).json)


def summaries_of(harness: Harness) -> list[Any]:
    """The closing summaries the leader was sent."""
    return [dm for dm in dms_to(harness, LEADER.user_id) if "Your team answered" in text_of(dm)]


def the_summary(harness: Harness) -> Any:
    """The one closing summary the leader was sent."""
    (summary,) = summaries_of(harness)
    return summary


def refuse_posts_to(harness: Harness, channel: str, error: str) -> None:
    """Slack refuses the bot's posts to `channel` with `error`, and takes every other."""
    harness.fake.respond_with(
        "chat.postMessage",
        lambda call: (
            (200, {"ok": False, "error": error}, {})
            if call.params["channel"] == channel
            else (200, {"ok": True, "channel": "D0DM", "ts": "1.2"}, {})
        ),
    )


def test_asking_a_channel_posts_the_question_with_an_answer_button(harness: Harness) -> None:
    reply = harness.slack.command(f"ask <#{CHANNEL}|team> {QUESTION}").json
    assert f"Asking in <#{CHANNEL}>" in text_of(reply)
    assert "named" in text_of(reply)
    harness.settle()

    (post,) = posts_to(harness, CHANNEL)
    shown = text_of(post)
    assert QUESTION in shown
    assert f"<@{LEADER.user_id}> asks the team" in shown
    assert "reads each answer with its author's name" in shown
    assert "0 answers so far" in shown
    assert button(post, "Answer")


def test_answers_close_at_the_end_of_the_next_working_day_in_the_leaders_zone(
    harness: Harness,
) -> None:
    # Thursday 09:00 UTC; Slack says the leader is in Paris (the fake's users.info).
    ask_channel(harness, QUESTION)
    with harness.app.deps.database.transaction(writes=False) as session:
        (closes_at,) = session.scalars(select(TeamAsk.closes_at)).all()
    assert closes_at == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # Friday 18:00 in Paris
    harness.clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    ask_channel(harness, QUESTION)
    with harness.app.deps.database.transaction(writes=False) as session:
        latest = session.scalars(select(TeamAsk.closes_at).order_by(TeamAsk.id.desc())).first()
    assert latest == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # Friday -> Monday


# Friday 18:00 in Paris, where the fake Slack says the leader is.
FRIDAY_CLOSE_IN_PARIS = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def closes_of(harness: Harness) -> list[datetime]:
    """When each of the leader's asks closes, in the order they were asked."""
    with harness.app.deps.database.transaction(writes=False) as session:
        return list(session.scalars(select(TeamAsk.closes_at).order_by(TeamAsk.id)))


def closing_pass(harness: Harness) -> None:
    """The clock's minute tick runs the asks' pass, at the current time."""
    ask_closer(harness.app.settings, harness.app.deps).run_pass(harness.clock())


def channel_shows(harness: Harness, question: str) -> str:
    """What the channel's message of the ask `question` says now, after every update."""
    drawn = [*posts_to(harness, CHANNEL), *harness.fake.calls_to("chat.update")]
    return text_of([call for call in drawn if question in text_of(call)][-1])


def test_asks_made_before_slack_says_the_leaders_zone_all_close_in_it(
    harness: Harness,
) -> None:
    # Slack is slow to say where the leader is, and meanwhile refuses to say it again.
    asked, answered = threading.Event(), threading.Event()
    lookups = count()

    def slow_then_busy(call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        if next(lookups) > 0:
            return 200, {"ok": False, "error": "internal_error"}, {}
        asked.set()
        answered.wait(5)
        return 200, default_answer(call), {}

    harness.fake.respond_with("users.info", slow_then_busy)
    assert harness.slack.command(f"ask <#{CHANNEL}|team> First question").status == 200
    assert asked.wait(5)
    # A second ask before the first look-up answers: it goes out with the close in UTC.
    assert harness.slack.command(f"ask <#{CHANNEL}|team> Second question").status == 200
    harness.fake.wait_for("chat.postMessage")
    answered.set()
    harness.settle()

    assert closes_of(harness) == [FRIDAY_CLOSE_IN_PARIS, FRIDAY_CLOSE_IN_PARIS]
    # Within the minute the second question's message says the close it moved to.
    closing_pass(harness)
    assert "2026-11-27 17:00 UTC" in channel_shows(harness, "Second question")
    assert "2026-11-27 17:00 UTC" in channel_shows(harness, "First question")


def test_an_open_ask_moves_into_the_leaders_zone_when_slack_says_it_later(
    harness: Harness,
) -> None:
    harness.fake.respond_with(
        "users.info", lambda call: (200, {"ok": False, "error": "fatal_error"}, {})
    )
    ask_channel(harness, QUESTION)
    assert closes_of(harness) == [datetime(2026, 11, 27, 18, 0, tzinfo=UTC)]  # UTC's end of day
    # Slack tells the bot the leader's zone when their profile changes.
    user = {"id": LEADER.user_id, "team_id": LEADER.team_id, "tz": "Europe/Paris"}
    event = event_callback(LEADER.team_id, "EvZone", {"type": "user_change", "user": user})
    assert harness.slack.post(json.dumps(event).encode(), "application/json").status == 200

    assert closes_of(harness) == [FRIDAY_CLOSE_IN_PARIS]
    closing_pass(harness)
    assert "2026-11-27 17:00 UTC" in channel_shows(harness, QUESTION)
    # Answers still come in until the new close, then it closes there.
    assert answer(harness, posts_to(harness, CHANNEL)[-1], ANA, "Fewer meetings").status == 200
    harness.clock.set(FRIDAY_CLOSE_IN_PARIS)
    closing_pass(harness)
    assert "Fewer meetings" in text_of(the_summary(harness))


def test_the_question_card_opens_the_ask_form_with_the_question_editable(
    harness: Harness,
) -> None:
    card = harness.slack.command("vision").json
    assert press(harness, card, "Ask the team in Slack").status == 200
    (opened,) = harness.fake.wait_for("views.open")
    view = opened.params["view"]
    labels = [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]
    assert labels == [
        "In a channel",
        "Or these people, by DM",
        "The question",
        "Answers are",
        "Answers close at the end of",
    ]
    question = next(b for b in view["blocks"] if b["label"]["text"] == "The question")
    assert question["element"]["initial_value"] in text_of(card)
    # By default answers close at the end of the next working day: Thursday -> Friday.
    closes = next(b for b in view["blocks"] if b["block_id"] == "ask_closes")
    assert closes["element"]["initial_date"] == "2026-11-27"


def submit_ask_form(harness: Harness, **choices: Any) -> Any:
    card = harness.slack.command("people").json
    press(harness, card, "Ask the team in Slack")
    (opened,) = harness.fake.wait_for("views.open")
    values = {
        "ask_channel": {"ask_channel_select": {"selected_conversation": choices.get("channel")}},
        "ask_people": {"ask_people_select": {"selected_users": choices.get("people", [])}},
        "ask_question": {"ask_question_text": {"value": choices.get("question", QUESTION)}},
        "ask_privacy": {
            "ask_privacy_choice": {"selected_option": {"value": choices.get("privacy", "named")}}
        },
        "ask_closes": {"ask_closes_date": {"selected_date": choices.get("closes", "2026-11-30")}},
    }
    return harness.slack.submit(opened.params["view"], values)


def test_the_ask_form_asks_chosen_people_by_dm(harness: Harness) -> None:
    response = submit_ask_form(harness, people=[ANA.user_id, BEN.user_id], privacy="anonymous")
    assert response.status == 200
    assert response.body == b""
    harness.settle()
    for person in (ANA, BEN):
        (dm,) = dms_to(harness, person.user_id)
        assert f"<@{LEADER.user_id}> asks you" in text_of(dm)
        assert "Anonymous, unless you add your name" in text_of(dm)
    (confirmation,) = dms_to(harness, LEADER.user_id)
    assert f"by DM to <@{ANA.user_id}>, <@{BEN.user_id}>" in text_of(confirmation)


@pytest.mark.parametrize(
    ("choices", "block", "says"),
    [
        ({}, "ask_channel", "Pick a channel, or people below."),
        ({"channel": CHANNEL, "people": [ANA.user_id]}, "ask_people", "not both"),
        ({"channel": CHANNEL, "question": " "}, "ask_question", "Write the question"),
        ({"channel": CHANNEL, "question": "x" * 601}, "ask_question", "keep it under 600"),
        ({"channel": CHANNEL, "closes": "2026-11-20"}, "ask_closes", "has not ended"),
        ({"channel": CHANNEL, "closes": "2027-03-01"}, "ask_closes", "up to 30 days"),
        ({"channel": CHANNEL, "closes": "soon"}, "ask_closes", "Pick the day"),
        ({"channel": "not a channel"}, "ask_channel", "Pick a channel from the list"),
        ({"channel": CHANNEL, "privacy": "secret"}, "ask_privacy", "named or anonymous"),
    ],
)
def test_a_bad_ask_form_is_refused_inline_with_everything_kept(
    harness: Harness, choices: dict[str, Any], block: str, says: str
) -> None:
    answer_ = submit_ask_form(harness, **choices).json
    assert answer_["response_action"] == "errors"
    assert says in answer_["errors"][block]
    harness.settle()
    assert not posts_to(harness, CHANNEL)


@pytest.mark.smoke
def test_the_team_answers_named_and_anonymously_and_the_log_holds_back_the_anonymous_few(
    harness: Harness,
) -> None:
    post = ask_channel(harness, f"anonymously {QUESTION}")
    assert "Anonymous, unless you add your name" in text_of(post)
    for person, words in (
        (ANA, "Fewer meetings"),
        (BEN, "Stop the status report"),
        (MEI, "Slack pings after 7"),
    ):
        assert (
            answer(harness, post, person, words, add_name=True).json["response_action"] == "update"
        )
    thanks = answer(harness, post, DEV, "The reorg rumours").json
    assert "your answer is in" in text_of(thanks["view"])
    answer(harness, post, KAI, "Friday deploys")
    harness.settle()

    # Named answers show at once; the two anonymous ones wait for a third.
    log = history(harness, "from:team")
    assert f"<@{ANA.user_id}>: Fewer meetings" in log
    assert "2 anonymous answers so far: they will show when 3 have answered" in log
    assert "reorg" not in log
    assert "Friday deploys" not in log
    assert "Nothing logged yet that fits: matching" in history(harness, "reorg")

    # One changes an answer, another withdraws.
    form = open_answer_form(harness, post, BEN)
    assert "You answered already" in text_of(form)
    changed = harness.slack.submit(
        form, answer_values("Stop the weekly status report", add_name=True), BEN
    )
    assert "Your answer is changed" in text_of(changed.json["view"])
    form = open_answer_form(harness, post, KAI)
    withdraw_response = press_withdraw(harness, form, KAI)
    assert withdraw_response.status == 200
    harness.settle()
    assert "withdrawn" in text_of(harness.fake.calls_to("views.update")[-1])

    # A third anonymous answer (after the withdrawal, counting anew) is enough, but they are
    # read only when answers close: read as they arrive, each would point at who just answered.
    answer(harness, post, LEE, "Overtime as a badge")
    answer(harness, post, ZOE, "Guessing priorities")
    log = history(harness, "from:team")
    assert "3 anonymous answers so far: you read them when answers close" in log
    assert "reorg" not in log
    assert f"<@{BEN.user_id}>: Stop the weekly status report" in log

    # When answers close, the leader gets one summary; the team's message says closed.
    close_answers(harness)
    summary = the_summary(harness)
    said = text_of(summary)
    assert "6 answered" in said
    assert "The reorg rumours" in said
    assert f"<@{ANA.user_id}>: Fewer meetings" in said
    assert "Friday deploys" not in said
    assert button(summary, "Promise something")
    assert button(summary, "Reply to the team")
    (closed,) = harness.fake.calls_to("chat.update")[-1:]
    assert "Answers closed: 6 answers" in text_of(closed)
    assert "Answer" not in [b["text"]["text"] for b in _buttons(closed)]

    # History, search, Home and the export now carry every answer.
    log = history(harness, "from:team")
    for words in ("The reorg rumours", "Overtime as a badge", "Guessing priorities"):
        assert words in log
    assert "Friday deploys" not in log
    assert "6 answers" in log
    assert "The reorg rumours" in history(harness, "reorg rumours")
    assert "Fewer meetings" in history(harness, f"person:<@{ANA.user_id}|ana>")
    assert_home_and_export_show(harness, "The reorg rumours")

    # A late answer is refused, politely.
    late = press_in(harness, post, "Answer", MEI)
    assert late.status == 200
    harness.settle()
    assert "Answers to this question have closed" in text_of(
        harness.fake.calls_to("response_url")[-1]
    )


def _buttons(call: Any) -> list[dict[str, Any]]:
    blocks = call.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return [e for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]


def press_withdraw(harness: Harness, form: dict[str, Any], user: Any) -> Any:
    from tests.support.blocks import block_and_button

    block, pressed = block_and_button(form, "Withdraw my answer")
    action = {
        "action_id": pressed["action_id"],
        "block_id": block["block_id"],
        "value": pressed["value"],
        "type": "button",
        "action_ts": "1700000000.1",
    }
    payload = harness.slack.block_actions_payload(
        action,
        user,
        container={"type": "view", "view_id": "V0ANSWER"},
        view={**form, "id": "V0ANSWER"},
    )
    return harness.slack.interaction(payload)


def assert_home_and_export_show(harness: Harness, words: str) -> None:
    home = text_of(open_home(harness))
    assert words in home
    assert "From the team" in home
    harness.slack.command("export")
    (upload,) = harness.fake.wait_for("file_upload")
    assert words in upload.params["content"]
    assert ",team" in upload.params["content"]


# -- what is refused ------------------------------------------------------------------------


def refusal_after(harness: Harness, response: Any) -> str:
    assert response.status == 200
    harness.settle()
    return text_of(harness.fake.calls_to("response_url")[-1])


def test_the_question_is_not_for_people_outside_it(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    # Pressed from another workspace (a shared channel), the button is refused politely.
    assert "not for you" in refusal_after(harness, press_in(harness, post, "Answer", OUTSIDER))
    # The same button value pressed in another channel is not this channel's question.
    elsewhere = press_in(harness, post, "Answer", ANA, channel="C0ELSEWHERE")
    assert "not for you" in refusal_after(harness, elsewhere)
    # The leader does not answer their own question.
    own = press_in(harness, post, "Answer", LEADER)
    assert "your own question" in refusal_after(harness, own)
    assert not harness.fake.calls_to("views.open")


def test_people_asked_by_dm_answer_and_nobody_else_can(harness: Harness) -> None:
    submit_ask_form(harness, people=[ANA.user_id, BEN.user_id])
    harness.settle()
    (dm,) = dms_to(harness, ANA.user_id)
    assert answer(harness, dm, ANA, "More pairing", channel="D0ANA").status == 200
    # Mei was not asked: the same button, forged into her DM, is not for her.
    forged = press_in(harness, dm, "Answer", MEI, channel="D0MEI")
    assert "not for you" in refusal_after(harness, forged)
    assert "More pairing" in history(harness, "from:team")


def test_a_submission_is_checked_again_against_who_sends_it(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Ana's words")
    answer(harness, post, BEN, "Ben's own words")
    form = open_answer_form(harness, post, ANA)
    # Ana's form, submitted by someone outside the workspace, saves nothing.
    outside = harness.slack.submit(form, answer_values("Not from here"), OUTSIDER).json
    assert outside["response_action"] == "errors"
    # Ben pressing Withdraw on Ana's form withdraws only his own answer, never hers.
    assert press_withdraw(harness, form, BEN).status == 200
    harness.settle()
    log = history(harness, "from:team")
    assert f"<@{ANA.user_id}>: Ana's words" in log
    assert "Ben's own words" not in log
    assert "Not from here" not in log
    # Tampered form metadata is refused with the form kept open.
    for metadata in ("{", '{"a": "1", "c": "C0"}', '{"a": 999999, "c": "C0TEAMROOM"}', "[]"):
        tampered = harness.slack.submit(
            {**form, "private_metadata": metadata}, answer_values("x"), ANA
        ).json
        assert tampered["response_action"] == "errors"


def test_an_answer_to_a_closed_ask_is_refused_and_kept_in_the_form(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    form = open_answer_form(harness, post, ANA)
    close_answers(harness)
    refused = harness.slack.submit(form, answer_values("Too late?"), ANA).json
    assert refused["response_action"] == "errors"
    assert "closed" in refused["errors"]["team_answer"]
    assert "Too late" not in history(harness, "from:team")


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("ask", "Say where to ask"),
        ("ask #team", "I can't find #team. Pick the channel from the list"),
        (f"ask <#{CHANNEL}|team> <@U0ANA|ana>", "not both"),
        (f"pulse <#{CHANNEL}|team> how are you", "A pulse asks its own question"),
        (f"ask <#{CHANNEL}|a> <#C0OTHERONE|b>", "one channel at a time"),
        (f"ask <#{CHANNEL}|team> " + "why " * 200, "under 600"),
    ],
)
def test_a_malformed_ask_command_gets_an_example(harness: Harness, typed: str, says: str) -> None:
    reply = harness.slack.command(typed)
    assert reply.status == 200
    assert says in text_of(reply.json)
    harness.settle()
    assert not harness.fake.calls_to("chat.postMessage")


# -- closing ----------------------------------------------------------------------------------


def test_no_anonymous_answerer_can_be_found_in_the_database_logs_or_export(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.INFO)
    post = ask_channel(harness, f"anonymously {QUESTION}")
    for person, words in ((DEV, "one"), (KAI, "two"), (LEE, "three")):
        answer(harness, post, person, f"anonymous answer {words}")
    answer(harness, post, ZOE, "changed my mind")
    form = open_answer_form(harness, post, ZOE)
    press_withdraw(harness, form, ZOE)
    answer(harness, post, ANA, "named answer", add_name=True)
    harness.settle()
    close_answers(harness)
    harness.slack.command("export")
    (upload,) = harness.fake.wait_for("file_upload")

    anonymous = [person.user_id for person in (DEV, KAI, LEE, ZOE)]
    stored = database_text(harness)
    assert ANA.user_id in stored  # named, as she chose
    assert "anonymous answer two" in stored
    for user_id in anonymous:
        assert user_id not in stored
        assert user_id not in caplog.text
        assert user_id not in upload.params["content"]
    assert "anonymous answer two" in upload.params["content"]


def database_text(harness: Harness) -> str:
    """Every value in every table, as text."""
    with harness.app.deps.database.transaction(writes=False) as session:
        return "\n".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
        )


def test_the_summary_goes_out_once_however_many_processes_close_at_once(
    harness: Harness, tmp_path: Any
) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Fewer meetings")
    harness.settle()
    harness.fake.forget_calls()
    after_close = harness.clock.advance(days=4)
    passes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "send-due", "--at", after_close.isoformat()],
            env=cli_env(harness),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=60) for process in passes]
    assert all(process.returncode == 0 for process in passes), outputs
    closed = [out for out, _ in outputs if "asks of the team: 1 closed" in out]
    assert len(closed) == 1, outputs
    summaries = summaries_of(harness)
    assert len(summaries) == 1
    # Later passes find nothing more to close.
    ask_closer(harness.app.settings, harness.app.deps).run_pass(harness.clock.advance(days=1))
    assert len(dms_to(harness, LEADER.user_id)) == 1


def cli_env(harness: Harness) -> dict[str, str]:
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": harness.app.settings.slack_bot_token,
        "SLACK_SIGNING_SECRET": harness.app.settings.slack_signing_secret,
        "SLACK_API_URL": harness.fake.api_url,
        "DATABASE_URL": harness.app.deps.database.url,
        "SLACK_APP_TOKEN": "",
    }


def test_a_summary_slack_refuses_for_a_moment_is_sent_once_slack_is_back(
    harness: Harness,
) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Fewer meetings")
    harness.settle()
    harness.fake.respond_with("chat.postMessage", lambda call: (500, {"ok": False}, {}))
    closer = ask_closer(harness.app.settings, harness.app.deps)
    report = closer.run_pass(harness.clock.advance(days=4))
    assert (report.closed, report.failed) == (0, 1)
    # The next pass within the lease leaves it alone; after the lease, it is sent once.
    harness.fake.reset()
    assert closer.run_pass(harness.clock.advance(minutes=1)).closed == 0
    assert closer.run_pass(harness.clock.advance(minutes=10)).closed == 1
    assert closer.run_pass(harness.clock.advance(minutes=10)).closed == 0
    (summary,) = dms_to(harness, LEADER.user_id)
    assert "Fewer meetings" in text_of(summary)


def test_fewer_anonymous_answers_than_the_minimum_stay_hidden_after_the_close(
    harness: Harness,
) -> None:
    post = ask_channel(harness, f"anonymously {QUESTION}")
    answer(harness, post, DEV, "The reorg rumours")
    answer(harness, post, KAI, "Friday deploys")
    answer(harness, post, ANA, "Fewer meetings", add_name=True)
    close_answers(harness)
    summary = the_summary(harness)
    said = text_of(summary)
    assert "Only 2 people answered anonymously" in said
    assert "Fewer meetings" in said
    assert "reorg" not in said
    assert "reorg" not in history(harness, "from:team")
    harness.slack.command("export")
    (upload,) = harness.fake.wait_for("file_upload")
    assert "reorg" not in upload.params["content"]


def test_a_summary_slack_refuses_for_good_closes_the_ask_without_retrying(
    harness: Harness,
) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Fewer meetings")
    harness.settle()
    harness.fake.respond_with(
        "chat.postMessage", lambda call: (200, {"ok": False, "error": "invalid_blocks"}, {})
    )
    closer = ask_closer(harness.app.settings, harness.app.deps)
    assert closer.run_pass(harness.clock.advance(days=4)).closed == 1
    report = closer.run_pass(harness.clock.advance(minutes=10))
    assert (report.closed, report.failed) == (0, 0)
    assert "Answers closed" in text_of(harness.fake.calls_to("chat.update")[-1])


@pytest.mark.parametrize(("answers", "words"), [(60, 450), (12, 200)])
def test_a_summary_with_many_long_answers_stays_within_slacks_limits(
    harness: Harness, answers: int, words: int
) -> None:
    post = ask_channel(harness, QUESTION)
    with harness.app.deps.database.transaction() as session:
        ask_id = int(json.loads(json.dumps(button(post, "Answer")["value"])))
        session.add_all(
            TeamAnswer(
                ask_id=ask_id,
                answerer_key=f"{n:064x}",
                user_id=f"U0MEMBER{n:03d}",
                text=f"answer {n} " + "words " * words,
                created_at=harness.clock(),
                updated_at=harness.clock(),
            )
            for n in range(answers)
        )
    close_answers(harness)
    summary = the_summary(harness)
    assert len(summary.params["blocks"]) <= 50
    # Slack refuses a message whose blocks hold much more than 12,000 characters.
    assert len(text_of(summary)) < 11_000
    assert "every answer is in the file" in text_of(summary)
    (upload,) = harness.fake.wait_for("file_upload")
    assert f"answer {answers - 1} " in upload.params["content"]


# -- the channel message ------------------------------------------------------------------------


def test_the_answer_count_is_updated_at_most_every_few_seconds_and_ends_true(
    harness: Harness,
) -> None:
    post = ask_channel(harness, QUESTION)
    people = [DEV, KAI, LEE, ZOE, ANA, BEN, MEI]
    for person in people:
        answer(harness, post, person, f"from {person.name}")
    harness.fake.wait_for("chat.update", count=1)
    # Another look at the count comes within a second; still inside the 5 s window, it waits.
    time.sleep(1.5)
    harness.settle()
    first = harness.fake.calls_to("chat.update")
    assert len(first) == 1, "one update, then nothing until the window passes"
    # Five seconds on, the message shows the true count (at once, if the first update already
    # came after the seventh answer).
    harness.clock.advance(seconds=5)
    deadline = time.monotonic() + 5
    while "7 answers so far" not in text_of(harness.fake.calls_to("chat.update")[-1]):
        assert time.monotonic() < deadline, "the count did not end true"
        time.sleep(0.05)
    updates = harness.fake.calls_to("chat.update")
    assert len(updates) <= 2
    assert "from dev" not in text_of(updates[-1])  # counts, never what was said


# -- the leader's follow-through -------------------------------------------------------------


def test_reply_to_the_team_posts_in_the_thread_of_the_question(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Fewer meetings")
    close_answers(harness)
    summary = the_summary(harness)
    assert press(harness, summary, "Reply to the team").status == 200
    harness.settle()
    view = harness.fake.calls_to("views.open")[-1].params["view"]
    values = {"team_reply": {"team_reply_text": {"value": "Meetings are now 25 minutes."}}}
    assert harness.slack.submit(view, values).status == 200
    harness.settle()
    (reply,) = [p for p in posts_to(harness, CHANNEL) if p.params.get("thread_ts")]
    assert reply.params["thread_ts"] == harness.fake.calls_to("chat.update")[-1].params["ts"]
    assert "Meetings are now 25 minutes." in text_of(reply)
    # Someone else's click on the leader's button opens nothing.
    harness.fake.forget_calls()
    press(harness, summary, "Reply to the team", user=ANA)
    harness.settle()
    assert not harness.fake.calls_to("views.open")


def three_answered_and_closed(harness: Harness) -> None:
    """Ask the channel; Ana, Ben and Mei answer; answers close."""
    post = ask_channel(harness, QUESTION)
    for person, words in ((ANA, "Fewer meetings"), (BEN, "No Friday deploys"), (MEI, "Docs")):
        answer(harness, post, person, words)
    close_answers(harness)


def promise_form_from_the_summary(harness: Harness) -> dict[str, Any]:
    """Press Promise something on the summary; the form Slack was asked to open."""
    press(harness, the_summary(harness), "Promise something")
    harness.settle()
    return dict(harness.fake.calls_to("views.open")[-1].params["view"])


def thread_posts(harness: Harness, channel: str = CHANNEL) -> list[str]:
    """What the bot posted in threads of `channel`, oldest first."""
    return [text_of(p) for p in posts_to(harness, channel) if p.params.get("thread_ts")]


def test_a_promise_from_the_summary_is_told_in_the_thread_and_so_is_its_done(
    harness: Harness,
) -> None:
    three_answered_and_closed(harness)

    form = promise_form_from_the_summary(harness)
    assert form["title"]["text"] == "Promise something"
    asked = [block["label"]["text"] for block in form["blocks"] if block["type"] == "input"]
    assert asked == ["What will you do?", "By when", "The team"]
    # The harness's clock says Monday 30 November 2026 once answers closed.
    refused = harness.slack.submit(form, promise_values("Cut the Friday sync", "2026-11-20"))
    assert refused.json["errors"] == {
        "promise_by": "That day has passed: pick today or a day to come."
    }
    assert not thread_posts(harness)

    made = harness.slack.submit(form, promise_values("Cut the Friday sync", "2026-12-04"))
    assert made.status == 200
    harness.settle()
    (told,) = thread_posts(harness)
    assert "I'll Cut the Friday sync, by Friday 04 December." in told
    assert QUESTION in told
    thread_ts = harness.fake.calls_to("chat.update")[-1].params["ts"]
    assert posts_to(harness, CHANNEL)[-1].params["thread_ts"] == thread_ts
    assert "told the team" in text_of(dms_to(harness, LEADER.user_id)[-1])
    assert "Cut the Friday sync" in text_of(harness.slack.command("promises").json)

    # Done: the same thread hears it. You said, we did.
    done = press_done(harness, harness.slack.command("promises").json, "Cut the Friday sync")
    assert harness.slack.submit(done, outcome_values("Friday sync is 25 minutes now")).status == 200
    harness.settle()
    told, finished = thread_posts(harness)
    assert "Done: Cut the Friday sync" in finished
    assert "Friday sync is 25 minutes now" in finished
    assert posts_to(harness, CHANNEL)[-1].params["thread_ts"] == thread_ts


def test_the_next_ask_to_the_same_channel_recalls_what_it_was_told_and_where_it_stands(
    harness: Harness,
) -> None:
    three_answered_and_closed(harness)
    form = promise_form_from_the_summary(harness)
    assert harness.slack.submit(form, promise_values("Cut the Friday sync")).status == 200
    harness.settle()

    again = ask_channel(harness, "What slows you down?")
    assert "Last time" in text_of(again)
    assert "I'll Cut the Friday sync (in progress)" in text_of(again)
    elsewhere = ask_channel(harness, "What slows you down?", channel="C0OTHER")
    assert "Last time" not in text_of(elsewhere)

    done = press_done(harness, harness.slack.command("promises").json, "Cut the Friday sync")
    assert harness.slack.submit(done, outcome_values("It is 25 minutes now")).status == 200
    harness.settle()
    third = ask_channel(harness, "What should we try next?")
    assert "I'll Cut the Friday sync (done" in text_of(third)


def test_a_promise_for_a_channel_the_bot_has_left_is_kept_and_the_leader_is_told(
    harness: Harness,
) -> None:
    three_answered_and_closed(harness)
    refuse_posts_to(harness, CHANNEL, "not_in_channel")

    form = promise_form_from_the_summary(harness)
    assert harness.slack.submit(form, promise_values("Cut the Friday sync")).status == 200
    harness.settle()

    told = text_of(dms_to(harness, LEADER.user_id)[-1])
    assert "I could not post in" in told
    assert "/invite @ask-team" in told
    assert "Cut the Friday sync" in text_of(harness.slack.command("promises").json)


def test_a_promise_slack_is_too_busy_to_post_is_kept_and_the_leader_is_told_to_retry(
    harness: Harness,
) -> None:
    three_answered_and_closed(harness)
    harness.fake.respond_with(
        "chat.postMessage",
        lambda call: (
            (503, {"ok": False, "error": "service_unavailable"}, {})
            if call.params.get("thread_ts")
            else (200, default_answer(call), {})
        ),
    )

    form = promise_form_from_the_summary(harness)
    assert harness.slack.submit(form, promise_values("Cut the Friday sync")).status == 200
    harness.settle()

    told = text_of(dms_to(harness, LEADER.user_id)[-1])
    assert "the team has not seen it yet" in told
    assert "Promised, and told the team" not in told
    assert "Cut the Friday sync" in text_of(harness.slack.command("promises").json)

    # Slack is back: the same Promise again tells them.
    harness.fake.respond_with("chat.postMessage", lambda call: (200, default_answer(call), {}))
    assert harness.slack.submit(form, promise_values("Cut the Friday sync")).status == 200
    harness.settle()
    taken = [
        post
        for post in posts_to(harness, CHANNEL)
        if post.params.get("thread_ts") and post.status == 200
    ]
    assert len(taken) == 1
    assert "I'll Cut the Friday sync" in text_of(taken[0])


def test_an_anonymous_asks_thread_hears_only_the_leaders_words(harness: Harness) -> None:
    post = ask_channel(harness, f"anonymously {QUESTION}")
    said = ("Fewer meetings", "No Friday deploys", "Better docs")
    for person, words in zip((ANA, BEN, MEI), said, strict=True):
        answer(harness, post, person, words)
    close_answers(harness)

    form = promise_form_from_the_summary(harness)
    assert harness.slack.submit(form, promise_values("Write down what we decide")).status == 200
    harness.settle()

    (told,) = thread_posts(harness)
    assert "I'll Write down what we decide." in told
    for words in said:
        assert words not in told


def test_a_promise_kept_to_oneself_posts_nothing_in_the_thread(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Fewer meetings")
    close_answers(harness)

    form = promise_form_from_the_summary(harness)
    values = promise_values("Think about the sync", tell=False)
    assert harness.slack.submit(form, values).status == 200
    harness.settle()

    assert not thread_posts(harness)
    assert "Think about the sync" in text_of(harness.slack.command("promises").json)


def test_history_offers_the_same_promise_on_a_team_conversation(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Fewer meetings")
    close_answers(harness)

    press(harness, harness.slack.command("history from:team").json, "Promise something")
    harness.settle()
    form = harness.fake.calls_to("views.open")[-1].params["view"]

    assert form["title"]["text"] == "Promise something"
    assert QUESTION in text_of(form)
    # Someone else's click on the leader's entry opens nothing.
    harness.fake.forget_calls()
    press(harness, harness.slack.command("history from:team").json, "Promise something", user=ANA)
    harness.settle()
    assert not harness.fake.calls_to("views.open")


def test_home_offers_the_same_promise_on_a_recent_team_conversation(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Fewer meetings")
    close_answers(harness)

    press(harness, open_home(harness)["blocks"], "Promise something")
    harness.settle()
    form = harness.fake.calls_to("views.open")[-1].params["view"]
    assert harness.slack.submit(form, promise_values("Cut the Friday sync")).status == 200
    harness.settle()

    (told,) = thread_posts(harness)
    assert "I'll Cut the Friday sync." in told


def test_editing_a_team_conversation_needs_none_of_the_teams_words_retyped(
    harness: Harness,
) -> None:
    three_answered_and_closed(harness)
    press(harness, harness.slack.command("history from:team").json, "Edit")
    harness.settle()
    view = harness.fake.calls_to("views.open")[-1].params["view"]
    assert view["title"]["text"] == "Edit entry"
    # The team's answers are the conversation's answer: the form asks only what is the leader's.
    assert "What did the team say?" not in json.dumps(view)
    assert "their answers stay with it" in text_of(view)

    # Slack sends the state of the inputs the form has, and only those.
    def filled(promise: str, due: str) -> dict[str, Any]:
        inputs = {block.get("block_id") for block in view["blocks"] if block["type"] == "input"}
        values = log_values(promise=promise, due=due)
        return {block_id: state for block_id, state in values.items() if block_id in inputs}

    refused = harness.slack.submit(view, filled("Cancel the Friday sync", "2026-11-20"))
    assert refused.json == {
        "response_action": "errors",
        "errors": {"promise_due": "That day has passed: pick today or a day to come."},
    }

    saved = harness.slack.submit(view, filled("Cancel the Friday sync", "2026-12-04"))
    assert saved.status == 200
    assert not saved.text
    harness.settle()
    promises = text_of(harness.slack.command("promises").json)
    assert "Cancel the Friday sync" in promises
    # The team's words are still the conversation's answers.
    log = history(harness, "from:team")
    for words in ("Fewer meetings", "No Friday deploys", "Docs", "Cancel the Friday sync"):
        assert words in log


def test_a_logged_conversation_still_needs_what_the_team_said(harness: Harness) -> None:
    # A form claiming to be a team conversation's, for an entry the leader logged, is refused.
    press(harness, harness.slack.command("").json, "Log answers")
    harness.settle()
    view = harness.fake.calls_to("views.open")[-1].params["view"]
    assert harness.slack.submit(view, log_values("Clearer goals")).status == 200
    harness.settle()
    page = harness.slack.command("history").json
    press(harness, page, "Edit")
    harness.settle()
    edit = harness.fake.calls_to("views.open")[-1].params["view"]
    assert "What did the team say?" in json.dumps(edit)
    forged = {**edit, "private_metadata": edit["private_metadata"][:-1] + ',"t":1}'}
    values = log_values(promise="Share the plan")
    del values["answer"]

    refused = harness.slack.submit(forged, values)

    assert refused.json["errors"] == {
        "answer": "Write what the team said; even one sentence is worth keeping."
    }


def test_a_follow_up_to_a_team_conversation_goes_back_to_the_same_channel(
    harness: Harness,
) -> None:
    ask_channel(harness, "vision")
    page = harness.slack.command("history from:team").json
    press(harness, page, "Ask a follow-up")
    harness.settle()
    (card,) = harness.fake.calls_to("response_url")
    press(harness, card.params, "Ask the team in Slack")
    (opened,) = harness.fake.wait_for("views.open")
    channel = next(b for b in opened.params["view"]["blocks"] if b["block_id"] == "ask_channel")
    assert channel["element"]["initial_conversation"] == CHANNEL


def test_a_channel_without_the_bot_gets_how_to_invite_it_and_a_retry(harness: Harness) -> None:
    refuse_posts_to(harness, CHANNEL, "not_in_channel")
    harness.slack.command(f"ask <#{CHANNEL}|team> {QUESTION}")
    harness.settle()
    (notice,) = dms_to(harness, LEADER.user_id)
    assert "/invite @ask-team" in text_of(notice)
    harness.fake.reset()
    assert press(harness, notice, "Try again").status == 200
    harness.settle()
    (post,) = posts_to(harness, CHANNEL)
    assert QUESTION in text_of(post)


def test_an_ask_whose_process_died_before_posting_is_posted_by_the_next_pass(
    harness: Harness,
) -> None:
    harness.fake.respond_with("chat.postMessage", lambda call: (503, {"ok": False}, {}))
    harness.slack.command(f"ask <#{CHANNEL}|team> {QUESTION}")
    harness.settle()
    harness.fake.reset()
    closer = ask_closer(harness.app.settings, harness.app.deps)
    assert closer.run_pass(harness.clock.advance(seconds=30)).posted == 0  # lease still held
    assert closer.run_pass(harness.clock.advance(minutes=3)).posted == 1
    (post,) = posts_to(harness, CHANNEL)
    assert QUESTION in text_of(post)


# -- the pulse ------------------------------------------------------------------------------


def test_a_pulse_shows_the_distribution_and_last_times_average(harness: Harness) -> None:
    for scores in ((2, 3, 3), (4, 5, 4, 3)):
        post = pulse(harness)
        assert "1 to 5" in text_of(post)
        for person, score in zip((ANA, BEN, MEI, DEV), scores, strict=False):
            assert (
                answer(harness, post, person, None, score=score).json["response_action"] == "update"
            )
        close_answers(harness)
    summaries = summaries_of(harness)
    said = text_of(summaries[-1])
    assert "Average 4.0* (last time 2.7)" in said
    assert "`5` Energised" in said
    home = text_of(open_home(harness))
    assert "The team's own pulse" in home
    # A score with no comment reads as one, not as a bare number.
    assert "• *4 · Good*" in home
    assert "• *4*" not in home


def test_a_pulse_score_outside_one_to_five_is_refused(harness: Harness) -> None:
    post = pulse(harness)
    view = open_answer_form(harness, post, ANA)
    refused = harness.slack.submit(view, answer_values(None, score=9), ANA).json
    assert refused["response_action"] == "errors"
    assert "from 1 to 5" in refused["errors"]["team_score"]


# -- a team member's data -----------------------------------------------------------------------


def test_forget_me_deletes_a_team_members_named_answers(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    answer(harness, post, ANA, "Fewer meetings")
    answer(harness, post, BEN, "Less email")
    ask = harness.slack.command("forget me", user=ANA).json
    assert "1 named answer" in text_of(ask)
    press(harness, ask, "Delete everything", user=ANA)
    harness.settle()
    log = history(harness, "from:team")
    assert "Fewer meetings" not in log
    assert "Less email" in log


def test_the_leader_hears_who_slack_could_not_reach_by_dm(harness: Harness) -> None:
    refuse_posts_to(harness, BEN.user_id, "user_not_found")
    harness.slack.command(f"ask <@{ANA.user_id}|ana> <@{BEN.user_id}|ben> {QUESTION}")
    harness.settle()
    (notice,) = dms_to(harness, LEADER.user_id)
    assert f"1 of the 2 people you asked: <@{BEN.user_id}>" in text_of(notice)


def test_one_person_pressing_send_twice_at_once_is_one_answer(harness: Harness) -> None:
    post = ask_channel(harness, QUESTION)
    form = open_answer_form(harness, post, ANA)
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(
            pool.map(
                lambda n: harness.slack.submit(form, answer_values(f"take {n}"), ANA), range(4)
            )
        )
    assert all(r.json["response_action"] == "update" for r in responses)
    with harness.app.deps.database.transaction(writes=False) as session:
        assert len(session.scalars(select(TeamAnswer)).all()) == 1


def test_a_name_once_put_to_an_answer_stays_on_it(harness: Harness) -> None:
    post = ask_channel(harness, f"anonymously {QUESTION}")
    answer(harness, post, ANA, "Fewer meetings", add_name=True)
    form = open_answer_form(harness, post, ANA)
    assert "Your name stays on this answer" in text_of(form)
    harness.slack.submit(form, answer_values("Fewer, shorter meetings"), ANA)
    log = history(harness, "from:team")
    assert f"<@{ANA.user_id}>: Fewer, shorter meetings" in log
    assert "anonymous answer" not in log
