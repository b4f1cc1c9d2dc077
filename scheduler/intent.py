"""What people mean in free wording around reminders: a request written as a sentence
(「明日10時に会議をリマインドして」, "remind us tomorrow at 10 about the meeting") and the command
that would do it, so the bot can offer it instead of searching the FAQ; whether the words
after an /edit's new time are a new title or just say "change it"; and the answer in a reply to
a meeting notice (「出席します」, "can't make it, sorry") or a deadline's (「提出しました」); and
a question about what is coming (「次の会議はいつ？」, "when is the next meeting?"), which the
chat's own agenda answers.

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
_DAYLESS_RULE = re.compile(r"^FREQ=(?:WEEKLY|MONTHLY|YEARLY)(?:;INTERVAL=\d+)?(?:;UNTIL=\w+)?$")
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


# Answers to a meeting notice, read from a short reply. Refusals are looked for first, since
# they often hold the accepting word (参加できません, can't attend).
_RSVP_NO = re.compile(
    r"欠席|不参加|休み|やすみ|欠(?:で|です|します)|(?:行|い|伺|うかが|参加|出席|出)"
    r"(?:け|え|でき|れ|られ)(?:ませ|ない|ず)|無理|むり|都合が(?:悪|つき?ませ|合いませ|つかな)"
    r"|\b(?:can'?t|cannot|can not|won'?t|will not|unable|not)\s+(?:be\s+able\s+to\s+)?"
    r"(?:make|attend|come|join|be there|coming|attending|joining)|\babsent\b"
    r"|\b(?:apologies|regrets|skip(?:ping)?)\b|^\s*no\b",
    re.IGNORECASE,
)
_RSVP_MAYBE = re.compile(
    r"未定|わかりません|分かりません|わからない|分からない|微妙|調整中|検討中|たぶん|多分"
    r"|\b(?:maybe|not sure|tentative(?:ly)?|might|possibly|tbd|unsure)\b",
    re.IGNORECASE,
)
_RSVP_YES = re.compile(
    r"出席(?!者|簿)|参加(?!者|費|人数)|(?:行|い)きます|伺います|うかがいます|参ります|まいります|出ます|遅れ|遅刻"
    r"|\b(?:attend(?:ing)?|i'?ll be there|i will be there|count me in|i'?m in|join(?:ing)?"
    r"|coming|will come|see you there|yes|sure)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"[?？]|(?:ですか|ますか|でしょうか)[。\s]*$|教えて|知りたい|どこ|いつ|何|なに|誰|だれ"
    r"|\b(?:how|what|where|when|who|which)\b",
    re.IGNORECASE,
)
MAX_NOTICE_REPLY = 40
# English says the same in about twice the characters.
LATIN_LENGTH_FACTOR = 2


def _too_long(text: str, limit: int) -> bool:
    return len(text) > limit * (LATIN_LENGTH_FACTOR if text.isascii() else 1)


def _short_reply(text: str) -> str | None:
    """A reply to a notice, normalised, if it is short enough to be an answer and not a
    question (those are left to the FAQ)."""
    reply = unicodedata.normalize("NFKC", text).strip()
    if not reply or _too_long(reply, MAX_NOTICE_REPLY) or _QUESTION.search(reply):
        return None
    return reply


def read_rsvp(text: str) -> str | None:
    """ "yes", "no" or "maybe" when a short reply to a meeting notice answers it, else None."""
    reply = _short_reply(text)
    if reply is None:
        return None
    for answer, pattern in (("no", _RSVP_NO), ("maybe", _RSVP_MAYBE), ("yes", _RSVP_YES)):
        if pattern.search(reply):
            return answer
    return None


# 「次の会議はいつ？」, "when is the next meeting?": the chat's agenda answers.
_JA_AGENDA = re.compile(
    r"(?:次|今度|次回|直近|今後|これから|今月|来月|今週|来週)の?"
    r"(?:会議|打ち?合わ?せ|ミーティング|定例会?|委員会|集まり|会合|予定|締め?切り?|〆切|行事)"
    r"(?:の(?:日程|日時|日にち|時間|時刻|場所|会場))?(?:は|って|も)?"
    r"\s*(?:いつ|何時|なんじ|何日|どこ|ある|あります|教えて|を教えて|[は]?[?？]|$)"
)
_EN_AGENDA = re.compile(
    r"\b(?:when|where|what\s+time|what\s+day)\s*(?:is|'s|does)\s+(?:the\s+|our\s+)?next\s+"
    r"(?:meeting|session|event|deadline|call)|\bwhat'?s\s+(?:coming\s+up|next|on\s+the\s+agenda)"
    r"|\bupcoming\s+(?:meetings|events|deadlines)|^\s*next\s+meeting\s*\??\s*$"
    r"|\bany\s+(?:meetings|deadlines)\s+(?:this|next)\s+(?:week|month)",
    re.IGNORECASE,
)
MAX_AGENDA_QUESTION = 30


def asks_for_agenda(text: str) -> bool:
    """Whether a short message asks what is coming up in the chat."""
    question = unicodedata.normalize("NFKC", text).strip()
    if not question or _too_long(question, MAX_AGENDA_QUESTION):
        return False
    return bool(_JA_AGENDA.search(question) or _EN_AGENDA.search(question))


# 「提出しました」, 「完了です」, "done", "submitted": a reply saying a deadline's work is done.
_DONE = re.compile(
    r"(?:提出|完了|送付|送信|納品|入稿|対応|作業)(?:しました|済み?|いたしました|です|完了)"
    r"|(?:出し|送り|終わり|終え|済み|済ませ)ました|^\s*(?:完了|済)\s*[。!！]*\s*$"
    r"|\b(?:done|submitted|finished|completed|sent(?:\s+it)?|all\s+set)\b",
    re.IGNORECASE,
)
_NOT_DONE = re.compile(
    r"まだ|未提出|未完了|できていません|not\s+(?:yet|done)|\bnot\b", re.IGNORECASE
)


def read_done(text: str) -> bool:
    """Whether a short reply to a deadline notice says the work is done."""
    reply = _short_reply(text)
    return reply is not None and bool(_DONE.search(reply)) and not _NOT_DONE.search(reply)


# 「来週に延期」, "postpone to Monday": words that promise a later time than before.
_POSTPONE = re.compile(
    r"延期|遅らせ|後ろ倒し|繰り下げ|先送り|先延ばし|\bpostpone|\bpush(?:ed)?\s+(?:it\s+)?back|\bdelay",
    re.IGNORECASE,
)


def says_postpone(text: str) -> bool:
    """Whether an edit's words say the reminder is put off to later."""
    return bool(_POSTPONE.search(unicodedata.normalize("NFKC", text)))
