"""What a leader can ask `/ask-team` for: one kind of Command per request. Plain values;
bot/domain/subcommands.py reads them from the text."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.history_filters import HistoryQuery
from bot.vocabulary.habits import Habit


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
class ShowThemes:
    """`themes …`: the answers the filters find, grouped by theme."""

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
class AskTeamInSlack:
    """`ask #channel …` or `ask @ana @ben …`; `pulse #channel` asks the heartbeat 1-5."""

    channel: str | None = None
    people: tuple[str, ...] = ()
    pulse: bool = False
    # None: the kind's default (named for a question, anonymous for a pulse).
    anonymous: bool | None = None
    habit: Habit | None = None
    # The leader's own wording; None draws a question from the bank.
    question: str | None = None


@dataclass(frozen=True)
class OneOnOneBrief:
    """`1:1 @ana`: what the leader knows of one person before talking with them."""

    person: str


@dataclass(frozen=True)
class ShowHelp:
    """Help, possibly because the leader typed something we did not understand."""

    unknown: str | None = None
    suggestion: str | None = None
    problem: str | None = None
    # The subcommand the mistake was made in (one of its `suggest` words), to show its lines.
    topic: str | None = None


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
    | AskTeamInSlack
    | OneOnOneBrief
    | ShowThemes
)
