"""What people mean in free wording around reminders: a request written as a sentence
(「明日10時に会議をリマインドして」, "remind us tomorrow at 10 about the meeting") and the command
that would do it, so the bot can offer it instead of searching the FAQ; whether the words
after an /edit's new time are a new title or just talk about the time (「開始に変更」), and
which one meeting of a series an edit is for (「今回だけ」, 「1月の回だけ」); and the answer
in a reply to a meeting notice (「出席します」, "can't make it, sorry") or a deadline's
(「提出しました」); and a question about what is coming (「次の会議はいつ？」, "when is the
next meeting?"), which the chat's own agenda answers.

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
# "call" names a meeting after another word ("the zoom call"); first, it is the task itself
# ("remind me tomorrow at 9 to call the school").
_MEETING_WORDS = re.compile(
    r"会議|定例会|委員会|打ち?合わ?せ|ミーティング|交換会|meeting|(?<=\w\s)call\b", re.IGNORECASE
)
MAX_TITLE = 40
# 「定例会の前日に通知してもらえますか」, "remind us before each meeting": a question about what
# the bot can do, timed against an event rather than a date. The FAQ answers those.
_TIMED_AGAINST_EVENT = re.compile(
    r"前日|前の日|前に|直前|当日|事前|毎回|before|prior|ahead|each", re.IGNORECASE
)
# A repetition that names no day (毎月, every week) would make the suggestion guess one.
_DAYLESS_RULE = re.compile(r"^FREQ=(?:WEEKLY|MONTHLY|YEARLY)(?:;INTERVAL=\d+)?(?:;UNTIL=\w+)?$")
# Words about the time itself that people put around an /edit's new time without meaning a
# new title: 「16時開始に変更」, 「時間を16時に」, 「16時スタートで」, "start at 4pm instead",
# "move it to 4pm please". When nothing else is left, the title stays.
_EDIT_FILLER = re.compile(
    r"(?:開始|スタート|始まり|始め|集合|時間|時刻|日程|日時|日付|曜日|予定|会議|ミーティング"
    r"|打ち?合わ?せ|変更|移動|延期|振替|振り替え|変え(?:て|る)?|ずら(?:して|す)|動かして|移して"
    r"|直して|修正|なり(?:ました|ます)|しました|します|して|する|ください|下さい"
    r"|お願い(?:します|いたします|致します)?|よろしく|です|ます|から|より|ごろ|頃"
    r"|次回以降|次回|今後|これから|以降|ずっと|毎回|場所|会場|場所変更|会場変更"
    r"|[でにへをはがのとね])"
    r"|(?:start(?:s|ing)?|begin(?:s|ning)?|at|to|on|for|from|by|the|it|its|this|that|meeting"
    r"|time|date|day|change[ds]?|move[ds]?|moving|(?:re)?schedule[ds]?|shift|set|make|do|meet"
    r"|let'?s|can|could|would|will|we|you|us|please|pls|plz|instead|now|thanks|thank|and|so"
    r"|then|ok|okay|a|an|be|new|rather|onwards?|going|forward|place|venue|room|location"
    r"|all|every|each|meetings)(?![a-z'])"
    r"|[\s、。,.!！?？~〜～:：]",
    re.IGNORECASE,
)
# 「拡大会議に変更」: a new title, and the words asking for the change after it.
_CHANGE_TAIL = re.compile(
    r"(?:(?<=\S)[にへ]|\s+)(?:変更|移動)(?:して|します|する|で|を?お願い(?:します)?|ください"
    r"|下さい)*[\s。.!！]*$|[\s,、]+(?:instead|please)[\s.!]*$",
    re.IGNORECASE,
)
# Which one meeting of a series an /edit is for: the next one (「今回だけ」, 「今回は」,
# 「次回だけ」, "this time only", "just this once")...
_NEXT_ONE = re.compile(
    r"(?:今回|次回|(?:今度|次)の回)(?!以降|以後)(?:だけ|のみ)?(?:は|を|で|も)?(?![ぁ-ゖ])"
    r"|\b(?:(?:only\s+)?(?:for\s+)?(?:this|that|the\s+next)\s+(?:one|time|meeting)\s+only"
    r"|only\s+(?:for\s+)?(?:this|that|the\s+next)\s+(?:one|time|meeting)"
    r"|just\s+(?:for\s+)?(?:this|that|the\s+next)\s+(?:one|once|time|meeting)"
    r"|(?:this|that|just)\s+once|only\s+once|(?:for\s+)?this\s+time"
    r"|(?:just|only)\s+this\s+week|this\s+week\s+only)\b[\s,、]*",
    re.IGNORECASE,
)
# ... or the one on a day, in a week or in a month, said before の回 (「12月8日の回だけ」,
# 「1月の回は」, 「来週の回を」), a date before だけ (「12月8日だけ」), or "only the Jan 12 one",
# "the January meeting only".
_NAMED_ONE = re.compile(
    r"(?:^|(?<=\s))(?P<ja>[^\s]+?)の回(?![\u3400-\u9fff])(?:だけ|のみ)?(?:は|を|で|も)?"
    r"|(?:^|(?<=\s))(?P<date>[^\s]*?\d\s*[月日]|\d{1,2}/\d{1,2})(?:だけ|のみ)(?:は|を|で|も)?"
    r"(?![ぁ-ゖ])"
    r"|\b(?:only|just)\s+(?:the\s+)?(?P<en>[\w/ ]+?)(?:'s)?\s+(?:one|meeting|session)\b"
    r"|\bthe\s+(?P<en2>[\w/ ]+?)(?:'s)?\s+(?:one|meeting|session)\s+only\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class OneMeeting:
    """Words of an /edit saying it is for one meeting of a series, not all of them."""

    which: str  # the day, week or month that meeting is in (「12月8日」, 「1月」), "" for the next
    rest: str  # the edit without these words: the new time, and maybe a new title


def one_meeting(text: str) -> OneMeeting | None:
    """Which one meeting of a series an /edit is for (「今回だけ 16時」, 「1月の回だけ 1月19日」,
    "this time only"), and the rest of its words; None when it is for the whole series."""
    which = ""
    found = _NEXT_ONE.search(text)
    if found is None:
        found = _NAMED_ONE.search(text)
        if found is None:
            return None
        which = next(group for group in found.groups() if group is not None).strip()
    rest = f"{text[: found.start()]} {text[found.end() :]}"
    return OneMeeting(which, " ".join(rest.split()).strip(" ,、"))


def read_edit_words(words: str) -> str | None:
    """The new title in the words left once an /edit's new time is read, or None when they
    only talk about the time (「開始に変更」, "start instead", "move it")."""
    title = words.strip()
    if _only_filler(title):
        return None
    trimmed = _CHANGE_TAIL.sub("", title).strip()
    return title if _only_filler(trimmed) else trimmed


def _only_filler(words: str) -> bool:
    """Whether ``words`` are nothing but words about the time (「時間を」, "move it")."""
    phrase = unicodedata.normalize("NFKC", words)
    at = 0
    while at < len(phrase):
        piece = _EDIT_FILLER.match(phrase, at)
        if piece is None or piece.end() == at:
            return False
        at = piece.end()
    return True


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


# Answers to a meeting notice, read from a short reply. A hedge (「行けたら行きます」,
# 「行けないかも」, "I'll try to come") is a maybe whatever it hedges; then refusals are looked
# for, since they often hold the accepting word (参加できません, can't attend).
_RSVP_LATE = re.compile(
    r"遅れる(?:かも|と思|予定)|遅刻(?:する)?かも|\b(?:might|may)\s+be\s+(?:a\s+(?:bit|little)\s+)?late\b",
    re.IGNORECASE,
)
# 「間に合わないかもですが参加します」: whatever comes before, a firm "I'll attend" at the end.
_RSVP_BUT_YES = re.compile(
    r"(?:が|けど|けれど(?:も)?)[、,\s]*(?:必ず|一応|ちゃんと)?"
    r"(?:参加|出席|行き|伺い|うかがい|参り)(?:します|ます)[。!！\s]*$"
)
_RSVP_HEDGE = re.compile(
    r"かも|(?:行|い|参加|出席|出|伺|来)(?:け|でき|れ|られ)(?:たら|れば)|できれば参加|なるべく"
    r"|\b(?:might|perhaps|possibly|probably\s+not|if\s+i\s+can)\b"
    r"|\btry(?:ing)?\s+to\s+(?:come|make|attend|join|be\s+there)",
    re.IGNORECASE,
)
_RSVP_NO = re.compile(
    r"欠席|不参加|(?<![夏冬春昼連])休み|休ま|やすみ|欠(?:で|です|します)|(?:行|い|伺|うかが|参加|出席|出)"
    r"(?:け|え|せ|でき|れ|られ)(?:ませ|ない|ず|なく|なかっ)|そう(?:に|も)(?:ない|ありません)"
    r"|無理|むり|都合が(?:悪|つき?ませ|合いませ|つかな)|パス(?![ワポタ])|見送|見合わせ|遠慮"
    r"|キャンセル|不在"
    r"|\b(?:can'?t|cannot|can not|won'?t|will not|unable|not)\s+(?:be\s+able\s+to\s+)?"
    r"(?:make|attend|come|join|be there|coming|attending|joining)|\babsent\b"
    r"|\b(?:apologies|regrets|skip(?:ping)?)\b|^\s*no\b|\bcount\s+me\s+out\b"
    r"|\bi'?m\s+out\b|\bi'?ll\s+pass\b|^\s*pass\b",
    re.IGNORECASE,
)
_RSVP_MAYBE = re.compile(
    r"未定|わかりません|分かりません|わからない|分からない|微妙|調整中|検討中|たぶん|多分"
    r"|\b(?:maybe|not sure|tentative(?:ly)?|might|possibly|tbd|unsure)\b",
    re.IGNORECASE,
)
_RSVP_YES = re.compile(
    r"出席(?!者|簿)|参加(?!者|費|人数)|(?:行|い)きます|伺います|うかがいます|参ります|まいります"
    r"|出ます|遅れ|遅刻|(?:行け|いけ|出られ|出れ|来られ|来れ|参加でき|出席でき|伺え|うかがえ)"
    r"(?:ます|る|そう)|途中(?:から|参加|退席|まで)|顔(?:を)?出"
    r"|\b(?:attend(?:ing)?|i'?ll be there|i will be there|count me in|i'?m in|join(?:ing)?"
    r"|coming|will come|see you there|yes|sure|late|on my way)\b",
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
    answers = (
        ("yes", _RSVP_BUT_YES),
        ("yes", _RSVP_LATE),
        ("maybe", _RSVP_HEDGE),
        ("no", _RSVP_NO),
        ("maybe", _RSVP_MAYBE),
        ("yes", _RSVP_YES),
    )
    for answer, pattern in answers:
        if pattern.search(reply):
            return answer
    return None


# 「次の会議はいつ？」, "when is the next meeting?": the chat's agenda answers.
_JA_WHEN = (
    r"\s*(?:いつ|何時|なんじ|何日|何曜|どこ|ある|あります|教えて|を教えて"
    r"|(?:なん|何)(?:だっけ|でしたっけ|ですか|でしょう|だ)|[は]?[?？]"
)
_JA_AGENDA = re.compile(
    r"(?:次|今度|次回|直近|今後|これから|今月|来月|今週|来週)の?"
    r"(?:会議|打ち?合わ?せ|ミーティング|定例会?|委員会|集まり|会合|予定|締め?切り?|〆切|行事)"
    r"(?:の(?:日程|日時|日にち|時間|時刻|場所|会場))?(?:は|って|も)?" + _JA_WHEN + r"|$)"
)
# 「次の情報交換会っていつでしたっけ？」, 「今度の推進委員会の場所どこだっけ」: a meeting named by
# its own word, which the chat's titles may hold. No particle inside the name, and a real
# question word after it (「次の会議で何を話す？」 and 「次の会議の議事録は？」 are not asking).
_JA_NAMED = re.compile(
    r"(?:次|今度|次回|直近)の?(?P<name>[^\sのはをがにでもと、。,.!！?？]{2,20}?)"
    r"(?:の(?:日程|日時|日にち|時間|時刻|場所|会場))?(?:は|って|も)?" + _JA_WHEN + r")"
)
# 「会議室どこ？」, 「会場は？」: where the next meeting is.
_JA_PLACE = re.compile(r"^(?:会議室|会場|場所)(?:は|って)?\s*(?:どこ|[?？])")
_EN_AGENDA = re.compile(
    r"\b(?:when|where|what\s+time|what\s+day)\s*(?:is|'s|does)\s+(?:the\s+|our\s+)?next\s+"
    r"(?:(?P<name>[\w-]+(?:\s+[\w-]+){0,2})\s+)?(?:meeting|session|event|deadline|call)"
    r"|\bwhat'?s\s+(?:coming\s+up|next|on\s+the\s+agenda)"
    r"|\bupcoming\s+(?:meetings|events|deadlines)|^\s*next\s+meeting\s*\??\s*$"
    r"|\bany\s+(?:meetings|deadlines)\s+(?:this|next)\s+(?:week|month)",
    re.IGNORECASE,
)
# A name that says "a meeting" (or an event) by itself: 情報交換会, 推進委員会, 防災訓練.
_MEETINGISH = re.compile(
    r"(?:会|会議|会合|打ち?合わ?せ|ミーティング|MTG|定例|研修|訓練|行事|イベント|集まり|セミナー"
    r"|ワークショップ|講座|教室)$",
    re.IGNORECASE,
)
# Words that name no meeting in particular: the whole agenda answers them.
_GENERIC_NAMES = frozenset(
    {"会議", "打ち合わせ", "打合せ", "打ち合せ", "打合わせ", "ミーティング", "mtg", "予定",
     "集まり", "会合", "行事", "イベント", "締切", "締め切り", "〆切", "the", "our"}
)  # fmt: skip
MAX_AGENDA_QUESTION = 30


@dataclass(frozen=True)
class AgendaQuestion:
    """A question about what is coming in the chat."""

    name: str  # the meeting it names (「情報交換会」), or "" for 「次の会議」, 「今後の予定」
    general: bool  # the whole agenda answers it when no title holds ``name``


def agenda_question(text: str) -> AgendaQuestion | None:
    """What a short message asks about what is coming up in the chat, if it asks that."""
    question = unicodedata.normalize("NFKC", text).strip()
    if not question or _too_long(question, MAX_AGENDA_QUESTION):
        return None
    general = bool(
        _JA_AGENDA.search(question) or _JA_PLACE.search(question) or _EN_AGENDA.search(question)
    )
    named = _JA_NAMED.search(question) or _EN_AGENDA.search(question)
    name = (named.group("name") or "") if named is not None else ""
    if name.lower() in _GENERIC_NAMES:
        name = ""
    if not general and not name:
        return None
    return AgendaQuestion(name, general or bool(_MEETINGISH.search(name)))


def asks_for_agenda(text: str) -> bool:
    """Whether a short message asks what is coming up in the chat, whatever its titles."""
    found = agenda_question(text)
    return found is not None and found.general


# 「何時からでしたっけ？」, 「場所どこ？」, "what time does it start?": in reply to a meeting's
# notice, a question its own date, time and place answer.
_WHEN_OR_WHERE = re.compile(
    r"何時|なんじ|いつ|何日|なんにち|何曜|なんよう|時間|時刻|日時|日程|場所|どこ|会場|何処|部屋"
    r"|\b(?:when|where|what\s+time|what\s+day|which\s+(?:room|day)|start|finish|end)\b",
    re.IGNORECASE,
)
_ASKING = re.compile(
    r"[?？]|っけ|ですか|ますか|でしょうか|いつ|どこ|何時|なんじ"
    r"|^\s*(?:when|where|what|which|does|is|are|do)\b",
    re.IGNORECASE,
)


# 「10時からでしたっけ？」, 「明日でしたっけ」: checking the day or time it gives.
_CHECKING_WHEN = re.compile(
    r"(?:\d{1,2}\s*(?:時|:\d{2})(?:半)?|明日|あした|今日|明後日|あさって|\d{1,2}\s*日|[月火水木金土日]曜日?)"
    r"(?:から|まで)?で?(?:したっけ|だっけ|ですよね|でいい|で合って|であって|でしょうか)"
)


def asks_when_or_where(text: str) -> bool:
    """Whether a short message asks when or where something is (in reply to its notice)."""
    question = unicodedata.normalize("NFKC", text).strip()
    if not question or _too_long(question, MAX_NOTICE_REPLY):
        return False
    if _CHECKING_WHEN.search(question):
        return True
    return bool(_WHEN_OR_WHERE.search(question) and _ASKING.search(question))


def names_title(name: str, title: str) -> bool:
    """Whether a meeting ``title`` holds the ``name`` a question used for it."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return bool(folded) and folded in unicodedata.normalize("NFKC", title).casefold()


# 「提出しました」, 「完了です」, "done", "submitted": a reply saying a deadline's work is done.
_DONE = re.compile(
    r"(?:提出|完了|送付|送信|納品|入稿|対応|作業|回収|集計|準備|手配|申請|報告)"
    r"(?:しました|済み?|いたしました|です|完了|できました|終わりました)"
    r"|(?:出し|送り|終わり|終え|済み|済ませ|でき|揃い|そろい|集まり)ました"
    r"|^\s*(?:完了|済)\s*[。!！]*\s*$"
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
