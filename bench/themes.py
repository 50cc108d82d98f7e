"""Themes across answers: how well `group_into_themes` finds the themes people wrote about.

Reads hand-labelled short answers (bench/data/themes_labelled.tsv, and themes_heldout.tsv,
written after the taxonomy was tuned and never tuned on), groups them, and prints the adjusted
Rand index against the labels (an answer left out of every theme counts as a group of one),
beside a baseline measured in the same run: TF-IDF vectors and k-means with k = the number of
labelled themes (numpy, k-means++ starts, averaged over SEEDS seeds). Then the time to group
500 answers sampled from the labelled set with small variations (typos, emoji, case), and how
much the process's peak RSS grew from before importing bot.domain.themes to after grouping.
Usage: python bench/themes.py
"""

from __future__ import annotations

import random
import re
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from math import comb
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data"
FILES = ("themes_labelled.tsv", "themes_heldout.tsv")
SAMPLE = 500
SEEDS = 10
EMOJI = (":tada:", ":sob:", ":upside_down_face:", ":+1:", "🙃", "🔥")


def load(path: Path) -> tuple[list[str], list[str]]:
    """The labels and the answers of a `theme<TAB>answer` file with a header line."""
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    return [theme for theme, _ in rows], [answer.strip() for _, answer in rows]


def adjusted_rand_index(truth: Sequence[object], found: Sequence[object]) -> float:
    """Hubert and Arabie's ARI from the contingency table of two labellings."""
    pairs = comb(len(truth), 2)
    both = sum(comb(count, 2) for count in Counter(zip(truth, found, strict=True)).values())
    rows = sum(comb(count, 2) for count in Counter(truth).values())
    columns = sum(comb(count, 2) for count in Counter(found).values())
    expected = rows * columns / pairs if pairs else 0.0
    best = (rows + columns) / 2
    return 1.0 if best == expected else (both - expected) / (best - expected)


def our_labels(answers: Sequence[str]) -> list[str]:
    """Each answer's theme label from group_into_themes; one of its own if it is in none."""
    from bot.domain.themes import group_into_themes

    labels = [f"alone {index}" for index in range(len(answers))]
    for theme in group_into_themes(answers):
        for index in theme.answers:
            labels[index] = theme.label
    return labels


def tfidf(answers: Sequence[str]) -> Any:
    """L2-normalised TF-IDF rows (smooth idf, as scikit-learn's default) over lower-cased words."""
    import numpy as np

    docs = [re.findall(r"\w+", answer.lower()) for answer in answers]
    vocabulary = {word: column for column, word in enumerate(sorted({w for d in docs for w in d}))}
    counts = np.zeros((len(docs), len(vocabulary)))
    for row, words in enumerate(docs):
        for word in words:
            counts[row, vocabulary[word]] += 1
    idf = np.log((1 + len(docs)) / (1 + (counts > 0).sum(axis=0))) + 1
    weighted = counts * idf
    norms = np.linalg.norm(weighted, axis=1, keepdims=True)
    return weighted / np.where(norms == 0, 1, norms)


def kmeans(points: Any, k: int, seed: int, rounds: int = 100) -> list[int]:
    """Lloyd's k-means from k-means++ starts; each row's cluster."""
    import numpy as np

    rng = np.random.default_rng(seed)
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        distance = np.min([((points - centre) ** 2).sum(axis=1) for centre in centres], axis=0)
        total = distance.sum()
        chances = distance / total if total > 0 else None
        centres.append(points[rng.choice(len(points), p=chances)])
    centre_array = np.array(centres)
    assigned = np.zeros(len(points), dtype=int)
    for _ in range(rounds):
        distances = ((points[:, None, :] - centre_array[None, :, :]) ** 2).sum(axis=2)
        new = distances.argmin(axis=1)
        if _ > 0 and (new == assigned).all():
            break
        assigned = new
        for cluster in range(k):
            members = points[assigned == cluster]
            if len(members):
                centre_array[cluster] = members.mean(axis=0)
    return [int(cluster) for cluster in assigned]


def baseline_ari(truth: Sequence[str], answers: Sequence[str]) -> tuple[float, float]:
    """Mean and spread (stdev) of TF-IDF + k-means's ARI over SEEDS seeds."""
    points = tfidf(answers)
    k = len(set(truth))
    scores = [adjusted_rand_index(truth, kmeans(points, k, seed)) for seed in range(SEEDS)]
    return statistics.mean(scores), statistics.stdev(scores)


def varied(answers: Sequence[str], count: int, seed: int) -> list[str]:
    """`count` answers drawn with replacement, most of them changed a little as people do."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = rng.choice(answers).split()
        change = rng.randrange(5)
        if change == 0 and len(words) > 3:
            del words[rng.randrange(len(words))]
        elif change == 1:
            words.append(rng.choice(EMOJI))
        elif change == 2:
            at = rng.randrange(len(words))
            words[at] = words[at] + words[at][-1]
        elif change == 3:
            words[0] = words[0].capitalize()
        out.append(" ".join(words))
    return out


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_and_memory() -> tuple[float, float, float, int]:
    """Peak RSS growth (MB) from importing bot.domain.themes to grouping 500 answers; the
    first grouping's seconds and the median of five more; how many themes it found."""
    _, answers = load(DATA / FILES[0])
    sample = varied(answers, SAMPLE, seed=7)
    before = peak_rss_mb()
    from bot.domain.themes import group_into_themes

    started = time.perf_counter()
    themes = group_into_themes(sample, min_size=3)
    first = time.perf_counter() - started
    grown = peak_rss_mb() - before
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        group_into_themes(sample, min_size=3)
        runs.append(time.perf_counter() - started)
    return grown, first, statistics.median(runs), len(themes)


def main() -> None:
    # Measured first, before numpy (the baseline's) is imported into the process.
    grown, first, median, found = time_and_memory()
    header = f"{'adjusted Rand index':34} {'answers':>8} {'themes':>7} {'ours':>7}"
    print(f"{header} {'TF-IDF+k-means':>16}")
    for name in FILES:
        truth, answers = load(DATA / name)
        ours = adjusted_rand_index(truth, our_labels(answers))
        mean, spread = baseline_ari(truth, answers)
        baseline = f"{mean:.3f} ±{spread:.3f}"
        print(f"{name:34} {len(answers):8} {len(set(truth)):7} {ours:7.3f} {baseline:>16}")
    print(
        f"\ngrouping {SAMPLE} varied answers: {first * 1000:.0f} ms the first time (building the "
        f"cue index), {median * 1000:.0f} ms median after; {found} themes of 3 or more"
    )
    print(f"peak RSS growth, import + grouping: {grown:.1f} MB")


if __name__ == "__main__":
    main()
