"""Who and where the playground's workspace is: its ids, pretend people and one channel."""

from __future__ import annotations

from dataclasses import dataclass

TEAM_ID = "T0PLAYGROUND"
BOT_USER_ID = "U0ASKTEAM"


@dataclass(frozen=True)
class PretendUser:
    """One person of the playground's workspace, in their own time zone."""

    id: str
    name: str
    real_name: str
    tz: str

    @property
    def dm(self) -> str:
        """The id of their DM with the bot."""
        return "D" + self.id[1:]


# Zones on both sides of the date line and of the equator, one with a half-hour offset, so a
# visitor sees each leader's nudge arrive at their own 9:00, DST included.
PRETEND_USERS = (
    PretendUser("U0ANA", "ana", "Ana Lima", "Europe/Lisbon"),
    PretendUser("U0BEN", "ben", "Ben Okafor", "America/New_York"),
    PretendUser("U0MEI", "mei", "Mei Tanaka", "Australia/Sydney"),
    PretendUser("U0DEV", "dev", "Dev Mehta", "Asia/Kolkata"),
)


@dataclass(frozen=True)
class Channel:
    """A public channel everyone is in."""

    id: str
    name: str


TEAM_CHANNEL = Channel("C0TEAM", "team")
