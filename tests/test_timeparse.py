"""The <when> parser as a user sees it: what start, repetition and title a command text gets."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.timeparse import (
    DEFAULT_HOUR,
    ERROR_CODES,
    error_message,
    parse,
    parse_days,
    read_shift,
)

TOKYO = "Asia/Tokyo"
NOW = datetime.fromisoformat("2026-11-21T10:00:00+09:00")  # a Saturday


def _start(text: str, now: datetime = NOW, tz: str = TOKYO) -> str | None:
    result = parse(text, now, tz)
    assert result.error is None, (text, result.error)
    return result.start.isoformat() if result.start else None


ABSOLUTE = [
    ("2026年12月10日 15時30分", "2026-12-10T15:30:00+09:00"),
    ("12月10日 15:00", "2026-12-10T15:00:00+09:00"),
    ("12/10 15:00", "2026-12-10T15:00:00+09:00"),
    ("１２月１０日１５時", "2026-12-10T15:00:00+09:00"),
    ("十二月十日 十五時", "2026-12-10T15:00:00+09:00"),
    ("令和8年12月10日 15時", "2026-12-10T15:00:00+09:00"),
    ("令和9年1月5日 9時", "2027-01-05T09:00:00+09:00"),
    ("2026-12-10 15:00", "2026-12-10T15:00:00+09:00"),
    ("2026/12/10 15:00", "2026-12-10T15:00:00+09:00"),
    ("10日の15時", "2026-12-10T15:00:00+09:00"),
    ("25日 18時", "2026-11-25T18:00:00+09:00"),
    ("Dec 10 at 15:00", "2026-12-10T15:00:00+09:00"),
    ("December 10th 3pm", "2026-12-10T15:00:00+09:00"),
    ("10 Dec 15:00", "2026-12-10T15:00:00+09:00"),
    # a date without a year that has passed this year is next year's
    ("11月1日 10時", "2027-11-01T10:00:00+09:00"),
    ("1月8日 午後2時", "2027-01-08T14:00:00+09:00"),
    # a date without a time of day is at DEFAULT_HOUR
    ("12月10日 会議", f"2026-12-10T{DEFAULT_HOUR:02d}:00:00+09:00"),
]

TIME_OF_DAY = [
    ("15時", "2026-11-21T15:00:00+09:00"),
    ("15時半", "2026-11-21T15:30:00+09:00"),
    ("午後3時", "2026-11-21T15:00:00+09:00"),
    ("午前11時", "2026-11-21T11:00:00+09:00"),
    ("夜7時", "2026-11-21T19:00:00+09:00"),
    ("夕方6時", "2026-11-21T18:00:00+09:00"),
    ("正午", "2026-11-21T12:00:00+09:00"),
    ("3pm", "2026-11-21T15:00:00+09:00"),
    ("3:30 pm", "2026-11-21T15:30:00+09:00"),
    ("noon", "2026-11-21T12:00:00+09:00"),
    # already past today, so tomorrow; "now" itself is not in the future either
    ("朝9時", "2026-11-22T09:00:00+09:00"),
    ("午前10時", "2026-11-22T10:00:00+09:00"),
    ("10:00", "2026-11-22T10:00:00+09:00"),
    ("9am", "2026-11-22T09:00:00+09:00"),
    # bare hours are on the 24-hour clock
    ("7時", "2026-11-22T07:00:00+09:00"),
    ("at 7", "2026-11-22T07:00:00+09:00"),
]

RELATIVE = [
    ("明日の15時", "2026-11-22T15:00:00+09:00"),
    ("明後日 午前10時", "2026-11-23T10:00:00+09:00"),
    ("今日 18時", "2026-11-21T18:00:00+09:00"),
    ("今夜8時", "2026-11-21T20:00:00+09:00"),
    ("3日後 10時", "2026-11-24T10:00:00+09:00"),
    ("3日後", f"2026-11-24T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("1時間後", "2026-11-21T11:00:00+09:00"),
    ("30分後", "2026-11-21T10:30:00+09:00"),
    ("2時間半後", "2026-11-21T12:30:00+09:00"),
    ("来週火曜日 15時", "2026-11-24T15:00:00+09:00"),
    ("再来週の月曜 9時", "2026-11-30T09:00:00+09:00"),
    ("次の月曜 9時", "2026-11-23T09:00:00+09:00"),
    ("火曜 10時", "2026-11-24T10:00:00+09:00"),
    ("土曜 9時", "2026-11-28T09:00:00+09:00"),
    ("土曜 11時", "2026-11-21T11:00:00+09:00"),
    ("tomorrow at 10am", "2026-11-22T10:00:00+09:00"),
    ("next Tuesday 3pm", "2026-11-24T15:00:00+09:00"),
    ("in 2 hours", "2026-11-21T12:00:00+09:00"),
    ("in 30 minutes", "2026-11-21T10:30:00+09:00"),
    ("this Friday 6pm", "2026-11-27T18:00:00+09:00"),
    ("Monday 9am", "2026-11-23T09:00:00+09:00"),
    ("tomorrow evening at 7", "2026-11-22T19:00:00+09:00"),
    ("来月の第1月曜日 10時", "2026-12-07T10:00:00+09:00"),
    ("tomorrow 9 standup", "2026-11-22T09:00:00+09:00"),
    ("土曜日の午前中", f"2026-11-28T{DEFAULT_HOUR:02d}:00:00+09:00"),
]

RECURRING = [
    ("毎日 9時", "2026-11-22T09:00:00+09:00", "FREQ=DAILY"),
    ("毎週月曜日の10時", "2026-11-23T10:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO"),
    ("毎月第2火曜日 15時", "2026-12-08T15:00:00+09:00", "FREQ=MONTHLY;BYDAY=2TU"),
    ("毎月最終金曜 17時", "2026-11-27T17:00:00+09:00", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("毎月末 17時", "2026-11-30T17:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("毎月1日 9時", "2026-12-01T09:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("平日毎朝9時", "2026-11-23T09:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("平日の9時", "2026-11-23T09:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("隔週水曜 16時", "2026-11-25T16:00:00+09:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
    ("毎週月・水 10時", "2026-11-23T10:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("毎年4月1日 9時", "2027-04-01T09:00:00+09:00", "FREQ=YEARLY"),
    ("毎晩9時", "2026-11-21T21:00:00+09:00", "FREQ=DAILY"),
    # today's slot is still ahead, so the series starts today
    ("毎週土曜 11時", "2026-11-21T11:00:00+09:00", "FREQ=WEEKLY;BYDAY=SA"),
    ("every Monday at 10:00", "2026-11-23T10:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO"),
    ("every 2nd Tuesday at 3pm", "2026-12-08T15:00:00+09:00", "FREQ=MONTHLY;BYDAY=2TU"),
    ("every weekday at 9am", "2026-11-23T09:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("every other Wednesday 4pm", "2026-11-25T16:00:00+09:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
    (
        "monthly on the last Friday at 17:00",
        "2026-11-27T17:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=-1FR",
    ),
    ("every day at 7am", "2026-11-22T07:00:00+09:00", "FREQ=DAILY"),
    ("daily 9am", "2026-11-22T09:00:00+09:00", "FREQ=DAILY"),
    ("every month on the 1st at 9:00", "2026-12-01T09:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("Tuesdays and Thursdays at 6pm", "2026-11-24T18:00:00+09:00", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ("毎月第2・第4火曜 15時", "2026-11-24T15:00:00+09:00", "FREQ=MONTHLY;BYDAY=2TU,4TU"),
]

RANGES = [
    ("15時から17時 会議", "2026-11-21T15:00:00+09:00"),
    ("3pm-5pm review", "2026-11-21T15:00:00+09:00"),
    ("15:00〜17:00 研修", "2026-11-21T15:00:00+09:00"),
    ("from 5 to 6pm", "2026-11-21T17:00:00+09:00"),
    ("between 9 and 11am", "2026-11-22T09:00:00+09:00"),
]

TITLES = [
    ("12月10日 15:00に成果報告書の提出", "成果報告書の提出"),
    ("tomorrow at 10am board meeting", "board meeting"),
    ("明日15時に定例会議をお願いします", "定例会議"),
    ("来週の火曜日の15時から運営委員会", "運営委員会"),
    ("15時から17時まで 学校運営協議会", "学校運営協議会"),
    ("毎月第2火曜日 15時 情報交換会", "情報交換会"),
    ("every Monday at 10:00 weekly sync", "weekly sync"),
    ("Dec 10 at 3pm: submit the annual report", "submit the annual report"),
    ("PTA総会は12月10日の14時から", "PTA総会"),
    ("in 30 minutes call the city office", "call the city office"),
    ("2026年12月10日(木) 午後3時〜午後5時 研修会", "研修会"),
]

INVALID = [
    ("2020年1月1日 10時", "past"),
    ("今日 9時", "past"),
    ("昨日 15時", "past"),
    ("2月30日 10時", "invalid_date"),
    ("13月5日", "invalid_date"),
    ("Feb 30 at 10am", "invalid_date"),
    ("25時", "invalid_time"),
    ("10:75", "invalid_time"),
    ("会議", "no_time"),
    ("board meeting", "no_time"),
    ("", "empty"),
    ("   ", "empty"),
]


@pytest.mark.parametrize(("text", "expected"), ABSOLUTE + TIME_OF_DAY + RELATIVE + RANGES)
def test_one_off_start(text: str, expected: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.start.isoformat() if result.start else None, result.rrule) == (expected, None)


@pytest.mark.parametrize(("text", "expected_start", "expected_rrule"), RECURRING)
def test_recurring_start_and_rule(text: str, expected_start: str, expected_rrule: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.error is None
    assert result.start is not None
    assert (result.start.isoformat(), result.rrule) == (expected_start, expected_rrule)


@pytest.mark.parametrize(("text", "expected"), TITLES)
def test_title_is_the_text_without_the_time(text: str, expected: str) -> None:
    assert parse(text, NOW, TOKYO).title == expected


@pytest.mark.parametrize(("text", "code"), INVALID)
def test_refusals(text: str, code: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.start, result.rrule, result.error) == (None, None, code)


def test_offsets_keep_the_seconds_of_now() -> None:
    now = datetime.fromisoformat("2026-11-21T10:00:30+09:00")
    assert _start("5分後", now) == "2026-11-21T10:05:30+09:00"


def test_a_time_exactly_now_rolls_to_tomorrow() -> None:
    assert _start("10時") == "2026-11-22T10:00:00+09:00"


def test_late_night_tonight_is_after_midnight() -> None:
    assert _start("今夜1時") == "2026-11-22T01:00:00+09:00"


def test_now_in_another_offset_is_read_in_the_chat_zone() -> None:
    utc_now = datetime.fromisoformat("2026-11-21T01:00:00+00:00")  # 10:00 in Tokyo
    assert _start("11時", utc_now) == "2026-11-21T11:00:00+09:00"


DST = [
    # US clocks go back on 2026-11-01: 10:00 stays 10:00, the offset changes
    ("every Monday at 10:00", "2026-10-30T12:00:00-04:00", "2026-11-02T10:00:00-05:00"),
    # 2026-03-08 02:30 does not exist in New York: moved forward past the gap
    ("March 8 2:30am", "2026-03-01T12:00:00-05:00", "2026-03-08T03:30:00-04:00"),
    # 2026-11-01 01:30 happens twice: the first (summer time) reading
    ("Nov 1 1:30am", "2026-10-20T12:00:00-04:00", "2026-11-01T01:30:00-04:00"),
]


@pytest.mark.parametrize(("text", "now", "expected"), DST)
def test_wall_clock_across_dst(text: str, now: str, expected: str) -> None:
    assert _start(text, datetime.fromisoformat(now), "America/New_York") == expected


def test_berlin_weekly_start_after_dst_change() -> None:
    now = datetime.fromisoformat("2026-10-23T12:00:00+02:00")  # Berlin leaves DST on 10-25
    result = parse("毎週月曜日 9時", now, "Europe/Berlin")
    assert result.start is not None
    assert result.start.isoformat() == "2026-10-26T09:00:00+01:00"


@pytest.mark.parametrize("code", ERROR_CODES)
def test_error_messages_explain_with_an_example(code: str) -> None:
    japanese, english = error_message(code, "ja"), error_message(code, "en")
    assert "例" in japanese
    assert "example" in english.lower()
    assert japanese != english


# ---------------------------------------------------------------- wider coverage
# How partnership groups actually write times: period words, deadlines, lists, zones, formats.
# NOW is Saturday 2026-11-21 10:00 in Tokyo.

PERIOD_WORDS = [
    ("今月末 17時", "2026-11-30T17:00:00+09:00"),
    ("来月末", f"2026-12-31T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("月末 17時", "2026-11-30T17:00:00+09:00"),
    ("月初 9時", "2026-12-01T09:00:00+09:00"),
    ("来月初め 10時", "2026-12-01T10:00:00+09:00"),
    ("3月末 17時", "2027-03-31T17:00:00+09:00"),
    ("12月中旬 10時", "2026-12-11T10:00:00+09:00"),
    ("1月下旬", f"2027-01-21T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("年度末", f"2027-03-31T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("来年度末 15時", "2028-03-31T15:00:00+09:00"),
    ("年末 17時", "2026-12-31T17:00:00+09:00"),
    ("週明け 10時", "2026-11-23T10:00:00+09:00"),
    ("再来週火曜 10時", "2026-12-01T10:00:00+09:00"),
    ("来週", f"2026-11-23T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("再来週 会議", f"2026-11-30T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("週末 10時", "2026-11-28T10:00:00+09:00"),
    ("来週末", f"2026-11-28T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("今週の土日 10時", "2026-11-28T10:00:00+09:00"),
    ("年明け1月8日 9時", "2027-01-08T09:00:00+09:00"),
    ("12月第1水曜 14時", "2026-12-02T14:00:00+09:00"),
    ("来月の第2火曜 15時", "2026-12-08T15:00:00+09:00"),
    ("the first Monday of December at 10am", "2026-12-07T10:00:00+09:00"),
    ("end of month 5pm", "2026-11-30T17:00:00+09:00"),
    ("end of next month", f"2026-12-31T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("end of March", f"2027-03-31T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("mid-December 10am", "2026-12-11T10:00:00+09:00"),
    ("next week", f"2026-11-23T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("end of the week", f"2026-11-27T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("this weekend", f"2026-11-28T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("Tuesday next week", f"2026-11-24T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("a week from today", f"2026-11-28T{DEFAULT_HOUR:02d}:00:00+09:00"),
]

DEADLINES_AND_DAY_PARTS = [
    # 今日中 / 明日中 / 今月中: the end of that day
    ("今日中", "2026-11-21T23:59:00+09:00"),
    ("明日中に 報告書", "2026-11-22T23:59:00+09:00"),
    ("今月中", "2026-11-30T23:59:00+09:00"),
    # 来週中 / 再来週中: by the end of that working week (NOW is Saturday 21 Nov)
    ("来週中 アンケート回収", "2026-11-27T23:59:00+09:00"),
    ("再来週中に 報告書", "2026-12-04T23:59:00+09:00"),
    # EOD / COB: the end of the working day
    ("EOD", "2026-11-21T17:00:00+09:00"),
    ("by EOD Friday", "2026-11-27T17:00:00+09:00"),
    ("till Friday", f"2026-11-27T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("by Friday 5pm", "2026-11-27T17:00:00+09:00"),
    ("昼過ぎ", "2026-11-21T13:00:00+09:00"),
    ("お昼前 会議", "2026-11-21T11:00:00+09:00"),
    ("明日朝イチ", "2026-11-22T09:00:00+09:00"),
    ("午後イチ", "2026-11-21T13:00:00+09:00"),
    ("first thing Monday", "2026-11-23T09:00:00+09:00"),
    ("夕方", "2026-11-21T18:00:00+09:00"),
    ("お昼", "2026-11-21T12:00:00+09:00"),
    ("noon tomorrow", "2026-11-22T12:00:00+09:00"),
    ("午後3時半から", "2026-11-21T15:30:00+09:00"),
    ("15:00〜16:30", "2026-11-21T15:00:00+09:00"),
    # the documented 24-hour rule holds in a meeting context too
    ("3時 会議", "2026-11-22T03:00:00+09:00"),
    ("next Monday morning 6-8 call", "2026-11-23T06:00:00+09:00"),
]

FORMATS = [
    ("2026-12-10T15:00", "2026-12-10T15:00:00+09:00"),
    ("2026-12-10T15:00:00+09:00", "2026-12-10T15:00:00+09:00"),
    ("2026-12-10T06:00:00Z", "2026-12-10T15:00:00+09:00"),
    ("2026.12.10 15:00", "2026-12-10T15:00:00+09:00"),
    ("12.10 15:00", "2026-12-10T15:00:00+09:00"),
    ("12.10(木) 14時", "2026-12-10T14:00:00+09:00"),
    ("R8.12.10", f"2026-12-10T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("令和８年１２月１０日", f"2026-12-10T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("来る12月10日(木)14時より", "2026-12-10T14:00:00+09:00"),
    ("十二月十日 午後三時", "2026-12-10T15:00:00+09:00"),
    ("１５：００", "2026-11-21T15:00:00+09:00"),
    ("15h", "2026-11-21T15:00:00+09:00"),
    ("3 p.m.", "2026-11-21T15:00:00+09:00"),
    ("at 10.30", "2026-11-21T10:30:00+09:00"),
    ("quarter past 3", "2026-11-22T03:15:00+09:00"),
    ("half past 10", "2026-11-21T10:30:00+09:00"),
    ("Dec. 10", f"2026-12-10T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("10th December", f"2026-12-10T{DEFAULT_HOUR:02d}:00:00+09:00"),
    ("Thursday the 10th", f"2026-12-10T{DEFAULT_HOUR:02d}:00:00+09:00"),
]

ZONES = [
    # the chat's own zone changes nothing; another zone is converted into the chat's
    ("3pm JST", "2026-11-21T15:00:00+09:00"),
    ("日本時間15時", "2026-11-21T15:00:00+09:00"),
    ("3pm PST", "2026-11-22T08:00:00+09:00"),
    ("15:00 UTC", "2026-11-22T00:00:00+09:00"),
]

RECURRING_MORE = [
    (
        "at the end of every month at 5pm",
        "2026-11-30T17:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
    ),
    ("end of each month 17:00", "2026-11-30T17:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("every month-end 5pm", "2026-11-30T17:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("毎年3月末 17時", "2027-03-31T17:00:00+09:00", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1"),
    ("毎年度末", "2027-03-31T09:00:00+09:00", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1"),
    ("every year on April 1", "2027-04-01T09:00:00+09:00", "FREQ=YEARLY"),
    ("毎年12月第1水曜 14時", "2026-12-02T14:00:00+09:00", "FREQ=YEARLY;BYMONTH=12;BYDAY=1WE"),
    ("毎月15日と30日 10時", "2026-11-30T10:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=15,30"),
    ("毎月1日・15日", "2026-12-01T09:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
    ("毎月1・15日 9時", "2026-12-01T09:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
    (
        "on the 1st and 15th of every month",
        "2026-12-01T09:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=1,15",
    ),
    ("on the 15th of each month", "2026-12-15T09:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("第2・第4火曜日 15時", "2026-11-24T15:00:00+09:00", "FREQ=MONTHLY;BYDAY=2TU,4TU"),
    ("隔月第1月曜 10時", "2026-12-07T10:00:00+09:00", "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO"),
    ("毎週月曜と木曜 10時", "2026-11-23T10:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ("3か月ごと", "2026-11-22T09:00:00+09:00", "FREQ=MONTHLY;INTERVAL=3"),
    (
        "every 3 months on the 1st",
        "2026-12-01T09:00:00+09:00",
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1",
    ),
    ("毎日17時半", "2026-11-21T17:30:00+09:00", "FREQ=DAILY"),
    ("土日 10時", "2026-11-22T10:00:00+09:00", "FREQ=WEEKLY;BYDAY=SA,SU"),
    ("毎週末 10時", "2026-11-22T10:00:00+09:00", "FREQ=WEEKLY;BYDAY=SA,SU"),
    ("weekends at 10am", "2026-11-22T10:00:00+09:00", "FREQ=WEEKLY;BYDAY=SA,SU"),
    (
        "every day except weekends 9am",
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    ),
    # おき: 2日おき skips two days, but 2週間おき is every 2 weeks and 1週間おき every other week
    ("2日おき 8時", "2026-11-22T08:00:00+09:00", "FREQ=DAILY;INTERVAL=3"),
    ("2週間おきの水曜 10時", "2026-11-25T10:00:00+09:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
    ("1週間おきの水曜 10時", "2026-11-25T10:00:00+09:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
    # a weekday in another zone may be another day in the chat's zone
    ("every Monday 9am PST", "2026-11-24T02:00:00+09:00", "FREQ=WEEKLY;BYDAY=TU"),
]

TITLES_MORE = [
    ("毎年3月末 17時 年度末評価", "年度末評価"),
    ("12月第1水曜 14時 連携推進委員会", "連携推進委員会"),
    ("年明け1月8日 9時 始業式", "始業式"),
    ("毎月15日と30日 10時 集金", "集金"),
    ("the first Monday of December at 10am board", "board"),
    ("今月末 17時 実績報告", "実績報告"),
    ("来月末 会計報告", "会計報告"),
    ("2026-12-10T15:00 review", "review"),
    ("first thing Monday call the school", "call the school"),
    ("3pm JST sync", "sync"),
    ("毎月1日 9時 10日締切の書類", "10日締切の書類"),
    ("来る12月10日(木)14時より 説明会", "説明会"),
    ("毎月10日締め 出欠表提出", "出欠表提出"),
    ("12/10〆 アンケート", "アンケート"),
    ("12月24日まで 申込締切", "申込締切"),
]


@pytest.mark.parametrize(
    ("text", "expected"), PERIOD_WORDS + DEADLINES_AND_DAY_PARTS + FORMATS + ZONES
)
def test_wider_one_off_start(text: str, expected: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.start.isoformat() if result.start else None, result.rrule, result.error) == (
        expected,
        None,
        None,
    )


@pytest.mark.parametrize(("text", "expected_start", "expected_rrule"), RECURRING_MORE)
def test_wider_recurring(text: str, expected_start: str, expected_rrule: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert (result.start.isoformat(), result.rrule) == (expected_start, expected_rrule)


@pytest.mark.parametrize(("text", "expected"), TITLES_MORE)
def test_wider_titles(text: str, expected: str) -> None:
    assert parse(text, NOW, TOKYO).title == expected


PLACES = [
    # handlers split " @ place" off, but the parser must not stumble on one either
    ("来週水曜の朝10時 @公民館 会議", "2026-11-25T10:00:00+09:00"),
    ("明日10時 @ 第2会議室", "2026-11-22T10:00:00+09:00"),
    ("明日10時 ＠ 3号館 12月10日の準備", "2026-11-22T10:00:00+09:00"),
]


@pytest.mark.parametrize(("text", "expected"), PLACES)
def test_a_place_after_at_is_not_read_as_a_time(text: str, expected: str) -> None:
    assert _start(text) == expected


def test_zone_of_the_chat_is_ignored_elsewhere_too() -> None:
    # NOW is Friday 20:00 in New York, so 3pm is tomorrow there
    assert _start("3pm EST", tz="America/New_York") == "2026-11-21T15:00:00-05:00"


NOT_TIMES = [
    # date words that name something in the title; 2-letter zones only after am/pm
    ("明日10時 土日の当番表配布", "2026-11-22T10:00:00+09:00", None, "土日の当番表配布"),
    (
        "毎週月曜 10時 土日の見守り当番",
        "2026-11-23T10:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO",
        "土日の見守り当番",
    ),
    ("明後日 15時 年末調整の説明会", "2026-11-23T15:00:00+09:00", None, "年末調整の説明会"),
    ("来週月曜 10時 週明けミーティング", "2026-11-23T10:00:00+09:00", None, "週明けミーティング"),
    ("15時 PT 打ち合わせ", "2026-11-21T15:00:00+09:00", None, "PT 打ち合わせ"),
    ("明日 24h対応窓口の確認", "2026-11-22T09:00:00+09:00", None, "24h対応窓口の確認"),
    ("明日中止の連絡", "2026-11-22T09:00:00+09:00", None, "中止の連絡"),
    ("資料v1.2 10時 確認", "2026-11-22T10:00:00+09:00", None, "資料v1.2 確認"),
    ("毎週月曜日午後4時に出発", "2026-11-23T16:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO", "出発"),
    (
        "毎月初め 9時 出欠集計",
        "2026-12-01T09:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=1",
        "出欠集計",
    ),
]


@pytest.mark.parametrize(("text", "start", "rrule", "title"), NOT_TIMES)
def test_words_that_look_like_times_stay_in_the_title(
    text: str, start: str, rrule: str | None, title: str
) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert (result.start.isoformat(), result.rrule, result.title) == (start, rrule, title)


# ---------------------------------------------------------------- kana-typed times
# On a phone people often send the time unconverted (あした 9じ) or spaced out (明日 の 9時).

KANA_TYPED = [
    ("あした の 10じ 資料印刷", "2026-11-22T10:00:00+09:00", None, "資料印刷"),
    ("明日 の 9時 資料印刷", "2026-11-22T09:00:00+09:00", None, "資料印刷"),
    ("来週 の 月曜 の 10時 会議", "2026-11-23T10:00:00+09:00", None, "会議"),
    ("あさって の ごご3じはん 会議", "2026-11-23T15:30:00+09:00", None, "会議"),
    ("らいしゅうのかようび 10じ 打ち合わせ", "2026-11-24T10:00:00+09:00", None, "打ち合わせ"),
    ("あしたの よる7じ 懇親会", "2026-11-22T19:00:00+09:00", None, "懇親会"),
    ("ほんじつ 17じ 片付け", "2026-11-21T17:00:00+09:00", None, "片付け"),
    ("30ぷんご 再開", "2026-11-21T10:30:00+09:00", None, "再開"),
    ("3じかんご 休憩", "2026-11-21T13:00:00+09:00", None, "休憩"),
    (
        "まいしゅう すいようび 16じ 当番",
        "2026-11-25T16:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=WE",
        "当番",
    ),
    (
        "まいつき だい2かようび 15じ 定例会",
        "2026-12-08T15:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=2TU",
        "定例会",
    ),
    ("来週の水曜か木曜 打合せ", "2026-11-25T09:00:00+09:00", None, "打合せ"),
    # kana words are read only as whole time words: these stay in the title
    ("あさがお観察 明日9時", "2026-11-22T09:00:00+09:00", None, "あさがお観察"),
    ("日用品の買い出し 明日10時", "2026-11-22T10:00:00+09:00", None, "日用品の買い出し"),
    ("明日10時 じゃがいも掘り", "2026-11-22T10:00:00+09:00", None, "じゃがいも掘り"),
    ("かるた大会 明日10時", "2026-11-22T10:00:00+09:00", None, "かるた大会"),
]


@pytest.mark.parametrize(("text", "start", "rrule", "title"), KANA_TYPED)
def test_kana_typed_and_spaced_out_times(
    text: str, start: str, rrule: str | None, title: str
) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert (result.start.isoformat(), result.rrule, result.title) == (start, rrule, title)


# NOW is a Saturday: the coming Monday is 11-23, next week's Wednesday 11-25.
DAY_SPANS_AND_EXCEPTIONS = [
    (
        "毎週月〜木 9時 見守り",
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        "見守り",
    ),
    (
        "毎週月曜から金曜まで 9時 見守り",
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "見守り",
    ),
    (
        "月〜金 8時 あいさつ運動",
        "2026-11-23T08:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "あいさつ運動",
    ),
    # a span may run over the weekend; 10:00 this Saturday is now, so Sunday is the first
    ("毎週金〜月 10時 当番", "2026-11-22T10:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO,FR,SA,SU", "当番"),
    ("来週の月〜水 9時 研修", "2026-11-23T09:00:00+09:00", None, "研修"),
    ("今月から金曜日に変更", "2026-11-27T09:00:00+09:00", None, "変更"),
    (
        "every Monday to Thursday at 9am patrol",
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        "patrol",
    ),
    ("Mon-Thu 9am patrol", "2026-11-23T09:00:00+09:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", "patrol"),
    ("Monday to Wednesday 9am training", "2026-11-23T09:00:00+09:00", None, "training"),
    (
        "金曜以外の平日 9時 朝の見守り",
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        "朝の見守り",
    ),
    (
        "平日（金曜除く）9時 見守り",
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        "見守り",
    ),
    (
        "毎日(土日祝除く) 7時半 あいさつ",
        "2026-11-23T07:30:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "あいさつ",
    ),
    (
        "水曜以外の毎日 16時 下校見守り",
        "2026-11-21T16:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,TH,FR,SA,SU",
        "下校見守り",
    ),
    (
        "毎週月〜金（水曜は休み） 8時 見守り",
        "2026-11-23T08:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,TH,FR",
        "見守り",
    ),
    (
        "every weekday except Friday at 9am morning patrol",
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        "morning patrol",
    ),
    (
        "daily except Wednesdays 4pm pickup",
        "2026-11-21T16:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,TH,FR,SA,SU",
        "pickup",
    ),
    (
        "every day (except Sunday) 6pm check",
        "2026-11-21T18:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA",
        "check",
    ),
    # 休み in a sentence is a title word, not a day left out
    ("月曜日は休み 会議", "2026-11-23T09:00:00+09:00", None, "休み 会議"),
    ("来週中旬 打合せ", "2026-11-25T09:00:00+09:00", None, "打合せ"),
    ("来週半ば 15時 打合せ", "2026-11-25T15:00:00+09:00", None, "打合せ"),
    ("mid next week 3pm sync", "2026-11-25T15:00:00+09:00", None, "sync"),
    ("midweek check-in at 3pm", "2026-11-25T15:00:00+09:00", None, "check-in"),
    # 今週中 at the weekend: the week runs until Sunday night
    ("今週中 提出", "2026-11-22T23:59:00+09:00", None, "提出"),
    ("in-person meeting tomorrow 3pm", "2026-11-22T15:00:00+09:00", None, "in-person meeting"),
    # several days listed repeat on each; a choice or a week's span does not
    (
        "Mon, Wed and Fri 3:30pm tutoring",
        "2026-11-23T15:30:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "tutoring",
    ),
    (
        "月・水・金 15時半 学習支援",
        "2026-11-23T15:30:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "学習支援",
    ),
    ("Monday or Tuesday 3pm meeting", "2026-11-23T15:00:00+09:00", None, "meeting"),
    ("月曜か水曜 10時 面談", "2026-11-23T10:00:00+09:00", None, "面談"),  # a choice: the first
    # a hyphenated date word before a noun is part of the title when another date says when
    ("year-end party Fri 12/11 18:30", "2026-12-11T18:30:00+09:00", None, "year-end party"),
    ("Dec 3 month-end report", "2026-12-03T09:00:00+09:00", None, "month-end report"),
    # 毎週 needs the day after it, whatever follows that day
    (
        "毎週水曜日の放課後 学習支援",
        "2026-11-25T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=WE",
        "放課後 学習支援",
    ),
    ("あさって15時～ 打ち合わせ", "2026-11-23T15:00:00+09:00", None, "打ち合わせ"),
    # by the end of the (fiscal) year
    ("年内に 報告書", "2026-12-31T23:59:00+09:00", None, "報告書"),
    ("今年中に 報告書", "2026-12-31T23:59:00+09:00", None, "報告書"),
    ("年内最後の会議 12月20日 15時", "2026-12-20T15:00:00+09:00", None, "年内最後の会議"),
    ("今年度中 報告書", "2027-03-31T23:59:00+09:00", None, "報告書"),
    ("年度内に 精算", "2027-03-31T23:59:00+09:00", None, "精算"),
    ("来年度中に 計画策定", "2028-03-31T23:59:00+09:00", None, "計画策定"),
    # several n-th weekdays in English, as 第2・第4水曜 in Japanese
    (
        "2nd and 4th Wednesday of each month 3pm forum",
        "2026-11-25T15:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=2WE,4WE",
        "forum",
    ),
    (
        "first and third Monday of the month at 10am",
        "2026-12-07T10:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=1MO,3MO",
        "",
    ),
    (
        "every 1st & 3rd Friday 6pm study group",
        "2026-12-04T18:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=1FR,3FR",
        "study group",
    ),
    ("tomorrow 3pm follow-up", "2026-11-22T15:00:00+09:00", None, "follow-up"),
]


@pytest.mark.parametrize(("text", "start", "rrule", "title"), DAY_SPANS_AND_EXCEPTIONS)
def test_spans_of_weekdays_days_left_out_and_mid_week(
    text: str, start: str, rrule: str | None, title: str
) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert (result.start.isoformat(), result.rrule, result.title) == (start, rrule, title)


CLOCK_ONLY = [
    ("15時に変更", True),
    ("16:30", True),
    ("午後3時", True),
    ("3pm instead", True),
    ("夕方", True),
    ("明日 15時", False),
    ("12月10日", False),
    ("毎週月曜 10時", False),
    ("30分後", False),
    ("火曜 10時", False),
]


DAY_ONLY = [
    ("12月3日", True),
    ("金曜日に変更", True),
    ("毎月第3水曜日", True),
    ("3日後", True),
    ("next Friday", True),
    ("明日 15時", False),
    ("15時", False),
    ("30分後", False),
    ("明日の夜", False),
    ("今日中", False),
]


EARLY_BARE_HOURS = [
    ("at 4 briefing", True),
    ("3時 会議", True),
    ("3:30 会議", True),
    ("午前3時 会議", False),
    ("朝5時 ラジオ体操", False),
    ("4am run", False),
    ("15時 会議", False),
    ("7時 朝会", False),
    ("明日 会議", False),
]


@pytest.mark.parametrize(("text", "early"), EARLY_BARE_HOURS)
def test_a_bare_early_hour_is_flagged_for_the_confirmation(text: str, early: bool) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert result.early_bare_hour is early


RANGE_ENDS = [
    ("12/10 14時〜4時 会議", 120, True),  # read as 14:00〜16:00
    ("12/10 22時〜1時 夜間作業", 180, True),  # ends the next day
    ("12/10 9:00〜20:00 イベント", 660, True),  # a long day, as typed: still said
    ("1/19 14:00〜15:30 連携推進委員会", 90, False),
    ("午後2時〜4時 打合せ", 120, False),
    ("10時半〜12時 打合せ", 90, False),
    ("3-5pm meeting", 120, False),
    ("2026-12-10 10:00-11:00 review", 60, False),
    ("12/10-12/12 10時 研修", None, False),
]


@pytest.mark.parametrize(("text", "minutes", "doubtful"), RANGE_ENDS)
def test_a_range_end_read_other_than_typed_is_flagged(
    text: str, minutes: int | None, doubtful: bool
) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    length = None if result.duration is None else result.duration.total_seconds() // 60
    assert (length, result.range_end_doubtful) == (minutes, doubtful)


DAYS_OFF = [  # said on Saturday 21 November 2026
    ("毎週水曜 16時 学習支援 ※12/23は休み", "学習支援", ["2026-12-23"]),
    ("毎週水曜 16時 学習支援（12月23日はお休み）", "学習支援", ["2026-12-23"]),
    ("毎週水曜 16時 学習支援 12/23と12/30はお休み", "学習支援", ["2026-12-23", "2026-12-30"]),
    ("毎週水曜 16時 学習支援 12月30日を除く", "学習支援", ["2026-12-30"]),
    ("毎週水曜 16時 学習支援 ※12/23、12/30はお休みです", "学習支援", ["2026-12-23", "2026-12-30"]),
    ("毎月第2火曜 15時 運営協議会（1月はなし）", "運営協議会", ["2027-01-01..2027-01-31"]),
    ("毎月第3木曜 19時 地区委員会（8月除く）", "地区委員会", ["2027-08-01..2027-08-31"]),
    ("every Wednesday 4pm study support except Dec 23", "study support", ["2026-12-23"]),
    (
        "every Wednesday 4pm tutoring, except Dec 23 and Dec 30",
        "tutoring",
        ["2026-12-23", "2026-12-30"],
    ),
    ("every Monday 9am standup, no meeting in August", "standup", ["2027-08-01..2027-08-31"]),
    ("every Monday 9am standup (Dec 28 off)", "standup", ["2026-12-28"]),
    (
        "every Wednesday at 4pm study support (no session Dec 23 or Dec 30)",
        "study support",
        ["2026-12-23", "2026-12-30"],
    ),
    # 振替 moves a day like 延期: the note stays, and 12/24 is no start
    ("毎週水曜 16時 学習支援 ※12/23は12/24に振替", "学習支援 ※12/23は12/24に振替", []),
    # a one-off has no days to leave out: the note stays in its title
    ("明日10時 打合せ（12/23は休み）", "打合せ（12/23は休み）", []),
    # 延期 moves a day, it does not leave it out
    ("毎週水曜 16時 学習支援（12/23は12/24に延期）", "学習支援（12/23は12/24に延期）", []),
]


@pytest.mark.parametrize(("text", "title", "days_off"), DAYS_OFF)
def test_days_a_series_leaves_out_are_days_off_not_title(
    text: str, title: str, days_off: list[str]
) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    shown = [str(a) if a == b else f"{a}..{b}" for a, b in result.days_off]
    assert (result.title, shown) == (title, days_off)


@pytest.mark.parametrize(("text", "clock_only"), CLOCK_ONLY)
def test_a_time_of_day_alone_is_flagged_so_an_edit_keeps_the_day(
    text: str, clock_only: bool
) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert result.clock_only is clock_only


@pytest.mark.parametrize(("text", "day_only"), DAY_ONLY)
def test_a_day_alone_is_flagged_so_an_edit_keeps_the_time(text: str, day_only: bool) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert result.day_only is day_only


# ---------------------------------------------------------------- title words, DST offsets, am/pm
# A part of the day or a frequency word is part of the time only when it is tied to it; inside a
# title phrase (night shift, 朝の会, send daily report) it stays in the title once a time is given.

TITLE_WORDS = [
    # a complete clock time elsewhere: the word belongs to the title phrase
    ("night shift at 10pm", "2026-11-21T22:00:00+09:00", None, "night shift"),
    ("tomorrow 8:15 morning assembly", "2026-11-22T08:15:00+09:00", None, "morning assembly"),
    ("Dec 3 at 7pm movie night", "2026-12-03T19:00:00+09:00", None, "movie night"),
    ("staff dinner 7pm", "2026-11-21T19:00:00+09:00", None, "staff dinner"),
    ("at 12:30 lunch meeting with the mayor", "2026-11-21T12:30:00+09:00", None,
     "lunch meeting with the mayor"),
    (
        "every Tuesday at 8am morning briefing",
        "2026-11-24T08:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=TU",
        "morning briefing",
    ),
    # a frequency word inside the title does not make a one-off repeat
    ("at 6pm send daily standup notes", "2026-11-21T18:00:00+09:00", None,
     "send daily standup notes"),
    ("at 9am daily standup notes", "2026-11-22T09:00:00+09:00", None, "daily standup notes"),
    # ... but leading into the time or standing alone it is the repetition
    (
        "biweekly on Mondays at 10 planning",
        "2026-11-23T10:00:00+09:00",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        "planning",
    ),
    (
        "weekly on Thursdays at 5pm report",
        "2026-11-26T17:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=TH",
        "report",
    ),
    ("take pills daily at 9", "2026-11-22T09:00:00+09:00", "FREQ=DAILY", "take pills"),
    # Japanese: a date or part of the day glued into the title after a complete time
    ("20時 明日の打合せ資料", "2026-11-21T20:00:00+09:00", None, "明日の打合せ資料"),
    ("21時 金曜の発表準備", "2026-11-21T21:00:00+09:00", None, "金曜の発表準備"),
    ("8時半 朝の会", "2026-11-22T08:30:00+09:00", None, "朝の会"),
    ("12時 お昼当番", "2026-11-21T12:00:00+09:00", None, "お昼当番"),
    ("6時 早朝清掃", "2026-11-22T06:00:00+09:00", None, "早朝清掃"),
    ("at 8pm prepare Monday's slides", "2026-11-21T20:00:00+09:00", None,
     "prepare Monday's slides"),
    # a title's part of the day still sets the hour of a date given elsewhere
    ("evening class Friday", "2026-11-27T18:00:00+09:00", None, "evening class"),
    ("team lunch tomorrow", "2026-11-22T12:00:00+09:00", None, "team lunch"),
    # tied to the time: still time words
    ("afternoon 3:00 call", "2026-11-21T15:00:00+09:00", None, "call"),
    ("明日の午後の会議", "2026-11-22T15:00:00+09:00", None, "会議"),
    ("Friday lunch", "2026-11-27T12:00:00+09:00", None, ""),
    ("at lunch call the bank", "2026-11-21T12:00:00+09:00", None, "call the bank"),
    ("after lunch call the school", "2026-11-21T13:00:00+09:00", None, "call the school"),
    ("dinner at 7", "2026-11-21T19:00:00+09:00", None, ""),
]  # fmt: skip


@pytest.mark.parametrize(("text", "start", "rrule", "title"), TITLE_WORDS)
def test_part_and_frequency_words_in_a_title_stay_there(
    text: str, start: str, rrule: str | None, title: str
) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert (result.start.isoformat(), result.rrule, result.title) == (start, rrule, title)


@pytest.mark.parametrize("text", ["book club dinner", "lunch", "movie night"])
def test_a_meal_or_event_name_alone_is_no_time(text: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.start, result.error) == (None, "no_time")


ELAPSED_OFFSETS = [
    # US clocks go back at 2026-11-01 02:00: hours and minutes are elapsed time ...
    ("in 3 hours", "2026-11-01T00:30:00-04:00", "2026-11-01T02:30:00-05:00"),
    ("3時間後", "2026-11-01T00:30:00-04:00", "2026-11-01T02:30:00-05:00"),
    ("90分後", "2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-05:00"),
    ("in 24 hours", "2026-10-31T12:00:00-04:00", "2026-11-01T11:00:00-05:00"),
    # ... also when they spring forward on 2026-03-08
    ("in 90 minutes", "2026-03-08T01:00:00-05:00", "2026-03-08T03:30:00-04:00"),
    # days are calendar days on the wall clock
    ("2日後 14時", "2026-10-30T14:00:00-04:00", "2026-11-01T14:00:00-05:00"),
    ("in 2 days", "2026-10-30T14:00:00-04:00", f"2026-11-01T{DEFAULT_HOUR:02d}:00:00-05:00"),
]


@pytest.mark.parametrize(("text", "now", "expected"), ELAPSED_OFFSETS)
def test_hour_and_minute_offsets_are_elapsed_time(text: str, now: str, expected: str) -> None:
    assert _start(text, datetime.fromisoformat(now), "America/New_York") == expected


@pytest.mark.parametrize("text", ["13pm board meeting", "14 p.m.", "15:30am", "17時pm"])
def test_an_hour_with_am_pm_is_one_to_twelve(text: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.start, result.error) == (None, "invalid_time")
    assert "13pm" in error_message("invalid_time", "en")


AMPM_ACCEPTED = [
    # the 24-hour clock already says it: a repeated pm is harmless
    ("15:30pm", "2026-11-21T15:30:00+09:00"),
    ("午後15時", "2026-11-21T15:00:00+09:00"),
    ("12pm", "2026-11-21T12:00:00+09:00"),
    ("12am", "2026-11-22T00:00:00+09:00"),
]


@pytest.mark.parametrize(("text", "expected"), AMPM_ACCEPTED)
def test_am_pm_that_agrees_with_the_clock(text: str, expected: str) -> None:
    assert _start(text) == expected


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("8月", date(2027, 8, 1), date(2027, 8, 31)),  # August is over this year: next one
        ("８月はお休み", date(2027, 8, 1), date(2027, 8, 31)),
        ("12月中", date(2026, 12, 1), date(2026, 12, 31)),
        ("11月", date(2026, 11, 1), date(2026, 11, 30)),  # the current month still counts
        ("来月", date(2026, 12, 1), date(2026, 12, 31)),
        ("August", date(2027, 8, 1), date(2027, 8, 31)),
        ("next month", date(2026, 12, 1), date(2026, 12, 31)),
        ("12月8日", date(2026, 12, 8), date(2026, 12, 8)),
        ("Dec 8", date(2026, 12, 8), date(2026, 12, 8)),
        ("11月22日", date(2026, 11, 22), date(2026, 11, 22)),  # today, though 09:00 is past
        ("今日", date(2026, 11, 22), date(2026, 11, 22)),
        ("来週火曜", date(2026, 11, 24), date(2026, 11, 24)),
        ("来週", date(2026, 11, 23), date(2026, 11, 29)),  # now is a Sunday
        ("来週はお休み", date(2026, 11, 23), date(2026, 11, 29)),
        ("再来週", date(2026, 11, 30), date(2026, 12, 6)),
        ("今週", date(2026, 11, 16), date(2026, 11, 22)),
        ("next week", date(2026, 11, 23), date(2026, 11, 29)),
        ("the week after next", date(2026, 11, 30), date(2026, 12, 6)),
    ],
)
def test_parse_days_reads_a_month_a_week_or_a_day(text: str, first: date, last: date) -> None:
    now = datetime(2026, 11, 22, 10, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert parse_days(text, now, "Asia/Tokyo") == (first, last)


@pytest.mark.parametrize("text", ["そのうち", "13月", "", "年末年始", "冬休み"])
def test_parse_days_says_none_for_what_names_no_day(text: str) -> None:
    now = datetime(2026, 11, 22, 10, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert parse_days(text, now, "Asia/Tokyo") is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("12月10日 14:00〜15:30 運営委員会", 90),
        ("隔週金曜 10時〜11時 打ち合わせ", 60),
        ("明日 15時から17時まで 研修", 120),
        ("午後2時〜4時 会議", 120),  # the end takes the start's afternoon
        ("22時〜1時 夜間パトロール", 180),  # ends after midnight
        ("午後5時から朝3時まで 夜間作業", 600),  # an end said to be in the morning: next day
        ("明日 2pm-1am party", 660),
        ("next friday 3-5pm steering committee", 120),
        ("3pm to 4:30pm call", 90),
        ("明日 10時 会議", None),  # no range, no length
        ("明日 10-11時半 打合せ", 90),  # a bare hour before a dash starts the range
        ("明日10～11時 打合せ", 60),
        ("next Wed 10-11:30 planning", 90),
        ("明日 15時 1-2時間 打合せ", None),  # a number of hours is not a range
        # the end is taken as typed: no half-day or day added to it
        ("明日 10:00-11:00 面談", 60),
        ("明日 9時〜11時 研修", 120),
        ("明日 10:00-21:00 イベント", 660),  # a long day, as typed
        ("明日 9時〜12時 研修", 180),
        ("明日 12時〜1時 昼休み当番", 60),  # noon is afternoon: 1 is 13:00
        ("明日 14時〜4時 会議", 120),  # an afternoon start: the typed end is 16:00
        ("明日 16:00-5:30 面談", 90),
        ("明日 16:15〜4:30 面談", 15),
        ("明日 20時〜9時 懇親会", 60),  # an evening start: 9 is 21:00, before the next day
        ("明日 19時〜21時 懇親会", 120),
        ("明日 23:00-0:30 点検", 90),  # from 18:00 on, an earlier end is the next day
        ("明日 18時〜2時 夜間作業", 480),
        ("明日 午後10時〜午前1時 見回り", 180),
        ("10pm-2am tomorrow night shift", 240),
        ("明日 午前10時〜午後1時 研修", 180),  # an end with its own 午後 is read as written
        ("明日 11am-1pm lunch meeting", 120),
    ],
)
def test_a_time_range_gives_the_length(text: str, minutes: int | None) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.error is None
    expected = None if minutes is None else timedelta(minutes=minutes)
    assert result.duration == expected


@pytest.mark.parametrize(
    "text",
    [
        "明日 10:00-9:00 会議",  # was 10:00〜21:00
        "明日 14:00〜13:00 会議",  # an end of 13 is not on the morning clock
        "明日 14時-13時 会議",  # was no range at all (23 hours)
        "明日 11時〜1時 打合せ",  # a morning start: 1 is 1:00, not 13:00
        "明日 10:00〜10:00 会議",  # no length
        "明日 15時〜2時 作業",  # before 18:00 a range does not run past midnight
        "毎週月曜 10:00-9:30 朝会",
    ],
)
def test_a_range_ending_at_or_before_its_start_is_refused(text: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.start, result.error) == (None, "end_before_start")
    assert "例" in error_message("end_before_start", "ja")


WEEKDAY_NOTES = [
    ("1月10日(土) 10時 防災訓練", 5),  # 10 Jan 2027 is a Sunday
    ("2027年1月10日（日） 10時 防災訓練", None),
    ("12月3日木曜 19時 会議", None),
    ("12月4日木曜 19時 会議", 3),
    ("12/5(Fri) 3pm sync", 4),  # a Saturday
    ("Sat, Dec 5 3pm sync", None),
    ("Fri, Dec 5 3pm sync", 4),
    ("来週の月曜 12月1日 10時 会議", 0),  # 1 Dec is a Tuesday
    ("12月5日 10時 会議", None),
    ("毎週土曜 10時 清掃", None),
]


@pytest.mark.parametrize(("text", "mismatch"), WEEKDAY_NOTES)
def test_a_weekday_that_is_not_the_dates_is_flagged(text: str, mismatch: int | None) -> None:
    result = parse(text, NOW, TOKYO)
    assert result.start is not None, (text, result.error)
    assert result.weekday_mismatch == mismatch


@pytest.mark.parametrize(
    ("text", "start", "title"),
    [
        ("3月中に 報告書の提出", "2027-03-31T23:59:00+09:00", "報告書の提出"),
        ("2027年1月いっぱいで 申請", "2027-01-31T23:59:00+09:00", "申請"),
        ("明日10時 3月の行事計画", "2026-11-22T10:00:00+09:00", "3月の行事計画"),
        ("15時 3月分の会計報告", "2026-11-21T15:00:00+09:00", "3月分の会計報告"),
        ("明日10時 12月中学校訪問", "2026-11-22T10:00:00+09:00", "12月中学校訪問"),
    ],
)
def test_a_month_names_a_deadline_or_stays_in_the_title(text: str, start: str, title: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.start.isoformat() if result.start else None, result.title) == (start, title)


@pytest.mark.parametrize(
    "text",
    [
        "来年3月 成果発表会 14時", "3月 成果発表会", "in March report", "by March 5pm report",
        # a month or year said relative to now is no day either (来月から starts a series)
        "来月", "next month", "来月 広報誌", "再来月 総会", "来月 10時 広報誌", "今月 10時 反省会",
        "this month 3pm wrap-up", "来年 10時 総会", "来年度 総会",
    ],
)  # fmt: skip
def test_a_month_without_a_day_is_refused_with_an_example(text: str) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.start, result.error) == (None, "month_only")


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("今週金曜日の夕方 反省会", "2026-11-27T18:00:00+09:00"),
        ("this Friday 5pm wrap-up", "2026-11-27T17:00:00+09:00"),
        ("今週日曜 22時 点検", "2026-11-22T22:00:00+09:00"),
        ("来週金曜 10時 会議", "2026-11-27T10:00:00+09:00"),
    ],
)
def test_this_week_said_on_a_sunday_is_the_week_ahead(text: str, start: str) -> None:
    sunday_evening = datetime.fromisoformat("2026-11-22T21:00:00+09:00")
    assert _start(text, sunday_evening) == start


@pytest.mark.parametrize(
    ("text", "title", "meal_title"),
    [
        ("the day after tomorrow at noon lunch", "lunch", ""),  # after a clock: the event
        ("tomorrow lunch at 1", "", "lunch"),  # the hour's word, and the only title there is
        ("Friday lunch", "", "lunch"),
        ("明日 昼食 12時", "昼食", ""),
        ("tomorrow lunch at 1 with the ward", "with the ward", ""),
        ("明日10時", "", ""),
    ],
)
def test_a_meal_word_that_gave_the_hour_is_offered_as_the_title(
    text: str, title: str, meal_title: str
) -> None:
    result = parse(text, NOW, TOKYO)
    assert (result.title, result.meal_title) == (title, meal_title)


@pytest.mark.parametrize(
    ("text", "shift"),
    [
        ("1週間延期", timedelta(weeks=1)),
        ("１週間延期して", timedelta(weeks=1)),
        ("30分遅らせて", timedelta(minutes=30)),
        ("1時間半遅らせてください", timedelta(minutes=90)),
        ("1時間早める", -timedelta(hours=1)),
        ("2日前倒しで", -timedelta(days=2)),
        ("一週間先に延ばす", timedelta(weeks=1)),
        ("push it back 30 minutes", timedelta(minutes=30)),
        ("postpone by a week", timedelta(weeks=1)),
        ("bring it forward an hour", -timedelta(hours=1)),
        ("move it up 2 days", -timedelta(days=2)),
        ("an hour earlier", -timedelta(hours=1)),
        ("15 minutes later", timedelta(minutes=15)),
        # a time, not an amount to move by
        ("1週間後", None),
        ("16時に変更", None),
        ("move to Friday", None),
        ("明日 15時", None),
    ],
)
def test_an_edit_by_an_amount_is_read_as_a_shift(text: str, shift: timedelta | None) -> None:
    assert read_shift(text) == shift


# ---------------------------------------------------------------- inputs from a field probe
# Realistic phrasings that went wrong: an @ before the time, part-of-day and frequency words in a
# title, a start day for a series, counts per period, business days, ordinals naming things.

MONDAY = datetime.fromisoformat("2026-12-07T10:00:00+09:00")
LATE_FEBRUARY = datetime.fromisoformat("2027-02-26T10:00:00+09:00")
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
LAST_BUSINESS_DAY = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"

FIELD_PROBE = [
    # A. an @ before a clock time is "at"; after a time it still marks the place
    ("tomorrow @ 3pm call Suzuki-san", MONDAY, "2026-12-08T15:00", None, "call Suzuki-san"),
    ("Dec 10 @ 2pm report", MONDAY, "2026-12-10T14:00", None, "report"),
    ("12/10 @ 15:00 報告会", MONDAY, "2026-12-10T15:00", None, "報告会"),
    ("明日 @ 10時 打合せ", MONDAY, "2026-12-08T10:00", None, "打合せ"),
    ("明日＠10時 打合せ", MONDAY, "2026-12-08T10:00", None, "打合せ"),
    ("明日 @ 10時 @ 第2会議室 打合せ", MONDAY, "2026-12-08T10:00", None, "@ 第2会議室 打合せ"),
    # B. a part of the day in the title leaves the clock time alone
    ("明日 10時 午後の部の打合せ", MONDAY, "2026-12-08T10:00", None, "午後の部の打合せ"),
    ("明日10時 夜の部の受付", MONDAY, "2026-12-08T10:00", None, "夜の部の受付"),
    ("明日 10時 受付（夜の部）", MONDAY, "2026-12-08T10:00", None, "受付（夜の部）"),
    ("明日 9時 夕方のパトロール", MONDAY, "2026-12-08T09:00", None, "夕方のパトロール"),
    ("明日 10時 午後から雨の場合の連絡", MONDAY, "2026-12-08T10:00", None,
     "午後から雨の場合の連絡"),
    ("明日 夜7時 会議", MONDAY, "2026-12-08T19:00", None, "会議"),
    ("明日の夜 打合せ", MONDAY, "2026-12-08T20:00", None, "打合せ"),
    # C. a frequency word in a title phrase does not make a one-off repeat
    ("明日10時 毎日新聞の取材", MONDAY, "2026-12-08T10:00", None, "毎日新聞の取材"),
    ("明日10時 取材（毎日新聞）", MONDAY, "2026-12-08T10:00", None, "取材（毎日新聞）"),
    ("明日 10時 毎月の会費の件", MONDAY, "2026-12-08T10:00", None, "毎月の会費の件"),
    ("明日10時 毎週の定例資料", MONDAY, "2026-12-08T10:00", None, "毎週の定例資料"),
    ("明日 10時 平日の見守りの件", MONDAY, "2026-12-08T10:00", None, "平日の見守りの件"),
    ("明日 10時 隔週開催の件で相談", MONDAY, "2026-12-08T10:00", None, "隔週開催の件で相談"),
    ("金曜 15時 平日夜間窓口の件", MONDAY, "2026-12-11T15:00", None, "平日夜間窓口の件"),
    ("平日 9時 朝会", MONDAY, "2026-12-08T09:00", WEEKDAYS, "朝会"),
    ("毎週の水曜 10時", MONDAY, "2026-12-09T10:00", "FREQ=WEEKLY;BYDAY=WE", ""),
    # D. a start day for a series: its first occurrence on or after that day sets the phase
    ("12月18日から隔週金曜 15時 企業定例", MONDAY, "2026-12-18T15:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "企業定例"),
    ("隔週金曜日（次回12/18）15時 定例", MONDAY, "2026-12-18T15:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "定例"),
    ("隔週金曜（12/18〜）15時 定例", MONDAY, "2026-12-18T15:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "定例"),
    ("every other Friday starting 12/18 2pm sync", MONDAY, "2026-12-18T14:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "sync"),
    ("every Tuesday starting Dec 15 at 3pm", MONDAY, "2026-12-15T15:00",
     "FREQ=WEEKLY;BYDAY=TU", ""),
    ("1月から毎月第2火曜 15時 情報交換会", MONDAY, "2027-01-12T15:00",
     "FREQ=MONTHLY;BYDAY=2TU", "情報交換会"),
    ("来年4月から毎週水曜 16時 学習支援", MONDAY, "2027-04-07T16:00",
     "FREQ=WEEKLY;BYDAY=WE", "学習支援"),
    # a start day just gone: the series is already running; a date before まで is no start
    ("12月1日から毎週月曜 10時", MONDAY, "2026-12-14T10:00", "FREQ=WEEKLY;BYDAY=MO", ""),
    ("毎週金曜 15時 12月25日まで", MONDAY, "2026-12-11T15:00",
     "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261225T235959", ""),
    # E. lists of n-th weekdays, counts per period, fortnights, weekends left out, business days
    ("毎月第2火曜と第4火曜 14時 読み聞かせ", MONDAY, "2026-12-08T14:00",
     "FREQ=MONTHLY;BYDAY=2TU,4TU", "読み聞かせ"),
    ("毎月第1月曜・第3木曜 19時", MONDAY, "2026-12-07T19:00", "FREQ=MONTHLY;BYDAY=1MO,3TH", ""),
    ("every fortnight on Friday 2pm sync", MONDAY, "2026-12-11T14:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "sync"),
    ("daily 9am standup except weekends", MONDAY, "2026-12-08T09:00", WEEKDAYS, "standup"),
    ("月1回 第2金曜 19時 おやじの会", MONDAY, "2026-12-11T19:00", "FREQ=MONTHLY;BYDAY=2FR",
     "おやじの会"),
    ("月に1回 第2金曜 19時 おやじの会", MONDAY, "2026-12-11T19:00", "FREQ=MONTHLY;BYDAY=2FR",
     "おやじの会"),
    ("2週に1回 火曜 15時 ケース会議", MONDAY, "2026-12-08T15:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "ケース会議"),
    ("週1 水曜 16時 見守り会議", MONDAY, "2026-12-09T16:00", "FREQ=WEEKLY;BYDAY=WE", "見守り会議"),
    ("週2回 月木 10時", MONDAY, "2026-12-10T10:00", "FREQ=WEEKLY;BYDAY=MO,TH", ""),
    ("毎月２回 第１・第３水曜 １０時", MONDAY, "2026-12-16T10:00", "FREQ=MONTHLY;BYDAY=1WE,3WE",
     ""),
    ("毎月最終営業日 17時 月次締め", MONDAY, "2026-12-31T17:00", LAST_BUSINESS_DAY, "月次締め"),
    ("every last business day 5pm invoices", MONDAY, "2026-12-31T17:00", LAST_BUSINESS_DAY,
     "invoices"),
    ("毎月第3営業日 10時", MONDAY, "2027-01-05T10:00",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=3", ""),
    ("今月の最終営業日 17時 締め", MONDAY, "2026-12-31T17:00", None, "締め"),
    # the 日 of 祝日 is no Sunday (holidays are not known, so the words stay in the title)
    ("毎日（祝日除く）9時", MONDAY, "2026-12-08T09:00", "FREQ=DAILY", "（祝日除く）"),
    # F. an English ordinal or weekday before a noun names something once a date was given
    ("Thursday 3pm 2nd floor meeting room", MONDAY, "2026-12-10T15:00", None,
     "2nd floor meeting room"),
    ("Thursday 3pm meeting on the 2nd floor", MONDAY, "2026-12-10T15:00", None,
     "meeting on the 2nd floor"),
    ("Friday 2pm 1st year students orientation", MONDAY, "2026-12-11T14:00", None,
     "1st year students orientation"),
    ("Tue 5pm last day of sign-ups", MONDAY, "2026-12-08T17:00", None, "last day of sign-ups"),
    ("tomorrow 10am 3rd grade parents", MONDAY, "2026-12-08T10:00", None, "3rd grade parents"),
    ("tomorrow 9am Sunday school volunteers", MONDAY, "2026-12-08T09:00", None,
     "Sunday school volunteers"),
    ("tomorrow 10am at 3F lounge", MONDAY, "2026-12-08T10:00", None, "3F lounge"),
    ("10am on the 15th of next month", MONDAY, "2027-01-15T10:00", None, ""),
    # G. minutes as a length
    ("明日 15時 5分間スピーチ練習", MONDAY, "2026-12-08T15:00", None, "5分間スピーチ練習"),
    ("明日14時 30分程度 面談", MONDAY, "2026-12-08T14:00", None, "30分程度 面談"),
    # H. AM / PM alone after a day
    ("明日PM 電話", MONDAY, "2026-12-08T15:00", None, "電話"),
    ("12/10 PM 訪問", MONDAY, "2026-12-10T15:00", None, "訪問"),
    ("tomorrow PM prepare handouts", MONDAY, "2026-12-08T15:00", None, "prepare handouts"),
    ("明日 AM 資料送付", MONDAY, "2026-12-08T09:00", None, "資料送付"),
    ("明日 PMと打合せ", MONDAY, "2026-12-08T09:00", None, "PMと打合せ"),
    # I. fiscal years
    ("来年度 4月15日 予算説明会", LATE_FEBRUARY, "2027-04-15T09:00", None, "予算説明会"),
    ("来年度の4月1日 9時 入学式", LATE_FEBRUARY, "2027-04-01T09:00", None, "入学式"),
    ("令和8年度末 報告書", MONDAY, "2027-03-31T09:00", None, "報告書"),
    ("2026年度末 決算", MONDAY, "2027-03-31T09:00", None, "決算"),
    # J. more relative days and named times
    ("再来週の今日 15時", MONDAY, "2026-12-21T15:00", None, ""),
    ("来週の今日 10時 振り返り", MONDAY, "2026-12-14T10:00", None, "振り返り"),
    ("30分したら電話", MONDAY, "2026-12-07T10:30", None, "電話"),
    ("昼イチ 電話", MONDAY, "2026-12-07T13:00", None, "電話"),
    ("半年後 協定の見直し", MONDAY, "2027-06-07T09:00", None, "協定の見直し"),
    ("明日の昼休み 校長に確認", MONDAY, "2026-12-08T12:00", None, "校長に確認"),
    ("来週Tue 10am 打合せ", MONDAY, "2026-12-15T10:00", None, "打合せ"),
    # K. year end with a day; a deadline naming a document
    ("年末 28日 17時 大掃除", MONDAY, "2026-12-28T17:00", None, "大掃除"),
    ("3月末〆の報告書 明日10時 確認", MONDAY, "2026-12-08T10:00", None, "3月末〆の報告書 確認"),
    # L. title leftovers
    ("来週火曜（15日）14時 研修", MONDAY, "2026-12-15T14:00", None, "研修"),
    ("毎週（水）15時 学習支援", MONDAY, "2026-12-09T15:00", "FREQ=WEEKLY;BYDAY=WE", "学習支援"),
    ("11th December (Fri) 17:00", MONDAY, "2026-12-11T17:00", None, ""),
    ("1月末〆 実績報告", MONDAY, "2027-01-31T09:00", None, "実績報告"),
    ("12月10日15時半〆 報告書", MONDAY, "2026-12-10T15:30", None, "報告書"),
    ("令和9年3月末 実績報告書提出期限", MONDAY, "2027-03-31T09:00", None, "実績報告書提出期限"),
    ("明日 15:00ー16:00 面談", MONDAY, "2026-12-08T15:00", None, "面談"),
    ("第2会議室 12/10 15時 打合せ", MONDAY, "2026-12-10T15:00", None, "第2会議室 打合せ"),
    ("年明け 4日 9時 仕事始め", MONDAY, "2027-01-04T09:00", None, "仕事始め"),
]  # fmt: skip


LATE_MARCH = datetime.fromisoformat("2027-03-29T16:00:00+09:00")
FRIDAY_EVENING = datetime.fromisoformat("2026-12-11T19:30:00+09:00")

# A second tester's phrasings (NOW: Monday 2026-12-07 10:00 unless said).
SECOND_PROBE = [
    # 1. after a day, a repeat with its own day leading into a word is a title phrase; a time
    # after the day (or nothing before the repeat) keeps it the rule
    ("明日 10時 毎週水曜の学習支援の件", MONDAY, "2026-12-08T10:00", None,
     "毎週水曜の学習支援の件"),
    ("明日 9時 毎週月曜の朝会資料", MONDAY, "2026-12-08T09:00", None, "毎週月曜の朝会資料"),
    ("明日10時 隔週金曜の企業定例の資料", MONDAY, "2026-12-08T10:00", None,
     "隔週金曜の企業定例の資料"),
    ("金曜 10時 毎月第2火曜の情報交換会の準備", MONDAY, "2026-12-11T10:00", None,
     "毎月第2火曜の情報交換会の準備"),
    ("金曜 14時 隔週木曜の定例について相談", MONDAY, "2026-12-11T14:00", None,
     "隔週木曜の定例について相談"),
    ("明日9時 毎月1日発行の広報の校正", MONDAY, "2026-12-08T09:00", None,
     "毎月1日発行の広報の校正"),
    ("Thu 4pm call about every-other-Friday sessions", MONDAY, "2026-12-10T16:00", None,
     "call about every-other-Friday sessions"),
    ("明日 11時 年度末までの予定を確認", MONDAY, "2026-12-08T11:00", None,
     "年度末までの予定を確認"),
    ("明日 10時 年度末までに出す書類", MONDAY, "2026-12-08T10:00", None, "年度末までに出す書類"),
    ("毎週水曜の16時 学習支援", MONDAY, "2026-12-09T16:00", "FREQ=WEEKLY;BYDAY=WE", "学習支援"),
    ("毎月第2火曜日 15時 情報交換会", MONDAY, "2026-12-08T15:00", "FREQ=MONTHLY;BYDAY=2TU",
     "情報交換会"),
    ("12月18日から隔週金曜の定例", MONDAY, "2026-12-18T09:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
     "定例"),
    # 2. the last day of every month; 最終日曜 stays the last Sunday
    ("毎月最終日 17時 月次集計", MONDAY, "2026-12-31T17:00", "FREQ=MONTHLY;BYMONTHDAY=-1",
     "月次集計"),
    ("毎月最終日 月次締め", MONDAY, "2026-12-31T09:00", "FREQ=MONTHLY;BYMONTHDAY=-1", "月次締め"),
    ("毎月の最終日 18時 請求書", MONDAY, "2026-12-31T18:00", "FREQ=MONTHLY;BYMONTHDAY=-1",
     "請求書"),
    ("今月の最終日 17時 締め", MONDAY, "2026-12-31T17:00", None, "締め"),
    ("毎月最終日曜 10時", MONDAY, "2026-12-27T10:00", "FREQ=MONTHLY;BYDAY=-1SU", ""),
    # 3. 新年度 before a date: the date in the fiscal year starting next April
    ("新年度 4月5日 入学式準備", MONDAY, "2027-04-05T09:00", None, "入学式準備"),
    ("新年度の4月8日 始業式", MONDAY, "2027-04-08T09:00", None, "始業式"),
    ("新年度 4月5日 入学式準備", LATE_MARCH, "2027-04-05T09:00", None, "入学式準備"),
    ("新年度 入学式", MONDAY, "2027-04-01T09:00", None, "入学式"),
    # 4. where a series starts: a fiscal year, next month, a month named in English
    ("来年度から 毎月第1金曜 15時 運営委員会", MONDAY, "2027-04-02T15:00",
     "FREQ=MONTHLY;BYDAY=1FR", "運営委員会"),
    ("令和9年度から 毎月第1金曜 15時", MONDAY, "2027-04-02T15:00", "FREQ=MONTHLY;BYDAY=1FR", ""),
    ("来年度から毎週水曜 16時 学習支援", MONDAY, "2027-04-07T16:00", "FREQ=WEEKLY;BYDAY=WE",
     "学習支援"),
    ("来年度より 隔週火曜 10時 定例", MONDAY, "2027-04-06T10:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "定例"),
    ("every Tuesday from January 10am seniors class", MONDAY, "2027-01-05T10:00",
     "FREQ=WEEKLY;BYDAY=TU", "seniors class"),
    ("every Wed 4pm starting next month tutoring", MONDAY, "2027-01-06T16:00",
     "FREQ=WEEKLY;BYDAY=WE", "tutoring"),
    ("来月から毎週水曜 16時 見守り", MONDAY, "2027-01-06T16:00", "FREQ=WEEKLY;BYDAY=WE", "見守り"),
    ("来月から 10時 会議", MONDAY, "2027-01-01T10:00", None, "会議"),
    # 5. days of the month listed with its end
    ("毎月15日と月末 9時 出納確認", MONDAY, "2026-12-15T09:00", "FREQ=MONTHLY;BYMONTHDAY=15,-1",
     "出納確認"),
    ("毎月10日と月末 17時 集計", MONDAY, "2026-12-10T17:00", "FREQ=MONTHLY;BYMONTHDAY=10,-1",
     "集計"),
    ("毎月末日と15日 9時", MONDAY, "2026-12-15T09:00", "FREQ=MONTHLY;BYMONTHDAY=15,-1", ""),
    # 6. every two weeks, three and six months
    ("2週間に1度 水曜 10時 ケア会議", MONDAY, "2026-12-09T10:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "ケア会議"),
    ("2週間に一度 金曜 16時 振り返り", MONDAY, "2026-12-11T16:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "振り返り"),
    ("3か月に1度 15日 10時 四半期報告", MONDAY, "2026-12-15T10:00",
     "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", "四半期報告"),
    ("四半期ごと 1日 10時 四半期報告", MONDAY, "2027-01-01T10:00",
     "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1", "四半期報告"),
    ("半年に1回 1日 10時 協定の見直し", MONDAY, "2027-01-01T10:00",
     "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=1", "協定の見直し"),
    ("every quarter on the 1st 10am quarterly report", MONDAY, "2027-01-01T10:00",
     "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1", "quarterly report"),
    ("半年後 協定の見直し", MONDAY, "2027-06-07T09:00", None, "協定の見直し"),
    # 7. 今夜中 / 今晩中 are deadlines like 今日中
    ("今夜中に 見積返信", MONDAY, "2026-12-07T23:59", None, "見積返信"),
    ("今晩中に 議事録送付", FRIDAY_EVENING, "2026-12-11T23:59", None, "議事録送付"),
    # 8. the ends of the fiscal halves
    ("上期末 中間評価", MONDAY, "2027-09-30T09:00", None, "中間評価"),
    ("下期末 予算執行状況の報告", MONDAY, "2027-03-31T09:00", None, "予算執行状況の報告"),
    ("上期末 中間報告", LATE_MARCH, "2027-09-30T09:00", None, "中間報告"),
    # 10. the end day of a series
    ("毎週木曜 16時 学習支援 3月25日まで", MONDAY, "2026-12-10T16:00",
     "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270325T235959", "学習支援"),
    ("every Friday at 5 pm until Dec 25 status email", MONDAY, "2026-12-11T17:00",
     "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261225T235959", "status email"),
    ("毎日 9時 3月25日まで 検温", MONDAY, "2026-12-08T09:00",
     "FREQ=DAILY;UNTIL=20270325T235959", "検温"),
    ("明日から3月25日まで毎日 9時 検温", MONDAY, "2026-12-08T09:00",
     "FREQ=DAILY;UNTIL=20270325T235959", "検温"),
    # read in another zone: the end of that day there, on the chat's wall clock
    ("every Friday 3pm PST until Dec 25 call", MONDAY, "2026-12-12T08:00",
     "FREQ=WEEKLY;BYDAY=SA;UNTIL=20261226T165959", "call"),
    # 11. words of the title
    ("明日 10時 4月からの新体制について", MONDAY, "2026-12-08T10:00", None,
     "4月からの新体制について"),
    ("明日 13時 3時のおやつ当番の件", MONDAY, "2026-12-08T13:00", None, "3時のおやつ当番の件"),
    ("明日 10時 来月の予定表を作成", MONDAY, "2026-12-08T10:00", None, "来月の予定表を作成"),
    ("明日 10時 月末までの請求書を整理", MONDAY, "2026-12-08T10:00", None,
     "月末までの請求書を整理"),
    ("明日 10時 9時からの会議の資料", MONDAY, "2026-12-08T10:00", None, "9時からの会議の資料"),
    ("明日 15時 17時の間 面談", MONDAY, "2026-12-08T15:00", None, "面談"),
    ("12/15（火）正午締切 ボランティア申込", MONDAY, "2026-12-15T12:00", None, "ボランティア申込"),
    ("来週水曜〆 ボランティア名簿", MONDAY, "2026-12-16T09:00", None, "ボランティア名簿"),
    ("first thing tomorrow print the 2nd-year handouts", MONDAY, "2026-12-08T09:00", None,
     "print the 2nd-year handouts"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # 9. two times of day for one reminder: refused, not the second one dropped
        ("毎日 9時と17時 検温", "two_times"),
        ("明日 9時・17時 検温", "two_times"),
        ("daily 9am and 5pm meds", "two_times"),
        # two days listed for one reminder: refused too (one per day, or 毎週 for a series)
        ("来週の月・水 10時 面談", "two_days"),
        ("来週月曜と水曜 10時 見守り", "two_days"),
        ("next Monday and Wednesday 3pm visit", "two_days"),
        ("12/14と12/16 10時 面談", "two_days"),
        ("12月14日・16日 10時 面談", "two_days"),
        # a series that ends before its first occurrence
        ("毎週月曜 10時 12月7日まで", "past"),
    ],
)
def test_second_probe_refusals(text: str, code: str) -> None:
    assert parse(text, MONDAY, TOKYO).error == code


def test_a_range_with_and_is_still_a_range() -> None:
    result = parse("between 3pm and 5pm tomorrow meeting", MONDAY, TOKYO)
    assert (result.error, result.duration) == (None, timedelta(hours=2))


def test_a_range_typed_with_a_long_vowel_mark_has_its_length() -> None:
    assert parse("明日 15:00ー16:00 面談", MONDAY, TOKYO).duration == timedelta(hours=1)


# A third tester's phrasings (NOW: Monday 2026-12-07 10:00 unless said).
JAN_TENTH = datetime.fromisoformat("2027-01-10T10:00:00+09:00")  # a Sunday
THIRD_PROBE = [
    # A1. a month ends a series: UNTIL at the end of its last day; 3月いっぱい / 3月中 after a
    # repetition end it too rather than moving its first meeting
    ("毎週金曜 10時 定例 3月まで", MONDAY, "2026-12-11T10:00",
     "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270331T235959", "定例"),
    ("毎月第1火曜 19時 PTA運営委員会 来年3月まで", MONDAY, "2027-01-05T19:00",
     "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270331T235959", "PTA運営委員会"),
    ("毎月第2火曜 15時 情報交換会 2月まで", MONDAY, "2026-12-08T15:00",
     "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270228T235959", "情報交換会"),
    ("1月から3月まで 毎月第2火曜 15時 情報交換会", MONDAY, "2027-01-12T15:00",
     "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270331T235959", "情報交換会"),
    ("every Friday 10am sync until March", MONDAY, "2026-12-11T10:00",
     "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270331T235959", "sync"),
    ("every Friday 10am sync through the end of March", MONDAY, "2026-12-11T10:00",
     "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270331T235959", "sync"),
    ("毎週水曜 16時 学習支援 3月いっぱい", MONDAY, "2026-12-09T16:00",
     "FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T235959", "学習支援"),
    ("毎週水曜 16時 学習支援 3月中", MONDAY, "2026-12-09T16:00",
     "FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T235959", "学習支援"),
    ("毎週金曜 16時 見守り 1月いっぱい", MONDAY, "2026-12-11T16:00",
     "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270131T235959", "見守り"),
    ("毎週水曜 学習支援 3月いっぱい", MONDAY, "2026-12-09T09:00",
     "FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T235959", "学習支援"),
    # a one-off keeps 3月いっぱい as its deadline, a yearly rule as its day
    ("3月いっぱい 報告書", MONDAY, "2027-03-31T23:59", None, "報告書"),
    ("毎年3月いっぱい 棚卸し", MONDAY, "2027-03-31T23:59", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1",
     "棚卸し"),
    ("毎日 9時 検温 12月いっぱい", MONDAY, "2026-12-08T09:00", "FREQ=DAILY;UNTIL=20261231T235959",
     "検温"),
    # A2. a day in a note about the series: 休み and 中止 make it a day off (see DAYS_OFF), 延期
    # stays in the title
    ("毎週水曜 16時 学習支援 ※12/23は休み", MONDAY, "2026-12-09T16:00", "FREQ=WEEKLY;BYDAY=WE",
     "学習支援"),
    ("毎週水曜 16時 学習支援（12月23日は休み）", MONDAY, "2026-12-09T16:00",
     "FREQ=WEEKLY;BYDAY=WE", "学習支援"),
    ("毎月第2火曜 15時 情報交換会（12/8は中止）", MONDAY, "2026-12-08T15:00",
     "FREQ=MONTHLY;BYDAY=2TU", "情報交換会"),
    ("明日 10時 打合せ（12/10に延期の可能性あり）", MONDAY, "2026-12-08T10:00", None,
     "打合せ（12/10に延期の可能性あり）"),
    ("毎月第3木曜 19時 地区委員会（8月除く）", MONDAY, "2026-12-17T19:00",
     "FREQ=MONTHLY;BYDAY=3TH", "地区委員会"),
    # A3. 平日 / 毎朝 with a part of the day, inside a title after a day and time
    ("12月21日 10時 平日午後の見守り人員の相談", MONDAY, "2026-12-21T10:00", None,
     "平日午後の見守り人員の相談"),
    ("明日 10時 平日午前の見守りシフト", MONDAY, "2026-12-08T10:00", None,
     "平日午前の見守りシフト"),
    ("明日 10時 毎朝夕の見守りの件", MONDAY, "2026-12-08T10:00", None, "毎朝夕の見守りの件"),
    ("平日午後 3時 見守り", MONDAY, "2026-12-07T15:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
     "見守り"),
    # A4. a series between two dates
    ("every Tuesday 10am from Jan 12 to Mar 16 seniors PC class", MONDAY, "2027-01-12T10:00",
     "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270316T235959", "seniors PC class"),
    ("every Tuesday 10am from Jan 12 until Mar 16 seniors PC class", MONDAY, "2027-01-12T10:00",
     "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270316T235959", "seniors PC class"),
    ("every Tuesday 10am Jan 12 - Mar 16 seniors PC class", MONDAY, "2027-01-12T10:00",
     "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270316T235959", "seniors PC class"),
    ("1月12日〜3月16日 毎週火曜 10時 パソコン教室", MONDAY, "2027-01-12T10:00",
     "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270316T235959", "パソコン教室"),
    # A5. 60 minutes or more set apart from the hour are a length in the title
    ("12月17日 13時 90分の研修の段取り", MONDAY, "2026-12-17T13:00", None, "90分の研修の段取り"),
    ("明日 10時 75分授業の見学", MONDAY, "2026-12-08T10:00", None, "75分授業の見学"),
    ("明日 13時 90分 研修", MONDAY, "2026-12-08T13:00", None, "90分 研修"),
    # A6. the new year's days; a week from / on a day; a kana weekday after a week word
    ("年明けの11日 13時 新年会", MONDAY, "2027-01-11T13:00", None, "新年会"),
    ("年明けの月曜 10時 新年会の打合せ", MONDAY, "2027-01-04T10:00", None, "新年会の打合せ"),
    ("年明けの月曜 10時 打合せ", JAN_TENTH, "2027-01-11T10:00", None, "打合せ"),
    ("a week from Friday 3pm debrief", MONDAY, "2026-12-18T15:00", None, "debrief"),
    ("a week from tomorrow 10am follow up", MONDAY, "2026-12-15T10:00", None, "follow up"),
    ("a week on Friday 3pm debrief", MONDAY, "2026-12-18T15:00", None, "debrief"),
    ("a week from Monday 10am planning", MONDAY, "2026-12-14T10:00", None, "planning"),
    ("two weeks from Friday 3pm review", MONDAY, "2026-12-25T15:00", None, "review"),
    ("every 2 weeks on Friday at 3pm", MONDAY, "2026-12-11T15:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", ""),
    ("らいしゅう すいよう ごご4じ 読み聞かせ", MONDAY, "2026-12-16T16:00", None, "読み聞かせ"),
    ("らいしゅう もくよう 10じ 面談", MONDAY, "2026-12-17T10:00", None, "面談"),
    # A7. 年内 / 週内 / 月内 deadlines, like 年内に / 今週中 / 今月中
    ("年内〆 会計報告", MONDAY, "2026-12-31T23:59", None, "会計報告"),
    ("週内に 回覧板を回す", MONDAY, "2026-12-11T23:59", None, "回覧板を回す"),
    ("今週内に 回覧板を回す", MONDAY, "2026-12-11T23:59", None, "回覧板を回す"),
    ("月内に 会計報告をまとめる", MONDAY, "2026-12-31T23:59", None, "会計報告をまとめる"),
    ("今月内に 会計報告", MONDAY, "2026-12-31T23:59", None, "会計報告"),
    ("今月中〆 会計報告", MONDAY, "2026-12-31T23:59", None, "会計報告"),
    # A8. an English date before a colon; due / deadline before a time the colon follows
    ("Deadline Jan 22: partnership survey results", MONDAY, "2027-01-22T09:00", None,
     "partnership survey results"),
    ("Dec 18: submit the grant report", MONDAY, "2026-12-18T09:00", None,
     "submit the grant report"),
    ("due Friday noon: consent forms", MONDAY, "2026-12-11T12:00", None, "consent forms"),
    ("due Dec 15 grant report", MONDAY, "2026-12-15T09:00", None, "due grant report"),
    # B. words of the title
    ("この土曜 9時 花壇整備", MONDAY, "2026-12-12T09:00", None, "花壇整備"),
    ("この水曜日の10時 校長面談", MONDAY, "2026-12-09T10:00", None, "校長面談"),
    ("その次の月曜 10時 打合せ", MONDAY, "2026-12-14T10:00", None, "打合せ"),
    ("Dec 14 10am plan the Saturday morning club", MONDAY, "2026-12-14T10:00", None,
     "plan the Saturday morning club"),
    ("tomorrow 10am Friday night patrol roster", MONDAY, "2026-12-08T10:00", None,
     "Friday night patrol roster"),
    ("Thursday 3pm plan the Sunday afternoon concert", MONDAY, "2026-12-10T15:00", None,
     "plan the Sunday afternoon concert"),
    ("12月18日 15時 週末の夜回り当番決め", MONDAY, "2026-12-18T15:00", None,
     "週末の夜回り当番決め"),
    ("no later than Jan 15 submit the final report", MONDAY, "2027-01-15T09:00", None,
     "submit the final report"),
    ("submit expense claims no later than 5pm on Dec 24", MONDAY, "2026-12-24T17:00", None,
     "submit expense claims"),
    ("明日の10時に資料を印刷するようリマインドお願いします", MONDAY, "2026-12-08T10:00", None,
     "資料を印刷する"),
    ("運営協議会を12月10日15時に設定してください", MONDAY, "2026-12-10T15:00", None, "運営協議会"),
    ("報告書の締切を来週金曜17時に設定して", MONDAY, "2026-12-18T17:00", None, "報告書の締切"),
    ("明日 10時 パスワード設定", MONDAY, "2026-12-08T10:00", None, "パスワード設定"),
    ("Please remind me tomorrow at 9 to call Suzuki-san", MONDAY, "2026-12-08T09:00", None,
     "call Suzuki-san"),
    ("Can you set a reminder for Friday 4pm: submit timesheet", MONDAY, "2026-12-11T16:00", None,
     "submit timesheet"),
]  # fmt: skip


# A fourth tester's phrasings (NOW: Tuesday 2026-12-08 10:00 unless said), and more like them.
TUESDAY = datetime.fromisoformat("2026-12-08T10:00:00+09:00")
MARCH_25 = datetime.fromisoformat("2027-03-25T15:00:00+09:00")  # a Thursday, fiscal year end
FOURTH_PROBE = [
    # 1. a week, month or fiscal year before a rule is where the series starts; a week adds no
    # Monday to the rule's days, and 来週から毎日 stays daily
    ("来週から毎週火曜 19時 オンライン会議", TUESDAY, "2026-12-15T19:00", "FREQ=WEEKLY;BYDAY=TU",
     "オンライン会議"),
    ("再来週から隔週木曜 10時 ケース会議", TUESDAY, "2026-12-24T10:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "ケース会議"),
    ("翌週より 毎週金曜 15時 定例", TUESDAY, "2026-12-18T15:00", "FREQ=WEEKLY;BYDAY=FR", "定例"),
    ("来週以降 毎週火曜 19時 オンライン会議", TUESDAY, "2026-12-15T19:00", "FREQ=WEEKLY;BYDAY=TU",
     "オンライン会議"),
    ("来週から毎日 7時半 ラジオ体操", TUESDAY, "2026-12-14T07:30", "FREQ=DAILY", "ラジオ体操"),
    ("来週から 平日 8時 見守り", TUESDAY, "2026-12-14T08:00", WEEKDAYS, "見守り"),
    ("来週から毎週月・木 16時 学習支援", TUESDAY, "2026-12-14T16:00", "FREQ=WEEKLY;BYDAY=MO,TH",
     "学習支援"),
    ("来週から毎月第2火曜 15時 情報交換会", TUESDAY, "2027-01-12T15:00", "FREQ=MONTHLY;BYDAY=2TU",
     "情報交換会"),
    ("来週から毎週火曜の学習支援 19時", TUESDAY, "2026-12-15T19:00", "FREQ=WEEKLY;BYDAY=TU",
     "学習支援"),
    ("今週から毎週木曜 16時 学習支援", TUESDAY, "2026-12-10T16:00", "FREQ=WEEKLY;BYDAY=TH",
     "学習支援"),
    ("来週 毎週月曜 9時 朝会", TUESDAY, "2026-12-14T09:00", "FREQ=WEEKLY;BYDAY=MO", "朝会"),
    ("starting next week every Tuesday 7pm English class", TUESDAY, "2026-12-15T19:00",
     "FREQ=WEEKLY;BYDAY=TU", "English class"),
    ("every Wednesday from next week 4pm tutoring", TUESDAY, "2026-12-16T16:00",
     "FREQ=WEEKLY;BYDAY=WE", "tutoring"),
    ("from the week after next every Friday 3pm sync", TUESDAY, "2026-12-25T15:00",
     "FREQ=WEEKLY;BYDAY=FR", "sync"),
    ("next week every Monday and Thursday 4pm tutoring", TUESDAY, "2026-12-14T16:00",
     "FREQ=WEEKLY;BYDAY=MO,TH", "tutoring"),
    ("来年度 毎週木曜 16時 放課後学習", MARCH_25, "2027-04-01T16:00", "FREQ=WEEKLY;BYDAY=TH",
     "放課後学習"),
    ("来年度 毎週水曜 16時 学習支援", TUESDAY, "2027-04-07T16:00", "FREQ=WEEKLY;BYDAY=WE",
     "学習支援"),
    ("来月の毎週水曜 16時 見守り", TUESDAY, "2027-01-06T16:00", "FREQ=WEEKLY;BYDAY=WE", "見守り"),
    ("next month every Tuesday 7pm yoga", TUESDAY, "2027-01-05T19:00", "FREQ=WEEKLY;BYDAY=TU",
     "yoga"),
    ("来年 毎月第1月曜 10時 定例", TUESDAY, "2027-01-04T10:00", "FREQ=MONTHLY;BYDAY=1MO", "定例"),
    # after the rule with から / 以降 too
    ("毎週火曜 19時 学習支援 再来週以降", TUESDAY, "2026-12-22T19:00", "FREQ=WEEKLY;BYDAY=TU",
     "学習支援"),
    ("毎週金曜 15時 定例 来月以降", TUESDAY, "2027-01-01T15:00", "FREQ=WEEKLY;BYDAY=FR", "定例"),
    ("every Tuesday 7pm starting next week", TUESDAY, "2026-12-15T19:00", "FREQ=WEEKLY;BYDAY=TU",
     ""),
    # once: that week's Monday, or the day said in that week
    ("来週から 10時 会議", TUESDAY, "2026-12-14T10:00", None, "会議"),
    ("来週から金曜日に変更", TUESDAY, "2026-12-18T09:00", None, "変更"),
    # 2. までに / 迄に / まで standing alone after the time, or glued to it
    ("12月25日 までに 報告書提出", TUESDAY, "2026-12-25T09:00", None, "報告書提出"),
    ("今日 5pm までに 返信", TUESDAY, "2026-12-08T17:00", None, "返信"),
    ("12/25 (金) までに 報告書", TUESDAY, "2026-12-25T09:00", None, "報告書"),
    ("12月25日迄に 提出", TUESDAY, "2026-12-25T09:00", None, "提出"),
    ("金曜 まで 名簿の確認", TUESDAY, "2026-12-11T09:00", None, "名簿の確認"),
    ("報告書提出 12/25 までに", TUESDAY, "2026-12-25T09:00", None, "報告書提出"),
    ("12月18日以降 隔週金曜 15時 定例", TUESDAY, "2026-12-18T15:00",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "定例"),
    # 4. misspelt and chat-spelt day words, read as meant; English words a letter off stay
    ("Wensday 4pm English club", TUESDAY, "2026-12-09T16:00", None, "English club"),
    ("Wendsday 4pm English club", TUESDAY, "2026-12-09T16:00", None, "English club"),
    ("Thurday 4pm homework club", TUESDAY, "2026-12-10T16:00", None, "homework club"),
    ("Tuseday 9am volunteers", TUESDAY, "2026-12-15T09:00", None, "volunteers"),
    ("Fridya 10am bake sale", TUESDAY, "2026-12-11T10:00", None, "bake sale"),
    ("mondy 9am staff check", TUESDAY, "2026-12-14T09:00", None, "staff check"),
    ("every Wensdays 4pm club", TUESDAY, "2026-12-09T16:00", "FREQ=WEEKLY;BYDAY=WE", "club"),
    ("tommorow 3pm meeting with principal", TUESDAY, "2026-12-09T15:00", None,
     "meeting with principal"),
    ("2moro 5pm pick up banner", TUESDAY, "2026-12-09T17:00", None, "pick up banner"),
    ("nxt monday 9am school visit", TUESDAY, "2026-12-14T09:00", None, "school visit"),
    ("Friday 3pm fridge cleaning", TUESDAY, "2026-12-11T15:00", None, "fridge cleaning"),
    ("Sunday 10am sundae party", TUESDAY, "2026-12-13T10:00", None, "sundae party"),
    ("tomorrow 10am money collection", TUESDAY, "2026-12-09T10:00", None, "money collection"),
    # only next to the time: a name among the title's words stays a name
    ("parents meeting tommorow at 3pm", TUESDAY, "2026-12-09T15:00", None, "parents meeting"),
    ("submit forms by tommorow", TUESDAY, "2026-12-09T09:00", None, "submit forms"),
    ("call Frida tomorrow 5pm", TUESDAY, "2026-12-09T17:00", None, "call Frida"),
    ("Thursby report tomorrow 10am", TUESDAY, "2026-12-09T10:00", None, "Thursby report"),
    # 5. English week words before either language's weekday
    ("next week 水曜 14時 視察", TUESDAY, "2026-12-16T14:00", None, "視察"),
    ("next week 金曜日 15時 面談", TUESDAY, "2026-12-18T15:00", None, "面談"),
    ("this week 金曜 17時 写真提出", TUESDAY, "2026-12-11T17:00", None, "写真提出"),
    ("next 水曜 16時 学習支援", TUESDAY, "2026-12-09T16:00", None, "学習支援"),
    ("the week after next 木曜 15時 面談", TUESDAY, "2026-12-24T15:00", None, "面談"),
    ("week after next Wednesday 10am site visit", TUESDAY, "2026-12-23T10:00", None,
     "site visit"),
    ("Wednesday of the week after next 10am visit", TUESDAY, "2026-12-23T10:00", None, "visit"),
    ("Friday this week 5pm report", TUESDAY, "2026-12-11T17:00", None, "report"),
    # 6. 前後 after a clock time, like 頃
    ("明日 9時前後 来客", TUESDAY, "2026-12-09T09:00", None, "来客"),
    ("明日 9:30前後 来客", TUESDAY, "2026-12-09T09:30", None, "来客"),
    ("12月10日 午後2時前後 業者来校", TUESDAY, "2026-12-10T14:00", None, "業者来校"),
]  # fmt: skip


# Four independent testers' phrasings, each table written after the previous round's fixes.
@pytest.mark.parametrize(
    ("text", "now", "start", "rrule", "title"),
    FIELD_PROBE + SECOND_PROBE + THIRD_PROBE + FOURTH_PROBE,
)
def test_testers_phrasings(
    text: str, now: datetime, start: str, rrule: str | None, title: str
) -> None:
    result = parse(text, now, TOKYO)
    assert result.error is None, (text, result.error)
    assert result.start is not None
    assert (result.start.isoformat(), result.rrule, result.title) == (
        f"{start}:00+09:00",
        rrule,
        title,
    )


LONDON_MONDAY = datetime.fromisoformat("2026-12-07T10:00:00+00:00")


@pytest.mark.parametrize(
    ("text", "tz", "start", "title"),
    [
        # A9. day/month where people write it so; month/day in Japan and in Japanese text
        ("31/12 18:00 send greetings", "Europe/London", "2026-12-31T18:00:00+00:00",
         "send greetings"),
        ("18/12 3pm school visit", "Europe/London", "2026-12-18T15:00:00+00:00", "school visit"),
        ("05/01 10:00 kickoff", "Europe/London", "2027-01-05T10:00:00+00:00", "kickoff"),
        ("31/12/2026 10:00 party", "Europe/London", "2026-12-31T10:00:00+00:00", "party"),
        ("5/1 9am swim", "Australia/Sydney", "2027-01-05T09:00:00+11:00", "swim"),
        # only month/day makes a day of it
        ("12/31 10:00 party", "Europe/London", "2026-12-31T10:00:00+00:00", "party"),
        ("12/10 15時 会議", "Europe/London", "2026-12-10T15:00:00+00:00", "会議"),
        ("05/01 10:00 kickoff", "Asia/Tokyo", "2027-05-01T10:00:00+09:00", "kickoff"),
    ],
)  # fmt: skip
def test_slashed_dates_follow_the_chats_zone(text: str, tz: str, start: str, title: str) -> None:
    result = parse(text, LONDON_MONDAY, tz)
    assert result.start is not None, (text, result.error)
    assert (result.start.isoformat(), result.title) == (start, title)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("March 2027 volunteer fair", "month_only"),  # A10. a month and year: still no day
        ("3月まで 報告書", "month_only"),  # a month ends only a series
        ("明日 13時90分", "invalid_time"),  # glued to the hour, 90 minutes is no time
        ("31/12 18:00 send greetings", "invalid_date"),  # month/day in Tokyo
    ],
)
def test_third_probe_refusals(text: str, code: str) -> None:
    assert parse(text, MONDAY, TOKYO).error == code
