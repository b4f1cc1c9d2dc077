"""The Renkei matcher on LocalgovFAQ (Amagasaki City FAQ, 1,786 entries, 749 labelled queries).

    python bench/localgov.py [--data DIR] [--cache-dir DIR]

Reads /work/shared/peer/localgovfaq/{store.yaml,queries.yaml,README.md} (evaluation only: the data
has no stated licence, so it is never copied into this repository and the index cache lives
outside it). Prints SR@1, SR@5, MRR and P@5 from the top 5 (relevant = every id in expect) on the
dev split (query index % 5 == 0, the only queries used for tuning), the held-out rest and all,
beside the published results; p50/p99 latency per query; index build and cached-restart times.
Targets on all 749: SR@1 >= 0.62, SR@5 >= 0.85, p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faq import percentile  # noqa: E402
from faq.match import CACHE_FILE, build_index, match  # noqa: E402
from faq.store import load_store  # noqa: E402

DATA = Path("/work/shared/peer/localgovfaq")
CACHE = Path(tempfile.gettempdir()) / "renkei-localgov-cache"
DEV_EVERY = (
    5  # queries whose index is a multiple of this are the dev split, the only ones tuned on
)
TOP = 5
TARGET_SR1 = 0.62
TARGET_SR5 = 0.85
TARGET_P99_MS = 50.0

# Wataru Sakata, Tomohide Shibata, Ribeka Tanaka, Sadao Kurohashi. "FAQ Retrieval using
# Query-Question Similarity and BERT-Based Query-Answer Relevance." SIGIR 2019,
# arXiv:1905.02851v2, Table 1 (627 test queries; relevant = A, B or C; full rankings).
# Columns: MRR, P@5, SR@1, SR@5.
PUBLISHED = (
    ("q-Q TSUBAKI (BM25, Juman++/KNP)", 0.598, 0.297, 0.504, 0.734),
    ("q-A Bi-LSTM + attention", 0.498, 0.248, 0.379, 0.601),
    ("q-A BERT (Amagasaki only)", 0.610, 0.285, 0.504, 0.751),
    ("q-A BERT (21 cities, ~20K QA)", 0.631, 0.333, 0.509, 0.810),
    ("q-QA TSUBAKI + BERT (proposed)", 0.705, 0.357, 0.612, 0.841),
)


@dataclass(frozen=True)
class Scores:
    sr1: float
    sr5: float
    mrr: float
    p5: float
    count: int


def score(rankings: Sequence[list[str]], relevant: Sequence[set[str]]) -> Scores:
    sr1, sr5, mrr, p5 = [], [], [], []
    for ranking, wanted in zip(rankings, relevant, strict=True):
        top = ranking[:TOP]
        hits = [entry_id in wanted for entry_id in top]
        sr1.append(float(bool(hits[:1] and hits[0])))
        sr5.append(float(any(hits)))
        mrr.append(next((1 / (rank + 1) for rank, hit in enumerate(hits) if hit), 0.0))
        p5.append(sum(hits) / TOP)
    mean = statistics.fmean
    return Scores(mean(sr1), mean(sr5), mean(mrr), mean(p5), len(rankings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache-dir", type=Path, default=CACHE)
    arguments = parser.parse_args()
    files = [arguments.data / name for name in ("store.yaml", "queries.yaml", "README.md")]
    if not all(path.is_file() for path in files):
        print(f"LocalgovFAQ not found under {arguments.data}; skipping.")
        return

    entries = load_store(files[0])
    queries: list[dict[str, Any]] = yaml.safe_load(files[1].read_text(encoding="utf-8"))
    warm = (arguments.cache_dir / CACHE_FILE).exists()
    start = time.perf_counter()
    build_index(entries, arguments.cache_dir)
    built = time.perf_counter() - start
    start = time.perf_counter()
    index = build_index(entries, arguments.cache_dir)
    restarted = time.perf_counter() - start

    match(index, "warm-up")
    rankings: list[list[str]] = []
    latencies: list[float] = []
    for item in queries:
        start = time.perf_counter()
        result = match(index, item["q"], "ja", limit=TOP)
        latencies.append((time.perf_counter() - start) * 1000)
        rankings.append([candidate.entry.id for candidate in result.candidates])
    relevant = [set(item["expect"]) for item in queries]

    print(f"LocalgovFAQ: {len(entries)} entries, {len(queries)} queries (relevant = A or B)")
    print(f"{'split':34} {'MRR':>6} {'P@5':>6} {'SR@1':>6} {'SR@5':>6} {'n':>5}")
    splits = {
        "dev (index % 5 == 0)": [i for i in range(len(queries)) if i % DEV_EVERY == 0],
        "held-out": [i for i in range(len(queries)) if i % DEV_EVERY != 0],
        "all": list(range(len(queries))),
    }
    for name, chosen in splits.items():
        found = score([rankings[i] for i in chosen], [relevant[i] for i in chosen])
        print(
            f"Renkei, {name:26} {found.mrr:6.3f} {found.p5:6.3f} {found.sr1:6.3f} "
            f"{found.sr5:6.3f} {found.count:5d}"
        )
    print("Published (Sakata et al., SIGIR 2019, Table 1; relevant = A, B or C; 627 queries):")
    for name, mrr, p5, sr1, sr5 in PUBLISHED:
        print(f"  {name:32} {mrr:6.3f} {p5:6.3f} {sr1:6.3f} {sr5:6.3f}")
    overall = score(rankings, relevant)
    p99 = percentile(latencies, 0.99)
    print(
        f"targets on all: SR@1 {overall.sr1:.3f} (>= {TARGET_SR1}), "
        f"SR@5 {overall.sr5:.3f} (>= {TARGET_SR5}), p99 {p99:.1f} ms (<= {TARGET_P99_MS:.0f})"
    )
    print(f"latency per query: p50 {percentile(latencies, 0.5):.1f} ms, p99 {p99:.1f} ms")
    state = "warm" if warm else "cold"
    print(f"index build {built:.1f} s ({state} cache), cached restart {restarted:.2f} s")


if __name__ == "__main__":
    main()
