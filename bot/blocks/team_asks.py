"""Asking the team in Slack, as Block Kit: the leader's ask form, the team's message and
answer form, the leader's closing summary, and the team's answers in the leader's log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain import heartbeat
from bot.domain.history_filters import HistoryQuery
from bot.domain.payloads import encode_answer_target, encode_entry_action, encode_reply_metadata
from bot.domain.team_ask_rules import (
    MAX_ASKED_PEOPLE,
    MAX_QUESTION_LENGTH,
    MAX_TEAM_ANSWER_LENGTH,
    MIN_GROUP,
    AskKind,
    PulseStats,
)
from bot.services.team_asks import AnswerInvite, AskMessage, AskPrefill, Closing
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
NAMED, ANONYMOUS = "named", "anonymous"


def where(channel_id: str | None, people: Sequence[str]) -> str:
    """ "in <#C…>", or "by DM to <@ana>, <@ben>"."""
    if channel_id is not None:
        return f"in <#{channel_id}>"
    names = ", ".join(f"<@{person}>" for person in people[:10])
    more = f" and {len(people) - 10} more" if len(people) > 10 else ""
    return f"by DM to {names}{more}"


def closes_text(closes_at: datetime) -> str:
    stamp = int(closes_at.timestamp())
    utc = closes_at.astimezone(UTC)
    return f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|{utc:%Y-%m-%d %H:%M} UTC>"


# -- the leader's ask form ----------------------------------------------------------------------


def ask_modal(
    question: str,
    metadata: str,
    closes_on: date,
    prefill: AskPrefill | None = None,
    minimum: int = MIN_GROUP,
) -> View:
    """Where to ask, the question (editable), named or anonymous, and when answers close."""
    privacy = [
        Option(
            value=NAMED,
            label="Named",
            description="You see who said what.",
        ),
        Option(
            value=ANONYMOUS,
            label="Anonymous",
            description=f"No names; shown at the close, if {minimum} or more answered.",
        ),
    ]
    anonymous = prefill.anonymous if prefill else False
    return View(
        type="modal",
        callback_id=ids.ASK_TEAM_CALLBACK,
        private_metadata=metadata,
        title="Ask the team",
        submit="Ask",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=ids.ASK_CHANNEL_BLOCK,
                label="In a channel",
                optional=True,
                hint="The bot posts there with an Answer button; invite it first with /invite.",
                element=ConversationSelectElement(
                    action_id=ids.ASK_CHANNEL_ACTION,
                    placeholder="Pick a channel",
                    initial_conversation=prefill.channel_id if prefill else None,
                    filter=ConversationFilter(
                        include=["public", "private"],
                        exclude_external_shared_channels=True,
                        exclude_bot_users=True,
                    ),
                ),
            ),
            InputBlock(
                block_id=ids.ASK_PEOPLE_BLOCK,
                label="Or these people, by DM",
                optional=True,
                element=UserMultiSelectElement(
                    action_id=ids.ASK_PEOPLE_ACTION,
                    placeholder="Pick people",
                    initial_users=list(prefill.people) if prefill and prefill.people else None,
                    max_selected_items=MAX_ASKED_PEOPLE,
                ),
            ),
            InputBlock(
                block_id=ids.ASK_QUESTION_BLOCK,
                label="The question",
                element=PlainTextInputElement(
                    action_id=ids.ASK_QUESTION_ACTION,
                    multiline=True,
                    initial_value=question[:MAX_QUESTION_LENGTH],
                    max_length=MAX_QUESTION_LENGTH,
                ),
            ),
            InputBlock(
                block_id=ids.ASK_PRIVACY_BLOCK,
                label="Answers are",
                element=RadioButtonsElement(
                    action_id=ids.ASK_PRIVACY_ACTION,
                    options=privacy,
                    initial_option=privacy[1 if anonymous else 0],
                ),
            ),
            InputBlock(
                block_id=ids.ASK_CLOSES_BLOCK,
                label="Answers close at the end of",
                hint="18:00 in your time zone. Then you get a summary by DM.",
                element=DatePickerElement(
                    action_id=ids.ASK_CLOSES_ACTION, initial_date=closes_on.isoformat()
                ),
            ),
        ],
    )


def asked_confirmation(message: AskMessage, *, default_close: bool = False) -> list[Block]:
    """The leader's reply once an ask is on its way. A default close is said in words: it
    moves into the leader's zone once Slack has told us it."""
    privacy = "anonymous" if message.anonymous else "named"
    closes = (
        "at the end of the next working day (18:00 your time)"
        if default_close
        else closes_text(message.closes_at)
    )
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":mega: Asking {where(message.channel_id, message.people)}: "
                f"*{shown(message.question, 700)}*"
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Answers are {privacy} and close {closes}; "
                    "then the summary comes to you by DM. They also show in "
                    "`/ask-team history from:team`."
                )
            ]
        ),
    ]


def unposted_notice(message: AskMessage) -> list[Block]:
    """Slack would not let the bot post in the channel: how to fix it, and a way to retry."""
    channel = f"<#{message.channel_id}>"
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":warning: I could not post your question in {channel}: I am not a member "
                f"there. Type `/invite @ask-team` in {channel}, then press *Try again*. "
                "Your question is kept."
            )
        ),
        ActionsBlock(
            block_id="ask_retry",
            elements=[
                ButtonElement(
                    text="Try again",
                    action_id=ids.ASK_RETRY,
                    value=str(message.ask_id),
                    style="primary",
                )
            ],
        ),
    ]


def unreached_notice(missed: Sequence[str], asked: int) -> list[Block]:
    """Slack would not deliver the question to some of the people asked by DM."""
    names = ", ".join(f"<@{person}>" for person in missed[:20])
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":warning: Slack did not deliver your question to {len(missed)} of the "
                f"{asked} people you asked: {names}. The others have it."
            )
        )
    ]


# -- the team's side ------------------------------------------------------------------------


def privacy_line(message: AskMessage) -> str:
    leader = f"<@{message.leader_user_id}>"
    if message.anonymous:
        return (
            f":lock: *Anonymous, unless you add your name.* {leader} reads anonymous answers "
            f"without names, when answers close, and only if at least {message.minimum} came in. "
            "ask-team keeps no record of who wrote them."
        )
    return f":bust_in_silhouette: *Named.* {leader} reads each answer with its author's name."


def team_message(message: AskMessage) -> list[Block]:
    """The question as the team sees it: who asks, the privacy, how many answered, Answer."""
    asker = f"<@{message.leader_user_id}>"
    heading = "asks the team" if message.channel_id else "asks you"
    kind = " (the team's heartbeat, 1 to 5)" if message.kind is AskKind.PULSE else ""
    answered = counted(message.answered, "answer", "answers")
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{asker} {heading}{kind}:\n*{shown(message.question, 2000)}*"
            )
        ),
        ContextBlock(elements=[MarkdownTextObject(text=privacy_line(message))]),
    ]
    if message.is_open:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"{answered} so far · open until {closes_text(message.closes_at)}"
                    )
                ]
            )
        )
        blocks.append(
            ActionsBlock(
                block_id="team_answer",
                elements=[
                    ButtonElement(
                        text="Answer",
                        action_id=ids.TEAM_ANSWER_OPEN,
                        value=str(message.ask_id),
                        style="primary",
                    )
                ],
            )
        )
    else:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"Answers closed: {answered}. Thank you.")]
            )
        )
    return blocks


def team_message_text(message: AskMessage) -> str:
    """Notification fallback: Slack reads `text` as markup too, so it is escaped."""
    return f"A question from your lead: {escape_mrkdwn(message.question)}"


def answer_modal(invite: AnswerInvite) -> View:
    """The answer form: the question, who will read it and how, and the caller's answer."""
    message = invite.message
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"<@{message.leader_user_id}> asks:\n*{shown(message.question, 2000)}*"
            )
        ),
        ContextBlock(elements=[MarkdownTextObject(text=privacy_line(message))]),
    ]
    if message.kind is AskKind.PULSE:
        options = [
            Option(value=str(point), label=heartbeat.label(point)) for point in heartbeat.SCALE
        ]
        chosen = next((o for o in options if o.value == str(invite.score)), None)
        blocks.append(
            InputBlock(
                block_id=ids.TEAM_ANSWER_SCORE_BLOCK,
                label="How is your week?",
                element=RadioButtonsElement(
                    action_id=ids.TEAM_ANSWER_SCORE_ACTION, options=options, initial_option=chosen
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=ids.TEAM_ANSWER_TEXT_BLOCK,
            label="Anything to add?" if message.kind is AskKind.PULSE else "Your answer",
            optional=message.kind is AskKind.PULSE,
            element=PlainTextInputElement(
                action_id=ids.TEAM_ANSWER_TEXT_ACTION,
                multiline=True,
                initial_value=invite.text or None,
                max_length=MAX_TEAM_ANSWER_LENGTH,
            ),
        )
    )
    if message.anonymous and invite.named:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Your name stays on this answer: <@{message.leader_user_id}> may "
                        "have read it already. To answer anonymously, withdraw it and answer "
                        "again in other words."
                    )
                ]
            )
        )
    elif message.anonymous:
        sign = Option(value="named", label="Put my name to it: my lead sees it is mine")
        blocks.append(
            InputBlock(
                block_id=ids.TEAM_ANSWER_NAME_BLOCK,
                label="Your name",
                optional=True,
                element=CheckboxesElement(
                    action_id=ids.TEAM_ANSWER_NAME_ACTION,
                    options=[sign],
                ),
            )
        )
    footer = f"You can change or withdraw your answer until {closes_text(message.closes_at)}."
    if invite.text is not None or invite.score is not None:
        footer = "You answered already: sending again replaces your answer. " + footer
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    if invite.text is not None or invite.score is not None:
        blocks.append(
            ActionsBlock(
                block_id="team_answer_withdraw",
                elements=[
                    ButtonElement(
                        text="Withdraw my answer",
                        action_id=ids.TEAM_ANSWER_WITHDRAW,
                        value=encode_answer_target(message.ask_id, invite.channel_id),
                        style="danger",
                        confirm=ConfirmObject(
                            title="Withdraw your answer?",
                            text="It is deleted, and not counted.",
                            confirm="Withdraw",
                            deny="Keep it",
                            style="danger",
                        ),
                    )
                ],
            )
        )
    return View(
        type="modal",
        callback_id=ids.TEAM_ANSWER_CALLBACK,
        private_metadata=encode_answer_target(message.ask_id, invite.channel_id),
        title="Answer",
        submit="Send",
        close="Cancel",
        blocks=blocks,
    )


def answer_done_view(message: AskMessage, text: str) -> View:
    """What the answer form turns into once sent or withdrawn."""
    return View(
        type="modal",
        title="Answer",
        close="Done",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=text)),
            ContextBlock(elements=[MarkdownTextObject(text=privacy_line(message))]),
        ],
    )


# -- the leader's summary ---------------------------------------------------------------------


def answer_line(answer: TeamAnswerShown, limit: int = SECTION_LIMIT) -> str:
    score = f"*{answer.score}* " if answer.score is not None else ""
    words = shown(answer.text, limit) if answer.text else ""
    who = f"<@{answer.user_id}>: " if answer.user_id else "• "
    return f"{who}{score}{words}".rstrip()


def pulse_lines(stats: PulseStats, previous: float | None = None) -> str:
    lines = []
    for point, count in zip(heartbeat.SCALE, stats.counts, strict=True):
        bar = "█" * count if count <= 20 else "█" * 20 + "…"
        lines.append(f"`{point}` {heartbeat.SCALE[point]:<10} {bar} {count}")
    average = f"*Average {stats.average}*" if stats.average is not None else "*No scores*"
    if previous is not None:
        average += f" (last time {previous})"
    return "\n".join(lines) + "\n" + average


def held_back_text(conversation: TeamConversation) -> str:
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


def summary_blocks(closing: Closing) -> list[Block]:
    """The leader's DM when answers close: how many, the answers, and what to do next."""
    message, conversation = closing.message, closing.conversation
    out_of = f" of {conversation.asked}" if conversation.asked is not None else ""
    privacy = "anonymous" if message.anonymous else "named"
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":speech_balloon: *Your team answered* "
                f"{where(message.channel_id, message.people)}:\n*{shown(message.question, 1500)}*"
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{conversation.answered}{out_of} answered · {privacy} answers"
                )
            ]
        ),
    ]
    if conversation.held_back:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"Only {counted(conversation.held_back, 'person', 'people')} answered "
                    f"anonymously: anonymous answers show when {conversation.minimum} have, so "
                    "these stay hidden, to keep them anonymous."
                )
            )
        )
    if conversation.pulse is not None:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=pulse_lines(conversation.pulse, closing.previous_average)
                )
            )
        )
    sections = summary_sections(closing)
    for text in sections:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
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
            SectionBlock(
                text=MarkdownTextObject(
                    text="Nobody answered this time. Asking out loud, in person, may work better."
                )
            )
        )
    blocks.append(
        ActionsBlock(
            block_id="team_summary",
            elements=[
                ButtonElement(
                    text="Log what you promised",
                    action_id=ids.ENTRY_EDIT,
                    value=encode_entry_action(conversation.entry_id, HistoryQuery()),
                    style="primary",
                ),
                ButtonElement(
                    text="Reply to the team",
                    action_id=ids.TEAM_REPLY_OPEN,
                    value=str(message.ask_id),
                ),
            ],
        )
    )
    return blocks


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
    return f"Your team answered: {escape_mrkdwn(closing.message.question)}"


def asked_text(message: AskMessage) -> str:
    return f"Asking: {escape_mrkdwn(message.question)}"


def reply_modal(ask_id: int, question: str) -> View:
    return View(
        type="modal",
        callback_id=ids.TEAM_REPLY_CALLBACK,
        private_metadata=encode_reply_metadata(ask_id),
        title="Reply to the team",
        submit="Post reply",
        close="Cancel",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"You asked: *{shown(question, 1500)}*")),
            InputBlock(
                block_id=ids.TEAM_REPLY_BLOCK,
                label="What you heard, and what you will do",
                hint="Posted under your question, where the team answered: you said, we did.",
                element=PlainTextInputElement(
                    action_id=ids.TEAM_REPLY_ACTION, multiline=True, max_length=3000
                ),
            ),
        ],
    )


def reply_blocks(leader_user_id: str, text: str) -> list[Block]:
    return [
        SectionBlock(
            text=MarkdownTextObject(text=f"<@{leader_user_id}> replies:\n{shown(text, 2800)}")
        )
    ]


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


def refusal_text(refusal: str) -> str:
    """Why a team member's click or answer was not taken, politely."""
    return REFUSALS.get(refusal, REFUSALS["gone"])


REFUSALS = {
    "gone": "This question is no longer open for answers.",
    "not asked": "This question is not for you: it went to other people. Thanks all the same!",
    "own question": "This is your own question: your team's answers come to you when it closes.",
    "closed": "Answers to this question have closed. Thank you all the same!",
}
