"""Greetings, thanks and goodbyes sent on their own: a friendly word, not a failed question.

A message counts only when nothing else is left once the known phrases are taken off it, so
"こんにちは、議事録はどこですか" is still a question for the matcher.
"""

from __future__ import annotations

import re
import unicodedata

from faq.normalize import to_hiragana

GREETING = "greeting"
THANKS = "thanks"
GOODBYE = "goodbye"

# Written as they look once folded: NFKC, lower case, hiragana, no spaces, punctuation or ー.
_PHRASES: dict[str, tuple[str, ...]] = {
    THANKS: (
        "どうもありがとうございました", "どうもありがとうございます", "ありがとうございました",
        "ありがとうございます", "ありがとう", "有難うございます", "有難う", "助かりました",
        "たすかりました", "助かります", "さんきゅ", "了解しました", "了解です", "了解",
        "りょうかい", "わかりました", "分かりました", "承知しました", "かしこまりました",
        "thankyousomuch", "thankyou", "thanks", "thx", "ty", "okay", "ok", "gotit", "great",
        "perfect", "cheers",
    ),
    GOODBYE: (
        "さようなら", "さよなら", "またね", "また明日", "おやすみなさい", "おやすみ",
        "失礼いたします", "失礼します", "goodbye", "byebye", "bye", "seeyou", "goodnight",
    ),
    GREETING: (
        "いつもお世話になっております", "お世話になっております", "お世話になります",
        "よろしくお願いいたします", "よろしくお願いします", "よろしくおねがいします",
        "宜しくお願いします", "よろしく", "おはようございます", "おはよう", "こんにちは",
        "こんにちわ", "こんばんは", "こんばんわ", "はじめまして", "初めまして",
        "お疲れ様です", "お疲れさまです", "おつかれさまです", "おつかれさま", "お疲れ様",
        "お疲れ", "おつかれ", "どうも", "もしもし", "やあ", "はろ", "goodmorning",
        "goodafternoon", "goodevening", "hithere", "hieveryone", "hiall", "helloeveryone",
        "hello", "hiya", "hey", "hi", "yo", "皆さん", "みなさん",
    ),
}  # fmt: skip
_PATTERN = re.compile(
    "|".join(
        f"(?P<{kind}_{n}>{re.escape(phrase)})"
        for kind, phrases in _PHRASES.items()
        for n, phrase in enumerate(sorted(phrases, key=len, reverse=True))
    )
)
_NOT_WORDS = re.compile(r"[\W_ー〜~]+")
# 🙏, 👍 or 🙇‍♀️ on their own thank, as in chat they do (skin tones and joiners included).
_THANKS_EMOJI = re.compile(
    r"[\s🙏👍👌🙇♀♂✨😊🙂\u200d\ufe0f\U0001f3fb-\U0001f3ff]*[🙏👍👌🙇][\s\W]*"
)
MAX_LENGTH = 40


def has_words(text: str) -> bool:
    """Whether ``text`` holds any letter, digit, kana or kanji (not only emoji or punctuation)."""
    return bool(_NOT_WORDS.sub("", unicodedata.normalize("NFKC", text)))


def small_talk(text: str) -> str | None:
    """GREETING, THANKS or GOODBYE when ``text`` is nothing but such phrases, else None."""
    if _THANKS_EMOJI.fullmatch(text):
        return THANKS
    folded = _NOT_WORDS.sub("", to_hiragana(unicodedata.normalize("NFKC", text).lower()))
    if not folded or len(folded) > MAX_LENGTH:
        return None
    kinds: set[str] = set()
    position = 0
    while position < len(folded):
        found = _PATTERN.match(folded, position)
        if found is None or found.lastgroup is None:
            return None
        kinds.add(found.lastgroup.rsplit("_", 1)[0])
        position = found.end()
    for kind in (THANKS, GOODBYE, GREETING):
        if kind in kinds:
            return kind
    return None
