"""Asking the team in Slack, as Block Kit: what the leader reads of the team's answers. The
summary DM when answers close (with a file when it is too long for one message), and each
team conversation's answers in the leader's log (history and Home)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.ask_message import where
from bot.blocks.themes import more_themes, theme_lines
from bot.domain import heartbeat
from bot.domain.team_ask_rules import PulseStats
from bot.services.closing import Closing
from bot.services.team_conversations import TeamAnswerShown, TeamConversation
from bot.vocabulary import ids
from bot.vocabulary.text import counted, escape_mrkdwn, shown

SECTION_LIMIT = 2900
# A summary message keeps its answers to this many characters, the rest going in a file:
# Slack refuses a message whose blocks hold much more than 12,000 (msg_blocks_too_long),
# well before 50 blocks of 3,000.
SUMMARY_ANSWER_CHARACTERS = 9000
# History and Home show a conversation's answers up to this much text.
LOG_ANSWERS_LIMIT = 1500


def answer_line(answer: TeamAnswerShown, limit: int = SECTION_LIMIT) -> str:
    """One answer, after its author's name (or a bullet, when anonymous) and its score in
    words ("4 · Good"), so that a pulse answer with no comment still reads as one."""
    score = f"*{heartbeat.label(answer.score)}*" if answer.score is not None else ""
    words = shown(answer.text, limit) if answer.text else ""
    who = f"<@{answer.user_id}>: " if answer.user_id else "• "
    return f"{who}{score}{' · ' if score and words else ''}{words}".rstrip()


def pulse_lines(stats: PulseStats, previous: float | None = None) -> str:
    """A pulse's scores as bars, and their average beside the last one's."""
    lines = []
    for point, count in zip(heartbeat.SCALE, stats.counts, strict=True):
        bar = "█" * count if count <= 20 else "█" * 20 + "…"
        lines.append(f"`{point}` {heartbeat.SCALE[point]:<10} {bar} {count}")
    average = f"*Average {stats.average}*" if stats.average is not None else "*No scores*"
    if previous is not None:
        average += f" (last time {previous})"
    return "\n".join(lines) + "\n" + average


def held_back_text(conversation: TeamConversation) -> str:
    """How many anonymous answers wait, and when the leader reads them."""
    n = counted(conversation.held_back, "anonymous answer", "anonymous answers")
    if conversation.held_back < conversation.minimum:
        return f"{n} so far: they will show when {conversation.minimum} have answered."
    return f"{n} so far: you read them when answers close."


def answer_sections(answers: Sequence[TeamAnswerShown]) -> list[str]:
    """Answers packed into section texts, each within Slack's 3,000 characters."""
    sections: list[str] = []
    current = ""
    for answer in answers:
        line = answer_line(answer)
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            sections.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        sections.append(current)
    return sections


# -- the leader's summary ---------------------------------------------------------------------


def summary_blocks(closing: Closing) -> list[Block]:
    """The leader's DM when answers close: how many, the answers, and what to do next."""
    message, conversation = closing.message, closing.conversation
    out_of = f" of {conversation.asked}" if conversation.asked is not None else ""
    privacy = "anonymous" if message.anonymous else "named"
    reminded = f" · {closing.reminded} reminded" if closing.reminded else ""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":speech_balloon: *Your team answered* "
                f"{where(message.channel_id, message.people)}:\n*{shown(message.question, 1500)}*"
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{conversation.answered}{out_of} answered · {privacy} answers{reminded}"
                )
            ]
        ),
        *_summary_body(closing),
        ActionsBlock(
            block_id="team_summary",
            elements=[
                ButtonElement(
                    text="Promise something",
                    action_id=ids.PROMISE_OPEN,
                    value=str(conversation.entry_id),
                    style="primary",
                ),
                ButtonElement(
                    text="Reply to the team",
                    action_id=ids.TEAM_REPLY_OPEN,
                    value=str(message.ask_id),
                ),
            ],
        ),
    ]


def _summary_body(closing: Closing) -> list[Block]:
    """What the team said: the pulse, the answers that fit, or that nobody answered."""
    conversation = closing.conversation
    blocks: list[Block] = []
    if conversation.held_back:
        blocks.append(
            _section(
                f"Only {counted(conversation.held_back, 'person', 'people')} answered "
                f"anonymously: anonymous answers show when {conversation.minimum} have, so "
                "these stay hidden, to keep them anonymous."
            )
        )
    if conversation.pulse is not None:
        blocks.append(_section(pulse_lines(conversation.pulse, closing.previous_average)))
    if closing.themes:
        blocks.append(
            _section(
                f":jigsaw: *Themes*{more_themes(closing.themes)}\n{theme_lines(closing.themes)}"
            )
        )
        blocks.append(_section("*Every answer*"))
    blocks.extend(_section(text) for text in summary_sections(closing))
    if summary_overflows(closing):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="That is more than one message holds: every answer is in the "
                        "file I am sending next."
                    )
                ]
            )
        )
    if conversation.answered == 0:
        blocks.append(
            _section("Nobody answered this time. Asking out loud, in person, may work better.")
        )
    return blocks


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _summary_answers(closing: Closing) -> list[TeamAnswerShown]:
    return [a for a in closing.conversation.answers if a.text or a.score is None]


def summary_sections(closing: Closing) -> list[str]:
    """The answers that fit in the summary message, as section texts."""
    kept: list[str] = []
    used = 0
    for text in answer_sections(_summary_answers(closing)):
        if used + len(text) > SUMMARY_ANSWER_CHARACTERS:
            break
        kept.append(text)
        used += len(text)
    return kept


def summary_overflows(closing: Closing) -> bool:
    """Whether some answers did not fit in the message, so the file carries them all."""
    return len(summary_sections(closing)) < len(answer_sections(_summary_answers(closing)))


def summary_file(closing: Closing) -> str:
    """Every answer as plain text, for a summary too long for one message."""
    lines = [closing.message.question, ""]
    for answer in closing.conversation.answers:
        who = "(anonymous)" if answer.user_id is None else answer.user_id
        score = f" [{answer.score}]" if answer.score is not None else ""
        lines.append(f"{who}{score}: {answer.text}")
    return "\n".join(lines) + "\n"


def summary_text(closing: Closing) -> str:
    """Notification fallback of the summary, escaped."""
    return f"Your team answered: {escape_mrkdwn(closing.message.question)}"


# -- in the leader's log ------------------------------------------------------------------------


def conversation_block(conversation: TeamConversation) -> SectionBlock:
    """A team conversation's answers under its question, in history and on Home."""
    privacy = "anonymous" if conversation.anonymous else "named"
    state = "open" if conversation.status in ("open", "posting") else "closed"
    heading = (
        f"*From the team* {where(conversation.channel_id, conversation.people)} · {privacy} · "
        f"{counted(conversation.answered, 'answer', 'answers')} · {state}"
    )
    lines: list[str] = []
    if conversation.held_back:
        lines.append(held_back_text(conversation))
    if conversation.pulse is not None and conversation.pulse.average is not None:
        lines.append(f"Heartbeat average *{conversation.pulse.average}*")
    used = len(heading)
    for n, answer in enumerate(conversation.answers):
        line = answer_line(answer, 500)
        if used + len(line) > LOG_ANSWERS_LIMIT:
            lines.append(f"…and {len(conversation.answers) - n} more (`/ask-team export` has all)")
            break
        lines.append(line)
        used += len(line) + 1
    return SectionBlock(text=MarkdownTextObject(text="\n".join([heading, *lines])))
