"""What people mean in free wording around reminders: a request written as a sentence
(「明日10時に会議をリマインドして」, "remind us tomorrow at 10 about the meeting") and the command
that would do it, so the bot can offer it instead of searching the FAQ; and whether the words
after an /edit's new time are a new title or just say "change it".

Pure: no ``telegram`` import. The suggestion is only made when the parser reads a time and a
title out of what is left once the request words are taken off.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from scheduler.timeparse import parse

_JA_REQUEST = re.compile(
    r"(?:を|の|に|と|って|は)?\s*(?:リマインダー|リマインド|お知らせ|知らせ|通知)"
    r"(?:を)?(?:設定|登録)?(?:して|する|を?お願い(?:します|できますか)?|ください|下さい|ほしい"
    r"|欲しい|できますか|できる|もらえますか|くれますか|くれる|もらえる|て|ね)*\s*[。！!？?．.]*$"
)
_EN_REQUEST = re.compile(
    r"^(?:please\s+|can you\s+|could you\s+|pls\s+)*(?:remind|notify)\s+"
    r"(?:me|us|everyone|everybody|the group|all|people)\s+(?:to\s+|about\s+|of\s+|that\s+)?"
    r"(?P<body>.+?)[.!?]*$|^(?:please\s+)?set (?:a |up a )?reminder\s+(?:for\s+|to\s+|about\s+)?"
    r"(?P<body2>.+?)[.!?]*$",
    re.IGNORECASE,
)
_MEETING_WORDS = re.compile(
    r"会議|定例会|委員会|打ち?合わ?せ|ミーティング|交換会|meeting|call", re.IGNORECASE
)
MAX_TITLE = 40
# 「定例会の前日に通知してもらえますか」, "remind us before each meeting": a question about what
# the bot can do, timed against an event rather than a date. The FAQ answers those.
_TIMED_AGAINST_EVENT = re.compile(
    r"前日|前の日|前に|直前|当日|事前|毎回|before|prior|ahead|each", re.IGNORECASE
)
# A repetition that names no day (毎月, every week) would make the suggestion guess one.
_DAYLESS_RULE = re.compile(r"^FREQ=(?:WEEKLY|MONTHLY|YEARLY)(?:;INTERVAL=\d+)?$")
# What people add after the new time in /edit without meaning a new title: 「15時に変更」,
# "3pm instead".
_EDIT_WORDING = re.compile(
    r"^(?:(?:に|へ|で|から)*(?:変更|移動|延期|振替|振り替え|変えて|ずらして)"
    r"(?:して|します|する|で|を?お願い(?:します)?|ください|下さい)*"
    r"|instead|please|(?:re)?schedule[ds]?|move[ds]?|change[ds]?)?[\s。.!！]*$",
    re.IGNORECASE,
)
# Words saying the change is for one meeting of a series only: 「の回だけ」, 「今回だけ」,
# "this time only", "just this once".
_ONLY_ONCE = re.compile(
    r"^\s*(?:(?:の|この|今回の?|次回の?|今度の?)?回?だけ(?:は|を|で)?(?![ぁ-ゖ])"
    r"|(?:only\s+)?(?:for\s+)?(?:this|that|the\s+next)\s+(?:one|time|meeting)(?:\s+only)?"
    r"|just\s+(?:this|that)\s+(?:one|once|time)|(?:this|that|just)\s+once|only\s+once)[\s,、]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EditWords:
    """What the words left after an /edit's new time say."""

    title: str | None  # a new title, or None when they only say "change it"
    only_once: bool  # the change is for one meeting of a series, not all of them


def read_edit_words(words: str) -> EditWords:
    """Read the words after an /edit's new time: a new title, "change it", or "this one only"."""
    once = _ONLY_ONCE.match(words)
    rest = words[once.end() :] if once else words
    title = rest.strip()
    if not title or _EDIT_WORDING.match(title):
        return EditWords(None, once is not None)
    return EditWords(title, once is not None)


@dataclass(frozen=True)
class ReminderRequest:
    command: str  # "meeting" or "remind"
    text: str  # what follows the command: the user's own words, request phrase removed


def request_body(text: str) -> str | None:
    """What a sentence asks to be reminded of, request words removed (「明日10時に会議」), or
    None when it is not a request for a reminder. Cheap: regular expressions only."""
    sentence = unicodedata.normalize("NFKC", text).strip()
    japanese = _JA_REQUEST.search(sentence)
    if japanese is not None:
        body: str | None = sentence[: japanese.start()]
    else:
        english = _EN_REQUEST.match(sentence)
        body = (english.group("body") or english.group("body2")) if english else None
    body = body.strip(" 、,") if body else None
    return body or None


def reminder_request(body: str, now: datetime, tz: str | ZoneInfo) -> ReminderRequest | None:
    """The command for ``body`` (from ``request_body``), or None if its time or title cannot
    be read."""
    parsed = parse(body, now, tz)
    if parsed.error is not None or parsed.start is None:
        return None
    title = parsed.title.strip()
    if not title or len(title) > MAX_TITLE or _TIMED_AGAINST_EVENT.search(title):
        return None
    if parsed.rrule is not None and _DAYLESS_RULE.match(parsed.rrule):
        return None
    command = "meeting" if _MEETING_WORDS.search(title) else "remind"
    return ReminderRequest(command, body)
