"""Message texts: both languages complete, long answers split cleanly."""

import pytest

from texts import addressed, en, ja, pick_lang, plain, split_text, t, written_lang


def test_languages_have_the_same_keys() -> None:
    assert set(ja.MESSAGES) == set(en.MESSAGES)


@pytest.mark.parametrize(
    ("code", "lang"), [("ja", "ja"), ("en-US", "en"), ("EN", "en"), (None, "ja"), ("fr", "en")]
)
def test_pick_lang(code: str | None, lang: str) -> None:
    assert pick_lang(code) == lang


def test_lookup_formats_and_falls_back_to_japanese() -> None:
    assert "42" in t("en", "admin.reload_ok", total=42, added=1, updated=0, removed=0)
    assert t("xx", "lang.set") == ja.MESSAGES["lang.set"]


@pytest.mark.parametrize(
    "text",
    [
        "短い回答。",
        "一文です。" * 2000,
        ("A paragraph of English text. " * 40 + "\n\n") * 10,
        "x" * 9000,
    ],
)
def test_split_text_keeps_everything_within_the_limit(text: str) -> None:
    pieces = split_text(text, 1000)
    assert all(0 < len(piece) <= 1000 for piece in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.strip().replace(
        "\n", ""
    ).replace(" ", "")


def test_split_text_prefers_sentence_ends() -> None:
    pieces = split_text("一文です。" * 400, 1000)
    assert all(piece.endswith("。") for piece in pieces)


def test_plain_drops_markup_for_toasts() -> None:
    refusal = plain(t("ja", "rem.not_admin"))
    assert "<code>" not in refusal and "/agenda" in refusal
    assert plain("<b>A &amp; B</b>") == "A & B"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ボランティア保険って必要ですか？", "ja"),
        ("明日10時 防災WG定例", "ja"),
        ("ｶﾂﾄﾞｳ", "ja"),  # half-width katakana
        ("where are the minutes?", "en"),
        ("PTA meeting", "en"),
        ("PTA", None),  # one word says nothing
        ("ok", None),
        ("", None),
        ("12/10 15:00", None),
    ],
)
def test_the_language_a_text_is_written_in(text: str, lang: str | None) -> None:
    assert written_lang(text) == lang


@pytest.mark.parametrize(
    ("name", "lang", "shown"),
    [
        ("田中", "ja", "田中さん"),
        ("田中 先生", "ja", "田中 先生"),  # not 田中 先生さん
        ("鈴木様", "ja", "鈴木様"),
        ("Emma", "en", "Emma"),
    ],
)
def test_a_name_gets_one_honorific(name: str, lang: str, shown: str) -> None:
    assert addressed(name, lang) == shown
