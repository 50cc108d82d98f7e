"""The `/ask-team …` subcommands, declared once (their words, what they read, their help
lines), and reading a command's text by them. Pure: no Slack, no database."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from bot.domain.command_arguments import (
    clip,
    read_added_question,
    read_ask_team,
    read_history,
    read_one_on_one,
    read_schedule,
    read_themes,
)
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
from bot.vocabulary.habits import HABIT_ALIASES, Habit, habit_for_word
from bot.vocabulary.text import clean_text


@dataclass(frozen=True)
class Subcommand:
    """One `/ask-team …` subcommand, declared once: how it is typed, what it means, and how
    help and "did you mean" show it. Parsing, help and "did you mean" read SUBCOMMANDS; the
    listener keeps a handler for every kind in `makes`, and refuses to start without one."""

    # Any of them as the first word selects it.
    words: tuple[str, ...]
    # What the text asks for: (its first word as typed, the rest).
    read: Callable[[str, str], Command]
    # (example, what it does), as help lists them.
    help: tuple[tuple[str, str], ...] = ()
    # Whole texts that select it too, checked before first words ("forget me").
    phrases: tuple[str, ...] = ()
    # The kinds of Command it produces (besides help for a mistake in what follows).
    makes: tuple[type[Any], ...] = ()
    # What "did you mean" offers for a typo near it.
    suggest: tuple[str, ...] = ()


HABIT_WORDS = ", ".join(f"`{habit.value}`" for habit in Habit)

# In the order help lists them; parsing tries whole phrases first, then first words.
SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        words=(),
        read=lambda _word, _rest: AskQuestion(),
        help=(
            ("/ask-team", "a question to ask your team today"),
            (
                "/ask-team heartbeat",
                f"a question from one habit: {HABIT_WORDS} "
                "(also `morale`, `trust`, `direction`, `commitments`…)",
            ),
        ),
        makes=(AskQuestion,),
    ),
    Subcommand(
        words=(),
        phrases=("follow-up", "follow up", "followup"),
        read=lambda _word, _rest: AskFollowUp(),
        suggest=("follow-up",),
        help=(("/ask-team follow-up", "what to ask next about your latest question"),),
        makes=(AskFollowUp,),
    ),
    Subcommand(
        words=("log",),
        read=lambda _word, _rest: LogAnswers(),
        suggest=("log",),
        help=(("/ask-team log", "log what the team said to your latest question"),),
        makes=(LogAnswers,),
    ),
    Subcommand(
        words=("history", "past", "journal", "answers", "search", "find"),
        read=lambda _word, rest: read_history(rest),
        suggest=("history", "search"),
        help=(
            ("/ask-team history", "what your teams said, newest first"),
            ("/ask-team history vision", "only one habit"),
            (
                "/ask-team history budget hir",
                "search questions, answers and promises "
                "(`hir` finds hiring; also `/ask-team search`)",
            ),
            (
                "/ask-team history person:@ana since:2026-01-01 until:2026-03-31 from:team",
                "filters, combinable with each other and with words "
                "(also `habit:vision`, and `#team` for what you asked there)",
            ),
        ),
        makes=(ShowHistory,),
    ),
    Subcommand(
        words=("themes", "theme", "topics"),
        read=lambda _word, rest: read_themes(rest),
        suggest=("themes",),
        help=(
            (
                "/ask-team themes",
                "what your teams' answers of the last 90 days add up to, by theme "
                "(takes history's filters: `themes #team since:2026-09-01`)",
            ),
        ),
        makes=(ShowThemes,),
    ),
    Subcommand(
        words=("ask",),
        read=lambda word, rest: read_ask_team(word, rest, pulse=False),
        suggest=("ask",),
        help=(
            (
                "/ask-team ask #team",
                "ask a channel in Slack; answers come back to your log "
                "(`ask @ana @ben`, `ask #team anonymously vision`, `ask #team Your own question?`)",
            ),
        ),
        makes=(AskTeamInSlack,),
    ),
    Subcommand(
        words=("pulse",),
        read=lambda word, rest: read_ask_team(word, rest, pulse=True),
        suggest=("pulse",),
        help=(("/ask-team pulse #team", "the team's heartbeat, 1-5, anonymous by default"),),
        makes=(AskTeamInSlack,),
    ),
    Subcommand(
        words=("schedule", "subscribe", "daily", "nudge", "nudges", "settings"),
        read=read_schedule,
        suggest=("schedule",),
        help=(
            (
                "/ask-team schedule 9:00 weekdays",
                "a question by DM at 9:00 your time (also `daily`, `mon,wed,fri`, `8:30am`); "
                "`/ask-team schedule` (or `settings`) alone opens the settings",
            ),
        ),
        makes=(SetSchedule,),
    ),
    Subcommand(
        words=("pause",),
        read=read_schedule,
        suggest=("pause",),
        help=(
            (
                "/ask-team pause for 2 weeks",
                "no questions for a while (`pause`, `pause until 2026-12-24`); "
                "`/ask-team resume` starts them again",
            ),
        ),
        makes=(PauseNudges,),
    ),
    Subcommand(
        words=("resume", "unpause"),
        read=lambda _word, _rest: ResumeNudges(),
        makes=(ResumeNudges,),
        suggest=("resume",),
    ),
    Subcommand(
        words=("stop", "unsubscribe"),
        read=lambda _word, _rest: StopNudges(),
        suggest=("stop",),
        help=(("/ask-team stop", "no more daily questions"),),
        makes=(StopNudges,),
    ),
    Subcommand(
        words=("promises", "promise"),
        read=lambda _word, _rest: ListPromises(),
        suggest=("promises",),
        help=(("/ask-team promises", "what you promised your team, with Done, and what you kept"),),
        makes=(ListPromises,),
    ),
    Subcommand(
        words=("1:1", "1-1", "1on1", "one-on-one", "one-to-one", "brief"),
        read=read_one_on_one,
        suggest=("1:1", "one-on-one"),
        help=(
            (
                "/ask-team 1:1 @ana",
                "before a 1:1: what Ana said, your promises to her, and a question to ask her",
            ),
        ),
        makes=(OneOnOneBrief,),
    ),
    Subcommand(
        words=("trend", "chart"),
        phrases=("heartbeat chart", "heartbeat trend", "morale chart", "morale trend"),
        read=lambda _word, _rest: HeartbeatChart(),
        suggest=("trend",),
        help=(
            (
                "/ask-team heartbeat chart",
                "a chart of the team heartbeat by week, by DM (also `trend`)",
            ),
        ),
        makes=(HeartbeatChart,),
    ),
    Subcommand(
        words=("add",),
        read=lambda _word, rest: read_added_question(rest),
        suggest=("add",),
        help=(
            (
                "/ask-team add vision What would make our goals feel worth it?",
                "add a question of your own to your workspace's bank; "
                "`/ask-team our questions` lists them",
            ),
        ),
        makes=(AddQuestion,),
    ),
    Subcommand(
        words=(),
        phrases=(
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
        ),
        read=lambda _word, _rest: ListOwnQuestions(),
        suggest=("our questions",),
        makes=(ListOwnQuestions,),
    ),
    Subcommand(
        words=("export", "download"),
        read=lambda _word, _rest: ExportLog(),
        suggest=("export",),
        help=(("/ask-team export", "a CSV of everything you have logged, by DM"),),
        makes=(ExportLog,),
    ),
    Subcommand(
        words=(),
        phrases=("forget me", "forget-me", "delete me", "delete my data"),
        read=lambda _word, _rest: ForgetMe(),
        suggest=("forget me",),
        help=(("/ask-team forget me", "delete everything ask-team keeps about you (asks first)"),),
        makes=(ForgetMe,),
    ),
    Subcommand(
        # "forget" on its own is not enough to delete everything: it gets a "did you mean".
        words=("forget", "delete"),
        read=lambda word, rest: ShowHelp(
            unknown=clip(f"{word} {rest}".strip()), suggestion="forget me"
        ),
        makes=(ShowHelp,),
    ),
    Subcommand(
        words=("help", "?", "-h", "--help", "commands"),
        read=lambda _word, _rest: ShowHelp(),
        suggest=("help",),
        help=(("/ask-team help", "this message"),),
        makes=(ShowHelp,),
    ),
)


def parse_command(text: str) -> Command:
    """What `/ask-team <text>` asks for; anything unrecognised becomes help with a hint."""
    cleaned = " ".join(clean_text(text).split())
    if not cleaned:
        return AskQuestion()
    first, _, rest = cleaned.partition(" ")
    word, whole = first.lower(), cleaned.lower()
    for subcommand in SUBCOMMANDS:
        if whole in subcommand.phrases:
            return _about(subcommand, subcommand.read(first, rest))
    for subcommand in SUBCOMMANDS:
        if word in subcommand.words:
            return _about(subcommand, subcommand.read(first, rest))
    habit = habit_for_word(word) or habit_for_word(whole.replace(" ", "-"))
    if habit is not None:
        return AskQuestion(habit)
    return ShowHelp(unknown=clip(first), suggestion=suggest(word))


def _about(subcommand: Subcommand, command: Command) -> Command:
    """A mistake in a subcommand's arguments, marked with the subcommand it was made in."""
    if not isinstance(command, ShowHelp) or command.topic or not subcommand.suggest:
        return command
    if command.problem or command.unknown:
        return replace(command, topic=subcommand.suggest[0])
    return command


def help_for(topic: str | None) -> tuple[tuple[str, str], ...]:
    """The help lines of the subcommand `topic` names (a `suggest` word, or a habit's); the
    first subcommand's for a habit, and none for nothing known."""
    if topic is None:
        return ()
    for subcommand in SUBCOMMANDS:
        if topic in subcommand.suggest:
            return subcommand.help
    return SUBCOMMANDS[0].help if topic in HABIT_ALIASES else ()


@cache
def _offered() -> list[str]:
    """What "did you mean" offers: each subcommand's own names, then the habits'."""
    return [name for sub in SUBCOMMANDS for name in sub.suggest] + list(HABIT_ALIASES)


def suggest(word: str) -> str | None:
    """The closest known subcommand or habit word to a typo, if one is close enough."""
    matches = difflib.get_close_matches(word, _offered(), n=1, cutoff=0.7)
    return matches[0] if matches else None
