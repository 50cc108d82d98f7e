"""`/ask-team` and its subcommands. Answers arrive in the acknowledgement itself."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import as_dicts
from bot.blocks.help import help_blocks, help_text
from bot.blocks.history import history_blocks
from bot.blocks.log_modal import log_modal
from bot.blocks.notices import NO_FOLLOW_UP_YET, NO_QUESTION_YET, SOMETHING_WENT_WRONG, notice
from bot.blocks.promises import promises_blocks
from bot.blocks.question_card import question_card_dicts, question_card_text
from bot.commands import (
    AddQuestion,
    AskFollowUp,
    AskQuestion,
    ExportLog,
    ForgetMe,
    HeartbeatChart,
    ListOwnQuestions,
    ListPromises,
    LogAnswers,
    PauseNudges,
    ResumeNudges,
    SetSchedule,
    ShowHelp,
    ShowHistory,
    StopNudges,
    parse_command,
)
from bot.deps import Deps
from bot.listeners.identity import Caller, caller_of
from bot.listeners.outbox import OpenModal, Outbox
from bot.listeners.schedule import answer_schedule_command
from bot.listeners.trends import answer_heartbeat_chart
from bot.listeners.workspace_questions import answer_add, answer_list
from bot.listeners.your_data import answer_export, answer_forget_me
from bot.services.journal import history_page
from bot.services.leaders import find_leader_id, last_question_ref, leader_id_for
from bot.services.promises import promises_of
from bot.services.questions import ask_follow_up, ask_next_question

COMMAND = "/ask-team"
logger = logging.getLogger(__name__)


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    def ask_team_command(
        ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        try:
            _answer(ack, command, context, client, deps, outbox)
        except Exception:
            logger.exception("/ask-team failed")
            ack(
                response_type="ephemeral",
                text=SOMETHING_WENT_WRONG,
                blocks=as_dicts(notice(SOMETHING_WENT_WRONG, ":warning:")),
            )

    app.command(COMMAND)(ask_team_command)


def _answer(
    ack: Ack,
    command: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    deps: Deps,
    outbox: Outbox,
) -> None:
    caller = caller_of(context)
    if caller is None:
        ack(text="Slack did not say who you are, so I cannot answer this one.")
        return
    text = command.get("text")
    parsed = parse_command(text if isinstance(text, str) else "")
    if isinstance(parsed, ShowHelp):
        ack(
            response_type="ephemeral",
            text=help_text(parsed.unknown, parsed.suggestion),
            blocks=as_dicts(help_blocks(parsed.unknown, parsed.suggestion, parsed.problem)),
        )
    elif isinstance(parsed, AskQuestion):
        _ask_question(ack, caller, parsed, deps)
    elif isinstance(parsed, AskFollowUp):
        _ask_follow_up(ack, caller, deps)
    elif isinstance(parsed, LogAnswers):
        _open_log_for_latest(ack, caller, command, deps, outbox)
    elif isinstance(parsed, ShowHistory):
        _show_history(ack, caller, parsed, deps)
    elif isinstance(parsed, SetSchedule | PauseNudges | ResumeNudges | StopNudges):
        answer_schedule_command(ack, caller, parsed, command, deps, outbox)
    elif isinstance(parsed, ExportLog):
        answer_export(ack, caller, command, deps, outbox)
    elif isinstance(parsed, ForgetMe):
        answer_forget_me(ack, caller, deps)
    elif isinstance(parsed, AddQuestion):
        answer_add(ack, caller, parsed, deps)
    elif isinstance(parsed, ListOwnQuestions):
        answer_list(ack, caller, deps)
    elif isinstance(parsed, HeartbeatChart):
        answer_heartbeat_chart(ack, caller, command, deps, outbox)
    elif isinstance(parsed, ListPromises):
        with deps.database.transaction(writes=False) as session:
            leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
            listed = promises_blocks(promises_of(session, leader_id, deps.clock()))
        ack(response_type="ephemeral", text="Your promises", blocks=as_dicts(listed))


def _ask_question(ack: Ack, caller: Caller, parsed: AskQuestion, deps: Deps) -> None:
    now = deps.clock()
    # Which questions were shown is not precious: a crash that loses the last few
    # milliseconds of it at worst repeats a question, so do not wait for a disk flush.
    with deps.database.connection(durable=False) as connection:
        leader_id = leader_id_for(connection, caller.team_id, caller.user_id, now)
        bank = deps.bank_for(connection, caller.team_id)
        asked = ask_next_question(connection, bank, leader_id, parsed.habit, deps.rng, now)
    ack(
        response_type="ephemeral",
        text=question_card_text(asked),
        blocks=question_card_dicts(asked, parsed.habit),
    )


def _ask_follow_up(ack: Ack, caller: Caller, deps: Deps) -> None:
    with deps.database.connection() as connection:
        leader_id = find_leader_id(connection, caller.team_id, caller.user_id)
        ref = last_question_ref(connection, leader_id) if leader_id is not None else None
        bank = deps.bank_for(connection, caller.team_id)
        asked = ask_follow_up(connection, bank, leader_id, ref) if leader_id and ref else None
    if asked is None:
        ack(
            response_type="ephemeral",
            text=NO_FOLLOW_UP_YET,
            blocks=as_dicts(notice(NO_FOLLOW_UP_YET)),
        )
        return
    ack(
        response_type="ephemeral", text=question_card_text(asked), blocks=question_card_dicts(asked)
    )


def _open_log_for_latest(
    ack: Ack, caller: Caller, command: dict[str, Any], deps: Deps, outbox: Outbox
) -> None:
    with deps.database.connection(writes=False) as connection:
        leader_id = find_leader_id(connection, caller.team_id, caller.user_id)
        ref = last_question_ref(connection, leader_id) if leader_id is not None else None
        asked = deps.bank_for(connection, caller.team_id).resolve(ref) if ref else None
    if asked is None:
        ack(
            response_type="ephemeral",
            text=NO_QUESTION_YET,
            blocks=as_dicts(notice(NO_QUESTION_YET)),
        )
        return
    ack()
    outbox.reply(
        command, [OpenModal(trigger_id=command["trigger_id"], view=log_modal(asked).to_dict())]
    )


def _show_history(ack: Ack, caller: Caller, parsed: ShowHistory, deps: Deps) -> None:
    query = parsed.query
    with deps.database.transaction(writes=False) as session:
        leader_id = find_leader_id(session.connection(), caller.team_id, caller.user_id)
        page = history_page(session, leader_id, query)
    ack(
        response_type="ephemeral", text="Your team's answers", blocks=as_dicts(history_blocks(page))
    )
