"""Asking the team in Slack, as Block Kit: the forms. The leader's ask form, the team's
answer form (and what it turns into once sent), and the leader's Reply to the team."""

from __future__ import annotations

from datetime import date

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

from bot.blocks.ask_message import closes_text, privacy_line
from bot.domain import heartbeat
from bot.domain.payloads import encode_answer_target, encode_reply_metadata
from bot.domain.team_ask_rules import (
    MAX_ASKED_PEOPLE,
    MAX_QUESTION_LENGTH,
    MAX_TEAM_ANSWER_LENGTH,
    MIN_GROUP,
    AskKind,
)
from bot.services.answering import AnswerInvite
from bot.services.asking import AskPrefill
from bot.services.asks import AskMessage
from bot.vocabulary import ids
from bot.vocabulary.text import shown

NAMED, ANONYMOUS = "named", "anonymous"

# -- the leader's ask form ----------------------------------------------------------------------


def ask_modal(
    question: str,
    metadata: str,
    closes_on: date,
    prefill: AskPrefill | None = None,
    minimum: int = MIN_GROUP,
) -> View:
    """Where to ask, the question (editable), named or anonymous, and when answers close."""
    privacy = _privacy_options(minimum)
    anonymous = prefill.anonymous if prefill else False
    return View(
        type="modal",
        callback_id=ids.ASK_TEAM_CALLBACK,
        private_metadata=metadata,
        title="Ask the team",
        submit="Ask",
        close="Cancel",
        blocks=[
            *_where_inputs(prefill),
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


def _privacy_options(minimum: int) -> list[Option]:
    return [
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


def _where_inputs(prefill: AskPrefill | None) -> list[Block]:
    return [
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
    ]


# -- the team's answer form -----------------------------------------------------------------


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
        *_answer_inputs(invite),
        *_name_blocks(invite),
        *_answered_blocks(invite),
    ]
    return View(
        type="modal",
        callback_id=ids.TEAM_ANSWER_CALLBACK,
        private_metadata=encode_answer_target(message.ask_id, invite.channel_id),
        title="Answer",
        submit="Send",
        close="Cancel",
        blocks=blocks,
    )


def _answer_inputs(invite: AnswerInvite) -> list[Block]:
    """A pulse's score, then the words: the answer itself, or what a pulse adds."""
    pulse = invite.message.kind is AskKind.PULSE
    blocks: list[Block] = []
    if pulse:
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
            label="Anything to add?" if pulse else "Your answer",
            optional=pulse,
            element=PlainTextInputElement(
                action_id=ids.TEAM_ANSWER_TEXT_ACTION,
                multiline=True,
                initial_value=invite.text or None,
                max_length=MAX_TEAM_ANSWER_LENGTH,
            ),
        )
    )
    return blocks


def _name_blocks(invite: AnswerInvite) -> list[Block]:
    """In an anonymous ask: the choice to sign, or why a name given already stays."""
    message = invite.message
    if message.anonymous and invite.named:
        return [
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Your name stays on this answer: <@{message.leader_user_id}> may "
                        "have read it already. To answer anonymously, withdraw it and answer "
                        "again in other words."
                    )
                ]
            )
        ]
    if message.anonymous:
        sign = Option(value="named", label="Put my name to it: my lead sees it is mine")
        return [
            InputBlock(
                block_id=ids.TEAM_ANSWER_NAME_BLOCK,
                label="Your name",
                optional=True,
                element=CheckboxesElement(
                    action_id=ids.TEAM_ANSWER_NAME_ACTION,
                    options=[sign],
                ),
            )
        ]
    return []


def _answered_blocks(invite: AnswerInvite) -> list[Block]:
    """Until when the answer may change, and Withdraw once there is one."""
    message = invite.message
    answered = invite.text is not None or invite.score is not None
    footer = f"You can change or withdraw your answer until {closes_text(message.closes_at)}."
    if answered:
        footer = "You answered already: sending again replaces your answer. " + footer
    blocks: list[Block] = [ContextBlock(elements=[MarkdownTextObject(text=footer)])]
    if answered:
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
    return blocks


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


# -- the leader's reply -----------------------------------------------------------------------


def reply_modal(ask_id: int, question: str) -> View:
    """The leader's Reply to the team form, under the question they asked."""
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
