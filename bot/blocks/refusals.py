"""What a refusal (bot/vocabulary/refusals.py) says: one sentence on why, and how to fix it.

Worded by reason and by the input it concerns: "required" reads differently under the log
form's answer than under the ask form's question. A refusal of no input (a click, a command)
reads as its reason's entry without one.
"""

from __future__ import annotations

from bot.blocks.notices import STALE_BUTTON
from bot.domain.heartbeat import HIGHEST, LOWEST
from bot.vocabulary import ids
from bot.vocabulary.refusals import Reason, Refusal

_FORM_GONE = "This form is out of date. Close it and press the button again."
_PICK_PEOPLE = "Pick people from your workspace."
_HAVE_IT = "Your workspace has that question already."

# (reason, block id or None) -> the sentence, with {length} and {limit} from the refusal.
_WORDS: dict[tuple[Reason, str | None], str] = {
    # The log form.
    (Reason.REQUIRED, ids.LOG_ANSWER_BLOCK): (
        "Write what the team said; even one sentence is worth keeping."
    ),
    (Reason.TOO_LONG, ids.LOG_ANSWER_BLOCK): (
        "That is {length:,} characters; the limit is {limit:,}. "
        "Trim it a little: everything you typed is still here."
    ),
    (Reason.NOT_OFFERED, ids.LOG_PEOPLE_BLOCK): _PICK_PEOPLE,
    (Reason.TOO_MANY, ids.LOG_PEOPLE_BLOCK): "Pick at most {limit} people.",
    (Reason.NOT_OFFERED, ids.LOG_HEARTBEAT_BLOCK): (
        f"Pick a heartbeat from {LOWEST} to {HIGHEST}, or leave it empty."
    ),
    (Reason.TOO_LONG, ids.LOG_PROMISE_BLOCK): (
        "That is {length:,} characters; the limit is {limit:,}."
    ),
    (Reason.REQUIRED, ids.LOG_PROMISE_BLOCK): "Say what you promised, or clear the date.",
    (Reason.NOT_OFFERED, ids.LOG_DUE_BLOCK): "Pick the date from the calendar.",
    (Reason.DUE_IN_THE_PAST, None): "That day has passed: pick today or a day to come.",
    (Reason.GONE, ids.LOG_ANSWER_BLOCK): (
        "This entry is no longer there to edit. Copy your text, then log it anew."
    ),
    # The schedule settings form.
    (Reason.REQUIRED, ids.SCHEDULE_TIME_BLOCK): "Pick a time, for example 09:00.",
    (Reason.REQUIRED, ids.SCHEDULE_DAYS_BLOCK): "Pick at least one day.",
    (Reason.OUT_OF_DATE, ids.SCHEDULE_TIME_BLOCK): "Please try again.",
    # The Promise something form.
    (Reason.REQUIRED, ids.PROMISE_WHAT_BLOCK): "Say what you will do.",
    (Reason.TOO_LONG, ids.PROMISE_WHAT_BLOCK): (
        "That is {length:,} characters; keep it under {limit}."
    ),
    (Reason.NOT_OFFERED, ids.PROMISE_BY_BLOCK): "Pick the date from the calendar.",
    (Reason.GONE, ids.PROMISE_WHAT_BLOCK): "That conversation is no longer in your log.",
    # The Promise kept form.
    (Reason.REQUIRED, ids.PROMISE_OUTCOME_BLOCK): "Say what you did.",
    (Reason.TOO_LONG, ids.PROMISE_OUTCOME_BLOCK): "One line: {limit} at most.",
    (Reason.GONE, ids.PROMISE_OUTCOME_BLOCK): "That promise is no longer there to mark done.",
    # The ask form.
    (Reason.NOT_OFFERED, ids.ASK_CHANNEL_BLOCK): "Pick a channel from the list.",
    (Reason.REQUIRED, ids.ASK_CHANNEL_BLOCK): "Pick a channel, or people below.",
    (Reason.NOT_OFFERED, ids.ASK_PEOPLE_BLOCK): _PICK_PEOPLE,
    (Reason.TOO_MANY, ids.ASK_PEOPLE_BLOCK): (
        "Pick at most {limit} people, or ask a channel instead."
    ),
    (Reason.NOT_BOTH, None): "Ask a channel or people, not both: clear one of them.",
    (Reason.REQUIRED, ids.ASK_QUESTION_BLOCK): "Write the question to ask.",
    (Reason.TOO_LONG, ids.ASK_QUESTION_BLOCK): (
        "That is {length:,} characters; keep it under {limit}."
    ),
    (Reason.REQUIRED, ids.ASK_PRIVACY_BLOCK): "Choose named or anonymous answers.",
    (Reason.REQUIRED, ids.ASK_CLOSES_BLOCK): "Pick the day answers close.",
    (Reason.CLOSES_IN_THE_PAST, None): (
        "Pick a day that has not ended yet: answers need time to arrive."
    ),
    (Reason.CLOSES_TOO_LATE, None): (
        "Answers can stay open for up to {limit} days; pick a sooner day."
    ),
    # The team's answer form, and the Answer and Withdraw buttons (other buttons answer a
    # refusal with the stale-button notice).
    (Reason.REQUIRED, ids.TEAM_ANSWER_TEXT_BLOCK): "Write your answer; a sentence is plenty.",
    (Reason.TOO_LONG, ids.TEAM_ANSWER_TEXT_BLOCK): (
        "That is {length:,} characters; the limit is {limit:,}. Everything you typed is still here."
    ),
    (Reason.REQUIRED, ids.TEAM_ANSWER_SCORE_BLOCK): f"Pick a number from {LOWEST} to {HIGHEST}.",
    (Reason.GONE, None): "This question is no longer open for answers.",
    (Reason.NOT_ASKED, None): (
        "This question is not for you: it went to other people. Thanks all the same!"
    ),
    (Reason.OWN_QUESTION, None): (
        "This is your own question: your team's answers come to you when it closes."
    ),
    (Reason.CLOSED, None): "Answers to this question have closed. Thank you all the same!",
    # The leader's Reply to the team.
    (Reason.REQUIRED, ids.TEAM_REPLY_BLOCK): "Write what you want to tell the team.",
    (Reason.TOO_LONG, ids.TEAM_REPLY_BLOCK): "Keep it under {limit:,} characters.",
    (Reason.GONE, ids.TEAM_REPLY_BLOCK): _FORM_GONE,
    (Reason.NOT_POSTED, None): (
        "Your question was never posted, so there is no thread to reply in."
    ),
    # A form or a button we can no longer read.
    (Reason.OUT_OF_DATE, None): STALE_BUTTON,
    (Reason.OUT_OF_DATE, ids.ASK_QUESTION_BLOCK): _FORM_GONE,
    (Reason.OUT_OF_DATE, ids.TEAM_ANSWER_TEXT_BLOCK): _FORM_GONE,
    (Reason.OUT_OF_DATE, ids.TEAM_REPLY_BLOCK): _FORM_GONE,
    (Reason.QUESTION_GONE, None): (
        "This question is no longer in the bank, so I cannot save against it. "
        "Copy your notes, then run /ask-team log."
    ),
    # `/ask-team add`: a workspace's own question.
    (Reason.REQUIRED, None): "Write the question after the habit: `/ask-team add vision What …?`",
    (Reason.TOO_LONG, None): (
        "That question is {length} characters; keep it under {limit} so it reads well out loud."
    ),
    (Reason.YES_NO, None): (
        "That reads as a yes/no question. Ask it open-ended, starting with what, how, why, "
        "where, when or who, and end it with a question mark."
    ),
    (Reason.DUPLICATE, None): _HAVE_IT,
    (Reason.ALREADY_THERE, None): _HAVE_IT,
    (Reason.TOO_MANY, None): "A workspace can add up to {limit} questions.",
    # A promise's New date and Drop.
    (Reason.PROMISE_SETTLED, None): (
        "That promise is done or dropped already: `/ask-team promises` lists those still open."
    ),
    (Reason.GONE, ids.PROMISE_NEW_DATE_BLOCK): "That promise is no longer in your log.",
    (Reason.PROMISE_SETTLED, ids.PROMISE_NEW_DATE_BLOCK): (
        "That promise is done or dropped already, so it needs no new date."
    ),
    (Reason.REQUIRED, ids.PROMISE_NEW_DATE_BLOCK): "Pick the new date.",
    (Reason.NOT_OFFERED, ids.PROMISE_NEW_DATE_BLOCK): "Pick the date from the calendar.",
    # The nudge's Snooze and Skip, and the schedule commands.
    (Reason.SETTLED, None): (
        "That nudge is no longer yours to change. Run `/ask-team` for a question."
    ),
    (Reason.NO_SCHEDULE, None): (
        "You have no daily question yet. Start one with `/ask-team schedule 9:00 weekdays`."
    ),
}


def words(refusal: Refusal) -> str:
    """What `refusal` says to the person: worded for its input, else for its reason alone."""
    sentence = _WORDS.get((refusal.reason, refusal.field)) or _WORDS[(refusal.reason, None)]
    return sentence.format(length=refusal.length or 0, limit=refusal.limit or 0)
