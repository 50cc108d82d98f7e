"""What follows a subcommand's first word in `/ask-team …`, read into a Command; a mistake in
it becomes help naming the problem. Pure: no Slack, no database."""

from __future__ import annotations

from bot.domain.commands import (
    AddQuestion,
    AskTeamInSlack,
    Command,
    OneOnOneBrief,
    PauseNudges,
    SetSchedule,
    ShowHelp,
    ShowHistory,
    ShowThemes,
)
from bot.domain.history_filters import FilterError, parse_history_filters
from bot.domain.team_ask_rules import MAX_ASKED_PEOPLE, MAX_QUESTION_LENGTH
from bot.vocabulary.habits import habit_for_word
from bot.vocabulary.slack_ids import CHANNEL_MENTION, USER_MENTION
from bot.vocabulary.text import unescape_slack

MAX_SCHEDULE_TEXT = 100


def read_schedule(word: str, rest: str) -> Command:
    """`schedule …` or `pause …`, with what follows as typed, for the schedule's own parser."""
    if len(rest) > MAX_SCHEDULE_TEXT:
        return ShowHelp(problem=f"That is too long to be a schedule; try `/ask-team {word} 9:00`.")
    return PauseNudges(rest) if word.lower() == "pause" else SetSchedule(rest)


def read_added_question(rest: str) -> Command:
    """`add <habit> <question>`: a question for the workspace's bank."""
    habit_word, _, text = rest.partition(" ")
    habit = habit_for_word(habit_word)
    if habit is None or not text.strip():
        return ShowHelp(
            problem="Say which habit and the question, as in "
            "`/ask-team add vision What would make our goals feel worth it?`"
        )
    return AddQuestion(habit, unescape_slack(text.strip()))


_PRIVACY_WORDS = {"anonymous": True, "anonymously": True, "anon": True, "named": False}


def read_ask_team(word: str, rest: str, *, pulse: bool) -> Command:
    """`ask`/`pulse` then a channel or people, then optionally privacy and a habit or question."""
    example = f"`/ask-team {word.lower()} #team`" + ("" if pulse else " or `ask @ana @ben`")
    channel: str | None = None
    people: list[str] = []
    tokens = rest.split(" ") if rest else []
    while tokens:
        if (found := CHANNEL_MENTION.match(tokens[0])) is not None:
            if channel is not None:
                return ShowHelp(problem=f"Ask one channel at a time, as in {example}.")
            channel = found[1]
        elif (found := USER_MENTION.match(tokens[0])) is not None:
            people.append(found[1])
        else:
            break
        tokens.pop(0)
    if channel is None and not people:
        if rest[:1] == "#" and len(typed := rest.split(" ")[0]) > 1:
            return ShowHelp(
                problem=f"I can't find {clip(typed)}. Pick the channel from the list as you "
                "type #, so Slack links it."
            )
        return ShowHelp(problem=f"Say where to ask: {example}.")
    if channel is not None and people:
        return ShowHelp(problem=f"Ask a channel or people, not both: {example}.")
    if len(set(people)) > MAX_ASKED_PEOPLE:
        return ShowHelp(problem=f"Ask at most {MAX_ASKED_PEOPLE} people by DM; ask a channel.")
    anonymous = _PRIVACY_WORDS.get(tokens[0].lower()) if tokens else None
    if anonymous is not None:
        tokens.pop(0)
    wording = unescape_slack(" ".join(tokens))
    habit = habit_for_word(wording.lower()) if wording else None
    if pulse and wording:
        return ShowHelp(problem=f"A pulse asks its own question: {example}.")
    if len(wording) > MAX_QUESTION_LENGTH:
        return ShowHelp(problem=f"Keep the question under {MAX_QUESTION_LENGTH} characters.")
    return AskTeamInSlack(
        channel=channel,
        people=tuple(dict.fromkeys(people)),
        pulse=pulse,
        anonymous=anonymous,
        habit=habit,
        question=wording if wording and habit is None else None,
    )


def read_one_on_one(word: str, rest: str) -> Command:
    """`1:1 @ana`: one person, linked as Slack links a name picked while typing @."""
    example = f"`/ask-team {word.lower()} @ana`"
    tokens = rest.split()
    found = USER_MENTION.match(tokens[0]) if len(tokens) == 1 else None
    if found is None:
        hint = " Pick them from the list as you type @, so Slack links the name." if rest else ""
        return ShowHelp(problem=f"Say who you are meeting, one person: {example}.{hint}")
    return OneOnOneBrief(found[1])


def read_history(rest: str) -> Command:
    """`history …`: words and filters to search the log with."""
    try:
        return ShowHistory(parse_history_filters(rest))
    except FilterError as error:
        return ShowHelp(problem=str(error))


def read_themes(rest: str) -> Command:
    """`themes …`: the same filters as history."""
    try:
        return ShowThemes(parse_history_filters(rest))
    except FilterError as error:
        return ShowHelp(problem=str(error))


def clip(word: str, limit: int = 40) -> str:
    """`word` cut to `limit` characters, ending in … if it was longer."""
    return word if len(word) <= limit else word[: limit - 1] + "…"
