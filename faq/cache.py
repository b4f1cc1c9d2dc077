"""On-disk cache of per-entry features, keyed by each entry's content hash.

One file holds every cached entry: embeddings as matrices and analyses as JSON, saved with
numpy's pickle-free format. Writes go to a temporary file that is renamed into place, so a crash
never leaves a half-written cache; a file that cannot be read is ignored and rebuilt.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from faq.normalize import Analysis

logger = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]
HALF = np.float16


@dataclass(frozen=True)
class EntryFeatures:
    """Everything the index derives from one entry; a pure function of the entry's content."""

    variant_vectors: Matrix  # e5, one row per question variant (question, then alternates)
    answer_vector: Matrix  # e5, shape (dim,)
    use_variant_vectors: Matrix  # USE, one row per question variant
    use_answer_vector: Matrix  # USE, shape (use dim,)
    variants: tuple[Analysis, ...]
    answer: Analysis
    tags: Analysis


def default_cache_dir() -> Path:
    configured = os.environ.get("RENKEI_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / ".cache" / "faq"


def load_features(path: Path) -> dict[str, EntryFeatures]:
    """Cached features by content hash; empty when the file is missing or unreadable."""
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            hashes = [str(value) for value in data["hashes"]]
            counts = data["variant_counts"].astype(np.int64)
            variant_matrix = data["variants"].astype(np.float32)
            answers = data["answers"].astype(np.float32)
            use_variants = data["use_variants"].astype(np.float32)
            use_answers = data["use_answers"].astype(np.float32)
            analyses = json.loads(str(data["analyses"]))
        starts = np.concatenate([[0], np.cumsum(counts)])
        features: dict[str, EntryFeatures] = {}
        for position, content_hash in enumerate(hashes):
            record = analyses[content_hash]
            features[content_hash] = EntryFeatures(
                variant_vectors=variant_matrix[starts[position] : starts[position + 1]],
                answer_vector=answers[position],
                use_variant_vectors=use_variants[starts[position] : starts[position + 1]],
                use_answer_vector=use_answers[position],
                variants=tuple(_analysis(item) for item in record["variants"]),
                answer=_analysis(record["answer"]),
                tags=_analysis(record["tags"]),
            )
        return features
    except Exception as error:  # any damage means "no cache", never a failed start
        logger.warning("ignoring unreadable FAQ cache %s: %s", path, error)
        return {}


def save_features(path: Path, features: dict[str, EntryFeatures]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    hashes = list(features)
    values = [features[content_hash] for content_hash in hashes]
    analyses = {
        content_hash: {
            "variants": [_record(item) for item in value.variants],
            "answer": _record(value.answer),
            "tags": _record(value.tags),
        }
        for content_hash, value in zip(hashes, values, strict=True)
    }
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            np.savez(
                handle,
                hashes=np.array(hashes, dtype=str),
                variant_counts=np.array([len(v.variants) for v in values], dtype=np.int64),
                variants=stacked_rows([v.variant_vectors for v in values]),
                answers=stacked_rows([v.answer_vector[None, :] for v in values]),
                # USE vectors only feed ranking; half precision halves a large store's cache.
                use_variants=stacked_rows([v.use_variant_vectors for v in values]).astype(HALF),
                use_answers=stacked_rows([v.use_answer_vector[None, :] for v in values]).astype(
                    HALF
                ),
                analyses=np.array(json.dumps(analyses, ensure_ascii=False)),
            )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stacked_rows(blocks: Sequence[Matrix], dim: int = 0) -> Matrix:
    """The blocks' rows as one float32 matrix; (0, dim) when there are none."""
    if not blocks:
        return np.zeros((0, dim), dtype=np.float32)
    rows: Matrix = np.concatenate(blocks).astype(np.float32)
    return rows


def _record(analysis: Analysis) -> list[object]:
    return [
        list(analysis.terms),
        analysis.reading,
        [list(word) for word in analysis.words],
        list(analysis.synonyms),
    ]


def _analysis(record: list[object]) -> Analysis:
    terms, reading, words, synonyms = record
    if not (
        isinstance(terms, list)
        and isinstance(reading, str)
        and isinstance(words, list)
        and isinstance(synonyms, list)
    ):
        raise ValueError("malformed analysis record")
    return Analysis(
        tuple(str(term) for term in terms),
        reading,
        tuple((str(surface), str(word_reading)) for surface, word_reading in words),
        tuple(str(group) for group in synonyms),
    )
