"""Typed SQLAlchemy models: leaders, what they were asked, and what their teams answered."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Slack documents no upper bound for its ids; the edge refuses longer ones.
SLACK_ID_LENGTH = 255
QUESTION_REF_LENGTH = 80
QUESTION_TEXT_LENGTH = 600
HABIT_LENGTH = 20
# IANA zone names are short ("America/Argentina/ComodRivadavia" is among the longest).
TZ_LENGTH = 64


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC: SQLite has no time zones, PostgreSQL is told UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Leader(Base):
    """One Slack user in one workspace who uses the bot; every other row hangs off this."""

    __tablename__ = "leaders"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH))
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH))
    # What `/ask-team log` logs against: the last question or follow-up this leader was shown.
    last_question_ref: Mapped[str | None] = mapped_column(String(QUESTION_REF_LENGTH))
    # The IANA zone Slack last gave for this user (users.info, user_change); None until then.
    tz: Mapped[str | None] = mapped_column(String(TZ_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Whether a falling heartbeat is told by DM (Settings, or the alert's own button).
    morale_alerts: Mapped[bool] = mapped_column(server_default=true())


class QuestionView(Base):
    """How often a leader was shown a question, so questions rotate before they repeat."""

    __tablename__ = "question_views"
    __table_args__ = (
        # Everything the rotation reads before `/ask-team`'s ack: the habits' sums and the
        # chosen habit's counts come from the index alone (bench/ack.py).
        Index("ix_question_views_rotation", "leader_id", "habit", "question_id", "times_shown"),
    )

    leader_id: Mapped[int] = mapped_column(
        ForeignKey("leaders.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(QUESTION_REF_LENGTH), primary_key=True)
    habit: Mapped[str] = mapped_column(String(HABIT_LENGTH))
    times_shown: Mapped[int] = mapped_column(Integer, default=0)
    last_shown_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Entry(Base):
    """What a team answered to one question, as the leader logged it."""

    __tablename__ = "entries"
    __table_args__ = (
        CheckConstraint("heartbeat BETWEEN 1 AND 5", name="heartbeat_range"),
        # Serves history newest-first with keyset pagination for one leader.
        Index("ix_entries_leader_created", "leader_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("leaders.id", ondelete="CASCADE"))
    question_ref: Mapped[str] = mapped_column(String(QUESTION_REF_LENGTH))
    # A copy of the wording as asked, so history reads right even after prompts/ changes.
    question_text: Mapped[str] = mapped_column(String(QUESTION_TEXT_LENGTH))
    habit: Mapped[str] = mapped_column(String(HABIT_LENGTH))
    answer: Mapped[str] = mapped_column(Text)
    heartbeat: Mapped[int | None] = mapped_column(SmallInteger)
    promise: Mapped[str | None] = mapped_column(Text)
    # Indexed: deleting an entry looks up its follow-ups, and a scan per delete is quadratic.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("entries.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the leader marked the promise done; None while it is open.
    promise_kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The leader's own date for the promise, if they gave one; the nudge reminds them on it.
    promise_due: Mapped[date | None] = mapped_column(Date)
    # One line on what was done, given when the promise was marked kept.
    promise_outcome: Mapped[str | None] = mapped_column(String(300))
    # The promise was posted where the team answered, so Done is posted there too.
    promise_told: Mapped[bool] = mapped_column(default=False)
    # When the leader let the promise go ("Drop"); it leaves their open promises, kept.
    promise_dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    people: Mapped[list[EntryPerson]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by="EntryPerson.position",
        lazy="selectin",
    )


class EntryPerson(Base):
    """A team member who answered, by Slack user id."""

    __tablename__ = "entry_people"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    entry: Mapped[Entry] = relationship(back_populates="people")


class Schedule(Base):
    """When a leader wants their daily question: local time, days, zone and any pause."""

    __tablename__ = "schedules"

    leader_id: Mapped[int] = mapped_column(
        ForeignKey("leaders.id", ondelete="CASCADE"), primary_key=True
    )
    minute_of_day: Mapped[int] = mapped_column(SmallInteger)
    # Bit n set: nudge on weekday n (0 = Monday).
    days: Mapped[int] = mapped_column(SmallInteger)
    # Comma-separated habit values to draw from; None draws from all five.
    habits: Mapped[str | None] = mapped_column(String(120))
    tz: Mapped[str] = mapped_column(String(TZ_LENGTH), default="UTC")
    # No nudges on local dates before this one; date.max pauses until the leader resumes.
    resume_on: Mapped[date | None] = mapped_column(Date)
    pause_reason: Mapped[str | None] = mapped_column(String(64))
    # The next nudge, precomputed so "who is due now" is one indexed range scan.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    next_local_date: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NudgeStatus(StrEnum):
    """Where a day's nudge stands: claimed -> sent -> (snoozed -> claimed -> sent) | skipped;
    or failed, when Slack says the leader cannot be reached."""

    CLAIMED = "claimed"
    SENT = "sent"
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    FAILED = "failed"


class Nudge(Base):
    """One leader's nudge for one local date: the claim that makes it happen exactly once."""

    __tablename__ = "nudges"
    __table_args__ = (UniqueConstraint("leader_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("leaders.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    # A NudgeStatus, stored as its plain string so the column needs no database enum type.
    status: Mapped[str] = mapped_column(String(16))
    # A claim whose process died is taken again once its lease has run out.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    question_ref: Mapped[str | None] = mapped_column(String(QUESTION_REF_LENGTH))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    error: Mapped[str | None] = mapped_column(String(64))


class ProcessedEvent(Base):
    """An Events API delivery already acted on: Slack retries, we act once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CustomQuestion(Base):
    """A question a workspace added to its own bank; anyone there may be asked it."""

    __tablename__ = "custom_questions"
    __table_args__ = (UniqueConstraint("team_id", "text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH), index=True)
    habit: Mapped[str] = mapped_column(String(HABIT_LENGTH))
    text: Mapped[str] = mapped_column(String(300))
    added_by: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkspaceInstall(Base):
    """A workspace's install of the app (OAuth mode): the latest bot, its tokens encrypted."""

    __tablename__ = "workspace_installs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "" outside Enterprise Grid.
    enterprise_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH), default="")
    # Slack's workspace ids are unique across Slack, Grid included: one install each, even for
    # a workspace that joined an enterprise after installing.
    team_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH), unique=True)
    app_id: Mapped[str | None] = mapped_column(String(SLACK_ID_LENGTH))
    bot_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH))
    bot_user_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH))
    bot_scopes: Mapped[str] = mapped_column(Text, default="")
    # Fernet tokens (bot/store/token_cipher.py), never the token itself.
    bot_token: Mapped[str] = mapped_column(Text)
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    installer_user_id: Mapped[str | None] = mapped_column(String(SLACK_ID_LENGTH))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The clock's refresh pass (bot/senders/token_refresh.py) claims a rotating token by
    # moving this ahead (a lease), and after a refused refresh by its backoff.
    refresh_not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Refused refreshes in a row: the backoff grows with it, and only the first is logged.
    refresh_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OAuthState(Base):
    """An "Add to Slack" state that came back: kept until it expires, so it works only once.

    The states themselves are signed, not stored (`OAuthStates`): a click on the install page
    writes nothing."""

    __tablename__ = "oauth_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AskStatus(StrEnum):
    """Where a question asked of the team stands: posting -> open -> closing -> closed; or
    unposted, when Slack would not let the bot post where the leader asked."""

    POSTING = "posting"
    OPEN = "open"
    UNPOSTED = "unposted"
    CLOSING = "closing"
    CLOSED = "closed"


class TeamAsk(Base):
    """A question the leader asked the team in Slack; the team's answers hang off it.

    Its conversation in the leader's log is `entry_id`: deleting that entry deletes the ask
    and every answer to it.
    """

    __tablename__ = "team_asks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("leaders.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    team_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH))
    # "question", or "pulse": a 1-5 heartbeat with an optional comment.
    kind: Mapped[str] = mapped_column(String(16))
    anonymous: Mapped[bool] = mapped_column(default=False)
    # Where it was asked: a channel, or (None) the people in team_ask_people, each by DM.
    channel_id: Mapped[str | None] = mapped_column(String(SLACK_ID_LENGTH))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # True while `closes_at` is the default close planned in UTC, Slack not having said the
    # leader's zone yet: it moves into their zone whenever that becomes known.
    close_awaits_zone: Mapped[bool] = mapped_column(default=False)
    # An AskStatus as a plain string, like nudges.status.
    status: Mapped[str] = mapped_column(String(16), index=True)
    # Posting and closing are claims: a process that died mid-way is taken over after this.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The channel message's answer count is updated at most every few seconds.
    count_shown: Mapped[int] = mapped_column(Integer, default=0)
    count_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # People asked by DM are reminded in turns: everyone whose reminder falls at or before
    # this was dealt with. Who was reminded is not kept, only how many.
    reminded_through: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TeamAskPerson(Base):
    """Someone asked by DM, and the message that asked them."""

    __tablename__ = "team_ask_people"

    ask_id: Mapped[int] = mapped_column(
        ForeignKey("team_asks.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH), primary_key=True)
    dm_channel: Mapped[str | None] = mapped_column(String(SLACK_ID_LENGTH))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # Their IANA zone, asked of Slack when a reminder is near, so it comes in their day.
    tz: Mapped[str | None] = mapped_column(String(TZ_LENGTH))


class TeamAnswer(Base):
    """One person's answer to an ask, named or anonymous.

    `answerer_key` is a keyed hash of (ask, workspace, person) under a secret kept out of the
    database (bot/domain/team_ask_rules.py): it lets a person change or withdraw their answer, and
    stops a second one. An anonymous answer has no `user_id`.
    """

    __tablename__ = "team_answers"
    __table_args__ = (
        UniqueConstraint("ask_id", "answerer_key"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("team_asks.id", ondelete="CASCADE"))
    answerer_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(SLACK_ID_LENGTH), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PromiseReminder(Base):
    """One reminder of a promise due on `due`, claimed by the process sending it, so that it
    is sent once. A new date is a new reminder."""

    __tablename__ = "promise_reminders"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    # "promise_due" or "promise_overdue" (bot.domain.reminder_rules.PromiseReminder).
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    due: Mapped[date] = mapped_column(Date, primary_key=True)
    # "sending" while a process holds the lease; "sent" for good.
    status: Mapped[str] = mapped_column(String(16))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReminderOptOut(Base):
    """Someone who chose not to be reminded of this leader's questions."""

    __tablename__ = "reminder_opt_outs"

    leader_id: Mapped[int] = mapped_column(
        ForeignKey("leaders.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MoraleAlert(Base):
    """A morale alert sent (or being sent) to a leader, once per `source`: "pulse:<ask id>"
    or "heartbeat:<entry id>"."""

    __tablename__ = "morale_alerts"

    leader_id: Mapped[int] = mapped_column(
        ForeignKey("leaders.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkspacePace(Base):
    """The pace chat.postMessage keeps to in one workspace, as learned from its 429s."""

    __tablename__ = "workspace_paces"

    team_id: Mapped[str] = mapped_column(String(SLACK_ID_LENGTH), primary_key=True)
    per_minute: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
