"""Turn the ``<when>`` part of a reminder command into a start time, an RRULE and a title.

Japanese and English are read by regular expressions over a normalised copy of the text (NFKC,
lower case, kanji and English number words turned into digits); every normalised character
remembers where it came from, so the title is cut out of the text exactly as the user wrote it.

Conventions (documented here because users and tests rely on them):
- A bare hour is read on the 24-hour clock (``7時`` / ``at 7`` is 07:00) unless a part of the day
  says otherwise (午後, 夜, pm, in the evening ...). An hour written with am/pm alone is 1-12
  (``13pm`` is refused as ``invalid_time``), while ``15:30pm`` and ``午後15時`` are simply 15:30
  and 15:00 (the 24-hour clock already says it); ``15:30am`` contradicts itself and is refused.
  A bare hour in ``EARLY_BARE_HOURS`` is flagged (``early_bare_hour``) so the reply can say so.
  ``AM`` / ``PM`` alone right after a day (``明日PM``, ``Monday AM``) are 午前 / 午後. Minutes
  read as a length (``5分間``, ``30分程度``) are not minutes past the hour before them, nor are
  60 or more set apart from it (``13時 90分の研修`` is at 13:00; ``13時90分`` is
  ``invalid_time``).
- A time with no date is its next occurrence strictly after now (today, else tomorrow).
- A date with no year is the next such date that is not in the past.
- A date with no time of day (``12月10日``, ``明日``, ``3日後``) is at 09:00 (``DEFAULT_HOUR``): a
  deadline or meeting on a day is best announced at the start of the working day. A part of the
  day without a clock time (``明日の夜``) uses ``PART_DEFAULT_HOURS``.
- Offsets in minutes or hours (``30分後``, ``in 2 hours``) are elapsed time: now plus the offset
  on the UTC time line, so across a DST change the wall clock moves by more or less. Offsets in
  days or longer (``3日後``, ``in 2 days``) are calendar days at the same wall-clock time.
- ``次の月曜`` / ``next Monday`` / ``その次の月曜`` is the coming Monday after today, ``この土曜``
  the coming Saturday; ``来週月曜`` is Monday of the next calendar week (weeks start on Monday).
  English week words name the same weeks before either language's weekday: ``next week 水曜``
  / ``next week Wednesday``, ``this week 金曜``, ``week after next Wednesday``, ``next 水曜``.
  On a Sunday, a day of ``今週`` already past is the coming one (Japanese calendars start the
  week on Sunday, so 今週金曜 is five days ahead). ``a week from Friday`` / ``a week on
  Friday`` / ``a week from tomorrow`` are the coming such day (today counts) a week later
  (``two weeks from``: two). ``年明けの11日`` / ``年明けの月曜`` are that day of January / the
  first such weekday from 1 January of the coming year (in January, from today).
- A month with no day (``来年3月``, ``in March``, ``March 2027``) is refused (``month_only``)
  unless a day is given elsewhere, and so is a month or year said relative to now (``来月 広報誌``,
  ``今月 10時``, ``next month``, ``来年 10時``) unless it starts a series (``来月から``);
  ``3月中`` / ``3月いっぱい`` is a deadline at 23:59 on its last day (after a repetition it ends
  the series instead, see below).
- A range (``15時から17時``, ``3pm-5pm``) starts at its first time; its end gives ``duration``,
  taken as typed: a bare end hour below 12 after an afternoon start is on the afternoon clock
  (``午後2時〜4時`` ends at 16:00), an earlier end after a start from 18:00 or an end said to be
  in the morning is on the next day (``22時〜1時``, ``午後5時から朝3時まで``), and any other end at
  or before the start is refused (``end_before_start``: ``10:00-9:00``); over 12 hours is not a
  range.
- Recurrences start at their first occurrence strictly after now, or, when a start day is
  given (``12月18日から隔週金曜``, ``every Tuesday starting Dec 15``, ``1月から毎月第2火曜``,
  ``来年4月から``, ``来月から`` / ``starting next month``, ``from January``, ``来年度から`` /
  ``令和9年度より`` (1 April of that fiscal year), ``来週から`` / ``再来週以降`` / ``starting
  next week`` (that week's Monday; the week adds no Monday to the rule, and ``来週から毎日``
  stays daily), or a period right before the rule without から: ``来年度 毎週木曜``, ``来月
  毎週火曜``), at the first one on or after that day,
  which also sets the phase of 隔週 / every other week. A start day in the last month means the
  series is already running. ``月1回`` / ``月に1回`` repeat monthly, ``2週に1回`` /
  ``2週間に1度`` every other week, ``週1`` weekly, ``3か月に1度`` / ``四半期ごと`` every three
  months and ``半年に1回`` / ``半年ごと`` every six (``FREQ=MONTHLY;INTERVAL=3`` / ``6``; the
  days come from the rest of the text).
- A date before まで / after until ends a series (``毎週木曜 16時 3月25日まで``, ``every Friday
  until Dec 25``): ``UNTIL`` at 23:59:59 local time of that day (the stored form; calendar
  export gives it in UTC). A series that would end before its first occurrence is ``past``.
  A month ends it on its last day: ``3月まで``, ``来年3月まで``, ``1月から3月まで``, ``until
  March``, ``through the end of March``, and after a repetition ``3月いっぱい`` / ``3月中``
  (``毎週水曜 16時 3月いっぱい`` starts this week, not on 31 March); in a one-off ``3月まで``
  is still ``month_only``. Two dates joined by a range word in a repetition (``1月12日〜3月16日
  毎週火曜``, ``from Jan 12 to Mar 16``, ``Jan 12 - Mar 16``) are its first and last day.
- A day said to be off (``※12/23は休み``, ``（12/8は中止）``, ``12/10に延期``: a date before
  は休み / 中止 / 延期 / なし, or after ※) or a date in brackets after a complete day and time
  (``明日 10時 打合せ（12/10に延期の可能性あり）``) is a note kept in the title, not the start.
  The parser has no place for days off; ``/skip`` calls an occurrence off.
- One reminder has one time of day: two clock times listed with と / ・ / 、 / and (``毎日 9時と
  17時``, ``daily 9am and 5pm``) are refused (``two_times``: register two reminders) rather
  than the second dropped; ``between 3pm and 5pm`` and ``15時から17時`` stay ranges.
- ``毎月最終営業日`` / ``every last business day`` (and ``第3営業日``) are the n-th of the
  month's Mondays to Fridays (``BYDAY=MO,TU,WE,TH,FR;BYSETPOS=n``); holidays are not known, so
  ``祝日除く`` stays in the title rather than pretending to be honoured.
- Deadlines: ``今日中`` / ``今夜中`` / ``明日中`` / ``今月中`` / ``今月内`` / ``月内`` / ``年内``
  (also with 〆: ``年内〆``) end the day at 23:59, ``今週中`` / ``今週内`` / ``週内`` /
  ``来週中`` the working week (Friday 23:59); the business idioms
  ``EOD`` / ``COB`` / ``end of day`` mean 17:00. ``朝イチ`` / ``first thing`` is 09:00, ``昼前``
  11:00, ``昼過ぎ`` / ``午後イチ`` 13:00.
- Periods name their first day: bare ``来週`` / ``next week`` is that week's Monday, ``週明け``
  the coming Monday, ``来月から`` (a one-off) and ``月初`` a 1st, ``上旬/中旬/下旬`` the 1st /
  11th / 21st; ``月末`` / ``最終日`` / ``3月末`` / ``end of month`` the last day (``毎月最終日``
  is ``BYMONTHDAY=-1``, ``毎月最終日曜`` the last Sunday), ``年度末`` 31 March and
  ``年度初め`` 1 April (the Japanese fiscal year runs April to March); ``上期末`` / ``下期末``
  are the next 30 September / 31 March (上期 April-September, 下期 October-March);
  ``令和8年度末`` / ``2026年度末`` are 31 March 2027, and ``来年度 4月15日`` is read in the
  next fiscal year (in February 2027 that is April 2027), as is ``新年度 4月5日`` (新年度
  alone is the next 1 April). ``年末 28日`` is 28 December. ``週末`` / ``this weekend``
  is the coming Saturday, while ``土日``, ``毎週末`` and ``weekends`` repeat on Saturday and
  Sunday.
- ``N日おき`` skips N days (every N+1 days); ``2週間おき`` / ``2か月おき`` are every 2 weeks /
  months, ``1週間おき`` / ``1か月おき`` every other week / month.
- Repeating dates keep the rule minimal: ``毎年4月1日`` is ``FREQ=YEARLY`` from its start, but
  ``毎年3月末`` needs ``BYMONTH=3;BYMONTHDAY=-1`` and ``毎年12月第1水曜`` ``BYMONTH=12;BYDAY=1WE``.
  Lists repeat by themselves: ``毎月15日と30日`` is ``BYMONTHDAY=15,30``, ``毎月15日と月末``
  ``BYMONTHDAY=15,-1`` (the last day listed last), ``第2・第4火曜`` ``BYDAY=2TU,4TU``.
- Slashed dates are month/day (``12/10``), except in chats whose zone writes the day first
  (``DAY_FIRST_ZONE_PREFIXES`` Europe/*, Australia/*, and ``DAY_FIRST_ZONES`` Pacific/Auckland,
  Asia/Singapore, Asia/Hong_Kong, Asia/Kolkata), where ``31/12`` and ``05/01`` are day/month
  (5 January), unless the text is Japanese or only month/day makes a date (``12/31``).
- A named zone (``3pm PST``, ``15:00 UTC``, ``日本時間``, an ISO ``+09:00`` / ``Z``) is read in
  that zone and the result given in the chat's zone; naming the chat's own zone changes nothing.
- Text after ``@`` is a place (``10時 @ 第2会議室``) once a time came before it, while an ``@``
  right before a clock time is "at" (``tomorrow @ 3pm``, ``明日＠10時``); a second date,
  or a date after a clock time, glued to a word stays in the title (``年度末評価``, ``月末締め``,
  ``23時 明日の準備``, ``at 8pm prepare Monday's slides``), also through まで(の/に) / からの
  (``明日 11時 年度末までの予定``, ``明日 10時 4月からの新体制``, ``明日 10時 来月の予定表``), as
  does a second clock time, not a range end, before の / からの and a word (``明日 13時
  3時のおやつ当番``); ``the 2nd-year handouts`` keeps its hyphenated ordinal, ``正午締切`` /
  ``水曜〆`` lose their deadline mark like ``17時締切``; and so does an English ordinal or
  weekday before a noun once a date was given (``Thursday 3pm 2nd floor``, ``last day of
  sign-ups``, ``tomorrow 9am Sunday school``), as does a weekday and part of the day before
  a noun (``Dec 14 10am plan the Saturday morning club``) and ``週末の夜回り``. An English date
  before a colon is a date (``Dec 18: submit``); ``due`` / ``deadline`` leading into the time
  stay in the title unless a colon after the time introduces it (``due Friday noon: consent
  forms``), while ``no later than`` never does; 必着 / 提出期限 stay in the title, while
  ``頃`` / ``前後`` after a clock time and ``までに`` / ``迄に`` / ``以降`` after the time, glued
  or standing alone (``12月25日 までに 報告書提出``), leave it. Requests
  to the bot around the time leave it: ``…に設定してください``,
  ``…するようリマインドお願いします``, ``Please remind me … to``, ``Can you set a reminder
  for …:``.
- Parts of the day (morning, 夜, lunch ...) and frequency words (daily, weekly) are read only when
  tied to the time: next to a clock time or date, after a preposition (``in the morning``, ``at
  lunch``), or leading into it (``weekly on Fridays``). In a title phrase they stay in the title:
  ``coffee morning``, ``night shift at 10pm``, ``7am morning check``, ``朝の会``, ``お昼当番``, and
  ``at 17:00 send daily report`` is a one-off. Such a word still sets the hour of a date given
  elsewhere (``team lunch tomorrow`` is at 12:00) but is never a time by itself, nor, in
  Japanese, changes a clock time said before it (``明日10時 夜の部の受付`` is at 10:00). After a
  date or time, a Japanese frequency word glued to a word or joined to one by の is a title
  phrase (``明日10時 毎週の定例資料``, ``平日夜間窓口``); ``毎日新聞`` is a newspaper. So is,
  after a day, a frequency word with its own day (weekday, n-th weekday, day of the month)
  joined to a word by の or glued to one (``明日 10時 毎週水曜の学習支援の件``, ``金曜 10時
  毎月第2火曜の情報交換会の準備``, ``明日9時 毎月1日発行の広報``), while a time after the day
  keeps the rule (``毎週水曜の16時 学習支援``) and so does a start day before it (``12月18日から
  隔週金曜の定例``). ``every-other-Friday`` hyphenated to a noun is a title word too. So is
  a frequency word with a part of the day leading into a word after a day and time (``12月21日
  10時 平日午後の見守り人員の相談``, ``明日 10時 毎朝夕の見守りの件``).
- Misspelt English day words are read as meant: a word one or two edits off a weekday or
  ``tomorrow`` (one if shorter than ``MENDED_LONG``), with its first letter, that is no English
  word and sits next to the time (``Wensday 4pm``, ``Thurday at 3``, ``by tommorow``; ``fridge``
  and ``sundae`` stay, and so does Frida in ``call Frida tomorrow 5pm``), and the chat
  spellings ``2moro`` / ``nxt``.
- Times typed in kana without converting (``あした 9じはん``, ``ごご3じ``, ``30ぷんご``,
  ``らいしゅうのかようび``, and right after a week word without び: ``らいしゅう すいよう``) read
  as their written forms; a particle standing alone between parts
  of the time (``明日 の 9時 資料印刷``) is not part of the title.
- Bare meal words (lunch, breakfast, dinner) are events, not times, unless tied to the time
  (``at lunch``, ``Friday lunch``, ``dinner at 7``); ``before lunch`` / ``after lunch`` are 11:00
  / 13:00 like 昼前 / 昼過ぎ. Japanese お昼 / 昼 alone stay a time (12:00).
"""

from __future__ import annotations

import calendar
import itertools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from faq.normalize import is_english_word
from scheduler.recurrence import as_zone, localize, next_occurrence
from texts import t

logger = logging.getLogger(__name__)

DEFAULT_HOUR = 9
# Bare hours in this range (read on the 24-hour clock) are pointed out in the confirmation: few
# partnership meetings are at 4 in the morning.
EARLY_BARE_HOURS = (1, 6)
PART_DEFAULT_HOURS: dict[str, int] = {
    "morning": 9,
    "am": 9,
    "breakfast": 8,
    "lunch": 12,
    "pm": 15,
    "evening": 18,
    "dinner": 19,
    "night": 20,
    "late": 24,
}
ERROR_CODES = (
    "empty", "no_time", "past", "invalid_date", "invalid_time", "month_only", "two_times",
    "end_before_start", "two_days",
)  # fmt: skip
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WORKDAYS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class ParsedWhen:
    start: datetime | None
    rrule: str | None
    title: str
    error: str | None
    duration: timedelta | None = None  # a range (14:00〜15:30, 3-5pm) says how long it lasts
    # Only a time of day was given (15時に変更, 3pm): no date, weekday, offset or repetition, so
    # an edit can keep the day it already has.
    clock_only: bool = False
    # Only a day or a repetition was given (12月3日に変更, 毎月第3水曜日): the time of day is the
    # default, so an edit can keep the time it already has.
    day_only: bool = False
    # A bare hour read as early morning on the 24-hour clock (at 4, 3時): likely meant in the
    # afternoon, so the confirmation says how to change it.
    early_bare_hour: bool = False
    # The weekday written beside the date (12月5日(土) on a Friday): 0 Monday .. 6 Sunday, set
    # only when it is not the date's weekday, so the confirmation can point it out.
    weekday_mismatch: int | None = None
    # The meal word that gave the time when nothing else is left for a title (tomorrow lunch
    # at 1): a new reminder's title, while an edit keeps its own.
    meal_title: str = ""
    # A range's end likely read other than meant, so the confirmation points it out: it lasts
    # over LONG_RANGE, ends on a later day (22時〜1時), or was typed before a 24-hour start
    # (14時〜4時, read on the afternoon clock as 16:00).
    range_end_doubtful: bool = False
    # Days a series leaves out, as written beside it (※12/23は休み, 12月30日を除く, 1月はなし,
    # except Dec 23): (first, last) local days, one day or a whole month.
    days_off: tuple[tuple[date, date], ...] = ()
    # A day said without its week or month (金曜, 19日, 第3火曜, 月末): "week" or "month", so
    # that an edit of one meeting can read it in that meeting's week or month (parse_near)
    # rather than as the next such day from now.
    loose_day: str | None = None


def error_message(code: str, lang: str) -> str:
    """What was wrong with the ``<when>`` text, with an example that works, in ``lang``."""
    return t(lang, f"when.error.{code}")


# ---------------------------------------------------------------- normalisation

_KANJI_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_KANJI_NUMBER = re.compile(
    r"[〇零一二三四五六七八九十百]+"
    r"(?=\s*(?:時|分|日(?!中)|月|年|週|秒|回|度|ヶ月|か月|カ月|ヵ月|ケ月|箇月))"
    r"|(?<=第)[一二三四五]"
)
# Times typed in kana without converting (あした 9じはん, ごご3じ, らいしゅうのかようび) read as
# their written forms: units only right after a number and day parts only before one (じ and あさ
# are everywhere in Japanese), other words only whole (にちよう without び is also 日用).
_KANA_UNITS = {
    "じかんご": "時間後", "ふんご": "分後", "ぷんご": "分後", "にちご": "日後",
    "じかん": "時間", "じはん": "時半", "じ": "時", "ふん": "分", "ぷん": "分",
}  # fmt: skip
_KANA_BEFORE_NUMBER = {
    "ごご": "午後", "ごぜん": "午前", "あさ": "朝", "よる": "夜", "ゆうがた": "夕方", "だい": "第",
}  # fmt: skip
_KANA_WORDS = {
    "ほんじつ": "本日", "さらいしゅう": "再来週", "らいしゅう": "来週", "こんしゅう": "今週",
    "まいしゅう": "毎週", "らいげつ": "来月", "こんげつ": "今月", "まいつき": "毎月",
    "まいにち": "毎日", "まいあさ": "毎朝", "へいじつ": "平日",
    "げつようび": "月曜日", "かようび": "火曜日", "すいようび": "水曜日", "もくようび": "木曜日",
    "きんようび": "金曜日", "どようび": "土曜日", "にちようび": "日曜日",
}  # fmt: skip
_KANA_TIME_WORDS = _KANA_UNITS | _KANA_BEFORE_NUMBER | _KANA_WORDS


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so no word stops at a shorter one."""
    return "|".join(sorted(words, key=len, reverse=True))


_KANA_TIME_WORD = re.compile(
    rf"(?<=\d)\s?(?:{_alternatives(_KANA_UNITS)})(?![ゃゅょ])"
    rf"|(?:{_alternatives(_KANA_BEFORE_NUMBER)})(?=\s?\d)"
    rf"|(?:(?<![ぁ-ゖ])|(?<=の))(?:{_alternatives(_KANA_WORDS)})"
)
# らいしゅう すいよう: a weekday without its び reads as one only right after a week word
_KANA_SHORT_WEEKDAYS = {
    "げつよう": "月曜", "かよう": "火曜", "すいよう": "水曜", "もくよう": "木曜",
    "きんよう": "金曜", "どよう": "土曜", "にちよう": "日曜",
}  # fmt: skip
_KANA_SHORT_WEEKDAY = re.compile(
    rf"(?<=週)(?P<gap>\s*の?\s*)(?P<day>{_alternatives(_KANA_SHORT_WEEKDAYS)})(?!び)"
)
_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_EN_NUMBER_WORD = _alternatives([*_EN_UNITS, *_EN_TENS, *_EN_ORDINALS])
_EN_NUMBER_RUN = re.compile(rf"\b(?:{_EN_NUMBER_WORD})(?:[\s-]+(?:{_EN_NUMBER_WORD}))*\b")
_MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# Misspelt or chat-spelt day words, read as meant: Wensday, Thurday, tommorow, 2moro, nxt. A word
# that is no English word and one or two edits off a day word (one if shorter than
# ``MENDED_LONG``) with the same first letter is that word where it sits next to the time
# (``_MENDED_BEFORE`` / ``_MENDED_AFTER``); fridge and sundae stay as they are, and so does a
# name among the title's words (call Frida tomorrow 5pm).
_EN_DAY_WORDS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow",
    "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays",
)  # fmt: skip
_EN_SHORTHANDS = {"nxt": "next", "2moro": "tomorrow", "2morrow": "tomorrow", "2mrw": "tomorrow"}
MENDED_LONG = 6
_EN_LOOSE_WORD = re.compile(
    rf"(?<![a-z\d])(?:{_alternatives(_EN_SHORTHANDS)}|[a-z]{{4,}})(?![a-z\d])"
)
_MENDED_BEFORE = re.compile(
    r"(?:\b(?:next|this|coming|on|every|each|by|until|till|from|starting|due|before|after)"
    r"|\d|[ap]\.?m\.?|[時分])\s*,?\s*$"
)
_MENDED_AFTER = re.compile(
    r"\s*,?\s*(?:\d|@|\b(?:at|noon|morning|afternoon|evening|night|next|this)\b)"
)


def _typo_distance(word: str, target: str) -> int:
    """How many letters added, dropped, changed or two swapped turn ``word`` into ``target``
    (optimal string alignment)."""
    before_last: list[int] = []
    last = list(range(len(target) + 1))
    for row, char in enumerate(word, 1):
        current = [row]
        for column, wanted in enumerate(target, 1):
            cost = min(last[column] + 1, current[-1] + 1, last[column - 1] + (char != wanted))
            swapped = (
                row > 1 and column > 1 and (word[row - 2], char) == (wanted, target[column - 2])
            )
            current.append(min(cost, before_last[column - 2] + 1) if swapped else cost)
        before_last, last = last, current
    return last[-1]


def _mended_day_word(match: re.Match[str]) -> str | None:
    """The day word a misspelt or chat-spelt word stands for; None to leave it as it is."""
    word = match.group()
    if word in _EN_SHORTHANDS:
        return _EN_SHORTHANDS[word]
    text = match.string
    if not (
        _MENDED_BEFORE.search(text, 0, match.start()) or _MENDED_AFTER.match(text, match.end())
    ):
        return None
    allowed = 1 if len(word) < MENDED_LONG else 2
    near = {
        target: distance
        for target in _EN_DAY_WORDS
        if target[0] == word[0] and (distance := _typo_distance(word, target)) <= allowed
    }
    if not near or 0 in near.values():
        return None
    best = min(near.values())
    closest = [target for target, distance in near.items() if distance == best]
    # Wensday, not "thuesday" (as near Tuesday as Thursday); no word that is English
    return closest[0] if len(closest) == 1 and not is_english_word(word) else None


# A lone ordinal word is a date only next to a month or after "the" ("the first meeting" aside).
_ORDINAL_CONTEXT = re.compile(rf"(?:\b{_MONTH_WORD}\.?|\bthe)\s*$")


@dataclass
class _Text:
    """Normalised text plus, for each of its characters, the first and last index of the source
    characters it came from (a replaced word: all of its source, so 「だい2」 -> 「第2」 still
    cuts だい out of the title)."""

    value: str
    origin: list[int]
    origin_last: list[int]

    def substitute(
        self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str | None]
    ) -> _Text:
        parts: list[str] = []
        origin: list[int] = []
        origin_last: list[int] = []
        position = 0
        for match in pattern.finditer(self.value):
            new = replace(match)
            if new is None:
                continue
            parts.append(self.value[position : match.start()])
            origin.extend(self.origin[position : match.start()])
            origin_last.extend(self.origin_last[position : match.start()])
            parts.append(new)
            origin.extend([self.origin[match.start()]] * len(new))
            origin_last.extend([self.origin_last[match.end() - 1]] * len(new))
            position = match.end()
        parts.append(self.value[position:])
        origin.extend(self.origin[position:])
        origin_last.extend(self.origin_last[position:])
        return _Text("".join(parts), origin, origin_last)


def _kanji_value(numeral: str) -> int:
    if not any(unit in numeral for unit in "十百"):
        return int("".join(str(_KANJI_DIGITS[char]) for char in numeral))
    total = current = 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS[char]
    return total + current


def _english_numbers(run: str, before: str) -> str | None:
    """``eight forty`` -> ``8:40``, ``twenty fourth`` -> ``24th``, ``seven`` -> ``7``."""
    words = re.split(r"[\s-]+", run)
    numbers: list[tuple[int, bool]] = []
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _EN_TENS and 1 <= _EN_UNITS.get(following, 0) <= 9:
            numbers.append((_EN_TENS[word] + _EN_UNITS[following], False))
            index += 2
            continue
        if word in _EN_TENS and 1 <= _EN_ORDINALS.get(following, 0) <= 9:
            numbers.append((_EN_TENS[word] + _EN_ORDINALS[following], True))
            index += 2
            continue
        if word in _EN_ORDINALS:
            numbers.append((_EN_ORDINALS[word], True))
        else:
            numbers.append((_EN_UNITS.get(word, _EN_TENS.get(word, 0)), False))
        index += 1
    lone_ordinal = len(words) == 1 and numbers[0][1]
    if lone_ordinal and (words[0] == "second" or not _ORDINAL_CONTEXT.search(before)):
        return None
    pieces: list[str] = []
    index = 0
    while index < len(numbers):
        value, ordinal = numbers[index]
        following = numbers[index + 1] if index + 1 < len(numbers) else None
        if following and not ordinal and not following[1] and value <= 24 and following[0] < 60:
            pieces.append(f"{value}:{following[0]:02d}")
            index += 2
            continue
        pieces.append(f"{value}{'th' if ordinal else ''}")
        index += 1
    return " ".join(pieces)


# 15:00ー16:00, 10−12: a long vowel mark or minus sign typed between two numbers is a dash
_LONG_DASH = re.compile(r"(?<=\d)[ー−―‐](?=\s*\d)")


def _normalise(text: str) -> _Text:
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).lower():
            chars.append("~" if folded in "〜～" else folded)
            origin.append(index)
    normal = _Text("".join(chars), origin, list(origin))
    normal = normal.substitute(_EN_LOOSE_WORD, _mended_day_word)
    normal = normal.substitute(_LONG_DASH, lambda m: "-")
    normal = normal.substitute(_KANA_TIME_WORD, lambda m: _KANA_TIME_WORDS.get(m.group().lstrip()))
    normal = normal.substitute(
        _KANA_SHORT_WEEKDAY, lambda m: m["gap"] + _KANA_SHORT_WEEKDAYS[m["day"]]
    )
    normal = normal.substitute(_KANJI_NUMBER, lambda m: str(_kanji_value(m.group())))
    return normal.substitute(
        _EN_NUMBER_RUN, lambda m: _english_numbers(m.group(), normal.value[: m.start()])
    )


# ---------------------------------------------------------------- tokens


@dataclass
class _Token:
    kind: str  # date, dom, reldate, weekday, nth, time, offset, every, part, shift, zone, note,
    # since (the month a repetition starts in), error
    start: int = 0
    end: int = 0
    year: int | None = None
    month: int | None = None
    day: int | None = None
    days: int | None = None
    weekdays: tuple[int, ...] = ()
    week_mode: str | None = None  # coming, next, this_week, week+1, week+2
    nth: int | None = None
    nths: tuple[int, ...] = ()
    # 第2火曜と第4木曜: every (n, weekday) of the list; an n-th business day has the weekdays
    # Monday to Friday and ``setpos`` in extra
    nth_days: tuple[tuple[int, int], ...] = ()
    monthdays: tuple[int, ...] = ()  # 毎月15日と30日: (15, 30); -1 is the last day
    zone: str | None = None  # 3pm PST: the IANA zone the clock time is read in
    hour: int | None = None
    minute: int = 0
    part: str | None = None
    explicit_meridiem: bool = False
    range_head: bool = False
    delta: timedelta | None = None
    calendar_delta: relativedelta | None = None
    freq: str | None = None
    interval: int = 1
    recurring: bool = False
    error: str | None = None
    extra: dict[str, int] = field(default_factory=dict)


_Builder = Callable[[re.Match[str], str], "_Token | None"]

_JA_WD = "月火水木金土日"
_EN_WD = (
    r"(?:mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?"
    r"|mon|tues|tue|weds|wed|thurs|thur|thu|fri|sat|sun)"
)
_JA_WD_LIST = rf"[{_JA_WD}](?:曜日?)?(?:\s*[・、,/と]?\s*[{_JA_WD}](?:曜日?)?)*"
_JA_EXCEPT = "以外|除く|除いた|除いて"
_EN_WD_PREFIX = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
_AMPM = r"(?:\s*\.?\s*(?P<ap>[ap])\s*\.?\s*m\b\.?|(?P<ap1>[ap])(?![a-z])\.?)"
_JA_PART_WORDS = {
    "午前中": "am", "午前": "am", "午後": "pm",
    "早朝": "morning", "朝方": "morning", "明け方": "morning",
    "朝": "morning", "夕方": "evening", "夕刻": "evening", "夕": "evening",
    "真夜中": "late", "夜中": "late", "深夜": "late", "未明": "late", "夜": "night", "晩": "night",
    "昼食時": "lunch", "昼休み": "lunch", "昼休憩": "lunch", "お昼": "lunch", "昼": "lunch",
    "日中": "lunch", "am": "am", "pm": "pm",
}  # fmt: skip
_JA_PART = "|".join(sorted(_JA_PART_WORDS, key=len, reverse=True))
_EN_PART_WORDS = {
    "morning": "morning", "afternoon": "pm", "evening": "evening", "night": "night",
    "lunchtime": "lunch", "lunch time": "lunch", "lunch": "lunch", "midnight": "late",
    "breakfast": "breakfast", "dinner": "dinner",
}  # fmt: skip
# A bare meal word is an event ("team lunch") unless a preposition or a day ties it to the time.
_MEALS = ("breakfast", "lunch", "dinner")
_MEAL_EDGES = {
    ("before", "breakfast"): 7, ("after", "breakfast"): 9, ("before", "lunch"): 11,
    ("after", "lunch"): 13, ("before", "dinner"): 18, ("after", "dinner"): 20,
}  # fmt: skip
_TIME_SUFFIX = (
    r"(?:\s*(?:ごろ|頃|ころ|前後|ぐらい|くらい|位|ちょうど|丁度|きっかり|かっきり|ジャスト|すぎ|過ぎ"
    r"|-?ish\b|sharp\b))*"
)
_UNIT_MINUTES = {"分": 1, "時間": 60}


def _meridiem(match: re.Match[str]) -> str | None:
    letter = match.group("ap") or match.group("ap1")
    return f"{letter}m" if letter else None


def _prefix_part(prefix: str | None) -> str | None:
    """The part of the day named in front of a clock time; 午前/午後 beat 朝/夜."""
    if not prefix:
        return None
    words = re.findall(_JA_PART, prefix)
    for meridiem in ("am", "pm"):
        if any(_JA_PART_WORDS[word] == meridiem for word in words):
            return meridiem
    return _JA_PART_WORDS[words[-1]] if words else None


def _clock(
    hour: int, minute: int, part: str | None, explicit: bool = False, suffix: str = ""
) -> _Token:
    """A clock time. ``suffix`` is how it ended: ``13pm`` is no time, while the pm of
    ``15:30pm`` only repeats what the 24-hour clock says (``15:30am`` contradicts it)."""
    hour_only = suffix == "hour"
    bad_meridiem = part in ("am", "pm") and hour > 12 and (hour_only or part == "am")
    if hour > 24 or minute > 59 or (hour == 24 and minute) or (suffix and bad_meridiem):
        return _Token("error", error="invalid_time")
    if explicit and part in ("am", "pm") and hour > 12:
        part = None  # 午後15時: already on the 24-hour clock
    return _Token("time", hour=hour, minute=minute, part=part, explicit_meridiem=explicit)


def _ja_time(match: re.Match[str], _: str) -> _Token:
    hour = int(match["hour"])
    minute = 30 if match["half"] else int(match["minute"] or 0)
    suffix = _meridiem(match)
    part = suffix or _prefix_part(match["prefix"])
    written = "" if not suffix else "minute" if match["half"] or match["minute"] else "hour"
    token = _clock(hour, minute, part, explicit=part in ("am", "pm"), suffix=written)
    if match["before"] and token.kind == "time" and token.hour is not None:
        moment = datetime.combine(date.min, time()) + timedelta(hours=hour, minutes=-minute)
        token.hour, token.minute = moment.hour, moment.minute
    return token


def _colon_time(match: re.Match[str], _: str) -> _Token:
    suffix = _meridiem(match)
    part = suffix or _prefix_part(match.group("prefix"))
    return _clock(
        int(match["hour"]),
        int(match["minute"]),
        part,
        part in ("am", "pm"),
        "minute" if suffix else "",
    )


def _ampm_time(match: re.Match[str], _: str) -> _Token:
    part = _meridiem(match)
    written = "" if not part else "minute" if match["minute"] else "hour"
    return _clock(int(match["hour"]), int(match["minute"] or 0), part, True, written)


def _bare_hour(match: re.Match[str], _: str) -> _Token | None:
    token = _clock(int(match["hour"]), int(match.groupdict().get("minute") or 0), None)
    token.range_head = bool(match.groupdict().get("range"))
    return token


def _relative_clock(match: re.Match[str], _: str) -> _Token | None:
    """half past 8, a quarter to 7, 20 minutes past 5, 3 mins to 5:30."""
    amount = match["amount"]
    if amount.isdigit() and not match["unit"] and match["dir"] != "past":
        return None
    minutes = {"half": 30, "quarter": 15}.get(amount.split()[-1], 0)
    if amount.endswith("quarters"):
        minutes = 15 * int(amount.split()[0])
    elif not minutes:
        minutes = int(amount)
    hour, base_minute = int(match["hour"]), int(match["minute"] or 0)
    sign = -1 if match["dir"] in ("to", "before", "till") else 1
    moment = datetime.combine(date.min, time()) + timedelta(
        days=1, hours=hour, minutes=base_minute + sign * minutes
    )
    return _clock(moment.hour, moment.minute, _meridiem(match), bool(_meridiem(match)))


def _fixed_time(hour: int) -> _Builder:
    return lambda match, _: _Token("time", hour=hour, explicit_meridiem=True)


def _offset(amounts: list[tuple[float, str]]) -> _Token:
    """Minutes and hours make an exact offset; days and longer alone name a calendar day."""
    exact = timedelta()
    calendar_delta = relativedelta()
    has_clock_unit = False
    for value, unit in amounts:
        if unit in ("minute", "hour"):
            exact += timedelta(minutes=value * (60 if unit == "hour" else 1))
            has_clock_unit = True
        elif unit in ("day", "week"):
            exact += timedelta(days=value * (7 if unit == "week" else 1))
            calendar_delta += relativedelta(days=round(value * (7 if unit == "week" else 1)))
        else:
            calendar_delta += (
                relativedelta(months=int(value))
                if unit == "month"
                else relativedelta(years=int(value))
            )
    return _Token("offset", delta=exact if has_clock_unit else None, calendar_delta=calendar_delta)


_JA_UNITS = {
    "分": "minute", "時間": "hour", "日": "day", "週間": "week", "週": "week",
    "ヶ月": "month", "か月": "month", "カ月": "month", "ヵ月": "month", "ケ月": "month",
    "箇月": "month", "年": "year",
}  # fmt: skip


def _ja_offset(match: re.Match[str], _: str) -> _Token | None:
    post, pre = match["post"], match["pre"]
    unit = _JA_UNITS[match["u1"]]
    quick = post == "で" and unit in ("minute", "hour")
    if not (pre or quick or post in ("後", "先", "経ったら", "たったら", "したら", "以内")):
        return None
    amounts = [(float(match["n1"]) + (0.5 if match["h1"] else 0), unit)]
    if match["n2"]:
        amounts.append((float(match["n2"]) + (0.5 if match["h2"] else 0), _JA_UNITS[match["u2"]]))
    return _offset(amounts)


_EN_DURATION_PART = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|an?|half\s+an?|a\s+half)\s*"
    r"(?P<u>minutes?|mins?|min|hours?|hrs?|hr|h|days?|weeks?|wks?|months?|years?)\b"
    r"(?P<half>\s+and\s+a\s+half)?"
)


def _en_offset(match: re.Match[str], _: str) -> _Token:
    amounts: list[tuple[float, str]] = []
    for part in _EN_DURATION_PART.finditer(match["dur"]):
        number = part["n"]
        value = 0.5 if number.startswith("half") else 1.0 if number[0] == "a" else float(number)
        if number == "a half":
            value = 0.5
        if part["half"]:
            value += 0.5
        unit = part["u"]
        name = {"m": "minute", "h": "hour", "d": "day", "w": "week", "y": "year"}[unit[0]]
        if unit.startswith("mo"):
            name = "month"
        elif unit.startswith("mi"):
            name = "minute"
        amounts.append((value, name))
    return _offset(amounts)


def _date_token(
    year: int | None, month: int, day: int, match: re.Match[str] | None = None
) -> _Token:
    last_day = calendar.monthrange(year if year else 2024, month)[1] if 1 <= month <= 12 else 0
    if not 1 <= day <= last_day:
        return _Token("error", error="invalid_date")
    token = _Token("date", year=year, month=month, day=day)
    written = match.groupdict() if match is not None else {}
    noted = written.get("wdnote") or written.get("wdword")
    if noted:
        token.extra["weekday_note"] = _JA_WD.index(noted)
    elif written.get("wden"):
        token.extra["weekday_note"] = _EN_WD_PREFIX[written["wden"][:2]]
    return token


_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "r": 2018, "h": 1988, "s": 1925}


def _era_date(match: re.Match[str], _: str) -> _Token:
    era_year = 1 if match["n"] == "元" else int(match["n"])
    return _date_token(_ERAS[match["era"]] + era_year, int(match["m"]), int(match["d"]), match)


def _ymd(match: re.Match[str], _: str) -> _Token:
    year = match.groupdict().get("y")
    return _date_token(int(year) if year else None, int(match["m"]), int(match["d"]), match)


def _slash_date(match: re.Match[str], text: str) -> _Token:
    """12/10, 12/10/2026: month first as in Japan; the numbers are kept so that a chat in a
    day-first zone reads them the other way round (``_day_first``)."""
    token = _ymd(match, text)
    token.extra["slash_first"], token.extra["slash_second"] = int(match["m"]), int(match["d"])
    return token


# Zones whose people write the day before the month (31/12, 5/1 is 5 January): Europe, Australia,
# New Zealand, Singapore, Hong Kong and India. Japanese text keeps month/day everywhere.
DAY_FIRST_ZONE_PREFIXES = ("Europe/", "Australia/")
DAY_FIRST_ZONES = frozenset(
    {"Pacific/Auckland", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Kolkata", "Asia/Calcutta"}
)
_JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _day_first(tokens: list[_Token], zone: ZoneInfo, text: str) -> list[_Token]:
    """In a day-first zone, 31/12 and 5/1 are day/month (31 December, 5 January) unless the text
    is Japanese; a reading only valid month first (12/31) stays month/day."""
    day_first = zone.key.startswith(DAY_FIRST_ZONE_PREFIXES) or zone.key in DAY_FIRST_ZONES
    if not day_first or _JAPANESE_SCRIPT.search(text):
        return tokens
    swapped: list[_Token] = []
    for token in tokens:
        if "slash_first" in token.extra:
            first, second = token.extra["slash_first"], token.extra["slash_second"]
            other = _date_token(token.year, second, first)
            if other.kind == "date":
                if "weekday_note" in token.extra:
                    other.extra["weekday_note"] = token.extra["weekday_note"]
                other.start, other.end = token.start, token.end
                token = other
        swapped.append(token)
    return swapped


_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _en_date(match: re.Match[str], _: str) -> _Token:
    month = _EN_MONTHS.index(match["mon"][:3]) + 1
    year = match["y"]
    return _date_token(int(year) if year else None, month, int(match["d"]))


def _since_month(match: re.Match[str], _: str) -> _Token:
    """1月から, starting in April: the month a repetition starts in (a one-off ignores it)."""
    month_text = match["m"] or match["mon"]
    month = int(month_text) if month_text.isdigit() else _EN_MONTHS.index(month_text[:3]) + 1
    if not 1 <= month <= 12:
        return _Token("error", error="invalid_date")
    return _Token("since", month=month)


def _invalid_month(match: re.Match[str], _: str) -> _Token | None:
    month = int(match["m"])
    return _Token("error", error="invalid_date") if not 1 <= month <= 12 else None


def _dom(match: re.Match[str], _: str) -> _Token | None:
    """15日, the 1st, or a list: 15日と30日, 1・15日, the 1st and 15th (of every month)."""
    days = [int(match["d"])]
    more = match.groupdict().get("more") or ""
    days.extend(int(number) for number in re.findall(r"\d+", more))
    if not all(1 <= day <= 31 for day in days):
        return _Token("error", error="invalid_date")
    days = sorted(set(days))
    scope = match.groupdict().get("scope") or ""
    return _Token("dom", day=days[0], monthdays=tuple(days), recurring=scope in ("every", "each"))


def _month_end(match: re.Match[str], _: str) -> _Token:
    return _Token("dom", day=-1)


_RELDAYS = {
    "今日": 0, "本日": 0, "きょう": 0, "明日": 1, "あした": 1, "あす": 1, "翌日": 1,
    "明後日": 2, "あさって": 2, "明々後日": 3, "明明後日": 3, "しあさって": 3,
    "今夜": 0, "今晩": 0, "今宵": 0, "今朝": 0, "明朝": 1, "明晩": 1,
    "昨日": -1, "きのう": -1, "一昨日": -2, "おととい": -2,
    "today": 0, "tonight": 0, "tonite": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "yesterday": -1,
}  # fmt: skip
_RELDAY_PARTS = {
    "今夜": "night", "今晩": "night", "今宵": "night", "今朝": "morning", "明朝": "morning",
    "明晩": "night", "tonight": "night", "tonite": "night",
}  # fmt: skip


def _reldate(match: re.Match[str], _: str) -> _Token:
    word = match["word"]
    days = 2 if "after" in word else _RELDAYS.get(word, 0)
    part = _RELDAY_PARTS.get(word)
    if word in ("this", "next"):
        days = 0 if word == "this" else 1
    tail = match.groupdict().get("part")
    if tail:
        part = _EN_PART_WORDS[tail]
    return _Token("reldate", days=days, part=part)


# Which calendar week a Japanese week word names (weeks start on Monday).
_WEEK_MODES = {"今週": "this_week", "来週": "week+1", "翌週": "week+1", "再来週": "week+2"}
# How many calendar weeks from this one each week mode names.
_WEEKS_AHEAD = {"this_week": 0, "week+1": 1, "week+2": 2}
# The same weeks in English: this week, next week, (the) week after next.
_EN_WEEK = r"(?:this|next)\s+week|(?:the\s+)?week\s+after\s+next"


def _en_week_mode(phrase: str) -> str:
    """The week mode of an English week phrase (``_EN_WEEK``, also as ``of next week``)."""
    words = phrase.split()
    return "week+2" if "after" in words else "this_week" if "this" in words else "week+1"


def _en_day_mode(modifier: str) -> str | None:
    """The week mode an English word before a weekday gives it: next week / this week / week
    after next name a calendar week, next the next one, this (coming) the coming one."""
    if "week" in modifier:
        return _en_week_mode(modifier)
    return "next" if modifier.split()[:1] == ["next"] else None


_RANGE_SEPARATORS = frozenset({"から", "~", "-", "–", "to", "through", "thru", "till", "until"})


def _listed_days(items: Iterable[tuple[str, int]]) -> tuple[int, ...]:
    """Weekday numbers of a list whose items are (separator before it, day); a range separator
    takes in the days between (月〜木, Monday to Thursday; 金〜月 runs over the weekend)."""
    days: list[int] = []
    for separator, day in items:
        if days and separator in _RANGE_SEPARATORS:
            first = days[-1]
            days.extend((first + step) % 7 for step in range(1, (day - first) % 7 + 1))
        else:
            days.append(day)
    return tuple(dict.fromkeys(days))


def _ja_weekdays(match: re.Match[str], text: str) -> _Token | None:
    listed = match["list"]
    before = text[: match.start()].rstrip(" の")
    inside_parens = before.endswith("(") or text[match.end() : match.end() + 1] == ")"
    # 月〜金 is a span of weekdays, unless the 月 ends 今月 / 毎月 / 12月.
    shorthand = bool(re.search(r"[~\-–]", listed))
    shorthand = shorthand and not re.search(r"[今来再毎翌当先前\d]$", before)
    mod = match["mod"] or ""
    # この土曜 / その次の月曜 / next 水曜: the coming one / the next one (この日 is no Sunday, nor
    # next 月 a Monday)
    named = bool(mod) and ("曜" in listed or (mod != "この" and not mod.isascii()))
    if mod and not named:
        return None
    explicit = "曜" in listed or named or inside_parens or "・" in listed or shorthand
    # 毎週月・木, 週2回 月木: a list of bare day names right after a weekly word
    if not explicit and not re.search(r"(?:毎週|隔週|週)(?:\s*に?\s*\d+\s*回)?$", before):
        return None
    items = re.findall(rf"(から|[~\-–])?\s*([{_JA_WD}])(?:曜日?)?", listed)
    days = _listed_days((separator, _JA_WD.index(char)) for separator, char in items)
    mode = {
        **_WEEK_MODES, "次の": "next", "次回": "next", "次回の": "next", "今度の": "next",
        "その次の": "next",
    }.get(mod) if not mod.isascii() else _en_day_mode(mod)  # fmt: skip
    # A timetable's 月〜金 or 月・水・金 names a standing pattern; 来週の月〜水 and
    # 月曜から水曜まで are one span of days.
    listing = len(days) > 1 and "から" not in listed
    return _Token(
        "weekday", weekdays=days, week_mode=mode, recurring=(shorthand or listing) and not mode
    )


def _excepted_days(match: re.Match[str], _: str) -> _Token:
    """Days a repetition leaves out; _recurrence takes them off its days."""
    listed = match["list"] or match.groupdict().get("inside") or ""
    days = {_JA_WD.index(char) for char in re.findall(rf"[{_JA_WD}]", listed)}
    days.update(_EN_WD_PREFIX[day[:2]] for day in re.findall(_EN_WD, listed))
    return _Token("except", weekdays=tuple(sorted(days)))


def _en_weekdays(match: re.Match[str], _: str) -> _Token:
    items = re.findall(
        rf"(?:\b(to|through|thru|till|until)\s+|([-–~])\s*)?\b({_EN_WD})", match["list"]
    )
    days = _listed_days((word or mark, _EN_WD_PREFIX[day[:2]]) for word, mark, day in items)
    plural = any(day.endswith("days") for _, _, day in items)
    shorthand = any(mark for _, mark, _ in items)
    modifier = (match["mod"] or "").strip(" の")
    # 来週Tue: a Japanese week word; next week Wednesday, Friday of the week after next
    mode = _WEEK_MODES.get(modifier) or _en_day_mode(match["nextweek"] or modifier)
    # Mondays, and a timetable's Mon-Thu or Mon, Wed and Fri, name a standing pattern; Monday
    # or Tuesday is a choice, Monday to Wednesday one span of days.
    spans_or_choice = any(word for word, _, _ in items) or re.search(r"\bor\b", match["list"])
    listing = len(days) > 1 and not spans_or_choice
    repeating = plural or ((shorthand or listing) and mode is None)
    return _Token("weekday", weekdays=days, week_mode=mode, recurring=repeating)


_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_EN_NTH = r"[1-5](?=st|nd|rd|th)|first|second|third|fourth|fifth|last"


def _nth_weekday(match: re.Match[str], _: str) -> _Token:
    raw = match["n"] or ""
    nth = int(raw) if raw.isdigit() else _ORDINAL_WORDS.get(raw, -1)
    day_text = match["wd"]
    weekday = _JA_WD.index(day_text) if day_text in _JA_WD else _EN_WD_PREFIX[day_text[:2]]
    scope = match.groupdict().get("scope") or ""
    more = [int(digit) for digit in re.findall(r"\d", match.groupdict().get("more") or "")]
    listed = re.findall(rf"\b(?:{_EN_NTH})", match.groupdict().get("enmore") or "")
    more += [int(item) if item.isdigit() else _ORDINAL_WORDS[item] for item in listed]
    # 第2・第4火曜 can only be a repeating pattern, so a list repeats monthly by itself.
    recurring = scope in ("every", "each") or bool(more)
    pairs = re.findall(rf"(\d)\s*([{_JA_WD}])", match.groupdict().get("pairs") or "")
    recurring = recurring or bool(pairs)
    token = _Token("nth", nth=nth, weekdays=(weekday,), recurring=recurring)
    token.nths = tuple(dict.fromkeys((nth, *more)))
    token.nth_days = tuple(
        dict.fromkeys(
            [(number, weekday) for number in token.nths]
            + [(int(number), _JA_WD.index(day)) for number, day in pairs]
        )
    )
    if scope == "next":
        token.calendar_delta = relativedelta(months=1)
    month_text = match.groupdict().get("m") or match.groupdict().get("mon")
    if month_text:
        month = int(month_text) if month_text.isdigit() else _EN_MONTHS.index(month_text[:3]) + 1
        if not 1 <= month <= 12:
            return _Token("error", error="invalid_date")
        token.month = month  # 12月第1水曜, the first Monday of December
    return token


def _nth_business_day(match: re.Match[str], _: str) -> _Token:
    """毎月最終営業日 / the last business day: the n-th of a month's Mondays to Fridays
    (holidays are not known here), repeated as BYDAY=MO,...,FR;BYSETPOS=n."""
    raw = match["n"] or match["en"] or ""
    nth = -1 if match["last"] else int(raw) if raw.isdigit() else _ORDINAL_WORDS[raw]
    token = _Token("nth", nth=nth, weekdays=_WORKDAYS, nths=(nth,))
    token.extra["setpos"] = 1
    return token


def _shift(match: re.Match[str], _: str) -> _Token:
    word = match.group().replace(" ", "")
    months = {"今月": 0, "来月": 1, "再来月": 2, "thismonth": 0, "nextmonth": 1}.get(word)
    if months is not None:
        return _Token("shift", calendar_delta=relativedelta(months=months), extra={"month": 1})
    years = 1 if word in ("来年", "nextyear") else 0
    return _Token("shift", calendar_delta=relativedelta(years=years), extra={"year": 1})


def _part(match: re.Match[str], _: str) -> _Token:
    word = re.sub(r"\s+", " ", match["word"])
    part = _JA_PART_WORDS.get(word) or _EN_PART_WORDS[word.rstrip("s")]
    plural = word.endswith("s") and word.rstrip("s") in _EN_PART_WORDS
    token = _Token("part", part=part, recurring=plural, freq="DAILY" if plural else None)
    if match.groupdict().get("pre"):
        token.extra["prefixed"] = 1  # in the morning, at lunch: tied to the time by its own word
    if word in _MEALS:
        token.extra["meal"] = 1
    return token


def _meal_edge(match: re.Match[str], _: str) -> _Token:
    """before lunch 11:00, after lunch 13:00 (like 昼前 / 昼過ぎ); breakfast and dinner alike."""
    hour = _MEAL_EDGES[(match["dir"], match["meal"])]
    return _Token("time", hour=hour, explicit_meridiem=True)


_JA_EVERY = {
    "毎日": ("DAILY", None), "日々": ("DAILY", None), "各日": ("DAILY", None),
    "毎朝": ("DAILY", "morning"), "各朝": ("DAILY", "morning"), "毎晩": ("DAILY", "night"),
    "毎夜": ("DAILY", "night"), "各晩": ("DAILY", "night"), "毎夕": ("DAILY", "evening"),
    "毎昼": ("DAILY", "lunch"), "毎午前": ("DAILY", "am"), "各午前": ("DAILY", "am"),
    "毎午後": ("DAILY", "pm"), "各午後": ("DAILY", "pm"), "毎週": ("WEEKLY", None),
    "毎月": ("MONTHLY", None), "毎年": ("YEARLY", None), "隔週": ("WEEKLY", None),
    "隔月": ("MONTHLY", None), "隔日": ("DAILY", None), "隔年": ("YEARLY", None),
}  # fmt: skip
_EN_EVERY_UNITS = {
    "day": "DAILY", "days": "DAILY", "morning": "DAILY", "afternoon": "DAILY",
    "evening": "DAILY", "night": "DAILY", "week": "WEEKLY", "weeks": "WEEKLY",
    "month": "MONTHLY", "months": "MONTHLY", "year": "YEARLY", "years": "YEARLY",
}  # fmt: skip
_EN_EVERY_WORDS = {
    "daily": ("DAILY", 1), "everyday": ("DAILY", 1), "nightly": ("DAILY", 1),
    "weekly": ("WEEKLY", 1), "biweekly": ("WEEKLY", 2), "fortnightly": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1), "yearly": ("YEARLY", 1), "annually": ("YEARLY", 1),
}  # fmt: skip


def _ja_every(match: re.Match[str], _: str) -> _Token:
    word = match["word"]
    if word.startswith("平日") or word == "毎平日":
        token = _Token("every", freq="WEEKLY", weekdays=_WORKDAYS, recurring=True)
        for key, (_freq, part) in _JA_EVERY.items():
            if word.endswith(key):
                token.part = part
        return token
    if match["n"]:
        unit = {"日": "DAILY", "週": "WEEKLY", "週間": "WEEKLY"}.get(match["unit"], "MONTHLY")
        # 2日おき skips two days (every 3rd day), but 2週間おき / 2か月おき mean every 2 weeks /
        # months as people use them; only 1週間おき / 1か月おき are every other week / month.
        count = int(match["n"])
        skips = match["kind"] == "おき" and (match["unit"] == "日" or count == 1)
        step = count + (1 if skips else 0)
        return _Token("every", freq=unit, interval=step, recurring=True)
    if word in ("ごと", "ごとに", "毎"):
        return _Token("every", freq="WEEKLY", recurring=True)
    freq, part = _JA_EVERY[word]
    return _Token("every", freq=freq, part=part, interval=2 if word[0] == "隔" else 1,
                  recurring=True)  # fmt: skip


def _times_per(match: re.Match[str], _: str) -> _Token | None:
    """月1回 / 月に1回 / 毎月2回 repeat monthly, 2週に1回 / 2週間に1度 every other week, 週1
    weekly, 3か月に1回 / 四半期に1回 every three months, 半年に1回 every six; how many
    times in the period is left to the days given with it (第1・第3水曜, 月木)."""
    unit = match["unit"]
    freq = "WEEKLY" if unit.startswith("週") else "YEARLY" if unit == "年" else "MONTHLY"
    interval = int(match["n"]) if match["n"] else 1
    if interval < 1:
        return None
    # 半年に1回, 四半期に1度, 半期に1回: every six or three months
    months = 6 if match["half"] or unit == "半期" else 3 if unit == "四半期" else 0
    if months:
        freq, interval = "MONTHLY", interval * months
    return _Token("every", freq=freq, interval=interval, recurring=True)


def _en_every(match: re.Match[str], _: str) -> _Token:
    word = match["word"]
    if word in _EN_EVERY_WORDS:
        freq, interval = _EN_EVERY_WORDS[word]
        part = "night" if word == "nightly" else None
        token = _Token("every", freq=freq, interval=interval, part=part, recurring=True)
        token.extra["adjective"] = 1  # "weekly sync" may be part of the title
        return token
    if re.search(r"weekday|workday|business", word):
        return _Token("every", freq="WEEKLY", weekdays=_WORKDAYS, recurring=True)
    interval = 2 if match["other"] else int(match["n"] or 1)
    unit = match["unit"]
    if unit is None:
        return _Token("every", interval=interval, recurring=True)
    if unit.startswith("fortnight"):
        return _Token("every", freq="WEEKLY", interval=2 * interval, recurring=True)
    if unit.startswith("quarter"):
        return _Token("every", freq="MONTHLY", interval=3 * interval, recurring=True)
    part = _EN_PART_WORDS.get(unit) if unit not in ("day", "days") else None
    return _Token(
        "every", freq=_EN_EVERY_UNITS[unit], interval=interval, part=part, recurring=True
    )


_MONTH_PART_DAYS = {
    "末日": -1, "末": -1, "終わり": -1, "おわり": -1, "終盤": -1, "end": -1,
    "初め": 1, "はじめ": 1, "始め": 1, "初旬": 1, "上旬": 1, "頭": 1, "初": 1,
    "beginning": 1, "start": 1, "early": 1, "中旬": 11, "半ば": 11, "mid": 11, "middle": 11,
    "下旬": 21, "late": 21, "最終日": -1,
}  # fmt: skip
_MONTH_PART = "|".join(
    word for word in sorted(_MONTH_PART_DAYS, key=len, reverse=True) if not word.isascii()
)


def _month_part(match: re.Match[str], _: str) -> _Token:
    """3月末, 4月初め, 12月中旬, end of March: a day in a named month (末 is its last day);
    3月中 is a deadline at the end of its last day."""
    month_text = match.groupdict().get("m") or match.groupdict().get("mon") or ""
    month = int(month_text) if month_text.isdigit() else _EN_MONTHS.index(month_text[:3]) + 1
    if not 1 <= month <= 12:
        return _Token("error", error="invalid_date")
    year: str | int | None = match.groupdict().get("y")
    era = match.groupdict().get("era")
    if era:  # 令和9年3月末
        year = _ERAS[era] + (1 if match["en"] == "元" else int(match["en"]))
    within = match["w"] in ("中", "いっぱい")
    day = -1 if within else _MONTH_PART_DAYS[match["w"]]
    token = _Token("date", year=int(year) if year else None, month=month, day=day)
    if within:
        token.part = "day_end"
        token.extra["month_bound"] = 2  # 毎週水曜 3月いっぱい: the series' end
    return token


def _month_bound(match: re.Match[str], _: str) -> _Token:
    """3月まで, 来年3月まで, until March, through the end of March: the last day of that month
    ends a series (parse decides; in a one-off a bare month is still month_only)."""
    month_text = match["m"] or match["mon"]
    month = int(month_text) if month_text.isdigit() else _EN_MONTHS.index(month_text[:3]) + 1
    if not 1 <= month <= 12:
        return _Token("error", error="invalid_date")
    year_text = match["y"] or match["yy"]
    token = _Token("date", year=int(year_text) if year_text else None, month=month, day=-1)
    if match["rel"]:
        token.calendar_delta = relativedelta(years=_YEAR_SHIFTS[match["rel"]])
    # an end of the month is a day even in a one-off; a bare month is not
    token.extra["month_bound"] = 2 if match["endof"] else 1
    return token


_YEAR_SHIFTS = {"今年": 0, "来年": 1, "再来年": 2}


_FISCAL_SHIFTS = {"今": 0, "本": 0, "来": 1, "翌": 1, "再来": 2, "新": 1}


def _fiscal(match: re.Match[str], _: str) -> _Token:
    """年度末 (31 March) and 年度初め (1 April) of the Japanese fiscal year (this one, a shifted
    one or a numbered one: 令和8年度末, 2026年度末); 毎年度末 repeats. 来年度 before a date
    names the fiscal year the date is read in."""
    if match["sfy"] or match["sera"]:
        numbered = (
            int(match["sfy"])
            if match["sfy"]
            else _ERAS[match["sera"]] + (1 if match["sen"] == "元" else int(match["sen"]))
        )
        return _Token("shift", extra={"fiscal_start": numbered, "since": 1})
    shift_only = match["shift3"] or match["shift4"]
    if shift_only:
        # 来年度 4月15日, 新年度の4月8日: the fiscal year the date is read in (新年度 is the one
        # starting next April, as 新年度 alone is its 1 April)
        return _Token("shift", extra={"fiscal_year": _FISCAL_SHIFTS[shift_only]})
    within = match["within"] is not None  # 今年度中: a deadline at the end of the fiscal year
    starts = not within and (match["w"] is None or _MONTH_PART_DAYS[match["w"]] == 1)
    day = (4, 1) if starts else (3, -1)
    token = _Token("date", month=day[0], day=day[1])
    shift = match["shift"] or match["shift2"]
    if shift or within:
        token.extra["fiscal"] = 1 if shift and shift in "来翌" else 0
    if within:
        token.part = "day_end"
    if match["fy"] or match["era"]:
        if match["fy"]:
            fiscal_year = int(match["fy"])
        else:
            fiscal_year = _ERAS[match["era"]] + (1 if match["en"] == "元" else int(match["en"]))
        token.year = fiscal_year + (0 if starts else 1)
    if match["every"]:
        token.recurring, token.freq = True, "YEARLY"
    return token


def _fiscal_half(match: re.Match[str], _: str) -> _Token:
    """上期末 30 September, 下期末 31 March, 上期初め 1 April, 下期初め 1 October: the next one."""
    first = match["half"] == "上"
    ends = _MONTH_PART_DAYS[match["w"]] == -1
    if ends:
        return _Token("date", month=9 if first else 3, day=-1)
    return _Token("date", month=4 if first else 10, day=1)


_MONTH_SHIFTS = {"今月": 0, "当月": 0, "来月": 1, "翌月": 1, "再来月": 2, "this": 0, "next": 1}


def _relative_month_part(match: re.Match[str], _: str) -> _Token:
    """今月末, 来月初め, 月初, end of next month; 今月中 is a deadline at the month's end."""
    word = match["w"] or match.groupdict().get("w4") or ""
    within = word in ("中", "内")
    token = _Token("dom", day=-1 if within else _MONTH_PART_DAYS[word])
    token.monthdays = (token.day,) if token.day is not None else ()
    shift = match.groupdict().get("shift")
    if shift:
        token.calendar_delta = relativedelta(months=_MONTH_SHIFTS[shift.strip()])
    if within:
        token.part = "day_end"
        if not shift:
            token.calendar_delta = relativedelta(months=0)  # 月内に: this month
    return token


def _year_end(match: re.Match[str], _: str) -> _Token:
    token = _Token("date", month=12, day=31)
    token.extra["year_end"] = 1
    if match["within"]:
        token.part = "day_end"
    groups = match.groupdict()
    if (groups.get("shift") or groups.get("enshift")) in ("next", "来年"):
        token.calendar_delta = relativedelta(years=1)
    return token


def _weekend(match: re.Match[str], _: str) -> _Token:
    """週末 / this weekend is the coming Saturday; 土日, 毎週末, weekends repeat on SA and SU."""
    mod = re.sub(r"\s+", " ", match["mod"] or match["enmod"] or "")
    word = match["w"] or match["enw"]
    repeating = (
        mod in ("毎", "毎週", "every", "each")
        or word == "weekends"
        or (word.startswith("土日") and not mod)
    )
    if repeating:
        return _Token("weekday", weekdays=(5, 6), recurring=True)
    mode = {
        "来週": "week+1", "来": "week+1", "翌週": "week+1", "翌": "week+1", "再来週": "week+2",
        "再来": "week+2", "next": "week+1",
    }.get(mod)  # fmt: skip
    return _Token("weekday", weekdays=(5,), week_mode=mode)


def _week_start(match: re.Match[str], _: str) -> _Token:
    """週明け is the coming Monday; bare 来週 / 再来週 / next week mean that week's Monday (and
    before から, where a series starts: 来週から毎週火曜, 今週から)."""
    groups = match.groupdict()
    mod = groups.get("mod") or groups.get("mod2") or ""
    mode = {"来": "week+1", "翌": "week+1", "再来": "week+2", **_WEEK_MODES}.get(mod)
    if groups.get("enmod"):
        mode = _en_week_mode(groups["enmod"])
    token = _Token("weekday", weekdays=(0,), week_mode=mode or "next")
    token.extra["week_start"] = 1  # a week, not a day of it: it may say where a series starts
    return token


def _week_end(match: re.Match[str], _: str) -> _Token:
    """end of the week: the coming Friday; end of next week: Friday of next week."""
    return _Token("weekday", weekdays=(4,), week_mode="week+1" if match["shift"] else None)


def _day_end(match: re.Match[str], text: str) -> _Token:
    """今日中 / 明日中: by the end of that day (23:59)."""
    token = _reldate(match, text)
    token.part = "day_end"
    return token


def _week_day_end(match: re.Match[str], _: str) -> _Token:
    """今週中 / 来週中: by the end of that working week, Friday 23:59."""
    token = _Token("weekday", weekdays=(4,), week_mode=_WEEK_MODES[match["mod"] or "今週"])
    token.part = "day_end"
    return token


def _mid_week(match: re.Match[str], _: str) -> _Token:
    """来週半ば / mid next week: that week's Wednesday; mid-week alone is the coming one."""
    mode = "week+1" if match["next"] else _WEEK_MODES.get(match["mod"] or "")
    return _Token("weekday", weekdays=(2,), week_mode=mode)


def _named_time(match: re.Match[str], _: str) -> _Token:
    """朝イチ / first thing 9:00, 昼前 11:00, 昼過ぎ / 午後イチ / 昼イチ 13:00."""
    word = match.group()
    if re.search("昼.*前", word):
        hour = 11
    elif re.search("午後|過ぎ|すぎ|昼", word):
        hour = 13
    else:
        hour = 9
    return _Token("time", hour=hour, explicit_meridiem=True)


def _note(match: re.Match[str], _: str) -> _Token:
    """Words that only lead into a date (年明け, 来る): kept out of the title, no meaning."""
    return _Token("note")


# Zone abbreviations and names people put after a time (3pm PST, 15時 日本時間).
ZONE_WORDS = {
    "jst": "Asia/Tokyo", "日本時間": "Asia/Tokyo", "japan time": "Asia/Tokyo",
    "tokyo time": "Asia/Tokyo", "kst": "Asia/Seoul", "utc": "UTC", "gmt": "UTC", "z": "UTC",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "pacific time": "America/Los_Angeles", "est": "America/New_York",
    "edt": "America/New_York", "et": "America/New_York", "eastern time": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago",
    "central time": "America/Chicago", "mst": "America/Denver", "mdt": "America/Denver",
    "bst": "Europe/London", "uk time": "Europe/London", "london time": "Europe/London",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney", "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong",
    "ist": "Asia/Kolkata", "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
}  # fmt: skip
_ZONE_WORD = "|".join(
    sorted((re.escape(word) for word in ZONE_WORDS if word != "z"), key=len, reverse=True)
)
_NEXT_TO_CLOCK = re.compile(r"(?:\d|[ap]\.?m\.?|時|分|半|noon|o'?clock)\s*\(?\s*$")
_ISO_CLOCK = re.compile(r"\dt\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def _zone(match: re.Match[str], text: str) -> _Token | None:
    """3pm JST, 15:00 UTC, 日本時間15時, 2026-12-10T15:00+09:00: the zone a clock time is in."""
    before, after = text[: match.start()], text[match.end() :]
    offset = match.groupdict().get("offset")
    if offset is not None:
        if not _ISO_CLOCK.search(before):
            return None
        if offset == "z":
            return _Token("zone", zone="UTC")
        sign, hours, minutes = offset[0], int(offset[1:3]), int(offset[-2:])
        if minutes or hours > 14:
            return _Token("note")  # a half-hour offset: read in the chat's zone
        name = "UTC" if hours == 0 else f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        return _Token("zone", zone=name)
    word = re.sub(r"\s+", " ", match["word"])
    anywhere = not word.isascii() or " " in word
    if not (anywhere or _NEXT_TO_CLOCK.search(before) or re.match(r"\s*\d", after)):
        return None
    if len(word) == 2 and not re.search(r"[ap]\.?m\.?\s*$", before):
        return None  # ET / PT only right after 3pm: "15時 PT 打ち合わせ" is a title
    return _Token("zone", zone=ZONE_WORDS[word])


def _rule(pattern: str, build: _Builder) -> tuple[re.Pattern[str], _Builder]:
    return re.compile(pattern), build


_PARTICLE = r"\s*[のは、,]?\s*"
# 12月3日(木), 12月3日木曜: the weekday written beside a date, to check it against the date
_JA_WEEKDAY_NOTE = (
    rf"(?:\s*\(\s*(?P<wdnote>[{_JA_WD}])(?:曜日?)?\s*\)|\s*(?P<wdword>[{_JA_WD}])曜日?)?"
)
_JA_PREFIX = rf"(?P<prefix>(?:(?:{_JA_PART}){_PARTICLE})*)"
_EN_HOUR_STOP = (
    r"(?![\d:/.a-z]|\s*(?:st|nd|rd|th|%|minutes?|mins?|hours?|hrs?|days?|weeks?|months?"
    r"|years?|people|persons?|pages?|times|of)\b)"
)
_AFTER_DAY_WORD = "|".join(
    f"(?<=\\b{word} )"
    for word in (
        "tomorrow", "today", "tonight", "weekday", "weekdays", "day", "daily", "morning",
        "evening", "night", "afternoon", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays",
        "saturdays", "sundays",
    )
)  # fmt: skip

_AFTER_A_DAY = re.compile(rf"(?:日|曜日?|\d|\)|\b(?:tomorrow|tmrw|today|{_EN_WD})\.?)\s*$")

# Rules claim text in this order; a later rule never matches inside an earlier match.
_RULES: list[tuple[re.Pattern[str], _Builder]] = [
    # offsets: 1時間後, 2時間半後, 1日と2時間後, in 30 minutes, 1 day 2 hours later
    _rule(
        r"(?P<pre>今から|いまから|今より|あと|後)?\s*(?<![\d時:.])(?P<n1>\d+(?:\.\d+)?)\s*"
        r"(?P<u1>分(?!前)|時間|日|週間|週|ヶ月|か月|カ月|ヵ月|ケ月|箇月|年)(?P<h1>半)?"
        r"(?:\s*と?\s*(?P<n2>\d+)\s*(?P<u2>時間|分)(?P<h2>半)?)?"
        r"\s*(?P<post>後|先|経ったら|たったら|したら|以内|で)?",
        _ja_offset,
    ),
    # 半年後 / 半年先: six months on, like 6か月後
    _rule(
        r"(?<![\d.])半年\s*(?:後|先)",
        lambda match, text: _Token("offset", calendar_delta=relativedelta(months=6)),
    ),
    _rule(
        r"\b(?:in|within|after)\s+(?:about\s+|around\s+|another\s+|just\s+)?"
        r"(?P<dur>(?:(?:\d+(?:\.\d+)?|an?|half\s+an?)\s*(?:minutes?|mins?|min|hours?|hrs?|hr|h"
        r"|days?|weeks?|wks?|months?|years?)\b(?:\s+and\s+a\s+half)?(?:\s*,?\s*(?:and\s+)?)?)+)"
        r"(?:\s*(?:from\s+now|later|time))?",
        _en_offset,
    ),
    _rule(
        r"(?P<dur>(?:(?:\d+(?:\.\d+)?|an?|half\s+an?)\s*(?:minutes?|mins?|min|hours?|hrs?|hr|h"
        r"|days?|weeks?|wks?|months?|years?)\b(?:\s+and\s+a\s+half)?(?:\s*,?\s*(?:and\s+)?)?)+)"
        r"\s*(?:from\s+now|from\s+today|later|hence)\b",
        _en_offset,
    ),
    # lead-in words, zones, deadlines, named periods that other rules would cut in half
    # a week from Friday, a week on Friday, two weeks from tomorrow: that day, weeks later
    _rule(
        rf"(?<!every )(?<!each )(?<!in )(?<!after )(?<!within )"
        rf"\b(?P<n>a|\d)\s+weeks?\s+(?:from|on)\s+(?=(?:tomorrow|tmrw|today|{_EN_WD})\b)",
        lambda match, text: _Token(
            "note", extra={"weeks_on": 1 if match["n"] == "a" else int(match["n"])}
        ),
    ),
    # 年明けの11日, 年明けの月曜: the day in the new year (in December, next January)
    _rule(
        rf"年明け(?:早々|すぐ)?\s*の?(?=\s*(?:\d{{1,2}}\s*日|[{_JA_WD}]曜))",
        lambda match, text: _Token("note", extra={"new_year": 1}),
    ),
    _rule(
        rf"年明け(?:早々|すぐ)?\s*の?(?=\s*(?:\d{{1,2}}\s*[月/日]|第|[{_JA_WD}]曜))"
        r"|(?:来る|来たる|きたる)(?=\s*\d{1,2}\s*[月/日])"
        # 毎月10日締め, 12/10〆: a deadline mark on the date, not the title's first word
        r"|(?:(?<=[日\d)）末旬])\s*|(?<=[時分半午曜内中]))(?:締め?切?り?|〆切?|しめきり)(?=\s|$|[、,。:：])"
        # 隔週金曜(次回12/18), (12/18〜): words that only say the date starts a series
        r"|次回\s*(?:は|の)?(?=\s*\d{1,2}\s*[月/])|(?<=[日\d])\s*(?:から|~|以降)(?=\s*\))",
        _note,
    ),
    _rule(
        r"(?P<offset>(?<=\d)(?:z|[+-]\d{2}:?\d{2}))(?![\d:a-z])"
        rf"|\(?(?:\b(?P<word>{_ZONE_WORD})\b|(?P<jword>日本時間))\)?",
        lambda match, text: (
            _zone(match, text) if not match["jword"] else _Token("zone", zone="Asia/Tokyo")
        ),
    ),
    _rule(
        r"(?P<every>毎)?(?:(?P<shift>今|本|来|翌)|(?P<era>令和|平成)\s*(?P<en>\d{1,2}|元)\s*"
        r"|(?<!\d)(?P<fy>\d{4})\s*)?年度\s*の?\s*(?P<w>末日|末|終わり|おわり|初め|はじめ|始め|頭)"
        # 令和9年度から, 2027年度より: the fiscal year a repetition starts in
        r"|(?:(?P<sera>令和|平成)\s*(?P<sen>\d{1,2}|元)\s*|(?<!\d)(?P<sfy>\d{4})\s*)年度"
        r"(?=\s*(?:から|より|以降))"
        r"|(?P<shift2>今|本|来|翌)?年度\s*(?P<within>中|内)(?!\s*[旬止])"
        r"|(?P<shift3>新)年度(?=\s*の?\s*\d{1,2}\s*[月/])|新年度"
        r"|(?P<shift4>今|本|再来|来|翌)年度",
        _fiscal,
    ),
    # 上期末 / 下期末: the ends of the fiscal halves (April-September, October-March)
    _rule(
        r"(?P<half>上|下)半?期\s*の?\s*(?P<w>末日|末|終わり|おわり|初め|はじめ|始め|頭)",
        _fiscal_half,
    ),
    _rule(
        r"\b(?:every\s+day|daily)\s+(?:except|but\s+not|excluding)\s+(?:on\s+)?(?:the\s+)?"
        r"weekends?\b",
        lambda match, text: _Token("every", freq="WEEKLY", weekdays=_WORKDAYS, recurring=True),
    ),
    # days a repetition leaves out: 金曜以外の平日, 毎日（土日祝を除く）, weekdays except Friday
    _rule(
        # the 日 of 祝日 is no Sunday: 毎日（祝日除く）keeps Sundays (holidays are not known here)
        rf"\(\s*(?<!祝)(?P<inside>{_JA_WD_LIST})\s*(?:祝日?)?\s*[はを]?\s*(?:{_JA_EXCEPT}|休み|なし)\s*\)"
        rf"|(?<!祝)(?<!\d)(?P<list>{_JA_WD_LIST})\s*(?:祝日?)?\s*[はを]?\s*(?:{_JA_EXCEPT})\s*の?",
        _excepted_days,
    ),
    _rule(
        r"\(?\s*\b(?:except|excluding|but\s+not|other\s+than|apart\s+from|not\s+on)\s+"
        rf"(?:on\s+)?(?:the\s+)?(?P<list>{_EN_WD}\b\.?(?:\s*(?:,|and|&|/|or)\s*{_EN_WD}\b\.?)*)"
        r"(?:\s*\))?",
        _excepted_days,
    ),
    # daily 9am standup except weekends: the weekend is left out, not repeated
    _rule(
        r"\(?\s*\b(?:except|excluding|but\s+not|other\s+than|apart\s+from|not\s+on)\s+"
        r"(?:on\s+)?(?:the\s+)?weekends?\b(?:\s*\))?",
        lambda match, text: _Token("except", weekdays=(5, 6)),
    ),
    _rule(
        r"(?P<mod>毎週|今週|来週|翌週|再来週|毎|今|来|翌|再来)?\s*の?\s*"
        r"(?P<w>週末|土日(?:曜日?)?(?:祝日?)?)"
        r"|\b(?P<enmod>every|each|this|next|on|over\s+the|the)?\s*(?P<enw>weekends?)\b",
        lambda match, text: _weekend(match, text),
    ),
    _rule(
        r"(?P<mod>再来|来|翌)?週明け|(?P<mod2>再来週|来週|翌週)\s*の?\s*(?:頭|初め|はじめ)(?!\s*[旬])",
        _week_start,
    ),
    _rule(
        r"(?P<word>今日|本日|きょう|明日|あした|あす|明後日|あさって|今夜|今晩|今宵)\s*中"
        r"(?!\s*[旬止])",
        _day_end,
    ),
    _rule(
        r"(?P<mod>今週|来週|翌週|再来週)\s*(?:中(?!\s*[旬止])|内)"
        r"|(?<![今来翌再毎隔\d])週内(?=\s*(?:に|まで|[、,。〆締]|しめ|\s|$))",
        _week_day_end,
    ),
    _rule(
        r"(?P<mod>今週|来週|翌週|再来週)\s*の?\s*(?:中旬|半ば|なかば)"
        r"|\b(?:mid[-\s]?|(?:the\s+)?middle\s+of\s+(?:the\s+|this\s+)?)(?P<next>next\s+)?week\b",
        _mid_week,
    ),
    _rule(
        r"\b(?:by\s+)?(?:eod|cob|eob|close\s+of\s+business"
        r"|end\s+of\s+(?:the\s+)?(?:business\s+|work(?:ing)?\s+)?day)\b",
        _fixed_time(17),
    ),
    _rule(
        r"朝\s*(?:イチ|いち|一番|一)|午前\s*(?:イチ|一番)"
        r"|(?:午後|お?昼)\s*(?:イチ|いち|一番|一)(?!\s*\d)"
        r"|お?昼\s*(?:過ぎ|すぎ)|お?昼\s*前|\bfirst\s+thing(?:\s+in\s+the\s+morning)?\b",
        _named_time,
    ),
    _rule(r"\b(?P<dir>before|after)\s+(?P<meal>breakfast|lunch|dinner)\b", _meal_edge),
    # n-th weekday of a month
    _rule(
        rf"(?:(?P<m>\d{{1,2}})\s*月\s*の?\s*)?(?:第\s*(?P<n>\d)(?P<more>(?:\s*[・、,と]\s*第?\s*\d)*)|(?P<last>最終|最後の))"
        rf"\s*(?P<wd>[{_JA_WD}])曜日?"
        # 第2火曜と第4火曜, 第1月曜・第3木曜: more n-th weekdays, each with its own day
        rf"(?P<pairs>(?:\s*[・、,と]\s*第\s*\d\s*[{_JA_WD}]曜日?)*)",
        _nth_weekday,
    ),
    # the n-th business day of a month: 毎月最終営業日, 第3営業日, every last business day
    _rule(
        r"(?:(?P<last>最終|最後の)|第\s*(?P<n>[1-5]))\s*営業日"
        rf"|\b(?:the\s+)?(?P<en>{_EN_NTH})(?:st|nd|rd|th)?\s+(?:business|working|work)\s+day"
        r"(?:\s+of\s+(?:the\s+|each\s+|every\s+)?month)?\b",
        _nth_business_day,
    ),
    _rule(
        rf"\b(?:the\s+)?(?P<n>{_EN_NTH})(?:st|nd|rd|th)?"
        rf"(?P<enmore>(?:\s*(?:,|and|&)\s*(?:the\s+)?(?:{_EN_NTH})(?:st|nd|rd|th)?)*)"
        rf"\s+(?P<wd>{_EN_WD})\b"
        r"(?:\s+(?:of|in)\s+(?:(?:the\s+)?(?P<scope>every|each|this|next|the)?\s*month"
        rf"|(?P<mon>{_MONTH_WORD})\b\.?))?",
        _nth_weekday,
    ),
    # recurrence markers
    # 月1回, 月に1回, 2週に1回, 毎月2回, 週1: a count per period names the period's repetition
    _rule(
        r"(?:毎|(?P<n>\d+)\s*|(?P<half>半)(?=年)|(?<![\d今来再先毎翌当半]))"
        r"(?P<unit>週間?|か月|ヶ月|カ月|ヵ月|月|年|四半期|半期)"
        r"\s*に?\s*(?:(?P<times>\d+)\s*[回度](?!目)|(?<=週)(?P<short>[1-7])(?![\d日時分回:./]))",
        _times_per,
    ),
    # 四半期ごと, 毎四半期, 半年ごと, 半期毎: every three or six months
    _rule(
        r"(?:毎|各)(?P<unit>四半期|半期|半年)|(?P<unit2>四半期|半期|半年)\s*(?:ごとに|ごと|毎)",
        lambda match, text: _Token(
            "every",
            freq="MONTHLY",
            interval=3 if (match["unit"] or match["unit2"]) == "四半期" else 6,
            recurring=True,
        ),
    ),
    _rule(
        r"(?P<word>平日(?:の)?(?:毎朝|毎日|毎晩|毎夕)?|毎平日|毎日|日々|各日|毎朝|各朝|毎晩|毎夜"
        r"|各晩|毎夕|毎昼|毎午前|各午前|毎午後|各午後|毎週|隔週|毎月|隔月|毎年|隔日|隔年"
        r"|(?P<n>\d+)\s*(?P<unit>日|週間|週|か月|ヶ月|カ月|ヵ月)\s*(?P<kind>ごと|おき|毎(?![週月日年朝晩夜夕昼午]))に?"
        r"|(?<=曜)(?:ごとに|ごと)|(?<=曜日)(?:ごとに|ごと))",
        _ja_every,
    ),
    _rule(
        r"\b(?P<word>daily|everyday|nightly|weekly|biweekly|fortnightly|monthly|yearly|annually"
        r"|(?:on\s+)?(?:weekdays|workdays)"
        r"|(?:every|each)\s+(?:other\s+|2nd\s+|second\s+)?(?:weekday|workday|business\s+day)"
        r"|(?:every|each)(?:\s+(?P<other>other))?(?:\s+(?P<n>\d+))?"
        r"(?:\s+(?P<unit>days?|morning|afternoon|evening|night|weeks?|fortnights?|months?"
        r"|quarters?|years?))?)\b",
        _en_every,
    ),
    # dates
    _rule(
        r"(?P<era>令和|平成|昭和)\s*(?P<n>\d{1,2}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
        + _JA_WEEKDAY_NOTE,
        _era_date,
    ),
    _rule(
        r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日" + _JA_WEEKDAY_NOTE, _ymd
    ),
    _rule(
        r"(?<![a-z\d])(?P<era>令和|平成|昭和|r|h|s)\s*(?P<n>\d{1,2}|元)\s*[./-]\s*(?P<m>\d{1,2})"
        r"\s*[./-]\s*(?P<d>\d{1,2})(?!\d)" + _JA_WEEKDAY_NOTE,
        _era_date,
    ),
    _rule(
        r"(?<![\d.])(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)"
        r"(?:t(?=\d))?" + _JA_WEEKDAY_NOTE,
        _ymd,
    ),
    _rule(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)", _ymd),
    _rule(r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?!\d)", _slash_date),
    # 12.10 15:00, 12.10(木): a Japanese month.day, only where it cannot be a clock time
    _rule(
        rf"(?<![a-z\d./:])(?P<m>\d{{1,2}})\.(?P<d>\d{{1,2}})(?![\d.])"
        rf"(?=\s*\(\s*[{_JA_WD}]|\s*[{_JA_WD}]曜|\s+\d{{1,2}}\s*(?::|時|[ap]\.?m))"
        + _JA_WEEKDAY_NOTE,
        _ymd,
    ),
    _rule(
        rf"(?:(?:(?P<y>\d{{4}})|(?P<era>令和|平成)\s*(?P<en>\d{{1,2}}|元))\s*年\s*)?"
        rf"(?<!\d)(?P<m>\d{{1,2}})\s*月\s*の?\s*(?P<w>{_MONTH_PART})",
        _month_part,
    ),
    # 3月まで, 来年3月まで, until March: the end of a series (its month's last day); a one-off
    # leaves the month to month_only as before
    _rule(
        r"(?:(?P<y>\d{4})\s*年\s*|(?P<rel>今年|来年|再来年)\s*の?\s*)?(?<![\d.])(?P<m>\d{1,2})\s*月"
        r"\s*(?:まで|迄)(?!\s*(?:の|に(?=\S)))"
        rf"|\b(?:until|till|through|thru)\s+(?:(?P<endof>the\s+end\s+of)\s+)?(?P<mon>{_MONTH_WORD})\b\.?"
        r"(?!\s*\d)(?:,?\s*(?P<yy>\d{4})\b)?",
        _month_bound,
    ),
    # 3月中に, 3月いっぱい: a deadline at the end of that month
    _rule(
        r"(?:(?P<y>\d{4})\s*年\s*)?(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<w>中|いっぱい)"
        r"(?=\s*(?:に|まで|で|[、,。]|\s|$))",
        _month_part,
    ),
    _rule(
        r"\b(?:the\s+)?(?P<w>end|beginning|start|early|mid|middle|late)(?:\s+of|\s*-|\s)\s*"
        rf"(?P<mon>{_MONTH_WORD})\b\.?",
        _month_part,
    ),
    _rule(
        r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日" + _JA_WEEKDAY_NOTE,
        _ymd,
    ),
    _rule(
        r"(?<![\d/:.])(?P<m>\d{1,2})\s*/\s*(?P<d>\d{1,2})(?![\d/])"
        rf"(?:\s*\(\s*(?P<wdnote>[{_JA_WD}])(?:曜日?)?\s*\)|\s*\(\s*(?P<wden>{_EN_WD})\.?\s*\))?",
        _slash_date,
    ),
    _rule(
        rf"\b(?P<mon>{_MONTH_WORD})\b\.?\s*(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
        r"(?!\s*(?::\d|[ap]\.?m\b|o'?clock))(?:,?\s*(?P<y>\d{4})\b)?",
        _en_date,
    ),
    _rule(
        r"(?<![\d.:])(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s*(?:of\s+)?"
        rf"(?P<mon>{_MONTH_WORD})\b\.?(?:,?\s*(?P<y>\d{{4}})\b)?",
        _en_date,
    ),
    # relative days; 来週の今日 / 再来週の今日: the same weekday one or two weeks on
    _rule(
        r"(?P<mod>再来週|来週|翌週)\s*の\s*(?:今日|本日|同じ曜日)",
        lambda match, text: _Token("reldate", days=14 if match["mod"] == "再来週" else 7),
    ),
    _rule(
        r"(?P<word>明々後日|明明後日|しあさって|明後日|あさって|明日|あした|あす|翌日|今日|本日|きょう"
        r"|今夜|今晩|今宵|今朝|明朝|明晩|一昨日|おととい|昨日|きのう)",
        _reldate,
    ),
    _rule(
        r"\b(?:the\s+)?(?P<word>day\s+after\s+tomorrow|tomorrow|tmrw|tmr|today|tonight|tonite"
        r"|yesterday|this|next)\b"
        r"(?:\s+(?P<part>morning|afternoon|evening|night))?",
        lambda m, text: (
            None if m["word"] in ("this", "next") and not m["part"] else _reldate(m, text)
        ),
    ),
    _rule(
        r"(?P<shift>今月|当月|来月|翌月|再来月)\s*の?\s*"
        r"(?P<w>末日|最終日(?!\s*曜)|末|終わり|おわり|初め|はじめ|始め|初旬|上旬|中旬|下旬|頭"
        r"|中(?!\s*[旬止])|内(?=\s*(?:に|まで|[、,。〆締]|しめ|\s|$)))"
        r"|(?<![\d今来翌再当毎])月(?P<w2>初め|初|頭|始め|はじめ)(?!\s*[旬])"
        # 月内に: by the end of this month, like 今月中
        r"|(?<![\d今来翌再当毎先])月(?P<w4>内)(?=\s*(?:に|まで|[、,。〆締]|しめ|\s|$))"
        r"|(?<=毎月)の?(?P<w3>初め|初|頭|始め|はじめ)(?!\s*[旬])",
        lambda match, text: (
            _relative_month_part(match, text)
            if match["w"] or match["w4"]
            else _Token("dom", day=1)
        ),
    ),
    _rule(
        r"\b(?:the\s+)?(?P<w>end|beginning|start|middle)\s+of\s+(?:the\s+)?"
        r"(?:(?P<shift>this|next)\s+)?month\b",
        _relative_month_part,
    ),
    _rule(r"\b(?:the\s+)?month[-\s]?end\b|\beom\b", _month_end),
    _rule(
        r"(?:(?P<shift>今年|来年)\s*の?\s*)?年末(?!年始)|\b(?:the\s+)?end\s+of\s+(?:the\s+)?"
        r"(?:(?P<enshift>this|next)\s+)?year\b|\byear[-\s]end\b"
        # 年内に / 今年中: by the end of the year; 年内最後の会議 names a meeting
        r"|(?P<within>(?:今年|本年)\s*(?:中|内)|年内\s*中?)(?=\s*(?:に|まで|[、,。〆締]|しめ|\s|$))",
        lambda match, text: _year_end(match, text),
    ),
    _rule(
        r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:(?P<shift>next)\s+)?(?:work\s*)?week\b",
        _week_end,
    ),
    # clock times
    _rule(
        r"(?:\b(?P<from>from|between)\s+)?(?<![\d:./a-z-])(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?"
        r"\s*(?P<range>-|–|~|〜|to|till|until|and)\s*"
        r"(?=\d{1,2}(?::\d{2})?\s*(?:[ap]\.?\s*m?\b|in\s+the|o'?clock)|\d{1,2}:\d{2}"
        r"|\d{1,2}\s*時(?!間))",
        _bare_hour,
    ),
    _rule(
        r"\b(?P<amount>half|(?:a\s+)?quarter|\d\s+quarters|\d{1,2})\s*(?P<unit>minutes?|mins?|min)?\s+"
        r"(?P<dir>past|after|to|before|till)\s+(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?"
        rf"(?:{_AMPM})?(?:\s*o'?\s*clock)?",
        _relative_clock,
    ),
    _rule(
        rf"{_JA_PREFIX}(?<![\d:/.])(?P<hour>\d{{1,2}})\s*:\s*(?P<minute>\d{{2}})"
        r"(?::\d{2}(?:\.\d+)?)?(?![\d:])"
        rf"(?:{_AMPM})?{_TIME_SUFFIX}",
        _colon_time,
    ),
    _rule(
        rf"(?<![\d:/.])(?P<hour>\d{{1,2}})\s*(?:\.(?=\d{{2}}\s*[ap])|h)\s*(?P<minute>\d{{2}})"
        rf"(?!\d)(?:{_AMPM})?",
        _ampm_time,
    ),
    _rule(rf"(?<![\d:/.])(?P<hour>\d{{1,2}})(?P<minute>\d{{2}})\s*{_AMPM}", _ampm_time),
    _rule(r"(?<![\d:/.])(?P<hour>\d{1,2})h(?![a-z\d\u3040-\u9fff])", _bare_hour),
    _rule(
        rf"(?<![\d:/.])(?P<hour>\d{{1,2}})(?P<minute>)\s*{_AMPM}(?:\s*o'?\s*clock)?{_TIME_SUFFIX}",
        _ampm_time,
    ),
    _rule(
        # 15時 5分間スピーチ, 14時 30分程度: a length after the hour, not minutes past it; so is
        # 13時 90分の研修, 60 minutes or more set apart from the hour (13時90分 is no time)
        rf"{_JA_PREFIX}(?P<hour>\d{{1,3}})\s*時(?!間)\s*"
        rf"(?:(?P<half>半)|(?P<minute>(?<=時)\d{{1,3}}|[0-5]?\d(?!\d))\s*分"
        r"(?!\s*(?:間|程度|ほど)))?"
        rf"(?P<before>(?<=分)前)?(?:{_AMPM})?{_TIME_SUFFIX}",
        _ja_time,
    ),
    _rule(r"(?<![\d:/.])(?P<hour>\d{1,2})\s*(?:o'?\s*clock|-?ish\b)", _bare_hour),
    _rule(r"(?:正午|お昼の?12時)|\b(?:12\s+)?(?:noon|mid-?\s?day)(?:ish)?\b", _fixed_time(12)),
    _rule(r"真夜中|\b(?:12\s+)?mid-?\s?night\b", _fixed_time(0)),
    _rule(
        r"\b(?:at|around|about|by|from|till|until)\s+(?P<hour>\d{1,2})\.(?P<minute>\d{2})(?![\d.])",
        _bare_hour,
    ),
    _rule(
        r"\b(?:at|around|about|by|from|circa|till|until|between|approximately)\s+"
        rf"(?P<hour>\d{{1,2}}){_EN_HOUR_STOP}",
        _bare_hour,
    ),
    _rule(rf"(?:{_AFTER_DAY_WORD})(?P<hour>\d{{1,2}}){_EN_HOUR_STOP}(?!\s*[-–~])", _bare_hour),
    # next Monday morning 6-8: a bare range right after a day or part of the day
    _rule(rf"(?:{_AFTER_DAY_WORD})(?P<hour>\d{{1,2}})\s*[-–~]\s*\d{{1,2}}(?![\d:])", _bare_hour),
    _rule(
        r"(?<![\d:./])(?P<hour>\d{1,2})\s*,?\s*(?=(?:in\s+the\s+)?(?:morning|afternoon|evening"
        r"|night)\b|tonight|this\s+(?:morning|afternoon|evening)|lunchtime)",
        _bare_hour,
    ),
    # day of month, month end
    _rule(
        r"(?<![\d/])(?<!\d月)(?P<d>\d{1,2})(?P<more>(?:\s*日?\s*(?:と|・|、|,|&)\s*\d{1,2})*)\s*日"
        r"(?!\s*(?:後|間|前|目|以内|ぶり|連続|中|ごと|おき|分|曜|毎))"
        rf"(?:\s*\(\s*[{_JA_WD}](?:曜日?)?\s*\))?",
        _dom,
    ),
    _rule(
        r"月末|末日|(?<=毎月)の?末|(?<=毎月)\s*の?\s*最終日(?!\s*曜)"
        r"|\b(?:the\s+)?last\s+day(?:\s+of\s+(?:the\s+)?month)?"
        # at the end of every month, each month-end, every month end
        r"|\b(?:at\s+)?(?:the\s+)?end\s+of(?=\s+(?:every|each)\s+month\b)"
        r"|(?:(?<=every\smonth)|(?<=each\smonth))[-\s]end\b",
        _month_end,
    ),
    _rule(
        r"\b(?:on\s+(?:the\s+)?|the\s+|at\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b"
        r"(?P<more>(?:\s*(?:,|and|&)\s*(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b)*)"
        r"(?:\s+of\s+(?P<scope>the|every|each)\s+month)?",
        _dom,
    ),
    _rule(
        r"\b(?:on\s+(?:the\s+)?|the\s+)(?P<d>\d{1,2})\b"
        r"(?!\s*(?::|\.\d|[ap]\.?m\b|[ap]\b|o'?clock|minutes?|mins?|hours?|hrs?|days?|weeks?"
        r"|months?|-|~|to\b|and\b|people|of\b))",
        _dom,
    ),
    # weekdays
    _rule(
        r"(?P<mod>再来週|来週|翌週|今週|次回の|次回|その次の|次の|今度の|この"
        rf"|\b(?:{_EN_WEEK}|next|this)(?![a-z]))?\s*の?\s*"
        rf"(?P<list>[{_JA_WD}](?:曜日?)?(?:\s*(?:[・、,/と~\-–]|(?<=曜|日)から)?\s*[{_JA_WD}](?:曜日?)?)*)",
        _ja_weekdays,
    ),
    _rule(
        rf"(?P<mod>\b(?:{_EN_WEEK})(?:'s)?\s+(?:on\s+)?|\bnext\s+|\bthis\s+(?:coming\s+)?|\bcoming\s+"
        r"|\bon\s+|(?:再来週|来週|翌週|今週)\s*の?\s*)?"
        rf"(?P<list>(?:\b|(?<=[週の]))(?<![a-z]){_EN_WD}\b\.?(?:\s*(?:,|and|&|/|or|-|–|~|to|through|thru|till|until)\s*"
        rf"{_EN_WD}\b\.?)*)"
        rf"(?P<nextweek>\s+(?:of\s+)?(?:{_EN_WEEK}))?",
        _en_weekdays,
    ),
    # 来週, next week: that week's Monday; 今週 / this week only where a series starts (今週から)
    _rule(
        r"(?P<mod>再来週|来週|翌週|今週(?=\s*(?:から|より|以降)))"
        rf"|\b(?P<enmod>(?!this)(?:{_EN_WEEK})|(?:(?<=from )|(?<=starting ))this\s+week)\b",
        lambda match, text: _week_start(match, text),
    ),
    # month / year shifts, parts of the day
    _rule(r"再来月|来月|今月|来年|今年|\b(?:next|this)\s+(?:month|year)\b", _shift),
    # 明日PM 電話, Monday AM staff check-in: AM / PM alone right after a day are 午前 / 午後
    _rule(
        r"(?<![a-z\d])(?P<word>am|pm)(?![a-z\d])(?!\s*(?:と|に|へ|の|さん|が|は|を|から|meeting))",
        lambda match, text: (
            _part(match, text) if _AFTER_A_DAY.search(text, 0, match.start()) else None
        ),
    ),
    _rule(
        r"(?P<word>午前中|午前|午後|早朝|朝方|明け方|夕方|夕刻|真夜中|夜中|深夜|未明|お昼|昼食時|日中"
        r"|昼休み|昼休憩"
        r"|(?:朝|夜|晩|昼|夕)(?=\s*(?:の|に|、|,|\s|$|\d|から|は)))",
        _part,
    ),
    _rule(
        r"\b(?P<pre>in\s+the\s+|this\s+|at\s+|on\s+|during\s+(?:the\s+)?|over\s+|for\s+)?"
        r"(?:early\s+|late\s+)?"
        r"(?P<word>mornings?|afternoons?|evenings?|nights?|lunch\s*time|lunch|breakfast|dinner)\b",
        _part,
    ),
    # 1月から毎月第2火曜, starting in April every Wednesday: the month a repetition starts in
    _rule(
        r"(?<![\d.])(?P<m>\d{1,2})\s*月\s*(?:から|以降|より)"
        rf"|\b(?:from|starting(?:\s+in)?|beginning(?:\s+in)?)\s+(?P<mon>{_MONTH_WORD})\b\.?"
        r"(?!\s*\d{1,2}(?:st|nd|rd|th)?\b(?!\s*(?::|[ap]\.?m\b|o'?clock)))",
        _since_month,
    ),
    _rule(r"(?<!\d)(?P<m>\d{1,3})\s*月(?!曜)", _invalid_month),
]


# ---------------------------------------------------------------- resolution


def _scan(text: str) -> list[_Token]:
    taken = [False] * len(text)
    tokens: list[_Token] = []
    for pattern, build in _RULES:
        position = 0
        while match := pattern.search(text, position):
            begin, end = match.span()
            position = begin + 1
            if begin == end:
                continue
            if any(taken[begin:end]):
                # A shorter reading that stops where claimed text starts ("the 15th" of "the
                # 15th of each month" once "each month" is taken), else nothing here.
                limit = taken.index(True, begin)
                match = pattern.match(text, begin, limit) if limit > begin else None
                if match is None or match.end() == begin:
                    continue
                end = match.end()
            token = build(match, text)
            if token is None:
                continue
            position = end
            token.start, token.end = begin, end
            taken[begin:end] = [True] * (end - begin)
            tokens.append(token)
    return sorted(tokens, key=lambda token: token.start)


_RANGE_GAP = re.compile(r"^\s*(?:から|~|-|–|to|till|until|and|より)\s*$")
_RANGE_TAIL = re.compile(r"^\s*(?:までの間|まで|の間|の間に)")


def _apply_part(hour: int, part: str | None) -> int:
    if part == "am":
        return 0 if hour == 12 else hour
    if part == "pm":
        return hour + 12 if hour < 12 else hour
    if part == "evening":
        return hour + 12 if 1 <= hour < 12 else hour
    if part == "night":
        if hour == 12:
            return 24
        return hour + 12 if 5 <= hour < 12 else hour
    if part == "late":
        return 24 if hour == 12 else hour
    if part == "lunch":
        return hour + 12 if 1 <= hour <= 5 else hour
    if part == "dinner":
        return hour + 12 if 1 <= hour < 12 else hour
    return hour


@dataclass
class _Clock:
    hour: int
    minute: int
    late_night: bool  # 今夜1時: may fall after midnight
    bare: bool = False  # no am/pm, 午前/午後 or part of the day said which half of the day


def _pick_clock(tokens: list[_Token], text: str) -> tuple[_Clock | None, list[_Token]]:
    """The start time of day and the tokens that were used as range ends."""
    times = [token for token in tokens if token.kind == "time"]
    range_ends: list[_Token] = []
    parts = [token for token in tokens if token.part and token.kind != "time"]
    hints = [token for token in parts if "in_title" in token.extra]
    parts = [token for token in parts if token not in hints]
    if not parts and any(token.kind in (*_DATE_KINDS, "every") for token in tokens):
        parts = hints  # 明日 お昼当番, team lunch tomorrow: the title's word still gives the hour
    if times and parts is hints:
        # 明日10時 夜の部の受付: a Japanese title word after the clock time leaves its hour alone
        parts = [
            token
            for token in hints
            if token.start < times[0].start or text[token.start : token.end].isascii()
        ]
    if times:
        head = times[0]
        if len(times) > 1:
            tail = times[1]
            gap = text[head.end : tail.start]
            if head.range_head or _RANGE_GAP.match(gap):
                range_ends.append(tail)
                following = _RANGE_TAIL.match(text[tail.end :])
                if following:
                    tail.end += following.end()
                if head.part is None and not head.explicit_meridiem and tail.part:
                    tail_hour = _apply_part(tail.hour or 0, tail.part)
                    candidate = _apply_part(head.hour or 0, tail.part)
                    if candidate <= tail_hour or tail.part not in ("pm", "evening", "night"):
                        head.part = tail.part
        assert head.hour is not None
        part = head.part
        if part is None and not head.explicit_meridiem and parts:
            part = min(parts, key=lambda token: abs(token.start - head.start)).part
        hour = _apply_part(head.hour, part)
        late = part in ("night", "late") and hour < 5
        bare = part is None and not head.explicit_meridiem
        return _Clock(hour, head.minute, late, bare), range_ends
    if parts:
        part_name = parts[0].part or "morning"
        if part_name == "day_end":
            # 今日中 / 今月中: a deadline at the end of the day
            return _Clock(23, 59, False), range_ends
        return _Clock(PART_DEFAULT_HOURS[part_name], 0, False), range_ends
    return None, range_ends


MAX_RANGE = timedelta(hours=12)
# A range longer than this is pointed out in the confirmation, as typed or not (9:00〜20:00).
LONG_RANGE = timedelta(hours=10)
# A range starting at this hour or later may end after midnight (22時〜1時).
OVERNIGHT_FROM = 18


class _EndBeforeStart(Exception):
    """A range whose end, as typed, is at or before its start (10:00-9:00, 14:00〜13:00)."""


def _range_length(clock: _Clock, end: _Token) -> tuple[timedelta | None, bool]:
    """From the start clock to a range's end time, the end taken as typed, and whether the end
    is doubtful (see ParsedWhen.range_end_doubtful). A bare end hour below 12 after an afternoon
    or evening start is on the afternoon clock (``午後2時〜4時`` ends at 16:00); an earlier end
    after a start from 18:00, or an end said to be in the morning after an afternoon start, is on
    the next day (``22時〜1時``, ``午後五時から朝3時まで``); any other end at or before the start
    raises _EndBeforeStart. Over 12 hours: no range."""
    if end.hour is None:
        return None, False
    minutes = _apply_part(end.hour, end.part) * 60 + end.minute - (clock.hour * 60 + clock.minute)
    # 14時〜4時: the start was typed on the 24-hour clock, so an end before it is a slip
    turned = clock.bare and minutes <= 0
    if minutes <= 0 < minutes + 12 * 60 and end.part is None and end.hour < 12 <= clock.hour:
        minutes += 12 * 60
    next_morning = clock.hour >= 12 and end.part in ("morning", "am", "late")
    if minutes <= 0 and (clock.hour >= OVERNIGHT_FROM or next_morning):
        minutes += 24 * 60
    if minutes <= 0:
        raise _EndBeforeStart
    length = timedelta(minutes=minutes)
    if length > MAX_RANGE:
        return None, False
    next_day = clock.hour * 60 + clock.minute + minutes > 24 * 60
    return length, turned or next_day or length > LONG_RANGE


def _first(tokens: list[_Token], kind: str) -> _Token | None:
    return next((token for token in tokens if token.kind == kind), None)


class _Past(Exception):
    """An explicit date or time that has already gone by."""


def _at(day: date, clock: _Clock, zone: ZoneInfo) -> datetime:
    moment = datetime.combine(day, time()) + timedelta(hours=clock.hour, minutes=clock.minute)
    return localize(moment, zone)


def _nth_weekday_of_month(
    year: int, month: int, weekday: int | tuple[int, ...], nth: int
) -> date | None:
    """The n-th (-1: last) ``weekday`` of a month; of several weekdays, the n-th of them all
    (Monday to Friday: the n-th business day)."""
    wanted = (weekday,) if isinstance(weekday, int) else weekday
    days = [
        day
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, day).weekday() in wanted
    ]
    if nth == -1:
        return date(year, month, days[-1])
    return date(year, month, days[nth - 1]) if nth <= len(days) else None


def _resolve_date(
    tokens: list[_Token], clock: _Clock, now: datetime, zone: ZoneInfo
) -> datetime | None:
    """The one-off start for the date tokens at ``clock``; None when no date was given."""
    today = now.date()
    shift = _first(tokens, "shift")
    date_token = _first(tokens, "date")
    year_shift = _years(shift) if shift and "year" in shift.extra else 0
    fiscal_shift = shift.extra.get("fiscal_year") if shift is not None else None
    dom = _first(tokens, "dom")
    if date_token and "year_end" in date_token.extra and dom is not None and dom.day:
        # 年末 28日: the year's end names December, the day is given
        year_end = date_token
        date_token = _Token("date", month=12, day=dom.day, calendar_delta=year_end.calendar_delta)
    if date_token and date_token.month and date_token.day:
        named_year = date_token.year is not None or "fiscal" in date_token.extra
        if fiscal_shift is not None and not named_year:
            date_token.extra["fiscal"] = fiscal_shift  # 来年度 4月15日: in next fiscal year
        return _resolve_month_day(date_token, year_shift, clock, now, zone)
    reldate = _first(tokens, "reldate")
    if reldate is not None and reldate.days is not None:
        start = _at(today + timedelta(days=reldate.days), clock, zone)
        if start <= now and clock.late_night and reldate.days >= 0:
            start = _at(today + timedelta(days=reldate.days + 1), clock, zone)
        if start <= now:
            raise _Past
        return start
    nth = _first(tokens, "nth")
    month_shift = shift.calendar_delta if shift and "month" in shift.extra else None
    if nth is not None and nth.nth is not None and nth.month is not None:
        years = range(today.year + year_shift, today.year + year_shift + 2)
        if fiscal_shift is not None:
            fiscal = _fiscal_year(today, fiscal_shift, nth.month)
            years = range(fiscal, fiscal + 1)
        for year in years:
            day = _nth_weekday_of_month(year, nth.month, nth.weekdays[0], nth.nth)
            if day is not None and _at(day, clock, zone) > now:
                return _at(day, clock, zone)
        raise _Past
    if nth is not None and nth.nth is not None:
        month_start = today.replace(day=1)
        explicit = month_shift or nth.calendar_delta
        offsets = [explicit.months] if explicit is not None else list(range(13))
        for offset in offsets:
            month = month_start + relativedelta(months=offset)
            which = nth.weekdays if "setpos" in nth.extra else nth.weekdays[0]
            day = _nth_weekday_of_month(month.year, month.month, which, nth.nth)
            if day is not None and _at(day, clock, zone) > now:
                return _at(day, clock, zone)
        raise _Past
    if dom is not None and dom.day is not None:
        month_start = today.replace(day=1)
        explicit = month_shift or dom.calendar_delta  # 来月10日, 今月末
        offsets = [explicit.months] if explicit is not None else list(range(13))
        for offset in offsets:
            month = month_start + relativedelta(months=offset)
            last = calendar.monthrange(month.year, month.month)[1]
            for day_number in sorted(last if day == -1 else day for day in _days_of(dom)):
                if day_number > last:
                    continue
                start = _at(month.replace(day=day_number), clock, zone)
                if start > now:
                    return start
        raise _Past
    weekday = _first(tokens, "weekday")
    if weekday is not None and "since" in weekday.extra:
        # 来週から金曜に変更: the day said, in the week said; 来週から 10時 alone: its Monday
        named = next((t for t in tokens if t.kind == "weekday" and t is not weekday), None)
        if named is not None and named.week_mode is None:
            named.week_mode = weekday.week_mode
        weekday = named or weekday
    if weekday is not None and weekday.weekdays:
        return _resolve_weekday(weekday, clock, now, zone)
    if month_shift is not None and month_shift.months >= 1:
        # 来月から 10時 会議: the first of that month (a bare 来月 is refused as month_only)
        return _at(today.replace(day=1) + month_shift, clock, zone)
    return None


def _days_of(dom: _Token) -> tuple[int, ...]:
    return dom.monthdays or ((dom.day,) if dom.day is not None else ())


def _resolve_month_day(
    token: _Token, year_shift: int, clock: _Clock, now: datetime, zone: ZoneInfo
) -> datetime:
    """A month and day (day -1: the month's last) in the given, fiscal or next fitting year."""
    assert token.month is not None and token.day is not None
    month, wanted = token.month, token.day

    def on(year: int) -> datetime | None:
        last = calendar.monthrange(year, month)[1]
        day = last if wanted == -1 else wanted
        return _at(date(year, month, day), clock, zone) if day <= last else None

    today = now.date()
    year: int | None = token.year
    if "fiscal" in token.extra:
        # 今年度末 / 来年度初め: Japanese fiscal years run from April to March
        year = _fiscal_year(today, token.extra["fiscal"], month)
    if year is not None:
        start = on(year)
        if start is None or start <= now:
            raise _Past
        return start
    first_year = today.year + year_shift
    if token.calendar_delta is not None:
        first_year += token.calendar_delta.years
    for candidate_year in range(first_year, first_year + 9):
        start = on(candidate_year)
        if start is not None and start > now:
            return start
    raise _Past


def _fiscal_year(today: date, shift: int, month: int) -> int:
    """The calendar year of ``month`` in the fiscal year ``shift`` years from the current one
    (Japanese fiscal years run from April to March)."""
    current = today.year if today.month >= 4 else today.year - 1
    return current + shift + (1 if month <= 3 else 0)


def _resolve_weekday(token: _Token, clock: _Clock, now: datetime, zone: ZoneInfo) -> datetime:
    today = now.date()
    target = token.weekdays[0]
    monday = today - timedelta(days=today.weekday())
    if token.week_mode in _WEEKS_AHEAD:
        weeks = _WEEKS_AHEAD[token.week_mode]
        start = _at(monday + timedelta(weeks=weeks, days=target), clock, zone)
        if start <= now and token.part == "day_end" and weeks == 0:
            # 今週中 said at the weekend: the week still runs until Sunday night
            start = _at(monday + timedelta(days=6), clock, zone)
        if start <= now and weeks == 0 and today.weekday() == 6:
            # 今週金曜 said on a Sunday: Japanese calendars start the week on Sunday
            start += timedelta(weeks=1)
        if start <= now:
            raise _Past
        return start
    ahead = (target - today.weekday()) % 7
    if token.week_mode == "next" and ahead == 0:
        ahead = 7
    start = _at(today + timedelta(days=ahead), clock, zone)
    return start if start > now else _at(today + timedelta(days=ahead + 7), clock, zone)


def _recurrence(tokens: list[_Token]) -> tuple[str, int] | None:
    """The RRULE (and its INTERVAL) the tokens ask for, or None for a one-off."""
    markers = [token for token in tokens if token.recurring]
    if not markers:
        return None
    every = [token for token in tokens if token.kind in ("every", "part") and token.recurring]
    freq = next((token.freq for token in every if token.freq), None)
    interval = max((token.interval for token in every), default=1)
    weekdays: list[int] = []
    for token in tokens:
        # 来週から毎週火曜: the week the series starts in adds no Monday to its days
        if token.kind in ("weekday", "every") and "since" not in token.extra:
            weekdays.extend(day for day in token.weekdays if day not in weekdays)
    excepted = {day for token in tokens if token.kind == "except" for day in token.weekdays}
    if excepted and (weekdays or freq in (None, "DAILY")) and interval == 1:
        left = [day for day in weekdays or range(7) if day not in excepted]
        weekdays = left or weekdays
    nth = _first(tokens, "nth")
    dom = _first(tokens, "dom")
    date_token = _first(tokens, "date")
    parts = []
    if nth is not None and "setpos" in nth.extra and freq in (None, "MONTHLY", "DAILY"):
        # 毎月最終営業日: the last of the month's Mondays to Fridays
        codes = ",".join(_WEEKDAY_CODES[day] for day in nth.weekdays)
        parts = ["FREQ=MONTHLY", f"BYDAY={codes}", f"BYSETPOS={nth.nth}"]
    elif nth is not None and nth.nth is not None and nth.month and freq in (None, "YEARLY"):
        parts = ["FREQ=YEARLY", f"BYMONTH={nth.month}", f"BYDAY={_nth_codes(nth)}"]
    elif nth is not None and nth.nth is not None and freq in (None, "MONTHLY"):
        parts = ["FREQ=MONTHLY", f"BYDAY={_nth_codes(nth)}"]
    elif weekdays and freq in (None, "WEEKLY", "DAILY"):
        codes = ",".join(_WEEKDAY_CODES[day] for day in sorted(weekdays))
        parts = ["FREQ=WEEKLY", f"BYDAY={codes}"]
    elif dom is not None and freq in (None, "MONTHLY"):
        parts = ["FREQ=MONTHLY", "BYMONTHDAY=" + ",".join(str(day) for day in _days_of(dom))]
    elif date_token is not None and date_token.day == -1 and freq in (None, "YEARLY"):
        # 毎年3月末 / 毎年度末: the start date alone cannot say "the last day"
        parts = ["FREQ=YEARLY", f"BYMONTH={date_token.month}", "BYMONTHDAY=-1"]
    elif freq is None and date_token is not None:
        parts = ["FREQ=YEARLY"]
    else:
        parts = [f"FREQ={freq or 'DAILY'}"]
    if interval > 1:
        parts.insert(1, f"INTERVAL={interval}")
    return ";".join(parts), interval


def _series_from(tokens: list[_Token], rrule: str, now: datetime, zone: ZoneInfo) -> date | None:
    """The day a repetition starts from when the text gives one (``12月18日から隔週金曜``,
    ``every Tuesday starting Dec 15``, ``来年4月から毎週水曜``): a date that is not the rule's
    own (毎年4月1日, 毎年3月末) and not its end (``12月25日まで``), or a month with から."""
    today = now.date()
    since = _first(tokens, "since")
    if since is not None and since.month is not None:
        shift = _first(tokens, "shift")
        years = _years(shift) if shift is not None and "year" in shift.extra else 0
        year = today.year + years
        if years == 0 and since.month < today.month:
            year += 1  # 1月から said in December: next January
        return max(today, date(year, since.month, 1))
    week = next((t for t in tokens if t.kind == "weekday" and "since" in t.extra), None)
    if week is not None:
        # 来週から毎週火曜, starting next week: from that week's Monday (週明けから: the coming
        # Monday; 今週から: today)
        monday = today - timedelta(days=today.weekday())
        return max(today, monday + timedelta(weeks=_WEEKS_AHEAD.get(week.week_mode or "", 1)))
    shift = _first(tokens, "shift")
    if shift is not None and "since" in shift.extra:
        # 来年度から, 令和9年度より, 来月から, starting next month, 来年から, 来年度 毎週木曜
        if "fiscal_start" in shift.extra:
            first = date(shift.extra["fiscal_start"], 4, 1)
        elif "fiscal_year" in shift.extra:
            first = date(_fiscal_year(today, shift.extra["fiscal_year"], 4), 4, 1)
        elif "month" in shift.extra:
            first = today.replace(day=1) + relativedelta(months=_months(shift))
        else:
            first = date(today.year + _years(shift), 1, 1)
        return max(today, first)
    date_token = _first(tokens, "date")
    if (
        date_token is None
        or "until" in date_token.extra
        or ";" not in rrule
        or rrule.startswith("FREQ=YEARLY")
    ):
        return None
    month, day = date_token.month or 1, date_token.day or 1
    this_year = (
        date(today.year, month, day)
        if date_token.year is None and 0 < day <= calendar.monthrange(today.year, month)[1]
        else None
    )
    if this_year is not None and 0 <= (today - this_year).days <= 31:
        return None  # 12月1日から毎週月曜 said on the 7th: the series is already running
    try:
        start = _resolve_date([date_token], _Clock(0, 0, False), now, zone)
    except _Past:
        return None
    return start.date() if start is not None else None


def _leads_repetition(token: _Token, tokens: list[_Token], text: str) -> bool:
    """Whether a period leads straight into a repetition (来年度 毎週木曜, 来月の毎週火曜, next
    month every Tuesday), which then starts in it as if から were said."""
    following = next((other for other in tokens if other.start >= token.end), None)
    return (
        following is not None
        and following.recurring
        and re.fullmatch(_PARTICLE, text[token.end : following.start]) is not None
    )


_UNTIL = re.compile(r"\s*(?:まで|迄|until\b|till\b|through\b|thru\b)")
_UNTIL_BEFORE = re.compile(r"\b(?:until|till|through|thru)\s+$")
_SINCE_AFTER = re.compile(r"\s*(?:から|より|以降)")
_SINCE_BEFORE = re.compile(r"\b(?:from|starting(?:\s+from)?|beginning)\s+$")


def _nth_codes(nth: _Token) -> str:
    """BYDAY of n-th weekdays: 2TU,4TU or 1MO,3TH."""
    pairs = nth.nth_days or tuple((n, nth.weekdays[0]) for n in nth.nths or (nth.nth or 1,))
    return ",".join(f"{n}{_WEEKDAY_CODES[day]}" for n, day in pairs)


def _first_occurrence(
    rrule: str, tokens: list[_Token], clock: _Clock, now: datetime, zone: ZoneInfo
) -> datetime | None:
    """The first occurrence strictly after now (or after the day a series starts from, passed
    as ``now``), which becomes the series' DTSTART."""
    search = re.sub(r";INTERVAL=\d+", "", rrule)
    if ";" not in search:
        # A bare FREQ repeats whatever the first date is: 毎年4月1日, 毎日 9時, every week 10am.
        date_token = _first(tokens, "date")
        if date_token is None:
            return _next_clock(clock, now, zone)
        yearless = _Token("date", month=date_token.month, day=date_token.day)
        return _resolve_date([yearless], clock, now, zone)
    # Searched without INTERVAL: 隔週水曜 starts on the coming Wednesday, not in two weeks.
    return next_occurrence(_at(now.date(), clock, zone), search, now, zone)


def _next_clock(clock: _Clock, now: datetime, zone: ZoneInfo) -> datetime:
    start = _at(now.date(), clock, zone)
    return start if start > now else _at(now.date() + timedelta(days=1), clock, zone)


# ---------------------------------------------------------------- titles

_JA_LEADING = re.compile(
    r"^(?:までの間|までに|まで|迄に|迄|から|より|以降(?=\s|$)|の間|には|では|にて|の|に|で|は|を"
    r"|、|,|。|・)+"
)
# Particles that join two parts of the time when they stand alone between them (来週以降
# 毎週火曜: where a series starts).
_JA_JOINT = re.compile(
    r"(?:までの間|までに|まで|迄に|迄|から|より|以降|または|又は|の間|には|では|[のにでは、,。・かや])*"
)
# 12月25日 までに 報告書提出: a deadline or start word standing alone after the time is still
# the time's, though a space sets it apart from the title.
_JA_SPACED_LEAD = re.compile(r"^\s+(?:までに|迄に|まで|迄|から|より|以降)(?=\s|$)")
_JA_TRAILING = re.compile(r"(?:から|の|に|で|は|を|が|、|,|・)+$")
_EN_JOINT = (
    r"(?:at|on|in|by|from|around|about|between|and|of|to|till|until|for|the|starting|starts"
    r"|every|each|o'clock|@time)"
)
# A joint word is never half of a hyphenated one (check-in, in-person, follow-up).
_EN_LEADING = re.compile(
    rf"^(?:\s*(?:{_EN_JOINT}\b(?![\-–]\w)|['’]s\b|[,:;\-–~]))+", re.IGNORECASE
)
_EN_TRAILING = re.compile(rf"(?:(?:(?<![\-–])\b{_EN_JOINT}|[,:;\-–~])\s*)+$", re.IGNORECASE)
_POLITE_END = re.compile(
    r"(?:を|、)?(?:よろしく)?(?:お願い(?:します|致します|いたします)?|おねがいします|してください"
    r"|して下さい|please)?[\s。．.!！]*$"
)
# submit claims no later than 5pm: words that only lead into the time (``due`` and
# ``deadline`` stay: they say what kind of reminder it is)
_EN_DEADLINE_TRAILING = re.compile(r"\b(?:by\s+)?not?\s+later\s+than\s*$", re.IGNORECASE)
_EN_DEADLINE_LEAD = re.compile(r"\s*(?:due|deadline)\s*", re.IGNORECASE)
_EDGE_PUNCT = " \t\u3000、。,.:：;；!！?？-–~〜～・"


# 運営協議会を12月10日15時に設定してください, 資料を印刷するようリマインドお願いします: a request
# to the bot around the time, not the title
_JA_REQUEST_PIECE = re.compile(
    r"(?:に|で|へ)?\s*(?:設定|登録|セット|リマインド|リマインダー|通知)(?:を)?\s*(?:して|する"
    r"|お願い(?:します|致します|いたします)?|ください|下さい|ほしい|欲しい|もらえ(?:ます)?か|くれ"
    r"|ますか|て|ね|。|\s)*"
)
_JA_REQUEST_END = re.compile(
    r"(?:ように?|を)\s*(?:リマインド|リマインダー|通知|お知らせ)(?:を)?\s*(?:して|する"
    r"|お願い(?:します|致します|いたします)?|ください|下さい|ほしい|欲しい|設定|登録|て|ね|。|\s)*$"
)
# Please remind me (to), Can you set a reminder for: a request leading into the time
_EN_REQUEST_LEAD = re.compile(
    r"^(?:please\s+|pls\s+|(?:can|could|would|will)\s+you\s+(?:please\s+)?)*"
    r"(?:remind\s+(?:me|us)|(?:set|add|create|make)\s+(?:up\s+)?(?:a|me\s+a|us\s+a)\s+reminder)"
    r"(?:\s+(?:to|about|that|of|for|on|at))?\b[\s,:]*",
    re.IGNORECASE,
)


def _is_ascii_edge(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _title(source: str, spans: list[tuple[int, int]]) -> str:
    segments: list[str] = []
    # 第2会議室 12/10 15時 打合せ: pieces the time stood apart from with spaces stay apart
    spaced: list[bool] = []
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    content_end = 0
    bounds = [(0, merged[0][0])] if merged else [(0, len(source))]
    bounds += [(merged[i][1], merged[i + 1][0]) for i in range(len(merged) - 1)]
    if merged:
        bounds.append((merged[-1][1], len(source)))
    # Deadline Jan 22: survey results: a colon after the time introduces the title
    colon_title = any(source[begin:end].lstrip()[:1] in (":", "：") for begin, end in bounds[1:])
    for index, (begin, end) in enumerate(bounds):
        piece = source[begin:end]
        content = (begin + len(piece) - len(piece.lstrip()), begin + len(piece.rstrip()))
        after_span = index > 0
        before_span = index < len(bounds) - 1
        if after_span and before_span and _JA_JOINT.fullmatch(piece.strip(_EDGE_PUNCT)):
            continue  # 明日 の 9時, 水曜か木曜: a particle between two parts of the time
        if after_span and _JA_REQUEST_PIECE.fullmatch(piece.strip(_EDGE_PUNCT)):
            continue  # 15時に設定してください: a request to the bot
        if not segments and before_span:
            piece = _EN_REQUEST_LEAD.sub("", piece.lstrip())
            if colon_title and _EN_DEADLINE_LEAD.fullmatch(piece):
                continue  # due Friday noon: consent forms
        if after_span:
            if piece[:1].strip():
                piece = _JA_LEADING.sub("", piece)
            piece = _JA_SPACED_LEAD.sub("", piece)
            piece = _EN_LEADING.sub("", piece)
        if before_span:
            if piece[-1:].strip():
                piece = _JA_TRAILING.sub("", piece)
            piece = _EN_TRAILING.sub("", _EN_DEADLINE_TRAILING.sub("", piece))
        piece = piece.strip(_EDGE_PUNCT)
        if piece:
            if segments:
                cut = source[content_end : content[0]]
                spaced.append(cut[:1].isspace() and cut[-1:].isspace())
            segments.append(piece)
            content_end = content[1]
    title = ""
    for number, piece in enumerate(segments):
        apart = number > 0 and spaced[number - 1]
        if title and (apart or _is_ascii_edge(title[-1]) or _is_ascii_edge(piece[0])):
            title += " "
        title += piece
    title = _POLITE_END.sub("", title) if segments else title
    if segments:
        title = _JA_REQUEST_END.sub("", title)
    # 来週火曜（15日）14時 研修: brackets whose whole content was part of the time
    title = re.sub(r"[(（\[［]\s*[)）\]］]", " ", title)
    return re.sub(r"\s+", " ", title).strip(_EDGE_PUNCT)


# ---------------------------------------------------------------- entry point


def parse(text: str, now: datetime, tz: str | ZoneInfo) -> ParsedWhen:
    """Read the start, recurrence and title out of ``text``, relative to ``now`` in ``tz``."""
    if not text or not text.strip():
        return ParsedWhen(None, None, "", "empty")
    zone = as_zone(tz)
    local_now = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    normal = _normalise(text)
    tokens = _merged_day_lists(_scan(normal.value), normal.value)
    tokens = _without_place(tokens, normal.value)
    tokens = _day_first(tokens, zone, text)
    tokens, left_out = _days_off(tokens, normal.value)
    for token in tokens:
        if token.kind == "date" and _UNTIL_BEFORE.search(normal.value, 0, token.start):
            token.extra["until"] = 2  # every Friday until Dec 25: the series' end
    _mark_date_ranges(tokens, normal.value)
    tokens = _without_title_words(_without_title_dates(tokens, normal.value), normal.value)
    for token in tokens:
        if (
            token.kind == "date"
            and "range_start" not in token.extra
            and _UNTIL.match(normal.value, token.end)
        ):
            token.extra["until"] = 1  # 毎週金曜 12月25日まで: the series' end, not its start
        if (token.kind == "shift" or "week_start" in token.extra) and (
            _SINCE_AFTER.match(normal.value, token.end)
            or _SINCE_BEFORE.search(normal.value, 0, token.start)
            or _leads_repetition(token, tokens, normal.value)
        ):
            # 来年度から, starting next month, 来週から, 来月 毎週火曜: where a series starts
            token.extra["since"] = 1
    tokens = _month_bounds(tokens)
    _days_later(tokens, local_now.date())
    clock, range_ends = _pick_clock(tokens, normal.value)
    in_time = [t for t in tokens if t.kind != "error" and "in_title" not in t.extra]
    title = _title(text, _spans(in_time, normal))
    # tomorrow lunch at 1: the meal gives the hour, and may be all the title there is
    meal_title = (
        ""
        if title
        else _title(text, _spans([t for t in in_time if "meal" not in t.extra], normal))
    )
    error = next((token.error for token in tokens if token.error), None)
    if error:
        return ParsedWhen(None, None, title, error)
    if _listed_clock_times(tokens, normal.value):
        return ParsedWhen(None, None, title, "two_times")
    kept = [token for token in tokens if token not in range_ends]
    # 来年3月, 来月 広報誌, 今月 10時, next month: a month (or year) that says no day
    bare_period = any(token.kind == "shift" and "since" not in token.extra for token in kept)
    if not any(token.kind in (*_DATE_KINDS, "every", "offset") for token in kept) and (
        bare_period or _BARE_MONTH.search(normal.value)
    ):
        return ParsedWhen(None, None, title, "month_only")
    zone_token = _first(kept, "zone")
    read_in = as_zone(zone_token.zone) if zone_token and zone_token.zone else zone
    start, rrule, error = _schedule(kept, clock, local_now.astimezone(read_in), read_in)
    if start is not None and read_in.key != zone.key:
        # 3pm PST in a Tokyo chat: read there, then kept as the chat's wall-clock time
        local_start = start.astimezone(zone)
        if rrule is not None:
            rrule = _shift_weekdays(rrule, (local_start.date() - start.date()).days)
            rrule = _until_in(rrule, read_in, zone)
        start = local_start
    try:
        duration, end_doubtful = (
            _range_length(clock, range_ends[0]) if clock and range_ends else (None, False)
        )
    except _EndBeforeStart:
        return ParsedWhen(None, None, title, "end_before_start")
    logger.debug("parsed %r -> %s %s %s %s", text, start, rrule, duration, error)
    if start is None:
        return ParsedWhen(None, rrule, title, error)
    clock_only = rrule is None and all(
        token.kind in _CLOCK_KINDS for token in kept if "in_title" not in token.extra
    )
    offset = _first(kept, "offset")
    day_only = clock is None and (offset is None or offset.delta is None)
    early = (
        clock is not None
        and clock.bare
        and EARLY_BARE_HOURS[0] <= clock.hour <= EARLY_BARE_HOURS[1]
    )
    if rrule is None and _listed_days_once(kept, normal.value):
        return ParsedWhen(None, None, title, "two_days")
    noted = _noted_weekday(kept) if rrule is None else None
    mismatch = noted if noted is not None and noted != start.astimezone(zone).weekday() else None
    days_off = _off_spans(left_out, local_now) if rrule is not None else ()
    if days_off:
        title = _title(text, _spans([*in_time, *left_out.notes], normal))
    return ParsedWhen(
        start,
        rrule,
        title,
        error,
        duration,
        clock_only,
        day_only,
        early,
        mismatch,
        meal_title,
        end_doubtful,
        days_off,
        _loose_day(kept) if rrule is None else None,
    )


def parse_near(text: str, now: datetime, tz: str | ZoneInfo, near: datetime) -> ParsedWhen:
    """Read ``text`` as ``parse`` does, but a day said without its week or month (金曜, 19日,
    第3火曜) in the week or month of ``near`` (the one meeting an edit moves: 「1月の回は19日に」
    is 19 January, 「今回は金曜に」 the Friday of that meeting's week) once that is ahead."""
    parsed = parse(text, now, tz)
    if parsed.loose_day is None:
        return parsed
    zone = as_zone(tz)
    day = near.astimezone(zone).date()
    week = parsed.loose_day == "week"
    first = day - timedelta(days=day.weekday()) if week else day.replace(day=1)
    # just before that week or month begins, so its first day counts as still to come
    anchor = localize(datetime.combine(first, time()), zone) - timedelta(microseconds=1)
    return parse(text, anchor, zone) if anchor > now else parsed


def _loose_day(tokens: list[_Token]) -> str | None:
    """How loosely a one-off's day was said: "week" for a weekday of no week said (金曜),
    "month" for a day or an n-th weekday of no month said (19日, 第3火曜, 月末); None for any
    other day (a date, 明日, 来週金曜, 来月10日) or none."""
    said = [token for token in tokens if "in_title" not in token.extra]
    if any(token.kind in ("date", "reldate", "offset", "shift", "since") for token in said):
        return None
    nth, dom, weekday = (_first(said, kind) for kind in ("nth", "dom", "weekday"))
    if nth is not None:
        return "month" if nth.month is None and nth.calendar_delta is None else None
    if dom is not None:
        return "month" if dom.calendar_delta is None else None
    if weekday is not None and weekday.week_mode is None and "since" not in weekday.extra:
        return "week"
    return None


def _days_later(tokens: list[_Token], today: date) -> None:
    """年明けの11日 / 年明けの月曜: that day of the month, or the first such weekday, from the
    new year's 1 January on (in January, from today); a week from Friday / a week on Friday /
    a week from tomorrow: the coming such day (today counts), a week later."""
    for note, token in itertools.pairwise(tokens):
        if note.kind != "note":
            continue
        if "weeks_on" in note.extra and token.kind == "reldate" and token.days is not None:
            token.days += 7 * note.extra["weeks_on"]
        elif "weeks_on" in note.extra and token.kind == "weekday" and len(token.weekdays) == 1:
            token.week_mode = None
            ahead = (token.weekdays[0] - today.weekday()) % 7 + 7 * note.extra["weeks_on"]
            token.kind, token.days = "reldate", ahead
        elif "new_year" in note.extra and token.kind in ("dom", "weekday"):
            first = max(today, date(today.year + (today.month > 1), 1, 1))
            if token.kind == "dom" and token.day is not None and token.day > 0:
                day = first.replace(day=1) + timedelta(days=token.day - 1)
                if day < first:
                    day += relativedelta(months=1)
            elif token.kind == "weekday" and len(token.weekdays) == 1:
                day = first + timedelta(days=(token.weekdays[0] - first.weekday()) % 7)
            else:
                continue
            token.kind, token.year, token.month, token.day = "date", day.year, day.month, day.day
            token.recurring = False


_DATE_RANGE_GAP = re.compile(r"\s*(?:から|より|~|-|–|to|until|till|through|thru)\s*")


def _mark_date_ranges(tokens: list[_Token], text: str) -> None:
    """1月12日〜3月16日 毎週火曜, every Tuesday from Jan 12 to Mar 16: in a repetition, two dates
    joined by a range word are where the series starts and the day it ends."""
    if not any(token.recurring for token in tokens):
        return
    dates = [token for token in tokens if token.kind == "date"]
    for first, second in itertools.pairwise(dates):
        if first.day is None or first.day < 1 or "until" in first.extra:
            continue
        if _DATE_RANGE_GAP.fullmatch(text, first.end, second.start):
            first.extra["range_start"] = 1
            second.extra["until"] = 2


def _month_bounds(tokens: list[_Token]) -> list[_Token]:
    """3月まで, 3月いっぱい, until March: the end of a series when the rest repeats on days of
    its own; otherwise a bare month (3月まで) is dropped (a one-off is month_only), while
    3月いっぱい stays a day (a deadline, or 毎年3月いっぱい's last day of March)."""
    bounds = [token for token in tokens if "month_bound" in token.extra]
    if not bounds:
        return tokens
    rest = [token for token in tokens if token not in bounds]
    repeats = _recurrence(rest)
    # 毎週水曜 / 毎日 have days of their own; 毎年3月いっぱい is the month's last day every year
    if repeats is not None and (";" in repeats[0] or repeats[0].startswith("FREQ=DAILY")):
        for token in bounds:
            token.extra["until"] = 1
            token.part = None
        return tokens
    return [token for token in tokens if token.extra.get("month_bound") != 1]


# 来年3月 発表会, in March: a month that says no day. A month before の or 分 names something
# (3月の振り返り, 3月分の会計) and is left to the title.
_BARE_MONTH = re.compile(
    r"(?<![\d.])(?:1[0-2]|0?[1-9])\s*月(?!\s*(?:\d|の|分|度|号|期|曜))"
    rf"|\b(?:in|by|during|until|till)\s+(?:{_MONTH_WORD})\b"
    # March 2027 volunteer fair: a month and year, still no day
    rf"|\b(?:{_MONTH_WORD})\b\.?,?\s*\d{{4}}\b"
)


_TIME_LIST_GAP = re.compile(r"\s*(?:と|・|、|,|&|and)\s*")


def _listed_clock_times(tokens: list[_Token], text: str) -> bool:
    """毎日 9時と17時, daily at 9am and 5pm: two times of day for one reminder. A reminder has one
    time, so this is refused (register two reminders) rather than the second time dropped;
    ``between 3pm and 5pm`` and ``15時から17時`` are ranges."""
    times = [token for token in tokens if token.kind == "time" and "in_title" not in token.extra]
    for first, second in itertools.pairwise(times):
        gap = text[first.end : second.start]
        if first.range_head or not _TIME_LIST_GAP.fullmatch(gap):
            continue
        if gap.strip() == "and" and re.search(r"\bbetween\s+$", text[: first.start]):
            continue
        return True
    return False


# 月曜か火曜, Monday or Tuesday: one of the days (the first), not both; 月曜から水曜: a span.
_DAY_CHOICE_OR_SPAN = re.compile(r"か|または|もしくは|\bor\b|から|まで|~|-|–|\bto\b|through|thru")


def _listed_days_once(tokens: list[_Token], text: str) -> bool:
    """来週の月・水, 12/14と12/16: two days listed for a one-off reminder, which
    has one; refused (one reminder per day, or 毎週 for a weekly series) rather than the second
    day dropped. A choice (月曜か火曜) or a span (月曜から水曜まで) is once, on its first day."""
    for token in tokens:
        if token.kind == "weekday" and len(token.weekdays) > 1 and not token.recurring:
            return not _DAY_CHOICE_OR_SPAN.search(text[token.start : token.end])
    dated = [
        token
        for token in tokens
        if token.kind in ("date", "dom")
        and not {"until", "range_start", "in_title"} & set(token.extra)
    ]
    return any(  # 12/14と12/16, 12月14日・16日; 1月9日・10日 is one event over two days
        _TIME_LIST_GAP.fullmatch(text[first.end : second.start]) and not _next_day(first, second)
        for first, second in itertools.pairwise(dated)
    )


def _next_day(first: _Token, second: _Token) -> bool:
    """Whether ``second`` is the day after ``first`` in the same month (1月9日・10日)."""
    day = second.day if second.day is not None else next(iter(second.monthdays), None)
    same_month = second.month is None or second.month == first.month
    return first.day is not None and day == first.day + 1 and same_month


def _spans(tokens: list[_Token], normal: _Text) -> list[tuple[int, int]]:
    """Where ``tokens`` sit in the text as the user wrote it."""
    return [(normal.origin[t.start], normal.origin_last[t.end - 1] + 1) for t in tokens]


def _noted_weekday(tokens: list[_Token]) -> int | None:
    """The weekday written beside a date: 12月5日(土), or Sat, Dec 5."""
    date_token = _first(tokens, "date")
    if date_token is None or date_token.day is None:
        return None
    if "weekday_note" in date_token.extra:
        return date_token.extra["weekday_note"]
    weekday = _first(tokens, "weekday")
    if weekday is not None and len(weekday.weekdays) == 1 and not weekday.recurring:
        return weekday.weekdays[0]
    return None


# Token kinds that say only what time of day (a lead-in word like 来る says nothing).
_CLOCK_KINDS = frozenset({"time", "part", "zone", "note"})


# What may follow a period named for /skip: 8月はお休み, 来週の回は中止です, next week off
_DAYS_OFF_TAIL = (
    r"(?:中|いっぱい|分|全部|の回|の分)?(?:は|も)?(?:お?休み|中止|なし|off)?(?:です|で)?$"
)
_MONTH_ONLY = re.compile(
    r"^(?:(?P<num>\d{1,2})月|(?P<rel>今月|来月|再来月|this month|next month)"
    r"|(?:in )?(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)" + _DAYS_OFF_TAIL
)
_RELATIVE_MONTHS = {"今月": 0, "this month": 0, "来月": 1, "next month": 1, "再来月": 2}
_WEEK_ONLY = re.compile(
    r"^(?P<rel>今週|来週|再来週|this week|next week|the week after next)" + _DAYS_OFF_TAIL
)
_RELATIVE_WEEKS = {
    "今週": 0, "this week": 0, "来週": 1, "next week": 1, "再来週": 2, "the week after next": 2,
}  # fmt: skip


def _phrase(text: str) -> str:
    """``text`` normalised, single-spaced, without the closing punctuation of a sentence."""
    return re.sub(r"\s+", " ", _normalise(text).value).strip(" 。.!！")


def parse_days(text: str, now: datetime, tz: str | ZoneInfo) -> tuple[date, date] | None:
    """The local days a phrase names, first and last: a whole month (``8月``, ``来月``,
    ``August``: the next one not yet over), a week (``来週``, ``next week``: Monday to Sunday) or
    one day (anything ``parse`` reads as a date)."""
    zone = as_zone(tz)
    today = now.astimezone(zone).date()
    phrase = _phrase(text)
    week = _WEEK_ONLY.match(phrase)
    if week is not None:
        monday = today - timedelta(days=today.weekday())
        first = monday + timedelta(weeks=_RELATIVE_WEEKS[week["rel"]])
        return first, first + timedelta(days=6)
    found = _MONTH_ONLY.match(phrase)
    if found is not None:
        if found["rel"] is not None:
            first = today.replace(day=1) + relativedelta(months=_RELATIVE_MONTHS[found["rel"]])
        else:
            number = found["num"]
            month = int(number) if number else _EN_MONTHS.index(found["mon"]) + 1
            if not 1 <= month <= 12:
                return None
            year = today.year if month >= today.month else today.year + 1
            first = date(year, month, 1)
        return first, first + relativedelta(months=1) - timedelta(days=1)
    # read as if at the start of today, so that today still counts once its 09:00 is past
    # (「12月8日」 said at noon on 8 December names today, not next year's)
    parsed = parse(text, localize(datetime.combine(today, time()), zone), zone)
    if parsed.error is not None or parsed.start is None:
        return None
    day = parsed.start.astimezone(zone).date()
    return day, day


# 「1週間延期」, 「30分遅らせて」, 「1時間早める」, "push it back 30 minutes", "bring forward a
# day": a move by an amount, from where the reminder is now.
_SHIFT_UNITS = {
    "分": "minutes", "時間": "hours", "日": "days", "週": "weeks", "週間": "weeks",
    "minute": "minutes", "min": "minutes", "hour": "hours", "hr": "hours", "day": "days",
    "week": "weeks",
}  # fmt: skip
_JA_SHIFT = re.compile(
    r"^(?P<n>\d+(?:\.5)?)\s*(?P<u>分|時間|日|週間?)(?P<half>半)?(?:ほど|くらい|ぐらい|だけ)?\s*(?:を|も)?\s*"
    r"(?:(?P<later>延期|遅らせ|遅く|後ろ倒し|繰り下げ|後ろに|先に?延ば|ずら)"
    r"|(?P<earlier>早め|早く|前倒し|繰り上げ|前に))"
)
_EN_SHIFT = re.compile(
    r"^(?:(?P<later>postpone|push|delay|move|shift)|(?P<earlier>bring|pull))"
    r"(?:\s+(?:it|this|that))?(?:\s+(?P<back>back|later|out)|\s+(?P<forward>forward|up|earlier))?"
    r"\s+(?:by\s+)?(?P<n>\d+(?:\.5)?|an?)\s*(?P<u>minute|min|hour|hr|day|week)s?\b"
)
_EN_SHIFT_AFTER = re.compile(
    r"^(?P<n>\d+(?:\.5)?|an?)\s*(?P<u>minute|min|hour|hr|day|week)s?\s+"
    r"(?:(?P<later>later)|(?P<earlier>earlier|sooner))\b"
)


def read_shift(text: str) -> timedelta | None:
    """How far an edit moves a reminder when it says so by an amount (「1週間延期」,
    "push it back 30 minutes"; negative for earlier); None when it gives a time instead."""
    phrase = _phrase(text)
    found = _JA_SHIFT.match(phrase) or _EN_SHIFT_AFTER.match(phrase)
    if found is not None:
        earlier = found["earlier"] is not None
    else:
        found = _EN_SHIFT.match(phrase)
        if found is None:
            return None
        earlier = found["back"] is None and (
            found["earlier"] is not None or found["forward"] is not None
        )
    amount = 1.0 if found["n"] in ("a", "an") else float(found["n"])
    if found.groupdict().get("half"):
        amount += 0.5
    delta = timedelta(**{_SHIFT_UNITS[found["u"]]: amount})
    return -delta if earlier else delta


_DATE_KINDS = ("date", "dom", "nth", "weekday", "reldate")
_WORD = r"[\u3400-\u9fff\u30a0-\u30ff]"
# 年度末評価, 月末締め, 土日の当番表, tomorrow's agenda: a date word that names something rather
# than a time
# than a time; also joined by まで / からの (年度末までの予定, 月末までに出す書類)
_TITLE_WORD_NEXT = re.compile(
    # 毎週金曜 15時 来月以降: 以降 alone says where the series starts, like から
    rf"(?!以降(?!の|{_WORD}))(?:まで(?:の|に)?|からの|以降の)?"
    rf"(?:{_WORD}|[a-z]|['’]s\s+[a-z]"
    # 土日の当番表, 週末の夜回り: の and a word, but not a part of the day (明日の朝 9時)
    rf"|の\s*(?!(?:朝|夜|昼|夕|晩|午前|午後|深夜|早朝|明け方|お昼|正午)(?!回り|勤|食|間))"
    rf"(?:{_WORD}|[a-z]))"
)


_JOINERS = re.compile(r"(?:まで|から)?[\sのに、,]*")
_DEADLINE_OF = re.compile(rf"\s*(?:〆切?|締め?切?り?|しめきり)\s*の?\s*{_WORD}")
_EN_NOUN_AFTER_DATE = re.compile(
    r"\s+(?!(?:at|on|in|by|from|to|and|or|next|this|week|morning|afternoon|evening|night"
    r"|tonight|lunch|noon|midnight|starting|until|till|through|every|each"
    rf"|of\s+(?:the\s+|this\s+|next\s+|every\s+|each\s+)?(?:month|{_MONTH_WORD}))\b)[a-z]"
)
_EN_PART_NOUN_AFTER = re.compile(
    r"\s+(?:morning|afternoon|evening|night|lunch)\s+(?!(?:at|on|in|by|from|to|and|or)\b)[a-z]"
)
_NOUN_NEXT = re.compile(r"\s+(?!(?:at|on|in|by|from|to|and|or)\b)[a-z]")
_HYPHEN_NEXT = re.compile(r"-[a-z]")
# 3時のおやつ, 9時からの会議, 15時開始の回: a clock time leading into a Japanese word
_JA_CLOCK_TITLE = re.compile(rf"(?:からの|までの|の)(?!間)\s*(?:{_WORD}|[\u3041-\u3096])|{_WORD}")


def _without_title_dates(tokens: list[_Token], text: str) -> list[_Token]:
    """A second date glued to a word (年度末評価, 土日の当番表) belongs to the title."""
    seen = seen_date = False
    clock: _Token | None = None
    kept: list[_Token] = []
    starts = {token.start for token in tokens}
    # 毎週 / 隔週 without a day of their own lead into the day that follows them
    open_repeats = {token.end for token in tokens if token.kind == "every" and not token.weekdays}
    dates = sum(token.kind in _DATE_KINDS for token in tokens)
    for token in tokens:
        if token.kind in _DATE_KINDS and _day_note(token, tokens, text):
            continue  # 毎週水曜 16時 学習支援（12/23は休み）: a note about a day, not the start
        if token.kind == "date" and token.extra.get("until") == 2:
            kept.append(token)  # every Friday until Dec 25 status email: the series' end
            continue
        if token.kind in _DATE_KINDS:
            # 月曜日午後4時: what follows is more of the time, not a word of the title
            leads_on = _JOINERS.match(text, token.end)
            joined = leads_on is not None and leads_on.end() in starts
            completes = len(text[: token.start].rstrip(" の")) in open_repeats
            # year-end party, month-end report: a hyphenated date word describing a noun, where
            # another date says when
            compound = "-" in text[token.start : token.end] and _NOUN_NEXT.match(text, token.end)
            # the 2nd-year handouts, 3rd-grade forms: an ordinal glued to a noun by a hyphen
            compound = compound or (
                text[token.start : token.end].isascii() and _HYPHEN_NEXT.match(text, token.end)
            )
            # 3月末〆の報告書 明日10時: a deadline naming a document, where another date says when
            compound = compound or _DEADLINE_OF.match(text, token.end)
            if compound and dates > 1:
                dates -= 1
                continue
            if seen and not joined and not completes and _TITLE_WORD_NEXT.match(text, token.end):
                continue
            # Thursday 3pm 2nd floor, last day of sign-ups, tomorrow 9am Sunday school: an
            # English ordinal or weekday before a noun names something once a date was given
            describes = text[token.start : token.end].isascii() and _EN_NOUN_AFTER_DATE.match(
                text, token.end
            )
            if describes and (seen_date or (seen and token.kind == "dom")):
                continue
            # Dec 14 10am plan the Saturday morning club: a weekday and part of the day naming
            # an event once the day was given
            if (
                token.kind == "weekday"
                and seen_date
                and text[token.start : token.end].isascii()
                and _EN_PART_NOUN_AFTER.match(text, token.end)
            ):
                continue
            seen = seen_date = True
        elif token.kind in ("shift", "since") and seen:
            # 明日 10時 来月の予定表, 4月からの新体制: a month or year naming something
            leads_on = _JOINERS.match(text, token.end)
            joined = leads_on is not None and leads_on.end() in starts
            if not joined and _TITLE_WORD_NEXT.match(text, token.end):
                continue
        elif token.kind == "time" and clock is not None and _clock_in_title(clock, token, text):
            continue  # 明日 13時 3時のおやつ当番: a second clock time naming something
        elif token.kind in ("every", "offset", "time"):
            seen = True  # 23時 明日の準備: a complete clock time came first
            clock = clock or (token if token.kind == "time" else None)
        kept.append(token)
    return kept


# 12/23は休み, 12/8は中止, 12/10に延期: what is said about a day, not when to remind
_DAY_OFF_NOTE = re.compile(
    r"\s*(?:は|も|に|へ)?\s*(?:お?休み|休講|休会|休館|中止|延期|振替|振り替え|取りやめ|取り止め|なし)"
)
# 12/23は休み, 12月30日を除く, Dec 23 off: a day a series leaves out (not 延期: that day moves)
_OFF_AFTER = re.compile(
    r"\s*(?:(?:は|も)\s*)?(?:お?休み|休講|休会|休館|中止|取りやめ|取り止め|なし|ありません)"
    r"(?:です|でした|となります|になります|とします|します)?"
    r"|\s*(?:を|は)?\s*(?:除く|除き|除いて|以外|除外)"
    r"|\s+off\b"
)
# except Dec 23, no meeting on the 30th: the same said before the day
_OFF_BEFORE = re.compile(
    r"\b(?:except|excluding|but\s+not|not|no\s+(?:meetings?|class(?:es)?|sessions?)|skip(?:ping)?)"
    r"(?:\s+(?:on|in|for))?\s+(?:the\s+)?$"
)
# 1月はなし, 8月は休み, no meeting in August, except August: a whole month left out
_MONTH_OFF = re.compile(
    r"(?<![\d/.\-])(?P<num>1[0-2]|0?[1-9])\s*月(?![\d日])(?:" + _OFF_AFTER.pattern + r")"
    r"|(?:except|excluding|not|no\s+(?:meetings?|class(?:es)?|sessions?))(?:\s+in)?\s+"
    r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b(?!\s*\d)"
    r"|\b(?P<mon_off>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+off\b"
)
_OPEN_BRACKETS = "(（[［"
_CLOSE_BRACKETS = ")）]］"


@dataclass
class _DaysOff:
    """The days a series leaves out, as written, and where they were written."""

    dates: list[_Token]
    months: list[int]
    notes: list[_Token]  # the spans to leave out of the title


# 12/23と12/30, Dec 23 or Dec 30: days listed together as left out.
_OFF_LIST_GAP = re.compile(r"\s*(?:と|・|、|,|&|and|or|か|及び|および)\s*")


def _days_off(tokens: list[_Token], text: str) -> tuple[list[_Token], _DaysOff]:
    """Take out the dates said to be left out (※12/23は休み, 12/23と12/30はお休み, 12月30日を
    除く, except Dec 23 and 30) and find the months (1月はなし, no meeting in August)."""
    dated = [t for t in tokens if t.kind == "date" and t.day is not None and not t.monthdays]
    off: list[_Token] = []

    def listed(first: _Token, second: _Token, marked: _Token) -> bool:
        """Whether ``first`` and ``second`` are listed together and ``marked`` is left out."""
        return any(marked is token for token in off) and bool(
            _OFF_LIST_GAP.fullmatch(text[first.end : second.start])
        )

    for index in reversed(range(len(dated))):  # 12/23と12/30はお休み: the mark ends the list
        token, later = dated[index], dated[index + 1 : index + 2]
        if _OFF_AFTER.match(text, token.end) or (later and listed(token, later[0], later[0])):
            off.append(token)
    for index, token in enumerate(dated):  # except Dec 23 and 30: the mark starts it
        earlier = dated[index - 1 : index] if index else []
        if all(token is not seen for seen in off) and (
            _OFF_BEFORE.search(text, 0, token.start)
            or (earlier and listed(earlier[0], token, earlier[0]))
        ):
            off.append(token)
    spans: list[tuple[int, int]] = []
    for token in off:
        before = _OFF_BEFORE.search(text, 0, token.start)
        after = _OFF_AFTER.match(text, token.end)
        spans.append(
            (before.start() if before else token.start, after.end() if after else token.end)
        )
    months = []
    for found in _MONTH_OFF.finditer(text):
        name = found["mon"] or found["mon_off"]
        months.append(int(found["num"]) if found["num"] else _EN_MONTHS.index(name) + 1)
        spans.append(found.span())
    notes = [_Token("note", *_note_bounds(span, text)) for span in _joined(spans, text)]
    kept = [token for token in tokens if all(token is not gone for gone in off)]
    return kept, _DaysOff(sorted(off, key=lambda token: token.start), months, notes)


def _off_spans(left_out: _DaysOff, now: datetime) -> tuple[tuple[date, date], ...]:
    """The local days left out: each date on its next coming day, each month its next one not
    yet over; a date already past is dropped."""
    spans = []
    for token in left_out.dates:
        try:
            day = _resolve_date([token], _Clock(0, 0, False), now, now.tzinfo)  # type: ignore[arg-type]
        except _Past:
            continue
        if day is not None:
            spans.append((day.date(), day.date()))
    today = now.date()
    for month in left_out.months:
        first = date(today.year + (month < today.month), month, 1)
        spans.append((first, first + relativedelta(months=1) - timedelta(days=1)))
    return tuple(spans)


def _joined(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Spans joined where they overlap or only a list word (と, and, or) lies between them."""
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and (
            begin <= merged[-1][1] or _OFF_LIST_GAP.fullmatch(text[merged[-1][1] : begin])
        ):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def _note_bounds(span: tuple[int, int], text: str) -> tuple[int, int]:
    """A note's span with the ※ before it, or the brackets it fills (学習支援（12/23は休み）)."""
    begin, end = span
    lead = text[:begin].rstrip()
    if lead.endswith("※"):
        return len(lead) - 1, end
    if lead[-1:] and lead[-1] in _OPEN_BRACKETS:
        close = len(text[:end]) + len(text[end:]) - len(text[end:].lstrip())
        if text[close : close + 1] and text[close] in _CLOSE_BRACKETS:
            return len(lead) - 1, close + 1
    return begin, end


def _day_note(token: _Token, tokens: list[_Token], text: str) -> bool:
    """Whether a date is a note in the title once the time was given elsewhere: a day followed by
    は休み / は中止 / 延期 (毎週水曜 16時 学習支援 ※12/23は休み), one after ※, or one in
    brackets after a complete time (明日 10時 打合せ（12/10に延期の可能性あり）)."""
    others = [other for other in tokens if other is not token and other.kind != "note"]
    days_before = [
        other
        for other in others
        if other.end <= token.start and other.kind in (*_DATE_KINDS, "every", "offset")
    ]
    if not any(other.kind in (*_DATE_KINDS, "every", "offset") for other in others):
        return False
    if _DAY_OFF_NOTE.match(text, token.end) or text[: token.start].rstrip().endswith("※"):
        return True
    clock_before = any(other.kind == "time" and other.end <= token.start for other in others)
    return clock_before and bool(days_before) and _in_brackets(token, text)


def _clock_in_title(clock: _Token, token: _Token, text: str) -> bool:
    """Whether a second clock time, not the end of a range from the first, leads into a word of
    the title (13時 3時のおやつ当番, 10時 9時からの会議の資料)."""
    gap = text[clock.end : token.start]
    if clock.range_head or _RANGE_GAP.match(gap):
        return False
    end = token.start + len(text[token.start : token.end].rstrip())
    return bool(_JA_CLOCK_TITLE.match(text, end))


_DAY_LIST_GAP = re.compile(r"\s*(?:と|・|、|,|&|and)\s*")


def _merged_day_lists(tokens: list[_Token], text: str) -> list[_Token]:
    """毎月15日と月末, 毎月末日と15日: days of the month listed with the month's end are one
    list (``BYMONTHDAY=15,-1``); the last day comes after the numbered ones."""
    merged: list[_Token] = []
    for token in tokens:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and token.kind == previous.kind == "dom"
            and previous.calendar_delta is None
            and token.calendar_delta is None
            and -1 in (*_days_of(previous), *_days_of(token))
            and _DAY_LIST_GAP.fullmatch(text, previous.end, token.start)
        ):
            days = set(_days_of(previous)) | set(_days_of(token))
            listed = tuple(sorted(days, key=lambda day: (day == -1, day)))
            previous.monthdays, previous.day = listed, listed[0]
            previous.recurring = previous.recurring or token.recurring
            previous.end = token.end
            continue
        merged.append(token)
    return merged


def _clock_after(tokens: list[_Token], text: str, at: int) -> _Token | None:
    """The clock time right after the @ at ``at``, if one follows it."""
    following = next(
        (token for token in tokens if token.start == _GAP.match(text, at + 1).end()),  # type: ignore[union-attr]
        None,
    )
    return following if following is not None and following.kind == "time" else None


def at_before_clock(text: str) -> set[int]:
    """Where in ``text`` an @ (or ＠) is the English "at" before a clock time (``tomorrow @ 3pm``,
    ``明日＠10時``), so it does not start a place."""
    normal = _normalise(text)
    tokens = _scan(normal.value)
    return {
        normal.origin[index]
        for index, char in enumerate(normal.value)
        if char == "@" and _clock_after(tokens, normal.value, index) is not None
    }


def _without_place(tokens: list[_Token], text: str) -> list[_Token]:
    """``明日10時 @ 第2会議室``: what follows an @ is a place, once a time came before it.

    An @ right before a clock time is the English "at" (``tomorrow @ 3pm``, ``明日＠10時``): the
    time takes the @ in, so it leaves the title, and a later @ may still name the place."""
    for at in (index for index, char in enumerate(text) if char == "@"):
        following = _clock_after(tokens, text, at)
        if following is not None:
            following.start = at
            continue
        if any(token.end <= at and token.kind != "note" for token in tokens):
            return [token for token in tokens if token.start < at]
    return tokens


def _until_in(rrule: str, read_in: ZoneInfo, zone: ZoneInfo) -> str:
    """A local UNTIL read in ``read_in`` (every Friday 3pm PST until Dec 25) as the same instant
    on the chat's wall clock, the zone the stored rule is expanded in."""

    def move(match: re.Match[str]) -> str:
        local = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=read_in)
        return f"UNTIL={local.astimezone(zone):%Y%m%dT%H%M%S}"

    return re.sub(r"UNTIL=(\d{8}T\d{6})(?![\dZ])", move, rrule)


def _shift_weekdays(rrule: str, days: int) -> str:
    """Move plain BYDAY weekdays by ``days`` (a zone change moved the start across midnight)."""
    if not days or "BYSETPOS" in rrule:
        return rrule  # the last business day stays the last business day

    def move(match: re.Match[str]) -> str:
        codes = match.group(1).split(",")
        if any(not code.isalpha() for code in codes):
            return match.group()  # 2TU: an n-th weekday does not simply move
        moved = sorted((_WEEKDAY_CODES.index(code) + days) % 7 for code in codes)
        return "BYDAY=" + ",".join(_WEEKDAY_CODES[day] for day in moved)

    return re.sub(r"BYDAY=([A-Z0-9,+-]+)", move, rrule)


_EN_LEADS = frozenset(
    (
        "at", "on", "in", "by", "for", "after", "before", "during", "over", "around", "about",
        "from", "until", "till", "this", "the", "every", "each", "and", "or", "to", "of", "next",
        "coming", "early", "late",
    )
)  # fmt: skip
_JA_WORD_CHAR = re.compile(r"[\u3400-\u9fff\u30a0-\u30ffa-z]")
_GAP = re.compile(r"[\s,:;、]*")
_EN_WORD = re.compile(r"[a-z][a-z'’]*|\d")
_EN_WORD_BEFORE = re.compile(r"([a-z][a-z'’]*|\d)[\s,:;、]*$")


def _next_to(token: _Token, text: str, covered: list[bool], after: bool) -> tuple[str, int]:
    """What a word touches on one side: another ``token``, a ``word`` of the title or ``none``
    (``lead`` for an English lead-in word before it, ``glued`` for a Japanese compound after
    it), and where that is.

    English skips lead-in words (``morning at 7``); Japanese counts only what is glued on
    (``お昼当番``, ``朝の会``), since a space there separates the time from the title.
    """
    if token.extra.get("ja"):
        if after:
            position = token.end
            if position < len(text) and text[position] == "の":
                position += 1
            position = _GAP.match(text, position).end()  # type: ignore[union-attr]
            if position < len(text) and covered[position]:
                return "token", position
            word = _JA_WORD_CHAR.match(text, position)
            if word and position == token.end:
                return "glued", position  # お昼当番, 早朝清掃: one word of the title
            return ("word" if word and text[token.end] == "の" else "none"), position
        before = text[: token.start].rstrip(" \u3000の、")
        if before and covered[len(before) - 1]:
            return "token", len(before) - 1
        glued = token.start and _JA_WORD_CHAR.match(text, token.start - 1)
        return ("word" if glued else "none"), token.start - 1
    if after:
        position = token.end
        while True:
            position = _GAP.match(text, position).end()  # type: ignore[union-attr]
            if position >= len(text):
                return "none", position
            if covered[position]:
                return "token", position
            word = _EN_WORD.match(text, position)
            if word is None:
                return ("word" if _JA_WORD_CHAR.match(text, position) else "none"), position
            if word.group() not in _EN_LEADS:
                return "word", position
            position = word.end()
    before = text[: token.start]
    gap = len(before) - len(before.rstrip(" \t,:;、"))
    if len(before) > gap and covered[len(before) - gap - 1]:
        return "token", len(before) - gap - 1
    word = _EN_WORD_BEFORE.search(before)
    if word is None:
        return "none", token.start - 1
    return ("lead" if word.group(1) in _EN_LEADS else "word"), word.start()


def _part_in_title(
    token: _Token, before: str, after: str, following: _Token | None, has_clock: bool
) -> bool:
    """Whether a part of the day is a word of the title rather than of the time."""
    if after == "token" and following is not None and following.kind == "time":
        # afternoon 7:00 is 19:00; but staff dinner 7pm, coffee morning at 10:30 only name
        # an event when the clock already says it all
        assert following.hour is not None
        says_it_all = (
            following.explicit_meridiem
            or following.part is not None
            or _apply_part(following.hour, token.part) == following.hour
        )
        return before == "word" and not token.recurring and says_it_all
    if after == "token":
        return before == "word"  # team lunch tomorrow, coffee morning on Saturday
    if before == "word" or after == "glued":
        return True  # parents night, team lunch, お昼当番
    if after == "word":
        # 7am morning check: the time is complete, so the word is the title's; without a clock
        # it is the time of day next to a date (明日の午後の会議, Friday night football) or
        # the start of the title (night shift tomorrow)
        return has_clock or before != "token"
    # a bare meal word is an event, not a time: lunch, but at lunch, Friday lunch; after a
    # clock time it is the event too (tomorrow at noon lunch)
    return "meal" in token.extra and (before == "none" or has_clock)


_JA_PART_LEADS_WORD = re.compile(rf"(?:の|から|まで|以降)?{_WORD}")


def _in_brackets(token: _Token, text: str) -> bool:
    """Whether ``token`` sits inside round brackets: (夜の部), 取材(毎日新聞)."""
    before, after = text[: token.start], text[token.end :]
    return (
        before.rfind("(") > before.rfind(")")
        and after.find(")") >= 0
        and (after.find("(") < 0 or after.find(")") < after.find("("))
    )


# Names that start with a frequency word: 毎日新聞 is a newspaper, not a daily repetition.
_FREQUENCY_NAMES = re.compile(r"毎日(?:新聞|放送|jp)")


def _ja_frequency_in_title(
    token: _Token, tokens: list[_Token], starts: set[int], text: str
) -> bool:
    """明日10時 毎週の定例資料, 金曜 15時 平日夜間窓口の件, 隔週開催の件: once a date or time was
    given, a Japanese frequency word glued to a word (or joined to one by の) is part of a title
    phrase; one leading the text (平日 9時 朝会) or a day (毎週の水曜) is still the repetition."""
    if text[token.start : token.end].isascii():
        return False
    if _FREQUENCY_NAMES.match(text, token.start):
        return True
    timed_before = any(
        other.end <= token.start and other.kind in (*_DATE_KINDS, "time", "offset")
        for other in tokens
    )
    position = token.end + (text.startswith("の", token.end))
    if not timed_before:
        return False
    part = next((other for other in tokens if other.start == position), None)
    if part is not None and part.kind == "part" and not part.extra.get("prefixed"):
        # 10時 平日午後の見守り, 10時 毎朝夕の見守り: frequency and part of the day name a shift
        position = part.end + (text.startswith("の", part.end))
    elif position in starts:
        return False
    return bool(re.match(_WORD, text[position : position + 1])) and position not in starts


# 12月18日から 隔週金曜: a date that starts a series does not make what follows a title phrase
_STARTS_SERIES = re.compile(r"\s*(?:から|より|以降|~)")
_REPEAT_DAY_KINDS = ("weekday", "nth", "dom")


def _ja_repeat_phrase_in_title(
    token: _Token, tokens: list[_Token], text: str
) -> list[_Token] | None:
    """明日 10時 毎週水曜の学習支援の件, 金曜 10時 毎月第2火曜の情報交換会の準備,
    明日9時 毎月1日発行の広報: once a day was given, a Japanese frequency word with its own
    day (weekday, n-th weekday, day of the month) joined to a word by の, or glued to it, names
    something in the title. The frequency token and its day tokens are returned; None when it
    is a rule (毎週水曜 15時, 毎週水曜の16時 学習支援: a time after the day keeps it the rule's,
    and so does a start day: 12月18日から 隔週金曜の定例)."""
    if text[token.start : token.end].isascii():
        return None
    dated_before = any(
        other.end <= token.start
        and other.kind in (*_DATE_KINDS, "offset")
        and not _STARTS_SERIES.match(text, other.end)
        for other in tokens
    )
    if not dated_before:
        return None
    phrase = [token]
    position = token.end
    for other in tokens:
        if other.start < position or other is token:
            continue
        gap = text[position : other.start]
        if other.kind in _REPEAT_DAY_KINDS and re.fullmatch(r"\s*の?\s*", gap):
            phrase.append(other)
            position = other.end
            continue
        break
    if len(phrase) == 1:
        return None
    after = text[position:]
    starts = {other.start for other in tokens}
    joined = re.match(rf"の?{_WORD}", after)
    if joined is None or position + joined.end() - 1 in starts:
        return None
    return phrase


def _without_title_words(tokens: list[_Token], text: str) -> list[_Token]:
    """Part-of-day and frequency words that belong to a title phrase go back to the title.

    ``coffee morning``, ``parents night``, ``team lunch`` and ``お昼当番`` / ``朝の会`` name
    events; ``7am morning check`` and ``send daily report`` have the word inside the title once
    a time was given. Such a part of the day only refines a date given elsewhere (``team lunch
    tomorrow`` is at noon) and never makes a time by itself; a frequency word stays a repetition
    when it leads into the time (``weekly on Fridays``) or stands alone (``daily standup``).
    """
    covered = [False] * len(text)
    for token in tokens:
        if token.kind not in ("note", "error"):
            covered[token.start : token.end] = [True] * (token.end - token.start)
    kept: list[_Token] = []
    starts = {token.start for token in tokens}
    in_title: list[_Token] = []
    for token in tokens:
        if token.kind == "every" and token not in in_title:
            in_title.extend(_ja_repeat_phrase_in_title(token, tokens, text) or [])
    for token in tokens:
        if token in in_title:
            continue
        if token.kind == "every" and _ja_frequency_in_title(token, tokens, starts, text):
            continue
        glued = re.match(r"(?:every|each)-[a-z]", text[token.start : token.end + 2])
        if token.kind == "every" and glued:
            continue  # call about every-other-Friday sessions: one hyphenated word of the title
        soft = token.kind == "part" or "adjective" in token.extra
        if not soft or "prefixed" in token.extra:
            kept.append(token)
            continue
        own = covered[token.start : token.end]
        covered[token.start : token.end] = [False] * (token.end - token.start)
        token.extra["ja"] = int(not text[token.start : token.end].isascii())
        before, _ = _next_to(token, text, covered, after=False)
        after, position = _next_to(token, text, covered, after=True)
        covered[token.start : token.end] = own
        if token.kind == "part":
            following = next((other for other in tokens if other.start == position), None)
            has_clock = any(other.kind == "time" for other in tokens)
            clock_before = any(
                other.kind == "time" and other.end <= token.start for other in tokens
            )
            # 10時 午後の部の打合せ, 10時 午後から雨の場合: after a clock time, a Japanese part
            # of the day leading into a word (or in brackets) names something in the title
            ja_title = (
                token.extra["ja"]
                and clock_before
                and bool(_JA_PART_LEADS_WORD.match(text, token.end) or _in_brackets(token, text))
            )
            if ja_title or _part_in_title(token, before, after, following, has_clock):
                token.extra["in_title"] = 1
                token.recurring, token.freq = False, None
            kept.append(token)
            continue
        other_rule = any(
            other.recurring and "adjective" not in other.extra
            for other in tokens
            if "in_title" not in other.extra
        )
        timed_before = any(
            other.end <= token.start and other.kind not in ("note", "zone", "error")
            for other in tokens
        )
        if after == "word" and (before == "word" or timed_before or other_rule):
            continue  # every Monday at 9am weekly planning, send daily report
        kept.append(token)
    return kept


def _years(token: _Token) -> int:
    return token.calendar_delta.years if token.calendar_delta is not None else 0


def _months(token: _Token) -> int:
    return token.calendar_delta.months if token.calendar_delta is not None else 0


def _schedule(
    tokens: list[_Token], clock: _Clock | None, now: datetime, zone: ZoneInfo
) -> tuple[datetime | None, str | None, str | None]:
    offset = _first(tokens, "offset")
    if offset is not None:
        if offset.delta is not None:
            # elapsed time: across a DST change the wall clock moves by more or less than this
            return (now.astimezone(UTC) + offset.delta).astimezone(zone), None, None
        assert offset.calendar_delta is not None
        day = now.date() + offset.calendar_delta
        return _at(day, clock or _Clock(DEFAULT_HOUR, 0, False), zone), None, None
    dated = any(
        token.kind in ("date", "reldate", "nth", "dom", "weekday", "every")
        or (token.kind == "shift" and "month" in token.extra and _months(token) >= 1)
        for token in tokens
    )
    if clock is None and not dated:
        return None, None, "no_time"
    clock = clock or _Clock(DEFAULT_HOUR, 0, False)
    # 毎週木曜 16時 3月25日まで, every Friday until Dec 25: the last day of a series
    ends = [token for token in tokens if token.kind == "date" and "until" in token.extra]
    recurrence = _recurrence([token for token in tokens if token not in ends])
    if recurrence is not None:
        tokens = [token for token in tokens if token not in ends]
    else:
        ends, recurrence = [], _recurrence(tokens)
    if recurrence is not None:
        rrule, _interval = recurrence
        after = now
        first_day = _series_from(tokens, rrule, now, zone)
        if first_day is not None:
            # 12月18日から隔週金曜: the first occurrence on or after that day sets the phase
            day_start = localize(datetime.combine(first_day, time()), zone)
            after = max(now, day_start - timedelta(microseconds=1))
        start = _first_occurrence(rrule, tokens, clock, after, zone)
        if ends and start is not None:
            try:
                last = _resolve_date(ends[:1], _Clock(23, 59, False), now, zone)
            except _Past:
                return None, None, "past"
            if last is not None:
                if start > last:
                    return None, None, "past"  # the series ends before its first occurrence
                # UNTIL in local wall-clock time at the end of that day, as the store keeps it
                rrule += f";UNTIL={last.date():%Y%m%d}T235959"
        return start, rrule, None
    try:
        start = _resolve_date(tokens, clock, now, zone)
    except _Past:
        return None, None, "past"
    return start or _next_clock(clock, now, zone), None, None
