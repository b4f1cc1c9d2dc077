"""Recurrence expansion in the chat's wall-clock time, and the wording shown to users."""

from __future__ import annotations

from datetime import datetime

import pytest

from scheduler.recurrence import describe, next_occurrence, occurrences_between


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _iso(moments: list[datetime]) -> list[str]:
    return [moment.isoformat() for moment in moments]


def test_one_off_is_next_only_until_it_has_happened() -> None:
    start = _at("2026-12-10T15:00:00+09:00")
    assert next_occurrence(start, None, _at("2026-12-10T14:59:00+09:00"), "Asia/Tokyo") == start
    assert next_occurrence(start, None, start, "Asia/Tokyo") is None


NEXT = [
    # (start, rrule, after, zone, expected next)
    (
        "2026-11-23T10:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO",
        "2026-11-23T10:00:00+09:00",
        "Asia/Tokyo",
        "2026-11-30T10:00:00+09:00",
    ),
    (
        "2026-11-25T16:00:00+09:00",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "2026-11-26T00:00:00+09:00",
        "Asia/Tokyo",
        "2026-12-09T16:00:00+09:00",
    ),
    # the 31st skips months that do not have one
    (
        "2026-10-31T09:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "2026-11-01T00:00:00+09:00",
        "Asia/Tokyo",
        "2026-12-31T09:00:00+09:00",
    ),
    (
        "2026-11-30T17:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "2026-12-01T00:00:00+09:00",
        "Asia/Tokyo",
        "2026-12-31T17:00:00+09:00",
    ),
    (
        "2026-12-08T15:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=2TU",
        "2026-12-08T15:00:00+09:00",
        "Asia/Tokyo",
        "2027-01-12T15:00:00+09:00",
    ),
    # "after" given in UTC is compared as an instant (00:30 UTC is 09:30 in Tokyo)
    (
        "2026-11-23T10:00:00+09:00",
        "FREQ=DAILY",
        "2026-11-25T00:30:00+00:00",
        "Asia/Tokyo",
        "2026-11-25T10:00:00+09:00",
    ),
    (
        "2026-11-23T10:00:00+09:00",
        "FREQ=DAILY;COUNT=2",
        "2026-11-24T10:00:00+09:00",
        "Asia/Tokyo",
        None,
    ),
]


@pytest.mark.parametrize(("start", "rrule", "after", "zone", "expected"), NEXT)
def test_next_occurrence(
    start: str, rrule: str, after: str, zone: str, expected: str | None
) -> None:
    found = next_occurrence(_at(start), rrule, _at(after), zone)
    assert (found.isoformat() if found else None) == expected


def test_weekly_meeting_keeps_its_local_hour_when_new_york_leaves_dst() -> None:
    start = _at("2026-10-19T10:00:00-04:00")
    found = occurrences_between(
        start, "FREQ=WEEKLY;BYDAY=MO", "America/New_York", start, _at("2026-11-10T00:00:00-05:00")
    )
    assert _iso(found) == [
        "2026-10-19T10:00:00-04:00",
        "2026-10-26T10:00:00-04:00",
        "2026-11-02T10:00:00-05:00",
        "2026-11-09T10:00:00-05:00",
    ]


def test_daily_reminder_keeps_its_local_hour_across_berlin_changes() -> None:
    start = _at("2026-03-27T09:00:00+01:00")
    found = occurrences_between(
        start, "FREQ=DAILY", "Europe/Berlin", start, _at("2026-03-31T00:00:00+02:00")
    )
    assert _iso(found) == [
        "2026-03-27T09:00:00+01:00",
        "2026-03-28T09:00:00+01:00",
        "2026-03-29T09:00:00+02:00",
        "2026-03-30T09:00:00+02:00",
    ]


def test_a_time_inside_the_spring_gap_moves_forward_that_day_only() -> None:
    start = _at("2026-03-07T02:30:00-05:00")
    found = occurrences_between(
        start, "FREQ=DAILY", "America/New_York", start, _at("2026-03-10T00:00:00-04:00")
    )
    assert _iso(found) == [
        "2026-03-07T02:30:00-05:00",
        "2026-03-08T03:30:00-04:00",
        "2026-03-09T02:30:00-04:00",
    ]


def test_a_repeated_autumn_hour_fires_once_at_its_first_reading() -> None:
    start = _at("2026-10-31T01:30:00-04:00")
    found = occurrences_between(
        start, "FREQ=DAILY", "America/New_York", start, _at("2026-11-03T00:00:00-05:00")
    )
    assert _iso(found) == [
        "2026-10-31T01:30:00-04:00",
        "2026-11-01T01:30:00-04:00",
        "2026-11-02T01:30:00-05:00",
    ]


def test_window_is_half_open() -> None:
    start = _at("2026-11-23T10:00:00+09:00")
    found = occurrences_between(
        start, "FREQ=DAILY", "Asia/Tokyo", start, _at("2026-11-25T10:00:00+09:00")
    )
    assert _iso(found) == ["2026-11-23T10:00:00+09:00", "2026-11-24T10:00:00+09:00"]


DESCRIBE = [
    # (start, rrule, lang, expected)
    (
        "2026-12-08T15:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=2TU",
        "ja",
        "毎月第2火曜日 15:00（次回: 12月8日(火)）",
    ),
    (
        "2026-12-08T15:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=2TU",
        "en",
        "every 2nd Tuesday at 15:00 (next: Tue 8 Dec)",
    ),
    ("2026-12-10T15:30:00+09:00", None, "ja", "12月10日(木) 15:30"),
    ("2026-12-10T15:30:00+09:00", None, "en", "Thu 10 Dec 2026, 15:30"),
    ("2026-11-22T09:00:00+09:00", "FREQ=DAILY", "ja", "毎日 09:00（次回: 11月22日(日)）"),
    ("2026-11-22T09:00:00+09:00", "FREQ=DAILY", "en", "every day at 09:00 (next: Sun 22 Nov)"),
    (
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "en",
        "every weekday at 09:00 (next: Mon 23 Nov)",
    ),
    (
        "2026-11-23T10:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,WE",
        "ja",
        "毎週月曜日・水曜日 10:00（次回: 11月23日(月)）",
    ),
    (
        "2026-11-23T10:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,WE",
        "en",
        "every Monday and Wednesday at 10:00 (next: Mon 23 Nov)",
    ),
    (
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        "ja",
        "毎週月・火・水・木曜日 09:00（次回: 11月23日(月)）",
    ),
    (
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        "en",
        "every Mon, Tue, Wed and Thu at 09:00 (next: Mon 23 Nov)",
    ),
    (
        "2026-11-23T16:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,TH,FR,SA,SU",
        "ja",
        "毎日（水曜日を除く） 16:00（次回: 11月23日(月)）",
    ),
    (
        "2026-11-23T16:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,TH,FR,SA,SU",
        "en",
        "every day except Wednesday at 16:00 (next: Mon 23 Nov)",
    ),
    (
        "2026-11-23T09:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
        "ja",
        "毎日 09:00（次回: 11月23日(月)）",
    ),
    (
        "2026-11-25T16:00:00+09:00",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "ja",
        "隔週水曜日 16:00（次回: 11月25日(水)）",
    ),
    (
        "2026-11-27T17:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "ja",
        "毎月最終金曜日 17:00（次回: 11月27日(金)）",
    ),
    (
        "2026-11-30T17:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "ja",
        "毎月末日 17:00（次回: 11月30日(月)）",
    ),
    (
        "2026-12-01T09:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=1",
        "en",
        "every month on the 1st at 09:00 (next: Tue 1 Dec)",
    ),
    ("2027-04-01T09:00:00+09:00", "FREQ=YEARLY", "ja", "毎年4月1日 09:00（次回: 4月1日(木)）"),
    (
        "2027-04-01T09:00:00+09:00",
        "FREQ=YEARLY",
        "en",
        "every year on 1 Apr at 09:00 (next: Thu 1 Apr)",
    ),
    (
        "2026-12-03T19:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=1TH,3TH",
        "ja",
        "毎月第1・第3木曜日 19:00（次回: 12月3日(木)）",
    ),
    (
        "2026-12-03T19:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=1TH,3TH",
        "en",
        "every 1st and 3rd Thursday at 19:00 (next: Thu 3 Dec)",
    ),
    (
        "2026-12-07T19:00:00+09:00",
        "FREQ=MONTHLY;BYDAY=1MO,3WE",
        "en",
        "every 1st Monday and 3rd Wednesday at 19:00 (next: Mon 7 Dec)",
    ),
    # shown in the chat's zone, not the zone the datetime happens to carry
    ("2026-12-10T06:30:00+00:00", None, "ja", "12月10日(木) 15:30"),
    # an imported series of so many meetings says so
    (
        "2026-12-08T15:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        "ja",
        "毎週火曜日（全10回） 15:00（次回: 12月8日(火)）",
    ),
    (
        "2026-12-08T15:00:00+09:00",
        "FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        "en",
        "every Tuesday, 10 times in all at 15:00 (next: Tue 8 Dec)",
    ),
]


@pytest.mark.parametrize(("start", "rrule", "lang", "expected"), DESCRIBE)
def test_describe(start: str, rrule: str | None, lang: str, expected: str) -> None:
    assert describe(_at(start), rrule, lang, "Asia/Tokyo") == expected


# ---------------------------------------------------------------- wording of the wider rules

DESCRIBE_MORE = [
    (
        "2026-11-30T10:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=15,30",
        "ja",
        "毎月15・30日 10:00（次回: 11月30日(月)）",
    ),
    (
        "2026-11-30T10:00:00+09:00",
        "FREQ=MONTHLY;BYMONTHDAY=15,30",
        "en",
        "every month on the 15th and 30th at 10:00 (next: Mon 30 Nov)",
    ),
    (
        "2027-03-31T17:00:00+09:00",
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1",
        "ja",
        "毎年3月末日 17:00（次回: 3月31日(水)）",
    ),
    (
        "2026-12-02T14:00:00+09:00",
        "FREQ=YEARLY;BYMONTH=12;BYDAY=1WE",
        "ja",
        "毎年12月第1水曜日 14:00（次回: 12月2日(水)）",
    ),
    (
        "2026-12-02T14:00:00+09:00",
        "FREQ=YEARLY;BYMONTH=12;BYDAY=1WE",
        "en",
        "every year on the 1st Wednesday of Dec at 14:00 (next: Wed 2 Dec)",
    ),
]


@pytest.mark.parametrize(("start", "rrule", "lang", "expected"), DESCRIBE_MORE)
def test_describe_lists_month_ends_and_yearly_weekdays(
    start: str, rrule: str, lang: str, expected: str
) -> None:
    assert describe(_at(start), rrule, lang, "Asia/Tokyo") == expected


@pytest.mark.parametrize(
    ("rrule", "expected"),
    [
        ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1", ["2027-03-31", "2028-03-31"]),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", ["2027-02-28", "2028-02-29"]),
        ("FREQ=MONTHLY;BYMONTHDAY=15,30", ["2026-11-30", "2026-12-15", "2026-12-30"]),
    ],
)
def test_new_rules_expand(rrule: str, expected: list[str]) -> None:
    start = _at("2026-11-21T09:00:00+09:00")
    found: list[str] = []
    after = start
    while len(found) < len(expected):
        following = next_occurrence(start, rrule, after, "Asia/Tokyo")
        assert following is not None
        found.append(following.date().isoformat())
        after = following
    assert found == expected


# ---------------------------------------------------------------- the n-th business day

LAST_BUSINESS_DAY = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"


def test_the_last_business_day_is_the_months_last_monday_to_friday() -> None:
    start = _at("2026-12-31T17:00:00+09:00")
    end = _at("2027-06-01T00:00:00+09:00")
    found = occurrences_between(start, LAST_BUSINESS_DAY, "Asia/Tokyo", start, end)
    # January 2027 ends on a Sunday, February on a Sunday, April on a Friday, May on a Monday
    assert [moment.date().isoformat() for moment in found] == [
        "2026-12-31",
        "2027-01-29",
        "2027-02-26",
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
    ]


@pytest.mark.parametrize(
    ("start", "rrule", "lang", "expected"),
    [
        (
            "2026-12-31T17:00:00+09:00",
            LAST_BUSINESS_DAY,
            "ja",
            "毎月最終営業日 17:00（次回: 12月31日(木)）",
        ),
        (
            "2026-12-31T17:00:00+09:00",
            LAST_BUSINESS_DAY,
            "en",
            "the last business day of every month at 17:00 (next: Thu 31 Dec)",
        ),
        (
            "2027-01-05T10:00:00+09:00",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=3",
            "ja",
            "毎月第3営業日 10:00（次回: 1月5日(火)）",
        ),
        # another position set is not worded as a day of the month it is not
        (
            "2027-01-05T10:00:00+09:00",
            "FREQ=MONTHLY;BYDAY=TU,TH;BYSETPOS=2",
            "en",
            "repeating at 10:00 (next: Tue 5 Jan)",
        ),
    ],
)
def test_describe_business_days(start: str, rrule: str, lang: str, expected: str) -> None:
    assert describe(_at(start), rrule, lang, "Asia/Tokyo") == expected


# A series with an end day (毎週木曜 16時 3月25日まで): UNTIL is kept as local wall-clock time at
# the end of that day; the wording says the day, and the series stops after it.
UNTIL_THURSDAYS = "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270325T235959"


@pytest.mark.parametrize(
    ("rrule", "lang", "expected"),
    [
        (UNTIL_THURSDAYS, "ja", "毎週木曜日（3月25日まで） 16:00（次回: 12月10日(木)）"),
        (UNTIL_THURSDAYS, "en", "every Thursday until 25 Mar at 16:00 (next: Thu 10 Dec)"),
        # a UTC UNTIL (as calendar files write it) is the same day in the chat's zone
        ("FREQ=WEEKLY;BYDAY=TH;UNTIL=20270325T145959Z", "ja",
         "毎週木曜日（3月25日まで） 16:00（次回: 12月10日(木)）"),
    ],
)  # fmt: skip
def test_describe_a_series_with_an_end_day(rrule: str, lang: str, expected: str) -> None:
    assert describe(_at("2026-12-10T16:00:00+09:00"), rrule, lang, "Asia/Tokyo") == expected


def test_a_series_with_an_end_day_stops_after_it() -> None:
    start = _at("2026-12-10T16:00:00+09:00")
    end = _at("2028-01-01T00:00:00+09:00")
    found = occurrences_between(start, UNTIL_THURSDAYS, "Asia/Tokyo", start, end)
    assert (len(found), found[-1].isoformat()) == (16, "2027-03-25T16:00:00+09:00")
    assert next_occurrence(start, UNTIL_THURSDAYS, found[-1], "Asia/Tokyo") is None


@pytest.mark.parametrize(
    ("rrule", "lang", "expected"),
    [
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", "ja",
         "3か月ごとの15日 10:00（次回: 12月15日(火)）"),
        ("FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15", "en",
         "every 6 months on the 15th at 10:00 (next: Tue 15 Dec)"),
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=3TU", "ja",
         "3か月ごとの第3火曜日 10:00（次回: 12月15日(火)）"),
        ("FREQ=MONTHLY;BYMONTHDAY=15,-1", "ja", "毎月15・末日 10:00（次回: 12月15日(火)）"),
        ("FREQ=MONTHLY;BYMONTHDAY=15,-1", "en",
         "every month on the 15th and last day at 10:00 (next: Tue 15 Dec)"),
    ],
)  # fmt: skip
def test_describe_every_few_months(rrule: str, lang: str, expected: str) -> None:
    """四半期ごと / 半年に1回: the wording says how many months, not 毎月."""
    assert describe(_at("2026-12-15T10:00:00+09:00"), rrule, lang, "Asia/Tokyo") == expected
