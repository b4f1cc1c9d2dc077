"""iCalendar files: the chat's agenda as an ``.ics`` (export) and ``.ics`` uploads as meetings.

Pure logic (no telegram): ``build_calendar`` turns reminder rows into bytes that Google
Calendar and Outlook import; ``parse_calendar`` turns an uploaded file into an all-or-nothing
``ImportPlan`` or raises ``IcsError`` naming what was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vRecur
from icalendar.prop import vInline
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Reminder
from scheduler import service
from scheduler.recurrence import next_occurrence, occurrences_on_days

PRODID = "-//Renkei//Renkei Telegram Bot//JA"
FILENAME = "renkei-agenda.ics"
MAX_BYTES = 1024 * 1024
MAX_EVENTS = 200
MEETING_LENGTH = timedelta(hours=1)
ALL_DAY_TIME = time(9, 0)
MAX_TITLE = 200

# What the bot's recurrence can expand: day-or-longer frequencies, whole-occurrence rules.
SUPPORTED_FREQ = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
SUPPORTED_PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}
)


class AgendaRow(Protocol):
    """What export needs of a reminder (``db.models.Reminder`` fits)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def place(self) -> str | None: ...
    @property
    def start(self) -> datetime: ...
    @property
    def tz(self) -> str: ...
    @property
    def rrule(self) -> str | None: ...
    @property
    def skipped(self) -> list[str]: ...
    @property
    def duration_minutes(self) -> int | None: ...


class IcsError(ValueError):
    """An upload the bot refuses; ``code`` picks the message, ``details`` fill it in."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code, details)
        self.code = code
        self.details: dict[str, object] = details


@dataclass(frozen=True)
class ImportedEvent:
    """One VEVENT as a meeting: ``start`` is aware UTC, ``tz`` the IANA zone to show it in."""

    title: str
    place: str | None
    start: datetime
    tz: str
    rrule: str | None
    all_day: bool = False
    skipped: tuple[str, ...] = ()  # local dates (ISO) of EXDATEs
    duration: timedelta | None = None  # DTEND - DTSTART of a timed event


@dataclass(frozen=True)
class ImportPlan:
    """What an upload would create, and the titles of the events left out (past or cancelled)."""

    events: list[ImportedEvent] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# --- export ---


def event_uid(reminder_id: int, bot_username: str | None) -> str:
    """The stable UID of a reminder's VEVENT, so re-imports in calendars update, not duplicate."""
    return f"renkei-{reminder_id}@{bot_username or 'renkei'}"


def _zone(name: str, fallback: str = "UTC") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo(fallback)


def build_event(row: AgendaRow, bot_username: str | None, stamp: datetime) -> Event:
    """One VEVENT: meetings last an hour and are busy; milestones and plain are 0-length, free."""
    local_start = row.start.astimezone(_zone(row.tz))
    event = Event()
    event.add("uid", event_uid(row.id, bot_username))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", local_start)
    meeting = row.kind == "meeting"
    if row.duration_minutes:
        length = timedelta(minutes=row.duration_minutes)
    else:
        length = MEETING_LENGTH if meeting else timedelta(0)
    event.add("dtend", local_start + length)
    event.add("summary", row.title)
    if row.place:
        event.add("location", row.place)
    if row.rrule:
        zone = _zone(row.tz)
        event["RRULE"] = vInline(_rrule_for_export(row.rrule, zone))
        days_off = (date.fromisoformat(day) for day in row.skipped or ())
        called_off = [
            found
            for day in days_off
            for found in occurrences_on_days(row.start, row.rrule, zone, day, day)
        ]
        if called_off:
            event.add("exdate", called_off)
    event.add("categories", [row.kind])
    event.add("transp", "OPAQUE" if meeting else "TRANSPARENT")
    return event


def build_calendar(
    rows: Iterable[AgendaRow],
    bot_username: str | None,
    now: datetime,
    name: str | None = None,
) -> bytes:
    """The agenda as an iCalendar file: CRLF, folded lines, a VTIMEZONE for every TZID used."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    first: date | None = None
    for row in rows:
        calendar.add_component(build_event(row, bot_username, now))
        day = row.start.date()
        first = day if first is None or day < first else first
    if first is not None:
        start_year = max(1970, first.year - 1)
        calendar.add_missing_timezones(
            first_date=date(start_year, 1, 1), last_date=date(max(2038, now.year + 20), 1, 1)
        )
    ical: bytes = calendar.to_ical()
    return ical


# --- import ---


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IcsError("not_ical")


def _load(data: bytes) -> list[Any]:
    """Every VEVENT of every VCALENDAR in ``data``; raises for anything that isn't iCalendar."""
    if len(data) > MAX_BYTES:
        raise IcsError("too_large", size_kb=len(data) // 1024, limit_kb=MAX_BYTES // 1024)
    text = _decode(data)
    if "BEGIN:VCALENDAR" not in text.upper():
        raise IcsError("not_ical")
    try:
        components = Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError) as exc:
        raise IcsError("not_ical") from exc
    calendars = [c for c in components if getattr(c, "name", "") == "VCALENDAR"]
    if not calendars:
        raise IcsError("not_ical")
    events = [e for c in calendars for e in c.walk("VEVENT")]
    if not events:
        raise IcsError("no_events")
    if len(events) > MAX_EVENTS:
        raise IcsError("too_many", count=len(events), limit=MAX_EVENTS)
    return events


def _text(event: Any, name: str) -> str:
    value = event.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value).split())


def _start(event: Any, title: str, chat_tz: ZoneInfo) -> tuple[datetime, ZoneInfo, bool]:
    """DTSTART as (aware local start, zone, all-day): TZID and UTC honoured, floating = chat tz."""
    prop = event.get("DTSTART")
    if prop is None:
        raise IcsError("no_start", title=title)
    if isinstance(prop, list):
        raise IcsError("bad_start", title=title)
    try:
        value = prop.dt
    except Exception as exc:  # icalendar keeps unparsable values as vBroken and raises here
        raise IcsError("bad_start", title=title) from exc
    if isinstance(value, datetime):
        zone: tzinfo | None = value.tzinfo
        if zone is None:  # floating, or a TZID nobody defined: the chat's own time
            return value.replace(tzinfo=chat_tz), chat_tz, False
        if isinstance(zone, ZoneInfo) and zone.key not in ("UTC", "Etc/UTC"):
            return value, zone, False
        # UTC, or a zone known only through its VTIMEZONE: same instant, shown in chat time
        return value.astimezone(chat_tz), chat_tz, False
    if isinstance(value, date):
        return datetime.combine(value, ALL_DAY_TIME, tzinfo=chat_tz), chat_tz, True
    raise IcsError("bad_start", title=title)


def _until_local(value: date | datetime, zone: ZoneInfo) -> str:
    """UNTIL as local wall-clock time in the event's zone, the form the bot's recurrence expands.

    A date includes the whole day (all-day series become 09:00 events); a UTC or zoned UNTIL
    is the same instant read in ``zone``.
    """
    if isinstance(value, datetime):
        local = value.astimezone(zone) if value.tzinfo is not None else value
    else:
        local = datetime.combine(value, time(23, 59, 59))
    return local.strftime("%Y%m%dT%H%M%S")


_UNTIL = re.compile(r"(?i)(^|;)UNTIL=(\d{8}T\d{6})(?=;|$)")


def _rrule_for_export(rule: str, zone: ZoneInfo) -> str:
    """The stored RRULE verbatim, except a local UNTIL is given in UTC as RFC 5545 requires."""

    def to_utc(match: re.Match[str]) -> str:
        local = datetime.strptime(match.group(2), "%Y%m%dT%H%M%S").replace(tzinfo=zone)
        return f"{match.group(1)}UNTIL={local.astimezone(UTC):%Y%m%dT%H%M%SZ}"

    return _UNTIL.sub(to_utc, rule.strip())


def _rrule(event: Any, title: str, zone: ZoneInfo) -> str | None:
    """The RRULE as the bot will store it (source order kept, UNTIL local), or None."""
    prop = event.get("RRULE")
    if prop is None:
        return None
    if isinstance(prop, list):
        if len(prop) != 1:
            raise IcsError("unsupported_rrule", title=title, rule="RRULE ×" + str(len(prop)))
        prop = prop[0]
    if not isinstance(prop, vRecur):
        raw = prop.to_ical().decode() if hasattr(prop, "to_ical") else str(prop)
        raise IcsError("unsupported_rrule", title=title, rule=raw)
    recur: Any = prop
    raw = recur.to_ical().decode()
    freq = [str(f).upper() for f in prop.get("FREQ", [])]
    unknown = sorted(set(prop) - SUPPORTED_PARTS)
    if len(freq) != 1 or freq[0] not in SUPPORTED_FREQ or unknown:
        raise IcsError("unsupported_rrule", title=title, rule=raw)
    parts: list[str] = []
    for key, values in prop.items():
        if key == "UNTIL":
            parts.append(f"UNTIL={_until_local(values[0], zone)}")
        else:
            single: Any = vRecur({key: values})
            parts.append(single.to_ical().decode())
    return ";".join(parts)


def _length(event: Any, start: datetime) -> timedelta | None:
    """How long a timed event lasts (DTEND or DURATION), if it says and it is under a day."""
    try:
        end = event.get("DTEND")
        if end is not None and isinstance(end.dt, datetime):
            moment = end.dt if end.dt.tzinfo else end.dt.replace(tzinfo=start.tzinfo)
            length: timedelta = moment - start
        elif event.get("DURATION") is not None:
            length = event["DURATION"].dt
        else:
            return None
    except (AttributeError, TypeError, ValueError):
        return None  # a broken end time does not make the whole event unusable
    return length if timedelta(0) < length < timedelta(days=1) else None


def _excluded_days(event: Any, zone: ZoneInfo) -> tuple[str, ...]:
    """The EXDATEs of a series as local ISO dates (the bot skips whole days)."""
    found = event.get("EXDATE")
    groups = found if isinstance(found, list) else [found] if found is not None else []
    days: set[str] = set()
    for group in groups:
        for value in getattr(group, "dts", []):
            moment = value.dt
            if isinstance(moment, datetime):
                moment = moment.astimezone(zone) if moment.tzinfo else moment
                moment = moment.date()
            days.add(moment.isoformat())
    return tuple(sorted(days))


def parse_calendar(data: bytes, chat_tz: str, now: datetime) -> ImportPlan:
    """Read an upload into meetings to create; refuse the whole file if any event is unusable."""
    zone_default = _zone(chat_tz, "Asia/Tokyo")
    events = _load(data)
    plan = ImportPlan()
    for event in events:
        title = _text(event, "SUMMARY")[:MAX_TITLE]
        if _text(event, "STATUS").upper() == "CANCELLED" or event.get("RECURRENCE-ID"):
            plan.skipped.append(title)  # cancelled, or one changed instance of a series
            continue
        start, zone, all_day = _start(event, title, zone_default)
        rule = _rrule(event, title, zone)
        if rule is not None:
            try:
                upcoming = next_occurrence(start, rule, now - timedelta(seconds=1), zone)
            except (ValueError, TypeError, OverflowError) as exc:
                raise IcsError("unsupported_rrule", title=title, rule=rule) from exc
            if upcoming is None:
                plan.skipped.append(title)  # the series is over
                continue
        elif start < now:
            plan.skipped.append(title)
            continue
        place = _text(event, "LOCATION") or None
        skipped = _excluded_days(event, zone) if rule is not None else ()
        length = None if all_day else _length(event, start)
        plan.events.append(
            ImportedEvent(
                title, place, start.astimezone(UTC), zone.key, rule, all_day, skipped, length
            )
        )
    return plan


# --- database ---


async def active_reminders(session: AsyncSession, chat_id: int) -> list[Reminder]:
    """The chat's active reminders, the agenda the ``.ics`` export carries."""
    query = (
        select(Reminder)
        .where(Reminder.chat_id == chat_id, Reminder.status == service.ACTIVE)
        .order_by(Reminder.start, Reminder.id)
    )
    return list((await session.scalars(query)).all())


async def import_events(
    session: AsyncSession,
    chat_id: int,
    plan: ImportPlan,
    *,
    now: datetime,
    untitled: str,
    created_by: int | None = None,
    max_overdue: int = 3,
) -> list[Reminder]:
    """Create one meeting per planned event in the caller's transaction (so: all or nothing)."""
    created: list[Reminder] = []
    for item in plan.events:
        created.append(
            await service.create_reminder(
                session,
                chat_id=chat_id,
                kind=service.MEETING,
                title=item.title or untitled,
                start=item.start,
                tz=item.tz,
                now=now,
                rrule=item.rrule,
                place=item.place,
                skipped=item.skipped,
                duration=item.duration,
                created_by=created_by,
                max_overdue=max_overdue,
            )
        )
    return created
