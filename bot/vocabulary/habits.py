"""The five habits of leaders who follow, and the words a leader may type for each."""

from __future__ import annotations

from enum import StrEnum


class Habit(StrEnum):
    QUESTIONS = "questions"
    PEOPLE = "people"
    HEARTBEAT = "heartbeat"
    VISION = "vision"
    FOLLOW_THROUGH = "follow-through"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def emoji(self) -> str:
        return _EMOJI[self]

    @property
    def summary(self) -> str:
        return _SUMMARIES[self]

    @property
    def title(self) -> str:  # type: ignore[override]
        """Emoji and label together, as shown on cards."""
        return f"{self.emoji} {self.label}"


_LABELS = {
    Habit.QUESTIONS: "Follow the questions",
    Habit.PEOPLE: "Follow your people",
    Habit.HEARTBEAT: "Follow the heartbeat",
    Habit.VISION: "Follow the vision",
    Habit.FOLLOW_THROUGH: "Follow through",
}

_EMOJI = {
    Habit.QUESTIONS: ":mag:",
    Habit.PEOPLE: ":handshake:",
    Habit.HEARTBEAT: ":heartbeat:",
    Habit.VISION: ":compass:",
    Habit.FOLLOW_THROUGH: ":white_check_mark:",
}

_SUMMARIES = {
    Habit.QUESTIONS: "ask, listen, then ask the follow-up",
    Habit.PEOPLE: "trust them and back their ideas",
    Habit.HEARTBEAT: "morale, energy and friction",
    Habit.VISION: "does the team see and share where we are going",
    Habit.FOLLOW_THROUGH: "promises made and kept",
}

# Words a leader might reasonably type for a habit. Keys are lowercase.
HABIT_ALIASES: dict[str, Habit] = {
    **{habit.value: habit for habit in Habit},
    "question": Habit.QUESTIONS,
    "ask": Habit.QUESTIONS,
    "listen": Habit.QUESTIONS,
    "listening": Habit.QUESTIONS,
    "curiosity": Habit.QUESTIONS,
    "curious": Habit.QUESTIONS,
    "person": Habit.PEOPLE,
    "team": Habit.PEOPLE,
    "trust": Habit.PEOPLE,
    "ideas": Habit.PEOPLE,
    "morale": Habit.HEARTBEAT,
    "energy": Habit.HEARTBEAT,
    "mood": Habit.HEARTBEAT,
    "pulse": Habit.HEARTBEAT,
    "friction": Habit.HEARTBEAT,
    "direction": Habit.VISION,
    "purpose": Habit.VISION,
    "goals": Habit.VISION,
    "strategy": Habit.VISION,
    "mission": Habit.VISION,
    "followthrough": Habit.FOLLOW_THROUGH,
    "follow_through": Habit.FOLLOW_THROUGH,
    "through": Habit.FOLLOW_THROUGH,
    "commitments": Habit.FOLLOW_THROUGH,
    "delivery": Habit.FOLLOW_THROUGH,
}


def habit_for_word(word: str) -> Habit | None:
    """The habit a typed word names, if any ("Morale" -> heartbeat)."""
    return HABIT_ALIASES.get(word.strip().lower())
