"""Every user-visible string, one module per language; look them up with ``t``."""

from __future__ import annotations

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
