from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import faq.match
from faq.cache import EntryFeatures, load_features
from faq.match import (
    CACHE_FILE,
    SEED_CACHE,
    SIGNALS,
    AnswerEvidence,
    FaqIndex,
    build_index,
    fit_answer_map,
    match,
)
from faq.store import FaqEntry, content_hash, load_store

SHIPPED_STORE = Path(__file__).resolve().parent.parent / "faq" / "data" / "store.yaml"


def entry(
    entry_id: str,
    lang: str,
    question: str,
    answer: str,
    alternates: Sequence[str] = (),
    topic: str | None = None,
) -> FaqEntry:
    return FaqEntry(entry_id, lang, question, tuple(alternates), answer, (), topic)


STORE = [
    entry(
        "minutes-ja",
        "ja",
        "議事録はどこに保管されますか？",
        "議事録は事務局の共有フォルダに年度ごとに保管します。",
        ["会議の記録はどこ？"],
        topic="minutes",
    ),
    entry(
        "minutes-en",
        "en",
        "Where are the meeting minutes kept?",
        "Minutes are kept in the office's shared folder, one folder per year.",
        ["where can I read the minutes"],
        topic="minutes",
    ),
    entry(
        "volunteer-register-ja",
        "ja",
        "ボランティアに登録するにはどうすればいいですか？",
        "公民館または事務局で登録用紙を提出してください。",
        ["ボランティア登録の方法"],
    ),
    entry(
        "insurance-ja",
        "ja",
        "活動中のけがに保険は使えますか？",
        "ボランティア活動保険に事務局が一括で加入しています。",
        ["ボランティア保険について"],
    ),
    entry(
        "grant-apply-ja",
        "ja",
        "補助金の申請方法を教えてください",
        "申請書を毎年4月末までに事務局へ提出してください。",
        ["補助金はどうやって申し込む？"],
    ),
    entry(
        "weather-cancel-en",
        "en",
        "Are activities cancelled when a storm warning is issued?",
        "Yes. When a storm or heavy-rain warning is in force, all activities are cancelled.",
        ["what happens if there is a typhoon"],
    ),
    entry(
        "parking-ja",
        "ja",
        "学校に車で行ってもいいですか？",
        "学校の駐車場は使えません。公共交通機関でお越しください。",
        ["駐車場はありますか"],
    ),
]


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return build_index(STORE, None)


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("議事録ってどこにある？", "ja", "minutes-ja"),
        ("ぎじろくはどこ", "ja", "minutes-ja"),  # kana-only query meets the kanji entry
        ("ボランティアとうろくしたい", "ja", "volunteer-register-ja"),
        ("ﾎﾞﾗﾝﾃｨｱ登録", "ja", "volunteer-register-ja"),  # half-width katakana
        ("ｷﾞｼﾞﾛｸ ﾄﾞｺ", "ja", "minutes-ja"),  # half-width kana spelling of a kanji word
        ("gijiroku doko", "ja", "minutes-ja"),  # romaji spelling of a kanji word
        ("お疲れ様です。補助金の申請について教えてください", "ja", "grant-apply-ja"),
        ("How do I apply for a grant?", "en", "grant-apply-ja"),  # English query, ja-only entry
        ("台風のときは活動は中止ですか", "ja", "weather-cancel-en"),  # the reverse
        ("where are the minutes", "en", "minutes-en"),
        # Worded unlike the entry (wording confidence below 0.5), but the ranking is decisive.
        ("車で来ても大丈夫？", "ja", "parking-ja"),
    ],
)
def test_finds_the_entry_that_answers(
    index: FaqIndex, query: str, lang: str, expected: str
) -> None:
    result = match(index, query, lang)
    assert result.best is not None, result
    assert result.best.id == expected


@pytest.mark.parametrize(
    "query",
    ["今日のランチのおすすめは？", "What is the capital of France?", "パスワードを忘れました"],
)
def test_out_of_scope_is_declined_with_a_low_score(index: FaqIndex, query: str) -> None:
    result = match(index, query, "ja")
    assert result.best is None
    assert result.score < 0.5


def test_a_weak_lead_in_a_small_store_is_not_an_answer(index: FaqIndex) -> None:
    # Parking ranks first among these few entries, but nothing here is about helping at school.
    result = match(index, "学校のお手伝いを始めたい", "ja")
    assert result.best is None or result.best.id == "volunteer-register-ja"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ja", "minutes-ja"), ("en", "minutes-en")],
)
def test_twins_show_once_in_the_users_language(index: FaqIndex, lang: str, expected: str) -> None:
    for query in ("議事録はどこ？", "where are the minutes kept"):
        result = match(index, query, lang)
        assert result.best is not None and result.best.id == expected
        topics = [c.entry.topic or c.entry.id for c in result.candidates]
        assert len(topics) == len(set(topics))


def test_candidates_are_limited_and_the_score_is_the_answer_gate(index: FaqIndex) -> None:
    result = match(index, "ボランティア", "ja", limit=3)
    scores = [c.score for c in result.candidates]
    assert len(scores) == 3
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert result.evidence is not None and result.score == result.evidence.gate()


def test_two_indistinguishable_topics_are_a_close_call() -> None:
    twins = [
        entry("a", "ja", "集合場所はどこですか？", "正門前に集合します。"),
        entry("b", "ja", "集合場所はどこですか？", "正門前に集合します。"),
        *STORE,
    ]
    result = match(build_index(twins, None), "集合場所はどこ？", "ja")
    assert result.close_call
    assert {c.entry.id for c in result.candidates[:2]} == {"a", "b"}


def test_a_clear_winner_is_not_a_close_call(index: FaqIndex) -> None:
    assert not match(index, "駐車場はありますか？", "ja").close_call


@pytest.mark.parametrize("query", ["", "   ", "？！"])
def test_empty_query_matches_nothing(index: FaqIndex, query: str) -> None:
    result = match(index, query, "ja")
    assert result.best is None and result.candidates == [] and result.score == 0.0


def test_empty_store_matches_nothing() -> None:
    result = match(build_index([], None), "議事録", "ja")
    assert result.best is None and result.candidates == []


def test_a_synonym_in_the_answer_is_a_signal(index: FaqIndex) -> None:
    # 会議録 appears nowhere in the store; the minutes answer says 議事録, its synonym.
    signals, _ = index.signals(index.read("会議録の保管場所"))
    column = signals[:, SIGNALS.index("bm25_answer_synonyms")]
    by_id = dict(zip((e.id for e in index.entries), column.tolist(), strict=True))
    assert by_id["minutes-ja"] > 0
    assert by_id["parking-ja"] == 0


def test_the_answer_map_carries_questions_towards_their_own_answers() -> None:
    generator = np.random.default_rng(7)
    questions = generator.normal(size=(40, 16)).astype(np.float32)
    rotation, _ = np.linalg.qr(generator.normal(size=(16, 16)))
    answers = (questions @ rotation).astype(np.float32)
    mapped = questions @ fit_answer_map(questions, answers)

    def own_answer_cosine(rows: np.ndarray) -> float:
        cosine = (rows * answers).sum(axis=1)
        cosine /= np.linalg.norm(rows, axis=1) * np.linalg.norm(answers, axis=1)
        return float(cosine.mean())

    assert own_answer_cosine(mapped) > 0.95
    assert own_answer_cosine(questions) < 0.5


def test_an_empty_store_maps_queries_unchanged() -> None:
    empty = np.zeros((0, 8), dtype=np.float32)
    assert np.allclose(fit_answer_map(empty, empty), np.eye(8))


def test_the_gate_falls_as_more_of_the_question_goes_unmentioned() -> None:
    gates = [AnswerEvidence(0.6, uncovered, 12).gate() for uncovered in (0.0, 0.4, 0.8)]
    assert gates[0] > gates[1] > gates[2]
    assert gates[0] > 0.5 > gates[2]


def test_across_languages_the_gate_is_the_answerability() -> None:
    assert AnswerEvidence(0.62, None, 30).gate() == 0.62


def test_uncovered_share_counts_words_the_topic_never_uses(index: FaqIndex) -> None:
    assert index.uncovered_share(index.read("駐車場はありますか"), "parking-ja") == 0.0
    assert (
        0.3 < (index.uncovered_share(index.read("駐車場の料金はいくら"), "parking-ja") or 0) < 1.0
    )
    assert index.uncovered_share(index.read("Is there parking?"), "parking-ja") is None


def test_stray_kana_fragments_do_not_count_as_unmentioned_words(index: FaqIndex) -> None:
    # Sudachi cuts kana-typed words into fragments no entry uses (こーでぃねーたー -> こう ...).
    assert index.uncovered_share(index.read("駐車場 こう"), "parking-ja") == 0.0
    assert (index.uncovered_share(index.read("駐車場 料金"), "parking-ja") or 0) > 0


@pytest.fixture(scope="module")
def shipped_index() -> FaqIndex:
    return build_index(load_store(SHIPPED_STORE), None)


@pytest.mark.parametrize(
    "query", ["公民館の駐車場は何台とめられますか", "公民館のWi-Fiのパスワードを教えて"]
)
def test_a_question_on_what_the_topic_never_mentions_is_declined(
    shipped_index: FaqIndex, query: str
) -> None:
    result = match(shipped_index, query)
    assert result.candidates[0].entry.topic == "role-kominkan"  # ranked, yet not an answer
    assert result.best is None


def test_a_katakana_word_missing_its_long_vowel_mark_is_still_found(
    shipped_index: FaqIndex,
) -> None:
    result = match(shipped_index, "アンケトの用紙ほしい")
    assert result.best is not None and result.best.topic == "eval-survey"


def test_misspelt_english_words_are_read_as_the_store_spells_them(
    shipped_index: FaqIndex,
) -> None:
    result = match(shipped_index, "may a compnay put up advertisments at the scool")
    assert result.best is not None and result.best.topic == "agreement-no-ads"


@pytest.mark.parametrize(
    ("query", "restored"),
    [
        ("ほごしゃ むけ の あんけーと は いつ くばるの", "アンケート"),  # typed without converting
        ("ぼらんてぃあ の ほけん", "ボランティア"),
        ("One of the kids got stung by a bee and his hand is swelling", "swelling"),
        ("does the office lend projectors", "does"),
    ],
)
def test_a_question_is_read_in_the_stores_words_without_respelling_real_ones(
    shipped_index: FaqIndex, query: str, restored: str
) -> None:
    assert restored in shipped_index.read(query).cleaned.split()


def test_the_topic_asked_in_its_own_words_is_answered(shipped_index: FaqIndex) -> None:
    result = match(shipped_index, "議事録は誰が書くの？")
    assert result.best is not None and result.best.id == "minutes-author-ja"


class ExtractionLog:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.batches: list[list[str]] = []
        original = faq.match._extract

        def recording(entries: Sequence[FaqEntry]) -> list[EntryFeatures]:
            self.batches.append([e.id for e in entries])
            return original(entries)

        monkeypatch.setattr(faq.match, "_extract", recording)


def test_unchanged_store_loads_from_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = ExtractionLog(monkeypatch)
    first = build_index(STORE, tmp_path)
    second = build_index(STORE, tmp_path)
    assert log.batches == [[e.id for e in STORE]]
    query = "ぎじろくはどこ"
    assert match(first, query, "ja") == match(second, query, "ja")


def test_changed_entry_is_the_only_one_reindexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(STORE, tmp_path)
    log = ExtractionLog(monkeypatch)
    changed = [*STORE[:-1], entry("parking-ja", "ja", "駐車場は使えますか？", "使えません。")]
    result = match(build_index(changed, tmp_path), "駐車場", "ja")
    assert log.batches == [["parking-ja"]]
    assert result.best is not None and result.best.answer == "使えません。"


def test_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_index(STORE, tmp_path)
    (tmp_path / CACHE_FILE).write_bytes(b"not a cache")
    log = ExtractionLog(monkeypatch)
    result = match(build_index(STORE, tmp_path), "ぎじろくはどこ", "ja")
    assert result.best is not None and result.best.id == "minutes-ja"
    assert log.batches == [[e.id for e in STORE]]
    build_index(STORE, tmp_path)
    assert len(log.batches) == 1  # the rebuilt cache was written back


def test_the_seed_cache_holds_every_shipped_entry() -> None:
    seeded = load_features(SEED_CACHE)
    assert {content_hash(entry) for entry in load_store(SHIPPED_STORE)} == set(seeded)
    # One seed, for the current features: an older one would be dead weight in the repository.
    assert [path.name for path in SEED_CACHE.parent.glob("features-*.npz")] == [CACHE_FILE]


def test_a_new_cache_starts_from_the_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = load_store(SHIPPED_STORE)
    edited = [*entries[:-1], entry("parking-ja", "ja", "駐車場は使えますか？", "使えません。")]
    log = ExtractionLog(monkeypatch)
    index = build_index(edited, tmp_path)
    assert log.batches == [["parking-ja"]]  # only the entry the seed does not know
    assert (tmp_path / CACHE_FILE).exists()
    build_index(edited, tmp_path)
    assert len(log.batches) == 1
    result = match(index, "議事録は誰が書くの？")
    assert result.best is not None and result.best.id == "minutes-author-ja"


def test_concurrent_matches_agree_with_sequential_ones(index: FaqIndex) -> None:
    queries = ["ぎじろくはどこ", "How do I apply for a grant?", "駐車場", "台風で中止？"] * 5
    sequential = [match(index, query, "ja") for query in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(lambda query: match(index, query, "ja"), queries))
    assert concurrent == sequential
