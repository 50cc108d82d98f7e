"""Parsing `/ask-team …` text into what the leader asked for. Pure: no Slack, no database."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from bot.habits import HABIT_ALIASES, Habit, habit_for_word
from bot.history_filters import FilterError, HistoryQuery, parse_history_filters
from bot.text import clean_text

HISTORY_WORDS = frozenset({"history", "past", "journal", "answers"})
HELP_WORDS = frozenset({"help", "?", "-h", "--help", "commands"})
LOG_WORDS = frozenset({"log"})
SCHEDULE_WORDS = frozenset({"schedule", "subscribe", "daily", "nudge", "nudges", "settings"})
SEARCH_WORDS = frozenset({"search", "find"})
FOLLOW_UP_PHRASES = frozenset({"follow-up", "follow up", "followup"})
OWN_QUESTIONS_PHRASES = frozenset(
    {
        "our questions",
        "custom",
        "custom questions",
        "added",
        "my questions",
        "own questions",
        "our own questions",
        "workspace questions",
        "team questions",
        "list questions",
        "questions list",
    }
)
PAUSE_WORDS = frozenset({"pause"})
RESUME_WORDS = frozenset({"resume", "unpause"})
STOP_WORDS = frozenset({"stop", "unsubscribe"})
EXPORT_WORDS = frozenset({"export", "download"})
MAX_SCHEDULE_TEXT = 100

# Words we offer in "did you mean": subcommands first, then habits and their aliases.
_VOCABULARY = [
    "help",
    "log",
    "history",
    "schedule",
    "pause",
    "resume",
    "stop",
    "export",
    "forget me",
    "promises",
    "trend",
    "add",
    "our questions",
    "follow-up",
    "search",
    *HABIT_ALIASES,
]


@dataclass(frozen=True)
class AskQuestion:
    habit: Habit | None = None


@dataclass(frozen=True)
class AskFollowUp:
    """The follow-up to the last question (or follow-up) the leader was shown."""


@dataclass(frozen=True)
class LogAnswers:
    pass


@dataclass(frozen=True)
class ShowHistory:
    query: HistoryQuery = field(default_factory=HistoryQuery)


@dataclass(frozen=True)
class SetSchedule:
    """`schedule <when>`; empty `when` opens the settings modal."""

    when: str = ""


@dataclass(frozen=True)
class PauseNudges:
    how_long: str = ""


@dataclass(frozen=True)
class ResumeNudges:
    pass


@dataclass(frozen=True)
class StopNudges:
    pass


@dataclass(frozen=True)
class ExportLog:
    pass


@dataclass(frozen=True)
class ForgetMe:
    pass


@dataclass(frozen=True)
class ListPromises:
    pass


@dataclass(frozen=True)
class HeartbeatChart:
    pass


@dataclass(frozen=True)
class AddQuestion:
    habit: Habit
    text: str


@dataclass(frozen=True)
class ListOwnQuestions:
    pass


@dataclass(frozen=True)
class ShowHelp:
    """Help, possibly because the leader typed something we did not understand."""

    unknown: str | None = None
    suggestion: str | None = None
    problem: str | None = None


Command = (
    AskQuestion
    | AskFollowUp
    | LogAnswers
    | ShowHistory
    | ShowHelp
    | SetSchedule
    | PauseNudges
    | ResumeNudges
    | StopNudges
    | ExportLog
    | ForgetMe
    | ListPromises
    | HeartbeatChart
    | AddQuestion
    | ListOwnQuestions
)


def parse_command(text: str) -> Command:
    """What `/ask-team <text>` asks for; anything unrecognised becomes help with a hint."""
    cleaned = " ".join(clean_text(text).split())
    if not cleaned:
        return AskQuestion()
    first, _, rest = cleaned.partition(" ")
    word = first.lower()
    if word in HELP_WORDS:
        return ShowHelp()
    if word in LOG_WORDS:
        return LogAnswers()
    if word in HISTORY_WORDS | SEARCH_WORDS:
        return _history(rest)
    if cleaned.lower() in FOLLOW_UP_PHRASES:
        return AskFollowUp()
    if word in SCHEDULE_WORDS | PAUSE_WORDS and len(rest) > MAX_SCHEDULE_TEXT:
        return ShowHelp(problem=f"That is too long to be a schedule; try `/ask-team {word} 9:00`.")
    if word in SCHEDULE_WORDS:
        return SetSchedule(rest)
    if word in PAUSE_WORDS:
        return PauseNudges(rest)
    if word in RESUME_WORDS:
        return ResumeNudges()
    if word in STOP_WORDS:
        return StopNudges()
    if word in EXPORT_WORDS:
        return ExportLog()
    if word in ("promises", "promise"):
        return ListPromises()
    if word == "add":
        return _add(rest)
    if cleaned.lower() in OWN_QUESTIONS_PHRASES:
        return ListOwnQuestions()
    if word in ("trend", "chart") or cleaned.lower() in (
        "heartbeat chart",
        "heartbeat trend",
        "morale chart",
        "morale trend",
    ):
        return HeartbeatChart()
    if cleaned.lower() in ("forget me", "forget-me", "delete me", "delete my data"):
        return ForgetMe()
    if word in ("forget", "delete"):
        return ShowHelp(unknown=_clip(cleaned), suggestion="forget me")
    habit = habit_for_word(word) or habit_for_word(cleaned.lower().replace(" ", "-"))
    if habit is not None:
        return AskQuestion(habit)
    return ShowHelp(unknown=_clip(first), suggestion=suggest(word))


def _add(rest: str) -> Command:
    habit_word, _, text = rest.partition(" ")
    habit = habit_for_word(habit_word)
    if habit is None or not text.strip():
        return ShowHelp(
            problem="Say which habit and the question, as in "
            "`/ask-team add vision What would make our goals feel worth it?`"
        )
    return AddQuestion(habit, text.strip())


def _history(rest: str) -> Command:
    try:
        return ShowHistory(parse_history_filters(rest))
    except FilterError as error:
        return ShowHelp(problem=str(error))


def suggest(word: str) -> str | None:
    """The closest known subcommand or habit word to a typo, if one is close enough."""
    matches = difflib.get_close_matches(word, _VOCABULARY, n=1, cutoff=0.7)
    return matches[0] if matches else None


def _clip(word: str, limit: int = 40) -> str:
    return word if len(word) <= limit else word[: limit - 1] + "…"
