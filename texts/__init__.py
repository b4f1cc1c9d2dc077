"""Every user-visible string, one module per language; look them up with ``t``."""

from __future__ import annotations

import html
import re

from texts import en, ja

LANGUAGES: dict[str, dict[str, str]] = {"ja": ja.MESSAGES, "en": en.MESSAGES}
DEFAULT_LANG = "ja"


def pick_lang(code: str | None) -> str:
    """Map a Telegram ``language_code`` (or a stored preference) to a supported language."""
    if code and code.lower().startswith("en"):
        return "en"
    if code and code.lower().startswith("ja"):
        return "ja"
    return DEFAULT_LANG if not code else "en"


# Hiragana, katakana (full and half width) and CJK ideographs: text a Japanese writer typed.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Two English words say the text is English ("where is it"); one ("PTA", "ok") says nothing.
MIN_ENGLISH_WORDS = 2


def has_japanese(text: str) -> bool:
    return _JAPANESE.search(text) is not None


def written_lang(text: str) -> str | None:
    """The language ``text`` is written in, when it says: any Japanese script is Japanese, two
    or more Latin words without it are English; None for text too short to tell ("ok", "/agenda")."""
    if has_japanese(text):
        return "ja"
    if len(_LATIN_WORD.findall(text)) >= MIN_ENGLISH_WORDS:
        return "en"
    return None


def t(lang: str, key: str, **kwargs: object) -> str:
    """Return the message ``key`` in ``lang`` (falling back to Japanese), formatted with kwargs."""
    messages = LANGUAGES.get(lang, LANGUAGES[DEFAULT_LANG])
    template = messages.get(key) or LANGUAGES[DEFAULT_LANG][key]
    return template.format(**kwargs) if kwargs else template


# 田中先生, 鈴木様: a name that already carries its honorific is not given another (田中先生さん).
_HONORED = re.compile(r"(?:先生|さん|様|さま|くん|君|ちゃん|殿|氏)\s*$")


def addressed(name: str, lang: str) -> str:
    """``name`` as the bot addresses its owner: 田中さん, while 田中先生 stays as written."""
    return name if _HONORED.search(name) else t(lang, "honorific", name=name)


def plain(text: str) -> str:
    """``text`` without its HTML markup, for what Telegram shows as typed (a button's toast)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters at paragraph, line or sentence
    ends where possible, so a long answer reads naturally across several messages."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for separator in ("\n\n", "\n", "。", ". ", "、", ", ", " "):
            position = window.rfind(separator)
            if position >= limit // 2:
                cut = position + len(separator)
                break
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return pieces
