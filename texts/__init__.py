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


def t(lang: str, key: str, **kwargs: object) -> str:
    """Return the message ``key`` in ``lang`` (falling back to Japanese), formatted with kwargs."""
    messages = LANGUAGES.get(lang, LANGUAGES[DEFAULT_LANG])
    template = messages.get(key) or LANGUAGES[DEFAULT_LANG][key]
    return template.format(**kwargs) if kwargs else template


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
