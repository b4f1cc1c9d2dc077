import dataclasses
import time
from pathlib import Path

import pytest

from faq.store import (
    FaqEntry,
    StoreError,
    StoreProblem,
    content_hash,
    load_store,
    parse_store,
)

SHIPPED_STORE = Path(__file__).resolve().parent.parent / "faq" / "data" / "store.yaml"
LOCALGOV_STORE = Path("/work/shared/peer/localgovfaq/store.yaml")

MINIMAL = """\
- id: meeting-minutes
  lang: ja
  question: 議事録は誰が書きますか？
  alternates: []
  answer: 事務局が作成します。
  tags: []
"""


def problems_of(text: str) -> list[StoreProblem]:
    with pytest.raises(StoreError) as caught:
        parse_store(text)
    return caught.value.problems


def test_minimal_form_is_accepted_exactly() -> None:
    assert parse_store(MINIMAL) == [
        FaqEntry(
            id="meeting-minutes",
            lang="ja",
            question="議事録は誰が書きますか？",
            alternates=(),
            answer="事務局が作成します。",
            tags=(),
            topic=None,
            related=(),
            line=1,
        )
    ]


def test_full_form_with_twins_and_related_links() -> None:
    text = """\
# comment lines before the list do not shift entry lines off
- id: minutes-ja
  lang: ja
  topic: minutes
  question: "  議事録はどこ？  "
  alternates: [議事録の場所, 前回の議事録]
  answer: |
    共有フォルダにあります。\x20\x20\x20
    事務局に聞いてください。

  tags: [meetings]
  related: [report-ja]
- id: minutes-en
  lang: en
  topic: minutes
  question: Where are the minutes?
  alternates:
    - minutes location
  answer: In the shared folder.
  tags: [meetings, bot]
- id: report-ja
  lang: ja
  question: 実績報告書とは？
  alternates: ~
  answer: 活動の報告書です。
  tags:
"""
    ja, en, report = parse_store(text)
    assert (ja.line, en.line, report.line) == (2, 13, 21)
    assert ja.question == "議事録はどこ？"
    assert ja.answer == "共有フォルダにあります。\n事務局に聞いてください。"
    assert ja.alternates == ("議事録の場所", "前回の議事録")
    assert (ja.topic, en.topic, report.topic) == ("minutes", "minutes", None)
    assert ja.related == ("report-ja",)
    assert en.tags == ("meetings", "bot")
    assert (report.alternates, report.tags) == ((), ())


def test_scalar_text_is_kept_as_written() -> None:
    # YAML would read these as a date and a boolean; authors mean the text they typed.
    text = "- id: a\n  lang: en\n  question: 2024-08-30\n  answer: yes\n"
    (entry,) = parse_store(text)
    assert (entry.question, entry.answer) == ("2024-08-30", "yes")


VALID_SECOND = """\
- id: second
  lang: en
  question: Q
  alternates: []
  answer: A
  tags: []
"""

# Each case: store text, then the (line, entry id, message fragment) of every expected problem.
PROBLEM_CASES: list[tuple[str, str, list[tuple[int | None, str | None, str]]]] = [
    (
        "bad yaml",
        "- id: a\n  lang: [ja\n  question: Q\n",
        [(3, None, "invalid YAML")],
    ),
    (
        "bad yaml reports where the construct started",
        '- id: a\n  question: "unclosed\n',
        [(3, None, "started at line 2")],
    ),
    ("empty file", "", [(None, None, "empty")]),
    ("top level mapping", "id: a\nlang: ja\n", [(1, None, "top level must be a list")]),
    ("top level scalar", "hello\n", [(1, None, "top level must be a list")]),
    (
        "entry not a mapping",
        "- just a sentence\n" + VALID_SECOND,
        [(1, None, "entry must be a mapping")],
    ),
    (
        "missing id",
        "- lang: ja\n  question: Q\n  answer: A\n",
        [(1, None, "missing or empty 'id'")],
    ),
    (
        "empty question",
        '- id: a\n  lang: ja\n  question: "  "\n  answer: A\n',
        [(3, "a", "missing or empty 'question'")],
    ),
    (
        "null answer",
        "- id: a\n  lang: ja\n  question: Q\n  answer:\n",
        [(4, "a", "missing or empty 'answer'")],
    ),
    ("missing answer", "- id: a\n  lang: ja\n  question: Q\n", [(1, "a", "'answer'")]),
    (
        "question is a list",
        "- id: a\n  lang: ja\n  question: [Q]\n  answer: A\n",
        [(3, "a", "'question' must be text")],
    ),
    (
        "lang not ja or en",
        "- id: a\n  lang: fr\n  question: Q\n  answer: A\n",
        [(2, "a", "lang must be 'ja' or 'en', found 'fr'")],
    ),
    (
        "lang missing",
        "- id: a\n  question: Q\n  answer: A\n",
        [(1, "a", "lang must be 'ja' or 'en', found missing")],
    ),
    (
        "duplicate id",
        VALID_SECOND + VALID_SECOND,
        [(7, "second", "duplicate id 'second' (first at line 1)")],
    ),
    (
        "id not a slug",
        "- id: Meeting Minutes\n  lang: ja\n  question: Q\n  answer: A\n",
        [(1, "Meeting Minutes", "not a slug")],
    ),
    (
        "id starting with a dash",
        "- id: -minutes\n  lang: ja\n  question: Q\n  answer: A\n",
        [(1, "-minutes", "not a slug")],
    ),
    (
        "alternates is a single string",
        "- id: a\n  lang: ja\n  question: Q\n  alternates: 議事録\n  answer: A\n",
        [(4, "a", "'alternates' must be a list of strings")],
    ),
    (
        "tags item is a mapping",
        "- id: a\n  lang: ja\n  question: Q\n  answer: A\n  tags:\n    - {x: y}\n",
        [(6, "a", "'tags' item 1 must be a string")],
    ),
    (
        "related item is empty",
        '- id: a\n  lang: ja\n  question: Q\n  answer: A\n  related: ["second", ""]\n'
        + VALID_SECOND,
        [(5, "a", "'related' item 2 is empty")],
    ),
    (
        "typo'd key is rejected with a suggestion",
        "- id: a\n  lang: ja\n  question: Q\n  alternate: [x]\n  answer: A\n",
        [(4, "a", "unknown key 'alternate' (did you mean 'alternates'?)")],
    ),
    (
        "unrelated unknown key lists the allowed keys",
        "- id: a\n  lang: ja\n  question: Q\n  answer: A\n  priority: 3\n",
        [(5, "a", "allowed: id, lang")],
    ),
    (
        "key given twice",
        "- id: a\n  lang: ja\n  question: Q\n  answer: A\n  answer: B\n",
        [(5, "a", "key 'answer' given twice (first at line 4)")],
    ),
    (
        "related names an unknown id",
        "- id: a\n  lang: ja\n  question: Q\n  answer: A\n  related: [nowhere]\n",
        [(1, "a", "related names unknown id 'nowhere'")],
    ),
    (
        "related names the entry itself",
        "- id: a\n  lang: ja\n  question: Q\n  answer: A\n  related: [a]\n",
        [(1, "a", "related lists the entry itself")],
    ),
    (
        "topic with two entries of the same lang",
        "- id: a\n  lang: ja\n  topic: t\n  question: Q\n  answer: A\n"
        "- id: b\n  lang: ja\n  topic: t\n  question: Q\n  answer: A\n",
        [(6, "b", "topic 't' already has a 'ja' entry 'a' (line 1)")],
    ),
    (
        "topic not a slug",
        "- id: a\n  lang: ja\n  topic: Minutes!\n  question: Q\n  answer: A\n",
        [(3, "a", "topic 'Minutes!' is not a slug")],
    ),
    (
        "all problems are collected, in line order",
        "- id: a\n  lang: jp\n  question: Q\n  answer: A\n"
        "- id: b\n  lang: en\n  question: Q\n  answer: A\n  related: [zzz]\n"
        "- id: a\n  lang: ja\n  question: Q\n",
        [
            (2, "a", "lang must be"),
            (5, "b", "unknown id 'zzz'"),
            (10, "a", "missing or empty 'answer'"),
            (10, "a", "duplicate id 'a' (first at line 1)"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in PROBLEM_CASES],
)
def test_store_problems_are_reported_with_lines(
    text: str, expected: list[tuple[int | None, str | None, str]]
) -> None:
    problems = problems_of(text)
    assert [(p.line, p.entry_id) for p in problems] == [(line, eid) for line, eid, _ in expected]
    for problem, (_, _, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message


def test_a_broken_entry_does_not_cascade_into_unknown_related_ids() -> None:
    text = (
        "- id: a\n  lang: xx\n  question: Q\n  answer: A\n"
        "- id: b\n  lang: ja\n  question: Q\n  answer: A\n  related: [a]\n"
    )
    assert [p.message for p in problems_of(text)] == ["lang must be 'ja' or 'en', found 'xx'"]


def test_error_text_lists_every_problem_with_line_and_id() -> None:
    text = VALID_SECOND + VALID_SECOND + "- id: c\n  lang: ja\n  question: Q\n  anser: A\n"
    with pytest.raises(StoreError) as caught:
        parse_store(text, source="store.yaml")
    assert str(caught.value).splitlines() == [
        "store.yaml: 3 problems in FAQ store",
        "line 7 (second): duplicate id 'second' (first at line 1)",
        "line 13 (c): missing or empty 'answer'",
        "line 16 (c): unknown key 'anser' (did you mean 'answer'?)",
    ]


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(StoreError) as caught:
        load_store(missing)
    assert str(caught.value).splitlines() == [
        f"{missing}: 1 problem in FAQ store",
        "file not found",
    ]


def test_directory_instead_of_file_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        load_store(tmp_path)
    assert "cannot read file" in caught.value.problems[0].message


def test_non_utf8_file_reports_the_offending_line(tmp_path: Path) -> None:
    path = tmp_path / "store.yaml"
    path.write_bytes(MINIMAL.replace("事務局が作成します。", "事務局").encode("shift_jis"))
    with pytest.raises(StoreError) as caught:
        load_store(path)
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "not valid UTF-8" in problem.message


def test_utf8_file_with_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "store.yaml"
    path.write_bytes(MINIMAL.encode("utf-8-sig"))
    assert [entry.id for entry in load_store(path)] == ["meeting-minutes"]


def test_content_hash_ignores_position_but_not_content() -> None:
    (entry,) = parse_store(MINIMAL)
    (shifted,) = parse_store("# moved down\n\n" + MINIMAL)
    assert shifted.line != entry.line
    assert content_hash(shifted) == content_hash(entry)
    assert len(content_hash(entry)) == 64
    variants = [
        dataclasses.replace(entry, id="other"),
        dataclasses.replace(entry, lang="en"),
        dataclasses.replace(entry, question="別の質問"),
        dataclasses.replace(entry, alternates=("議事録",)),
        dataclasses.replace(entry, answer="公民館が作成します。"),
        dataclasses.replace(entry, tags=("meetings",)),
        dataclasses.replace(entry, topic="minutes"),
        dataclasses.replace(entry, related=("x",)),
    ]
    hashes = {content_hash(variant) for variant in variants}
    assert content_hash(entry) not in hashes
    assert len(hashes) == len(variants)


PINNED_MINIMAL_HASH = "a2321f6c9f56c33c8650b30456a62ad82c76f26bb32a6bd40c984679114bdbb7"


def test_content_hash_is_stable_across_runs() -> None:
    (entry,) = parse_store(MINIMAL)
    # Pinned: DB sync relies on the hash not changing between releases for unchanged entries.
    assert content_hash(entry) == PINNED_MINIMAL_HASH


def test_shipped_store_loads_with_enough_entries_in_both_languages() -> None:
    entries = load_store(SHIPPED_STORE)
    langs = [entry.lang for entry in entries]
    assert langs.count("ja") >= 30
    assert langs.count("en") >= 30
    assert len(entries) >= 60


def test_shipped_store_follows_the_editorial_rules() -> None:
    entries = load_store(SHIPPED_STORE)
    by_id = {entry.id: entry for entry in entries}
    browser_tags = {
        "program",
        "roles",
        "volunteer",
        "meetings",
        "grants",
        "evaluation",
        "agreement",
        "communication",
        "privacy",
        "safety",
        "bot",
    }
    for entry in entries:
        # Alternates are the ways people ask: enough to cover casual, polite and keyword forms.
        assert 5 <= len(entry.alternates) <= 12, entry.id
        assert 1 <= len(entry.tags) <= 3 and set(entry.tags) <= browser_tags, entry.id
        # Related questions are shown as buttons, so they must be in the asker's language.
        assert all(by_id[target].lang == entry.lang for target in entry.related), entry.id
        assert "http" not in entry.answer, entry.id
    langs_by_topic: dict[str, set[str]] = {}
    for entry in entries:
        if entry.topic:
            langs_by_topic.setdefault(entry.topic, set()).add(entry.lang)
    # Every shipped answer exists in both languages: each entry has its ja/en twin.
    assert all(entry.topic for entry in entries)
    assert all(langs == {"ja", "en"} for langs in langs_by_topic.values())
    assert len(langs_by_topic) >= 30
    # A Japanese and an English reader are offered the same related topics.
    twin = {(entry.topic, entry.lang): entry for entry in entries}
    for entry in entries:
        other = twin[(entry.topic, "en" if entry.lang == "ja" else "ja")]
        assert {by_id[target].topic for target in entry.related} == {
            by_id[target].topic for target in other.related
        }, entry.id


@pytest.mark.skipif(not LOCALGOV_STORE.exists(), reason="peer LocalgovFAQ store not present")
def test_localgov_store_loads_quickly() -> None:
    started = time.perf_counter()
    entries = load_store(LOCALGOV_STORE)
    elapsed = time.perf_counter() - started
    assert len(entries) == 1786
    assert all(entry.lang == "ja" and entry.answer for entry in entries)
    assert elapsed < 2.0, f"loading took {elapsed:.2f}s"
