"""The question bank: loads and validates prompts/*.toml, resolves question references.

The TOML files live in `prompts/` beside `bot/`; the wheel carries them as the package data
`bot/prompts/` (setup.py maps them), read through `importlib.resources`, so an installed wheel
finds them wherever it is installed and whatever the working directory."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from bot.vocabulary.habits import Habit


def _bundled_prompts() -> Traversable:
    """The wheel's `bot/prompts/`, or a checkout's `prompts/` (an editable install has no copy)."""
    packaged = resources.files("bot") / "prompts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "prompts"


PROMPTS_DIR: Traversable = _bundled_prompts()

MAX_QUESTION_LENGTH = 280
MAX_WHY_LENGTH = 200
MAX_FOLLOW_UPS = 3
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,60}$")
# A follow-up is addressed as "<question id>/<n>", n counting from 1.
FOLLOW_UP_SEPARATOR = "/"

# First words that turn a question into a yes/no one.
_CLOSED_OPENERS = frozenset(
    (  # noqa: SIM905 - a sentence of words reads better than a column of 34 strings
        "is are am was were do does did can could will would should shall have has had may "
        "might must isn't aren't wasn't weren't don't doesn't didn't can't couldn't won't "
        "wouldn't shouldn't haven't hasn't"
    ).split()
)
_OPEN_WORDS = frozenset(["what", "how", "why", "where", "when", "which", "who", "whom", "whose"])
_OPEN_STARTS = ("tell me", "tell us", "walk me", "walk us", "describe", "talk me", "paint")


class PromptError(ValueError):
    """A prompts file is invalid; the message names the file, the entry and the reason."""


@dataclass(frozen=True)
class Question:
    id: str
    habit: Habit
    text: str
    why: str
    follow_ups: tuple[str, ...]
    # Marked `falling = true` in prompts/: good to ask when the heartbeat drops.
    for_falling_mood: bool = False


@dataclass(frozen=True)
class Asked:
    """A question or one of its follow-ups, as put to a leader."""

    ref: str
    question: Question
    follow_up: int | None = None

    @property
    def text(self) -> str:
        if self.follow_up is None:
            return self.question.text
        return self.question.follow_ups[self.follow_up - 1]

    @property
    def habit(self) -> Habit:
        return self.question.habit

    @property
    def is_follow_up(self) -> bool:
        return self.follow_up is not None


def is_open_ended(text: str) -> bool:
    """True for a question that cannot be answered with a plain yes or no."""
    lowered = text.strip().lower()
    if not lowered.endswith("?") or "yes or no" in lowered or lowered.endswith(" or not?"):
        return False
    words = re.findall(r"[a-z']+", lowered)
    if not words or words[0] in _CLOSED_OPENERS:
        return False
    return lowered.startswith(_OPEN_STARTS) or any(word in _OPEN_WORDS for word in words)


class QuestionBank:
    """Every question, by id and by habit, in file order."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self._by_id: dict[str, Question] = {}
        self._by_habit: dict[Habit, list[Question]] = {habit: [] for habit in Habit}
        for question in questions:
            if question.id in self._by_id:
                raise PromptError(f"duplicate question id {question.id!r}")
            self._by_id[question.id] = question
            self._by_habit[question.habit].append(question)
        self.habits_in_use: tuple[Habit, ...] = tuple(h for h in Habit if self._by_habit[h])

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Question]:
        return iter(self._by_id.values())

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def for_habit(self, habit: Habit) -> Sequence[Question]:
        return self._by_habit[habit]

    def resolve(self, ref: str) -> Asked | None:
        """The question or follow-up a reference names, or None if it names nothing we have."""
        question_id, sep, index = ref.partition(FOLLOW_UP_SEPARATOR)
        question = self._by_id.get(question_id)
        if question is None:
            return None
        if not sep:
            return Asked(ref=question.id, question=question)
        # isdigit() alone accepts "²", which int() refuses; refs travel in tamperable payloads.
        if not (index.isascii() and index.isdigit() and len(index) <= 2):
            return None
        if not 1 <= int(index) <= len(question.follow_ups):
            return None
        return Asked(ref=f"{question.id}/{int(index)}", question=question, follow_up=int(index))

    @classmethod
    def load(cls, directory: Traversable = PROMPTS_DIR) -> QuestionBank:
        """Load every `*.toml` in `directory` (the bundled bank, or any `Path`), failing on the
        first invalid entry."""
        files = sorted(
            (f for f in _entries(directory) if f.name.endswith(".toml") and f.is_file()),
            key=lambda f: f.name,
        )
        if not files:
            raise PromptError(f"{directory}: no *.toml question files found")
        questions: list[Question] = []
        seen: dict[str, Traversable] = {}
        for path in files:
            for question in parse_prompt_file(path):
                if question.id in seen:
                    first = seen[question.id].name
                    raise PromptError(
                        f"{path.name}: entry {question.id!r}: id already used in {first}"
                    )
                seen[question.id] = path
                questions.append(question)
        return cls(questions)


def _entries(directory: Traversable) -> list[Traversable]:
    """What `directory` holds; nothing when it is missing or not a directory."""
    try:
        return list(directory.iterdir()) if directory.is_dir() else []
    except OSError:
        return []


def parse_prompt_file(path: Traversable) -> list[Question]:
    """Parse one habit file; every error names the file and the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PromptError(f"{path.name}: cannot read: {error}") from None
    raw_habit = data.get("habit")
    try:
        habit = Habit(str(raw_habit))
    except ValueError:
        known = ", ".join(h.value for h in Habit)
        raise PromptError(f"{path.name}: unknown habit {raw_habit!r} (known: {known})") from None
    entries = data.get("question")
    if not isinstance(entries, list) or not entries:
        raise PromptError(f"{path.name}: expected one or more [[question]] tables")
    return [_parse_entry(path, habit, index, entry) for index, entry in enumerate(entries, 1)]


def _parse_entry(path: Traversable, habit: Habit, index: int, entry: Any) -> Question:
    label = f"{path.name}: entry #{index}"
    if not isinstance(entry, Mapping):
        raise PromptError(f"{label}: must be a table")
    question_id = entry.get("id")
    if isinstance(question_id, str):
        label = f"{path.name}: entry {question_id!r}"
    unknown = set(entry) - {"id", "text", "why", "follow_ups", "falling"}
    if unknown:
        raise PromptError(f"{label}: unknown keys {sorted(unknown)}")
    if not isinstance(question_id, str) or not ID_PATTERN.match(question_id):
        raise PromptError(f"{label}: id must match {ID_PATTERN.pattern}")
    text = _text(label, "text", entry.get("text"), MAX_QUESTION_LENGTH)
    why = _text(label, "why", entry.get("why"), MAX_WHY_LENGTH)
    follow_ups = entry.get("follow_ups")
    if not isinstance(follow_ups, list) or not 1 <= len(follow_ups) <= MAX_FOLLOW_UPS:
        raise PromptError(f"{label}: follow_ups must list 1 to {MAX_FOLLOW_UPS} questions")
    checked = tuple(
        _text(label, f"follow_ups[{n}]", value, MAX_QUESTION_LENGTH)
        for n, value in enumerate(follow_ups, 1)
    )
    for field, value in (
        ("text", text),
        *((f"follow_ups[{n}]", v) for n, v in enumerate(checked, 1)),
    ):
        if not is_open_ended(value):
            raise PromptError(f"{label}: {field} is not an open-ended question: {value!r}")
    falling = entry.get("falling", False)
    if not isinstance(falling, bool):
        raise PromptError(f"{label}: falling must be true or false")
    return Question(
        id=question_id,
        habit=habit,
        text=text,
        why=why,
        follow_ups=checked,
        for_falling_mood=falling,
    )


def _text(label: str, field: str, value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PromptError(f"{label}: {field} must be non-empty text")
    normalised = " ".join(value.split())
    if len(normalised) > limit:
        raise PromptError(f"{label}: {field} is {len(normalised)} characters, at most {limit}")
    return normalised
