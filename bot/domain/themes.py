"""Themes across a team's short written answers: which answers say the same kind of thing,
under a short label. Pure, offline, and fast enough for a channel's worth of answers.

Answers as short as Slack's ("CI is flaky again") share too few words for generic clustering,
so each answer is first matched against a taxonomy of workplace themes that we wrote
(`theme_taxonomy.py`): every cue it contains votes for its theme, a cue that several themes
list splits its vote, and the theme with the most votes takes the answer. What fits no theme
is then grouped only where answers clearly share a content word, labelled by that word.
`bench/themes.py` measures this against TF-IDF with k-means on labelled answers.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.domain.theme_taxonomy import ALIASES, EMOJI, TAXONOMY, ThemeCues

STRONG_WEIGHT = 2.0
WORD_WEIGHT = 1.0
PHRASE_WEIGHT = 2.0
# Leftovers make a theme of their own only when this many share a content word.
SHARED_WORD_MIN = 2
# Words too common in answers to group them by: function words and the everyday words of work.
_GENERIC = """
    a about above after again all also always am an and any anyone anything are around as at
    back be because been before being best better between both but by can cannot could day
    days did do does doing done each else even ever every everyone everything feel feels few
    for from get gets getting go goes going good got great had has have having he her here
    him his how i if in into is it its just keep know last least less let like little lot
    lots love make makes many maybe me more most much my need needs never new next nice no
    nobody not nothing now of off often on once one only or other our out over people please
    pretty quite rather really right same see seem seems she should so some someone something
    still stuff such sure take takes team than thank that the their them then there these they
    thing things think this those though time times to too try up us very want wants was way
    we week weeks well were what when where which while who why will with work working would
    yeah yes yet you your lol tbh imo fwiw idk btw etc ok okay actually honestly totally
    literally basically really lately again already almost definitely probably seriously
    super kinda sorta gonna wanna got able
"""
GENERIC_WORDS = frozenset(_GENERIC.split())
# An emoji's :short_code: (kept whole, colons and all), or a word.
_TOKEN = re.compile(r":[a-z0-9+][\w+-]*:|\w+")
_APOSTROPHE = re.compile(r"[’`]")
_CONTRACTION = re.compile(r"(?<=\w)'(re|m|ve|ll|d|s)\b")
_CONTRACTIONS = {"re": "are", "m": "am", "ve": "have", "ll": "will", "d": "would", "s": ""}


@dataclass(frozen=True)
class Theme:
    """A group of answers that say the same kind of thing: its label and the answers' indexes
    (0-based, into the list that was grouped), in order."""

    label: str
    answers: tuple[int, ...]


@dataclass(frozen=True)
class _Cues:
    """The taxonomy as lookups: stem → theme votes, word as written → votes, prefix → votes,
    phrase → votes. A vote is (theme index, weight, cue id); a cue counts once per answer."""

    exact: dict[str, list[tuple[int, float, int]]]
    written: dict[str, list[tuple[int, float, int]]]
    prefixes: dict[str, list[tuple[int, float, int]]]
    phrases: dict[tuple[str, ...], list[tuple[int, float, int]]]
    longest_phrase: int
    prefix_lengths: tuple[int, ...]
    phrase_starts: frozenset[str]


def group_into_themes(answers: Sequence[str], *, min_size: int = 1) -> list[Theme]:
    """Group `answers` into themes, each answer in at most one; largest theme first, then by
    label. Themes of fewer than `min_size` answers are dropped, and an answer that fits no
    theme and shares no word with others is in none."""
    tokens = [tokens_of(answer) for answer in answers]
    groups: dict[str, list[int]] = defaultdict(list)
    leftovers: list[int] = []
    for index, words in enumerate(tokens):
        theme = best_theme(words)
        if theme is None:
            leftovers.append(index)
        else:
            groups[TAXONOMY[theme].label].append(index)
    for label, members in _shared_word_groups(leftovers, tokens):
        groups[label if label not in groups else f"{label} (other)"].extend(members)
    themes = [Theme(label, tuple(sorted(members))) for label, members in groups.items()]
    themes = [theme for theme in themes if len(theme.answers) >= max(min_size, 1)]
    return sorted(themes, key=lambda theme: (-len(theme.answers), theme.label))


def tokens_of(answer: str) -> list[str]:
    """The words of an answer, lower-cased, contractions written out ("we're" → "we are",
    "can't" → "cant"), Slack shorthand too ("mtgs" → "meeting"); an emoji is its :short_code:,
    one word."""
    text = _APOSTROPHE.sub("'", answer.lower())
    text = _CONTRACTION.sub(lambda match: " " + _CONTRACTIONS[match.group(1)], text)
    for emoji, code in EMOJI.items():
        text = text.replace(emoji, f" {code} ")
    return [
        word
        for found in _TOKEN.findall(text.replace("'", ""))
        for word in ALIASES.get(found, found).split()
    ]


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stem, the same for a cue and an answer's word: plurals, -ing, -ed."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        word = word[:-2]
    elif len(word) >= 5 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if len(word) >= 6 and word.endswith(suffix):
            word = word[: -len(suffix)]
            # running → run, planned → plan; but calling → call, missed → miss
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            return word
    return word


def best_theme(words: Sequence[str]) -> int | None:
    """The index in TAXONOMY of the theme these words point to most, or None if none. Of two
    themes with as many votes, the one named first in the answer."""
    votes = cue_votes(words)
    scores: dict[int, float] = defaultdict(float)
    first: dict[int, int] = {}
    for theme, weight, position in votes:
        scores[theme] += weight
        first[theme] = min(first.get(theme, position), position)
    if not scores:
        return None
    return max(scores, key=lambda theme: (round(scores[theme], 6), -first[theme], -theme))


def cue_votes(words: Sequence[str]) -> list[tuple[int, float, int]]:
    """The taxonomy's votes for these words (tokens_of an answer): (theme index, weight, index
    of the word where the cue starts), each cue once."""
    cues = _cues()
    stems = [stem(word) for word in words]
    found: list[tuple[int, list[tuple[int, float, int]]]] = []
    for position, (word, stemmed) in enumerate(zip(words, stems, strict=True)):
        for table, key in ((cues.exact, stemmed), (cues.written, word)):
            if key in table:
                found.append((position, table[key]))
        for length in cues.prefix_lengths:
            if length <= len(word) and word[:length] in cues.prefixes:
                found.append((position, cues.prefixes[word[:length]]))
        if stemmed in cues.phrase_starts:
            for length in range(2, min(cues.longest_phrase, len(stems) - position) + 1):
                phrase = tuple(stems[position : position + length])
                if phrase in cues.phrases:
                    found.append((position, cues.phrases[phrase]))
    votes: dict[tuple[int, int], tuple[int, float, int]] = {}
    for position, listed in found:
        for theme, weight, cue in listed:
            votes.setdefault((cue, theme), (theme, weight, position))
    return list(votes.values())


@cache
def _cues() -> _Cues:
    """The taxonomy's cues indexed once. A cue listed by n themes gives each 1/n of a vote."""
    listed: dict[tuple[str, tuple[str, ...]], list[tuple[int, float]]] = defaultdict(list)
    for number, cues in enumerate(TAXONOMY):
        for cue, weight in _weighted_cues(cues):
            listed[cue].append((number, weight))
    exact: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
    written: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
    prefixes: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
    phrases: dict[tuple[str, ...], list[tuple[int, float, int]]] = defaultdict(list)
    for cue_id, ((kind, key), themes) in enumerate(listed.items()):
        share = len({theme for theme, _ in themes})
        target = {"exact": exact, "written": written, "prefix": prefixes}.get(kind)
        for theme, weight in dict(themes).items():
            vote = (theme, weight / share, cue_id)
            if target is None:
                phrases[key].append(vote)
            else:
                target[key[0]].append(vote)
    return _Cues(
        exact=dict(exact),
        written=dict(written),
        prefixes=dict(prefixes),
        phrases=dict(phrases),
        longest_phrase=max((len(key) for key in phrases), default=2),
        prefix_lengths=tuple(sorted({len(key) for key in prefixes})),
        phrase_starts=frozenset(key[0] for key in phrases),
    )


def _weighted_cues(theme: ThemeCues) -> Iterable[tuple[tuple[str, tuple[str, ...]], float]]:
    """A theme's cues as (kind, stems) with their weight: a one-word cue is "exact" (its stem),
    "prefix" when it ends in `*`, "written" (as is, unstemmed) when it starts with `=`; a cue
    of several words (or a hyphenated one) is a "phrase"."""
    written = [(cue, STRONG_WEIGHT) for cue in theme.strong]
    written += [(cue, WORD_WEIGHT) for cue in theme.words]
    written += [(cue, PHRASE_WEIGHT) for cue in theme.phrases]
    for cue, weight in written:
        prefix = cue.endswith("*")
        words = tokens_of(cue.strip("*="))
        if prefix and len(words) == 1:
            yield ("prefix", (words[0],)), weight
        elif cue.startswith("=") and len(words) == 1:
            yield ("written", (words[0],)), weight
        elif len(words) == 1:
            yield ("exact", (stem(words[0]),)), weight
        elif words:
            yield ("phrase", tuple(stem(word) for word in words)), max(weight, PHRASE_WEIGHT)


def _shared_word_groups(
    leftovers: Sequence[int], tokens: Sequence[Sequence[str]]
) -> list[tuple[str, list[int]]]:
    """Leftover answers grouped by the content word most of them share, greedily, while at
    least SHARED_WORD_MIN share one; labelled by that word as most often written."""
    content = {index: _content_stems(tokens[index]) for index in leftovers}
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for index in leftovers:
        for word in tokens[index]:
            written[stem(word)][word] += 1
    groups: list[tuple[str, list[int]]] = []
    while content:
        counts = Counter(word for stems in content.values() for word in stems)
        if not counts:
            break
        word, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
        if count < SHARED_WORD_MIN:
            break
        members = sorted(index for index, stems in content.items() if word in stems)
        groups.append((written[word].most_common(1)[0][0].capitalize(), members))
        for index in members:
            del content[index]
    return groups


def _content_stems(words: Sequence[str]) -> set[str]:
    """The stems of an answer's words that could tie it to another: not generic, not digits,
    not two letters or fewer, not an emoji."""
    return {
        stem(word)
        for word in words
        if len(word) > 2
        and word not in GENERIC_WORDS
        and not word.isdigit()
        and not word.startswith(":")
    }
