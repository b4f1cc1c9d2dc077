"""Fit the matcher's ranking weights on the dev splits (a listwise softmax model).

    python bench/tune.py [--localgov DIR] [--cache-dir DIR] [--steps N]

Reads dev queries only: the in-scope queries with split dev of the four labelled sets
(bench/data/faq_queries.yaml, faq_queries_fresh.yaml, faq_queries_third.yaml,
faq_queries_fourth.yaml, each by another author) and, when present, the LocalgovFAQ queries with
index % 5 == 0. For every query the matcher's signals (faq.match.SIGNALS) over all entries of its
store make the features: all signals for entries in the query's language, the dense ones plus an
offset for the others. The weights
maximise the mean log share of the right entries in a softmax over the store, each store's queries
counting equally, less a small L2 penalty (without it the cross-language weights grow without bound
on the separable shipped store). Since every shipped topic has ja/en twins, two copies of the
shipped store with one twin per topic are problems too, for the cross-language weights. The problem
is convex, so the result does not depend on where the search starts.
Prints the weights to put into faq/match.py and the fitted log loss per store.

With --gate it fits the answer gate instead, on the matcher as it stands (so fit the ranking
first): a logistic regression over faq.match.AnswerEvidence.features of every dev query of the
four sets whose top topic has an entry in the query's language, the target being "the top topic
is right" (false for out-of-scope queries); then the offset is moved to the threshold that
maximises dev in-scope top-1 plus out-of-scope declined.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faq import QUERY_SETS, SHIPPED_CACHE, STORE  # noqa: E402
from bench.localgov import CACHE, DATA, DEV_EVERY  # noqa: E402
from faq.match import (  # noqa: E402
    CROSS_LANGUAGE_SIGNALS,
    SIGNALS,
    build_index,
    match,
)
from faq.store import FaqEntry, load_store  # noqa: E402

Array = npt.NDArray[np.float32]

WIDTH = len(SIGNALS) + len(CROSS_LANGUAGE_SIGNALS) + 1
LEARNING_RATE = 0.5
PENALTY = 0.003


@dataclass(frozen=True)
class Problem:
    name: str
    features: Array  # queries x entries x WIDTH
    relevant: npt.NDArray[np.bool_]  # queries x entries
    weight: float = 1.0


def problem(
    name: str,
    entries: list[FaqEntry],
    queries: list[dict[str, Any]],
    cache_dir: Path,
    weight: float = 1.0,
) -> Problem:
    index = build_index(entries, cache_dir)
    position = {entry.id: row for row, entry in enumerate(entries)}
    features = np.zeros((len(queries), len(entries), WIDTH), dtype=np.float32)
    relevant = np.zeros((len(queries), len(entries)), dtype=bool)
    for row, item in enumerate(queries):
        signals, same_language = index.signals(index.read(item["q"]))
        features[row, :, : len(SIGNALS)] = signals * same_language[:, None]
        across = ~same_language
        features[row, :, len(SIGNALS) : -1] = signals[:, CROSS_LANGUAGE_SIGNALS] * across[:, None]
        features[row, :, -1] = across
        relevant[row, [position[i] for i in item["expect"] if i in position]] = True
    return Problem(name, features, relevant, weight)


def loss_and_gradient(theta: Array, found: Problem) -> tuple[float, Array]:
    scores = found.features @ theta
    scores -= scores.max(axis=1, keepdims=True)
    shares = np.exp(scores)
    shares /= shares.sum(axis=1, keepdims=True)
    right = (shares * found.relevant).sum(axis=1)
    target = shares * found.relevant / np.maximum(right, 1e-12)[:, None]
    gradient = np.einsum("qe,qew->w", shares - target, found.features) / len(right)
    return float(-np.log(np.maximum(right, 1e-12)).mean()), gradient.astype(np.float32)


def fit(problems: list[Problem], steps: int) -> tuple[Array, list[float]]:
    theta = np.zeros(WIDTH, dtype=np.float32)
    losses: list[float] = []
    for _ in range(steps):
        losses, gradients = [], []
        for found in problems:
            loss, gradient = loss_and_gradient(theta, found)
            losses.append(loss)
            gradients.append(found.weight * gradient)
        theta -= LEARNING_RATE * (np.sum(gradients, axis=0) + PENALTY * theta)
        # Similarity weights stay non-negative: more similar never counts against an entry.
        theta[:-1] = np.maximum(theta[:-1], 0.0)
    return theta, losses


GATE_STEPS = 20000
GATE_LEARNING_RATE = 0.1
GATE_PENALTY = 0.001


def fit_gate(items: list[dict[str, Any]], entries: list[FaqEntry]) -> None:
    index = build_index(entries, SHIPPED_CACHE)
    rows, right, in_scope = [], [], []
    for item in items:
        result = match(index, item["q"])
        if result.evidence is None or result.evidence.uncovered is None:
            continue  # the gate is not used across languages
        rows.append([*result.evidence.features(), 1.0])
        right.append(result.candidates[0].entry.id in item["expect"])
        in_scope.append(bool(item["expect"]))
    features = np.array(rows, dtype=np.float64)
    target = np.array(right, dtype=np.float64)
    weights = np.zeros(features.shape[1])
    for _ in range(GATE_STEPS):
        predicted = 1 / (1 + np.exp(-features @ weights))
        gradient = features.T @ (predicted - target) / len(target) + GATE_PENALTY * weights
        weights -= GATE_LEARNING_RATE * gradient
    logits = features @ weights
    scope = np.array(in_scope)
    answered_right = np.array(right)

    def balance(shift: float) -> float:
        answered = logits + shift >= 0
        kept = (answered & answered_right)[scope].mean()
        declined = (~answered)[~scope].mean()
        return float(kept + declined)

    # Ties go to the stricter gate: a wrong answer costs a user more than "I don't know".
    shifts = np.arange(-1.0, 1.0, 0.01)
    shift = max(shifts, key=lambda value: (round(balance(value), 9), -value))
    answerability, uncovered, length = weights[:3]
    print(f"{len(target)} dev queries; in-scope top-1 + declined {balance(shift):.3f}")
    print(f"ANSWER_GATE_WEIGHTS = ({answerability:.3f}, {uncovered:.3f}, {length:.3f})")
    print(f"ANSWER_GATE_OFFSET = {weights[3] + shift:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--localgov", type=Path, default=DATA)
    parser.add_argument("--cache-dir", type=Path, default=CACHE)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--gate", action="store_true", help="fit the answer gate instead")
    arguments = parser.parse_args()

    shipped: list[dict[str, Any]] = [
        item for path in QUERY_SETS for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    entries = load_store(STORE)
    if arguments.gate:
        fit_gate([item for item in shipped if item["split"] == "dev"], entries)
        return
    dev = [item for item in shipped if item["split"] == "dev" and item["expect"]]
    problems = [problem("shipped store", entries, dev, SHIPPED_CACHE)]
    # Every shipped topic has twins, so on the whole store no query needs to cross languages.
    # Two complementary stores keep one twin per topic (alternating languages), as in a store
    # written partly in each language: they teach the cross-language weights and offset. The two
    # together count as one store.
    topics = sorted({entry.topic_key for entry in entries})
    for kept in (("ja", "en"), ("en", "ja")):
        language_of = {topic: kept[number % 2] for number, topic in enumerate(topics)}
        mixed = [entry for entry in entries if entry.lang == language_of[entry.topic_key]]
        name = f"shipped store, one twin per topic ({kept[0]} first)"
        problems.append(problem(name, mixed, dev, SHIPPED_CACHE, weight=0.5))
    store, queries = arguments.localgov / "store.yaml", arguments.localgov / "queries.yaml"
    if store.is_file() and queries.is_file():
        labelled: list[dict[str, Any]] = yaml.safe_load(queries.read_text(encoding="utf-8"))
        chosen = [item for number, item in enumerate(labelled) if number % DEV_EVERY == 0]
        problems.append(problem("LocalgovFAQ", load_store(store), chosen, arguments.cache_dir))
    else:
        print(f"LocalgovFAQ not found under {arguments.localgov}; fitting on the shipped store.")

    theta, losses = fit(problems, arguments.steps)
    for found, loss in zip(problems, losses, strict=True):
        print(f"{found.name}: {len(found.relevant)} dev queries, log loss {loss:.3f}")
    same = ", ".join(f"{value:.2f}" for value in theta[: len(SIGNALS)])
    cross = ", ".join(f"{value:.2f}" for value in theta[len(SIGNALS) : -1])
    print(f"RANK_SAME_LANGUAGE_WEIGHTS = ({same})")
    print(f"RANK_CROSS_LANGUAGE_WEIGHTS = ({cross})")
    print(f"RANK_CROSS_LANGUAGE_OFFSET = {theta[-1]:.2f}")


if __name__ == "__main__":
    main()
