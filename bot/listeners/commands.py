"""`/ask-team` and its subcommands: one router reading the subcommand table.

Each kind of command `bot.domain.subcommands.SUBCOMMANDS` can produce has one handler here;
most answer in the acknowledgement itself, and Web API work goes to the AfterAckSender.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts
from bot.blocks.briefs import brief_blocks, brief_text
from bot.blocks.help import help_blocks, help_text
from bot.blocks.history import history_blocks
from bot.blocks.log_modal import log_modal
from bot.blocks.notices import NO_FOLLOW_UP_YET, NO_QUESTION_YET, notice
from bot.blocks.promises import promises_blocks
from bot.blocks.question_card import question_card_dicts, question_card_text
from bot.blocks.themes import themes_blocks, themes_text
from bot.domain.commands import (
    AddQuestion,
    AskFollowUp,
    AskQuestion,
    AskTeamInSlack,
    Command,
    ExportLog,
    ForgetMe,
    HeartbeatChart,
    ListOwnQuestions,
    ListPromises,
    LogAnswers,
    OneOnOneBrief,
    PauseNudges,
    ResumeNudges,
    SetSchedule,
    ShowHelp,
    ShowHistory,
    ShowThemes,
    StopNudges,
)
from bot.domain.question_bank import Asked
from bot.domain.subcommands import SUBCOMMANDS, parse_command
from bot.listeners.caller import context_of
from bot.listeners.heartbeat import answer_heartbeat_chart
from bot.listeners.nudges import answer_schedule_command
from bot.listeners.own_questions import answer_add, answer_list
from bot.listeners.team_asks import answer_ask_command
from bot.listeners.your_data import answer_export, answer_forget_me
from bot.senders.after_ack import AfterAckSender, OpenModal
from bot.services.briefs import one_on_one_brief
from bot.services.context import Context
from bot.services.log import browse
from bot.services.promises import promises_for
from bot.services.questions import ask, follow_up_latest, latest_asked
from bot.services.themes import themes_in_log
from bot.vocabulary.habits import Habit

COMMAND = "/ask-team"
NO_CALLER = "Slack did not say who you are, so I cannot answer this one."

# How one kind of command is answered: (ack, the caller, what they asked, Slack's payload).
Handler = Callable[[Ack, Context, Any, dict[str, Any], AfterAckSender], None]


def register(app: App, sender: AfterAckSender) -> None:
    missing = {kind for sub in SUBCOMMANDS for kind in sub.makes} - set(HANDLERS)
    if missing:
        raise RuntimeError(f"subcommands without a handler: {missing}")

    def ask_team_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        ctx = context_of(context)
        if ctx is None:
            ack(text=NO_CALLER)
            return
        text = command.get("text")
        parsed: Command = parse_command(text if isinstance(text, str) else "")
        HANDLERS[type(parsed)](ack, ctx, parsed, command, sender)

    app.command(COMMAND)(ask_team_command)


def _ephemeral(ack: Ack, text: str, blocks: list[dict[str, Any]]) -> None:
    ack(response_type="ephemeral", text=text, blocks=blocks)


def _help(ack: Ack, _ctx: Context, parsed: ShowHelp, _command: Any, _sender: Any) -> None:
    blocks = as_dicts(help_blocks(parsed.unknown, parsed.suggestion, parsed.problem, parsed.topic))
    _ephemeral(ack, help_text(parsed.unknown, parsed.suggestion, parsed.problem), blocks)


def _ask(ack: Ack, ctx: Context, parsed: AskQuestion, _command: Any, _sender: Any) -> None:
    asked = ask(ctx, parsed.habit)
    # Bolt sends a lone string as the whole body, as JSON since it starts with "{": the same
    # bytes `_ephemeral` would send, without encoding the card's blocks again on every request.
    ack(_card_reply(asked, parsed.habit))


@lru_cache(maxsize=4096)
def _card_reply(asked: Asked, habit: Habit | None) -> str:
    """`_ephemeral`'s body for the question card, encoded once per question and filter."""
    text, blocks = question_card_text(asked), question_card_dicts(asked, habit)
    return json.dumps({"text": text, "response_type": "ephemeral", "blocks": blocks})


def _follow_up(ack: Ack, ctx: Context, _parsed: AskFollowUp, _command: Any, _sender: Any) -> None:
    asked = follow_up_latest(ctx)
    if asked is None:
        _ephemeral(ack, NO_FOLLOW_UP_YET, as_dicts(notice(NO_FOLLOW_UP_YET)))
        return
    _ephemeral(ack, question_card_text(asked), question_card_dicts(asked))


def _log(
    ack: Ack, ctx: Context, _parsed: LogAnswers, command: dict[str, Any], sender: AfterAckSender
) -> None:
    asked = latest_asked(ctx)
    if asked is None:
        _ephemeral(ack, NO_QUESTION_YET, as_dicts(notice(NO_QUESTION_YET)))
        return
    ack()
    sender.reply(command, [OpenModal(command["trigger_id"], log_modal(asked).to_dict())])


def _history(ack: Ack, ctx: Context, parsed: ShowHistory, _command: Any, _sender: Any) -> None:
    _ephemeral(ack, "Your team's answers", as_dicts(history_blocks(browse(ctx, parsed.query))))


def _promises(ack: Ack, ctx: Context, _parsed: ListPromises, _command: Any, _sender: Any) -> None:
    _ephemeral(ack, "Your promises", as_dicts(promises_blocks(promises_for(ctx))))


def _brief(ack: Ack, ctx: Context, parsed: OneOnOneBrief, _command: Any, _sender: Any) -> None:
    brief = one_on_one_brief(ctx, parsed.person)
    _ephemeral(ack, brief_text(brief), as_dicts(brief_blocks(brief)))


def _themes(ack: Ack, ctx: Context, parsed: ShowThemes, _command: Any, _sender: Any) -> None:
    found = themes_in_log(ctx, parsed.query)
    _ephemeral(ack, themes_text(found), as_dicts(themes_blocks(found)))


HANDLERS: dict[type[Any], Handler] = {
    ShowHelp: _help,
    AskQuestion: _ask,
    AskFollowUp: _follow_up,
    LogAnswers: _log,
    ShowHistory: _history,
    ListPromises: _promises,
    OneOnOneBrief: _brief,
    ShowThemes: _themes,
    SetSchedule: answer_schedule_command,
    PauseNudges: answer_schedule_command,
    ResumeNudges: answer_schedule_command,
    StopNudges: answer_schedule_command,
    ExportLog: lambda ack, ctx, _parsed, command, sender: answer_export(ack, ctx, command, sender),
    ForgetMe: lambda ack, ctx, _parsed, _command, _sender: answer_forget_me(ack, ctx),
    AddQuestion: lambda ack, ctx, parsed, _command, _sender: answer_add(ack, ctx, parsed),
    ListOwnQuestions: lambda ack, ctx, _parsed, _command, _sender: answer_list(ack, ctx),
    AskTeamInSlack: answer_ask_command,
    HeartbeatChart: lambda ack, ctx, _p, command, sender: answer_heartbeat_chart(
        ack, ctx, command, sender
    ),
}
