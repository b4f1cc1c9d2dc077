"""Small talk is recognised only when a message holds nothing else."""

from __future__ import annotations

import pytest

from faq.smalltalk import GOODBYE, GREETING, THANKS, has_words, small_talk


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("こんにちは", GREETING),
        ("こんにちは！", GREETING),
        ("ｺﾝﾆﾁﾊ", GREETING),
        ("はじめまして。よろしくお願いいたします。", GREETING),
        ("みなさん、おつかれさまです〜", GREETING),
        ("Good morning!", GREETING),
        ("hi there", GREETING),
        ("ありがとうございました！助かりました", THANKS),
        ("サンキュー", THANKS),
        ("了解です", THANKS),
        ("okay, thanks", THANKS),
        ("こんにちは、ありがとうございます", THANKS),  # thanks wins over the greeting
        ("おやすみなさい", GOODBYE),
        ("Bye!", GOODBYE),
        ("🙏", THANKS),
        ("👍👍", THANKS),
        ("🙇‍♀️", THANKS),
        ("👍🏻 ", THANKS),
    ],
)
def test_small_talk_alone_is_recognised(text: str, kind: str) -> None:
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "こんにちは、議事録はどこで見られますか",
        "ありがとう、もう一つ質問です",
        "議事録",
        "typhoon",
        "Hello, how do I join?",
        "",
        "！！",
        "こんにちは" * 10,  # a wall of text is not a greeting
    ],
)
def test_anything_with_a_question_in_it_is_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("😀😀😀", False),
        ("？", False),
        ("...!?", False),
        ("ー〜", False),
        ("議事録？", True),
        ("ｈｅｌｐ", True),
        ("2", True),
        ("😀 保険", True),
    ],
)
def test_only_emoji_or_punctuation_has_no_words_to_look_up(text: str, words: bool) -> None:
    assert has_words(text) is words
