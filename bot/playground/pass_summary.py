"""One line, for the page, about what the clock's passes did."""

from __future__ import annotations

from bot.senders.nudges import PassReport
from bot.senders.reminders import ReminderReport
from bot.senders.team_asks import ClosingReport

# What a pass that sent and closed nothing says.
NOTHING_DONE = "0 nudges sent"


def summary(
    report: PassReport,
    closing: ClosingReport | None = None,
    reminded: ReminderReport | None = None,
) -> str:
    """One line about the asks' closing pass (if it did anything), a nudge pass and the
    reminders it sent (if any)."""
    sent = report.outcomes.get("sent", 0)
    parts = closing_summary(closing) if closing else []
    parts.append(f"{sent} nudge{'' if sent == 1 else 's'} sent")
    if report.missed:
        parts.append(f"{report.missed} missed (past the grace window)")
    others = {k: v for k, v in report.outcomes.items() if k != "sent" and v}
    parts.extend(f"{count} {name}" for name, count in sorted(others.items()))
    if reminded is not None and reminded.promises:
        parts.append(f"{reminded.promises} promise reminder{_s(reminded.promises)} sent")
    if reminded is not None and reminded.people:
        parts.append(f"{reminded.people} {'person' if reminded.people == 1 else 'people'} reminded")
    return ", ".join(parts)


def closing_summary(closing: ClosingReport) -> list[str]:
    """What the asks' closing pass did, in words; nothing if it did nothing."""
    said = []
    if closing.closed:
        said.append(f"answers closed on {closing.closed} question{_s(closing.closed)} to the team")
    if closing.posted:
        said.append(f"{closing.posted} question{_s(closing.posted)} to the team posted")
    if closing.failed:
        said.append(f"{closing.failed} summar{'y' if closing.failed == 1 else 'ies'} to retry")
    return said


def _s(count: int) -> str:
    return "" if count == 1 else "s"
