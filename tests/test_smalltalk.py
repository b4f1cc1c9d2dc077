"""Small talk is recognised only when a message holds nothing else."""

from __future__ import annotations

import pytest

from faq.smalltalk import ACK, GOODBYE, GREETING, THANKS, has_words, introduces_self, small_talk


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
        ("okay, thanks", THANKS),
        ("こんにちは、ありがとうございます", THANKS),  # thanks wins over the greeting
        ("おやすみなさい", GOODBYE),
        ("Bye!", GOODBYE),
        ("🙏", THANKS),
        ("🙇‍♀️", THANKS),
        ("なるほど、ありがとう！", THANKS),  # thanked: a "you're welcome" fits
        # an acknowledgement: heard, nothing to answer, no thanks to acknowledge
        ("了解です", ACK),
        ("了解しました！", ACK),
        ("承知しました", ACK),
        ("なるほど", ACK),
        ("はい、わかりました", ACK),
        ("オッケーです", ACK),
        ("笑", ACK),
        ("ｗｗｗ", ACK),
        ("OK", ACK),
        ("got it", ACK),
        ("👍", ACK),
        ("👍👍", ACK),
        ("👍🏻 ", ACK),
        ("了解です。よろしくお願いします", ACK),
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


@pytest.mark.parametrize(
    ("text", "introduces"),
    [
        ("はじめまして。今年から公民館で担当になった者です。よろしくお願いします", True),
        ("初めまして、第二小学校の山田と申します。何卒よろしくお願いいたします。", True),
        ("4月から地域連携担当として着任しました。よろしくお願いします", True),
        ("Hi, I'm the new coordinator at the community centre. Nice to meet you!", True),
        # a question, however politely introduced, is still for the matcher
        ("はじめまして。ボランティア保険について教えてください", False),
        ("初めまして、担当者です。議事録はどこで見られますか", False),
        ("Nice to meet you! How do I register as a volunteer?", False),
        ("公民館の利用申込", False),
        ("よろしくお願いします。", False),  # small talk answers that one
    ],
)
def test_a_self_introduction_without_a_question_is_recognised(text: str, introduces: bool) -> None:
    assert introduces_self(text) is introduces
