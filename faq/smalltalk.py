"""Greetings, thanks, goodbyes and acknowledgements sent on their own: a friendly word (or,
for a plain 「了解です」, none), not a failed question; and a self-introduction
(「はじめまして。今年から公民館の担当になりました」), which gets a welcome, not an FAQ answer.

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
# 「了解です」, 「なるほど」, 👍, 笑: heard; nothing to answer, and no thanks to acknowledge
ACK = "ack"

# Written as they look once folded: NFKC, lower case, hiragana, no spaces, punctuation or ー.
_PHRASES: dict[str, tuple[str, ...]] = {
    THANKS: (
        "どうもありがとうございました", "どうもありがとうございます", "ありがとうございました",
        "ありがとうございます", "ありがとう", "有難うございます", "有難う", "助かりました",
        "たすかりました", "助かります", "さんきゅ", "thankyousomuch", "thankyou", "thanks",
        "thx", "ty", "cheers",
    ),
    ACK: (
        "了解しました", "了解です", "了解", "りょうかい", "りょ", "わかりました", "分かりました",
        "わかった", "分かった", "承知しました", "承知いたしました", "承知です", "かしこまりました",
        "確認しました", "なるほどです", "なるほど", "そうなんですね", "そうですね", "いいですね",
        "はい", "おっけです", "おっけ", "okです", "笑", "草", "w", "okay", "ok", "gotit",
        "great", "perfect", "noted", "cool", "nice", "sure", "alright", "understood", "lol",
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
# 🙏 or 🙇‍♀️ on their own thank, as in chat they do; 👍 or 👌 say "OK" (skin tones and joiners
# included).
_EMOJI_ONLY = re.compile(
    r"[\s🙏👍👌🙇♀♂✨😊🙂😄😆\u200d\ufe0f\U0001f3fb-\U0001f3ff]*[🙏👍👌🙇][\s\W]*"
)
_THANKS_EMOJI = re.compile(r"[🙏🙇]")
MAX_LENGTH = 40

# A self-introduction: how people start in a new role, with no question in it.
_INTRODUCTION = re.compile(
    r"はじめまして|初めまして|(?:と|って)申します|と言います|者です|担当(?:になり|になった|します"
    r"|させて)|着任|赴任|配属|異動|\bnice\s+to\s+meet\s+you\b|\bmy\s+name\s+is\b"
    r"|\bi'?m\s+(?:the\s+)?new\b|\bi(?:'ve|\s+have)?\s+just\s+(?:joined|started)\b",
    re.IGNORECASE,
)
_ASKS = re.compile(
    r"[?？]|か[。.!！\s]*$|か。|ですか|ますか|でしょうか|教えて|知りたい|ください|下さい|どう(?:すれ|したら"
    r"|やって|やれ)|方法|いつ|どこ|何(?!卒)|なに|誰|だれ|どれ"
    r"|\b(?:how|what|where|when|who|which|can\s+i|could\s+you|please)\b",
    re.IGNORECASE,
)
MAX_INTRODUCTION = 200


def has_words(text: str) -> bool:
    """Whether ``text`` holds any letter, digit, kana or kanji (not only emoji or punctuation)."""
    return bool(_NOT_WORDS.sub("", unicodedata.normalize("NFKC", text)))


def small_talk(text: str) -> str | None:
    """THANKS, GOODBYE, ACK or GREETING when ``text`` is nothing but such phrases, else None."""
    if _EMOJI_ONLY.fullmatch(text):
        return THANKS if _THANKS_EMOJI.search(text) else ACK
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
    for kind in (THANKS, GOODBYE, ACK, GREETING):
        if kind in kinds:
            return kind
    return None


def introduces_self(text: str) -> bool:
    """Whether ``text`` is someone introducing themselves, with no question to answer."""
    message = unicodedata.normalize("NFKC", text).strip()
    return (
        len(message) <= MAX_INTRODUCTION
        and bool(_INTRODUCTION.search(message))
        and not _ASKS.search(message)
    )
