"""Calendar files: what Google Calendar / Outlook receive, and what uploads turn into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from scheduler.ics import MAX_BYTES, MAX_EVENTS, IcsError, build_calendar, parse_calendar
from scheduler.recurrence import next_occurrence
from scheduler.timeparse import parse

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Row:
    id: int
    kind: str
    title: str
    place: str | None
    start: datetime
    tz: str
    rrule: str | None
    skipped: list[str] = field(default_factory=list)
    duration_minutes: int | None = None


ROWS = [
    Row(
        7,
        "meeting",
        "学校運営協議会・定例会（第3回）" * 3,
        "市民センター 2F 会議室",
        datetime(2026, 1, 13, 15, 0, tzinfo=TOKYO),
        "Asia/Tokyo",
        "FREQ=MONTHLY;BYDAY=2TU",
        ["2026-02-10"],  # no meeting in February
    ),
    Row(
        8,
        "milestone",
        "Partnership agreement report; draft, v2",
        None,
        datetime(2026, 3, 10, 17, 0, tzinfo=TOKYO),
        "Asia/Tokyo",
        None,
    ),
    Row(
        9,
        "meeting",
        "Sister-city call",
        "Zoom",
        datetime(2026, 2, 2, 9, 30, tzinfo=ZoneInfo("America/New_York")),
        "America/New_York",
        "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260601T235959",
        duration_minutes=30,
    ),
]


def ical(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//\r\n{extra}{body}END:VCALENDAR\r\n"
    ).encode()


def event(summary: str, dtstart: str, *more: str) -> str:
    return "\r\n".join([f"UID:{summary}@test", f"SUMMARY:{summary}", dtstart, *more])


def test_export_is_a_calendar_google_and_outlook_read() -> None:
    data = build_calendar(ROWS, "renkei_bot", NOW, "Renkei")
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in lines)  # folded
    assert lines[:2] == [b"BEGIN:VCALENDAR", b"VERSION:2.0"]
    for header in (b"PRODID:", b"CALSCALE:GREGORIAN", b"METHOD:PUBLISH"):
        assert any(line.startswith(header) for line in lines)
    calendar = Calendar.from_ical(data)
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == [
        "America/New_York",
        "Asia/Tokyo",
    ]
    events = {str(e["UID"]): e for e in calendar.events}
    assert set(events) == {f"renkei-{n}@renkei_bot" for n in (7, 8, 9)}
    meeting, milestone = events["renkei-7@renkei_bot"], events["renkei-8@renkei_bot"]
    assert b"DTSTART;TZID=Asia/Tokyo:20260113T150000" in data
    assert meeting.end == datetime(2026, 1, 13, 16, 0, tzinfo=TOKYO)  # no length given: 1 h
    call = events["renkei-9@renkei_bot"]
    assert call.end == datetime(2026, 2, 2, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert str(meeting["LOCATION"]) == "市民センター 2F 会議室"
    assert str(meeting["TRANSP"]) == "OPAQUE"
    assert meeting.categories == ["meeting"]
    assert b"RRULE:FREQ=MONTHLY;BYDAY=2TU\r\n" in data
    assert b"EXDATE;TZID=Asia/Tokyo:20260210T150000\r\n" in data
    assert milestone.end == milestone.start  # a moment, not an hour
    assert str(milestone["TRANSP"]) == "TRANSPARENT"
    assert str(milestone["SUMMARY"]) == "Partnership agreement report; draft, v2"
    assert "DTSTAMP" in milestone


def test_export_gives_until_in_utc() -> None:
    data = build_calendar([ROWS[2]], "renkei_bot", NOW)
    assert b"RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260602T035959Z\r\n" in data


def test_round_trip_keeps_titles_starts_and_rules() -> None:
    plan = parse_calendar(build_calendar(ROWS, "renkei_bot", NOW), "Asia/Tokyo", NOW)
    assert plan.skipped == []
    got = [
        (e.title, e.start, e.tz, e.rrule, e.place, list(e.skipped), e.duration)
        for e in plan.events
    ]
    lengths = [timedelta(hours=1), None, timedelta(minutes=30)]  # a meeting is an hour by default
    assert got == [
        (r.title, r.start.astimezone(UTC), r.tz, r.rrule, r.place, r.skipped, length)
        for r, length in zip(ROWS, lengths, strict=True)
    ]


def test_import_reads_exdates_as_days_off_in_the_series_zone() -> None:
    data = ical(
        event(
            "weekly",
            "DTSTART;TZID=Asia/Tokyo:20260105T100000",
            "RRULE:FREQ=WEEKLY",
            "EXDATE;TZID=Asia/Tokyo:20260112T100000,20260119T100000",
            "EXDATE:20260126T010000Z",
        ),
        event("one-off", "DTSTART:20260301T100000", "EXDATE:20260301T100000"),
    )
    plan = parse_calendar(data, "Asia/Tokyo", NOW)
    weekly, one_off = plan.events
    assert weekly.skipped == ("2026-01-12", "2026-01-19", "2026-01-26")
    assert one_off.skipped == ()


def test_import_reads_zones_utc_floating_and_all_day() -> None:
    data = ical(
        event("zoned", "DTSTART;TZID=Europe/Berlin:20260301T100000"),
        event("outlook", "DTSTART;TZID=Tokyo Standard Time:20260301T100000"),
        event("utc", "DTSTART:20260301T010000Z"),
        event("floating", "DTSTART:20260301T100000"),
        event("all day", "DTSTART;VALUE=DATE:20260301", "DTEND;VALUE=DATE:20260302"),
    )
    plan = parse_calendar(data, "Asia/Tokyo", NOW)
    starts = {e.title: (e.start.astimezone(ZoneInfo(e.tz)), e.tz) for e in plan.events}
    assert starts["zoned"] == (
        datetime(2026, 3, 1, 10, tzinfo=ZoneInfo("Europe/Berlin")),
        "Europe/Berlin",
    )
    assert starts["outlook"] == (datetime(2026, 3, 1, 10, tzinfo=TOKYO), "Asia/Tokyo")
    assert starts["utc"] == (datetime(2026, 3, 1, 10, tzinfo=TOKYO), "Asia/Tokyo")
    assert starts["floating"] == (datetime(2026, 3, 1, 10, tzinfo=TOKYO), "Asia/Tokyo")
    assert starts["all day"] == (datetime(2026, 3, 1, 9, tzinfo=TOKYO), "Asia/Tokyo")


def test_import_skips_the_past_but_keeps_running_series() -> None:
    data = ical(
        event("last year", "DTSTART:20250301T100000"),
        event("weekly since 2024", "DTSTART:20240105T100000", "RRULE:FREQ=WEEKLY"),
        event("ended series", "DTSTART:20240105T100000", "RRULE:FREQ=WEEKLY;COUNT=3"),
        event("cancelled", "DTSTART:20260301T100000", "STATUS:CANCELLED"),
        event("next month", "DTSTART:20260201T100000", "LOCATION:公民館"),
    )
    plan = parse_calendar(data, "Asia/Tokyo", NOW)
    assert [e.title for e in plan.events] == ["weekly since 2024", "next month"]
    assert sorted(plan.skipped) == sorted(["last year", "ended series", "cancelled"])
    assert plan.events[1].place == "公民館"


def test_google_style_utc_until_becomes_a_rule_the_bot_expands() -> None:
    data = ical(
        event(
            "weekly",
            "DTSTART;TZID=Asia/Tokyo:20260105T100000",
            "RRULE:FREQ=WEEKLY;WKST=SU;UNTIL=20260302T005959Z;BYDAY=MO",
        ),
        event("all day weekly", "DTSTART;VALUE=DATE:20260105", "RRULE:FREQ=WEEKLY;UNTIL=20260302"),
    )
    weekly, all_day = parse_calendar(data, "Asia/Tokyo", NOW).events
    assert weekly.rrule == "FREQ=WEEKLY;WKST=SU;UNTIL=20260302T095959;BYDAY=MO"
    after = datetime(2026, 2, 24, tzinfo=TOKYO)
    last = datetime(2026, 3, 2, 9, tzinfo=TOKYO)
    assert next_occurrence(weekly.start, weekly.rrule, after, weekly.tz) is None
    assert next_occurrence(all_day.start, all_day.rrule, after, all_day.tz) == last


def test_a_parsed_series_end_day_exports_in_utc_and_comes_back_local() -> None:
    """毎週木曜 16時 学習支援 3月25日まで: the parser's local UNTIL survives a round trip."""
    parsed = parse(
        "毎週木曜 16時 学習支援 3月25日まで", datetime(2026, 12, 7, 1, tzinfo=UTC), TOKYO
    )
    assert parsed.start is not None and parsed.rrule is not None
    row = Row(11, "meeting", parsed.title, None, parsed.start, "Asia/Tokyo", parsed.rrule)
    data = build_calendar([row], "renkei_bot", NOW)
    assert b"RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20270325T145959Z\r\n" in data
    (event_back,) = parse_calendar(data, "Asia/Tokyo", NOW).events
    assert event_back.rrule == "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270325T235959"
    last = datetime(2027, 3, 25, 16, tzinfo=TOKYO)
    assert next_occurrence(event_back.start, event_back.rrule, last, event_back.tz) is None


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("plain text", "会議は来週です".encode(), "not_ical"),
    ("empty", b"", "not_ical"),
    ("a PDF", b"%PDF-1.4\x00\xff\xfe", "not_ical"),
    ("no events", ical(), "no_events"),
    ("only a todo", ical(extra="BEGIN:VTODO\r\nSUMMARY:x\r\nEND:VTODO\r\n"), "no_events"),
    ("broken DTSTART", ical(event("a", "DTSTART:2026-13-45")), "bad_start"),
    ("no DTSTART", ical("UID:x\r\nSUMMARY:b"), "no_start"),
    (
        "hourly",
        ical(event("c", "DTSTART:20260301T100000", "RRULE:FREQ=HOURLY")),
        "unsupported_rrule",
    ),
    (
        "twice a day",
        ical(event("d", "DTSTART:20260301T100000", "RRULE:FREQ=DAILY;BYHOUR=9,17")),
        "unsupported_rrule",
    ),
    (
        "nonsense rule",
        ical(event("e", "DTSTART:20260301T100000", "RRULE:FREQ=SOMETIMES")),
        "unsupported_rrule",
    ),
    (
        "too many",
        ical(*(event(f"m{n}", "DTSTART:20260301T100000") for n in range(MAX_EVENTS + 1))),
        "too_many",
    ),
    (
        "too large",
        ical(event("f", "DTSTART:20260301T100000", "X-PAD:" + "a" * MAX_BYTES)),
        "too_large",
    ),
]


@pytest.mark.parametrize(("case", "data", "code"), BAD_FILES, ids=[c for c, _, _ in BAD_FILES])
def test_bad_files_are_refused_whole(case: str, data: bytes, code: str) -> None:
    good = event("good", "DTSTART:20260301T100000")
    if code in ("bad_start", "no_start", "unsupported_rrule"):
        data = data.replace(
            b"BEGIN:VEVENT", f"BEGIN:VEVENT\r\n{good}\r\nEND:VEVENT\r\nBEGIN:VEVENT".encode(), 1
        )
    with pytest.raises(IcsError) as caught:
        parse_calendar(data, "Asia/Tokyo", NOW)
    assert caught.value.code == code


def test_two_hundred_events_are_fine() -> None:
    data = ical(*(event(f"m{n}", "DTSTART:20260301T100000") for n in range(MAX_EVENTS)))
    assert len(parse_calendar(data, "Asia/Tokyo", NOW).events) == MAX_EVENTS
