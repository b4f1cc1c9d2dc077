"""Reminders as data: create, move, cancel, plan notices into the ledger, and read the agenda.

Everything here takes an ``AsyncSession`` and plain values and never imports ``telegram``; the
handlers and the JobQueue side (``scheduler.delivery``) call it. The caller owns the transaction:
use ``async with maker.begin() as session`` and call one function (or a few) per short session.

The deliveries table is the queue. For each active reminder the *planner* keeps the notices of
one occurrence (``Reminder.occurrence``, the cursor) in the ledger as ``pending`` rows; the
unique constraint on (reminder, occurrence, notice) makes planning idempotent. The dispatcher
claims due rows (``claim``), sends them, records the result, and calls ``plan_reminder`` again;
once an occurrence has passed and none of its rows is still pending, the cursor moves on.

Delivery states: ``pending`` -> ``sending`` -> ``sent`` | ``failed``; ``pending`` -> ``missed``
(fell due longer than the grace period ago) | ``cancelled`` (reminder cancelled, done or moved).

Public API used by other features (calendar export, bench):
``create_reminder``, ``move_reminder``, ``cancel_reminder``, ``mark_done``, ``get_reminder``,
``agenda``, ``plan_reminder``, ``plan_all``, ``set_chat_lang``, ``set_chat_tz``,
``set_chat_notices``, ``ensure_chat``.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from db.models import Chat, Delivery, Reminder, Rsvp
from scheduler.timeparse import ZONE_WORDS

MEETING = "meeting"
MILESTONE = "milestone"
REMIND = "remind"
KINDS = (MEETING, MILESTONE, REMIND)

# Reminder.status
ACTIVE = "active"
DONE = "done"
CANCELLED = "cancelled"
FINISHED = "finished"  # the last occurrence has passed

# Delivery.state
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
MISSED = "missed"
SKIPPED = "cancelled"
OPEN_STATES = (PENDING, SENDING)

DAY = 86400
HOUR = 3600
DEFAULT_MEETING_OFFSETS = (DAY, HOUR)
MILESTONE_OFFSETS = (7 * DAY, DAY, 0)
REMIND_OFFSETS = (0,)
OVERDUE_HOUR = time(9, 0)
MAX_OFFSET = 60 * DAY
MAX_OFFSETS = 6
MAX_CATCH_UP = 20  # occurrences recorded one by one after downtime before skipping ahead
RSVP_ANSWERS = ("yes", "no", "maybe")

OFFSET_UNITS = {
    "w": 7 * DAY, "week": 7 * DAY, "週": 7 * DAY, "週間": 7 * DAY,
    "d": DAY, "day": DAY, "日": DAY,
    "h": HOUR, "hr": HOUR, "hour": HOUR, "時間": HOUR,
    "m": 60, "min": 60, "minute": 60, "分": 60,
}  # fmt: skip
_OFFSET_UNIT = "|".join(sorted(OFFSET_UNITS, key=len, reverse=True))
# 3d, 3 days, 3日前, 1 hour before: one notice offset
OFFSET_TOKEN = re.compile(
    rf"(\d{{1,4}})\s*(?:({_OFFSET_UNIT})s?(?![a-z]))?(?:\s*(?:前|before))?",
    re.IGNORECASE,
)
# What may stand between offsets: 「3日前と1日前」, "2 days, 3 hours and 30 minutes"
_OFFSET_SEPARATOR = re.compile(r"(?:[\s,、・/&]|and|と|や)+", re.IGNORECASE)
_AT_THE_TIME = re.compile(r"at the time|on time|当日|定刻|その時刻|時間ちょうど", re.IGNORECASE)


class ReminderError(Exception):
    """A request the service refuses; ``code`` is a texts key suffix the handler shows, and
    ``occurrences`` the meetings the refusal is about (for an example that names them)."""

    def __init__(self, code: str, occurrences: Sequence[datetime] = ()) -> None:
        super().__init__(code)
        self.code = code
        self.occurrences = tuple(occurrences)


@dataclass(frozen=True)
class Notice:
    name: str  # "before:86400", "due", "overdue:1"
    at: datetime


@dataclass(frozen=True)
class RsvpCounts:
    """Who answered what for one occurrence, earliest first; the counts follow from it."""

    yes_names: tuple[str, ...] = ()
    no_names: tuple[str, ...] = ()
    maybe_names: tuple[str, ...] = ()

    @property
    def yes(self) -> int:
        return len(self.yes_names)

    @property
    def no(self) -> int:
        return len(self.no_names)

    @property
    def maybe(self) -> int:
        return len(self.maybe_names)

    def who(self, answer: str) -> tuple[str, ...]:
        names: tuple[str, ...] = getattr(self, f"{answer}_names")
        return names


@dataclass(frozen=True)
class AgendaItem:
    reminder: Reminder
    next_at: datetime | None
    overdue: bool
    rsvp: RsvpCounts
    missed: int
    failed: int
    skipped: tuple[datetime, ...] = ()  # called-off occurrences still ahead


@dataclass(frozen=True)
class Doubled:
    """A one-off split from a series with 「今回だけ」 that a new rule now doubles: the
    series has a regular meeting ``regular`` in the same month as ``one_off``."""

    one_off: Reminder
    regular: datetime


@dataclass(frozen=True)
class EditReport:
    """What an /edit did besides the move, for its confirmation: the answers that moved with
    the meeting, the notices already sent about it (their messages should show the change),
    the days off the new rule no longer has, one-offs that now double a regular meeting, and
    the meetings that were coming before the series' new start and no longer take place."""

    reminder: Reminder
    answers: RsvpCounts = RsvpCounts()
    notices: tuple[int, ...] = ()
    days_off_dropped: tuple[date, ...] = ()
    doubled: tuple[Doubled, ...] = ()
    meetings_dropped: tuple[datetime, ...] = ()


@dataclass
class Recovery:
    """What ``recover`` found after a restart (or a chat coming back)."""

    resent: int = 0  # rows left 'sending' by a crash, queued again
    delayed: int = 0  # fell due meanwhile, within the grace period: sent now, marked delayed
    missed: int = 0  # fell due longer ago than the grace period
    reminder_ids: set[int] = field(default_factory=set)


# --- pure helpers -------------------------------------------------------------------------


def zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    """The zone called ``name``, or ``default`` when unset or unknown."""
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return default


# Names of Japan as people type them for /tz, besides the zone words of the <when> parser.
_JAPAN = {"日本": "Asia/Tokyo", "東京": "Asia/Tokyo", "japan": "Asia/Tokyo"}


@cache
def _zone_names() -> dict[str, str]:
    """Lower-cased IANA names, then city names (spaces for underscores) that only one zone
    has, then zone words, to the IANA name; read from the zone database once."""
    keys = sorted(zoneinfo.available_timezones())
    cities: dict[str, list[str]] = {}
    for key in keys:
        cities.setdefault(key.rsplit("/", 1)[-1].replace("_", " ").lower(), []).append(key)
    found = {key.lower(): key for key in keys}
    for city, named in cities.items():
        if len(named) == 1:
            found.setdefault(city, named[0])
    for word, key in {**ZONE_WORDS, **_JAPAN}.items():
        found.setdefault(word, key)
    return found


def valid_zone(name: str) -> str | None:
    """The IANA name for ``name``: a zone name in any case, a city (tokyo, New York), or a
    zone word (JST, PST, 日本時間); None if it is none of these."""
    candidate = " ".join(name.split())
    if not candidate or candidate.startswith(("/", ".")) or ".." in candidate:
        return None
    try:
        return ZoneInfo(candidate).key
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    lowered = candidate.lower()
    names = _zone_names()
    return names.get(lowered) or names.get(lowered.replace("_", " "))


def parse_offsets(text: str) -> list[int] | None:
    """Parse notice offsets like ``3d 1d 1h 30m``, ``3日前と1時間前`` or ``2 days, 3 hours`` into
    seconds, largest first; ``0`` (or "at the time", 当日) means at the time.

    Returns None if anything else is in the text or there are too many.
    """
    text = _AT_THE_TIME.sub(" 0 ", text).strip()
    seconds: set[int] = set()
    position = 0
    for match in OFFSET_TOKEN.finditer(text):
        gap = text[position : match.start()]
        if (gap or position) and not _OFFSET_SEPARATOR.fullmatch(gap):
            return None  # a word that is no offset, or offsets run together (3d1d)
        amount = int(match.group(1))
        unit = (match.group(2) or "").lower()
        if not unit and amount != 0:
            return None
        value = amount * OFFSET_UNITS.get(unit, 0)
        if value > MAX_OFFSET:
            return None
        seconds.add(value)
        position = match.end()
    if text[position:].strip() or not seconds or len(seconds) > MAX_OFFSETS:
        return None
    return sorted(seconds, reverse=True)


def notices_for(
    kind: str, offsets: Sequence[int], occurrence: datetime, tz: ZoneInfo, max_overdue: int
) -> list[Notice]:
    """Every notice of one occurrence, in time order.

    Meetings and plain reminders get one notice per offset before the occurrence. Milestones get
    theirs plus up to ``max_overdue`` overdue notices at 09:00 local on the following mornings.
    """
    notices = [
        Notice(
            "due" if offset == 0 else f"before:{offset}", occurrence - timedelta(seconds=offset)
        )
        for offset in offsets
    ]
    if kind == MILESTONE:
        due_day = occurrence.astimezone(tz).date()
        for n in range(1, max_overdue + 1):
            morning = datetime.combine(due_day + timedelta(days=n), OVERDUE_HOUR, tzinfo=tz)
            notices.append(Notice(f"overdue:{n}", morning.astimezone(UTC)))
    return sorted(notices, key=lambda notice: notice.at)


def offset_of(notice: str) -> int | None:
    """Seconds before the occurrence for ``before:N`` notices, 0 for ``due``, else None."""
    if notice == "due":
        return 0
    if notice.startswith("before:"):
        return int(notice.removeprefix("before:"))
    return None


def overdue_index(notice: str) -> int | None:
    return int(notice.removeprefix("overdue:")) if notice.startswith("overdue:") else None


def next_occurrence(
    reminder: Reminder, after: datetime, *, with_skipped: bool = False
) -> datetime | None:
    """The first occurrence of ``reminder`` strictly after ``after``, passing over the days
    called off with /skip unless ``with_skipped``."""
    if reminder.rrule is None:
        return reminder.start if reminder.start > after else None
    from scheduler import recurrence

    zone = ZoneInfo(reminder.tz)
    skipped = set() if with_skipped else set(reminder.skipped or ())
    for _ in range(len(skipped) + 1):
        found = recurrence.next_occurrence(reminder.start, reminder.rrule, after, zone)
        if found is None or local_day(found, zone) not in skipped:
            return None if found is None else found.astimezone(UTC)
        after = found
    return None


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    """The ISO date of ``moment`` in ``zone``: how days off are stored and sent in buttons."""
    return moment.astimezone(zone).date().isoformat()


# Why an occurrence of a meeting will not take place (the ``rem.notice_*`` text keys).
OFF_CANCELLED = "cancelled"
OFF_SKIPPED = "skipped"


def called_off(reminder: Reminder, occurrence: datetime) -> str | None:
    """OFF_CANCELLED or OFF_SKIPPED when ``occurrence`` of a reminder will not take place."""
    if reminder.status == CANCELLED:
        return OFF_CANCELLED
    if local_day(occurrence, ZoneInfo(reminder.tz)) in (reminder.skipped or ()):
        return OFF_SKIPPED
    return None


def occurrence_on(reminder: Reminder, day: date) -> datetime | None:
    """The occurrence falling on local ``day`` in the reminder's zone, skipped or not."""
    found = _occurrences_on_days(reminder, day, day)
    return found[0] if found else None


def offsets_for(kind: str, chat: Chat | None) -> list[int]:
    if kind == MILESTONE:
        return list(MILESTONE_OFFSETS)
    if kind == REMIND:
        return list(REMIND_OFFSETS)
    if chat is not None and chat.notice_offsets:
        return [int(x) for x in chat.notice_offsets]
    return list(DEFAULT_MEETING_OFFSETS)


def _insert(session: AsyncSession) -> Any:
    """A dialect-specific INSERT that supports ON CONFLICT DO NOTHING."""
    name = session.get_bind().dialect.name
    return (postgresql if name == "postgresql" else sqlite).insert


# --- chats --------------------------------------------------------------------------------


async def ensure_chat(
    session: AsyncSession,
    chat_id: int,
    *,
    type: str = "private",
    title: str | None = None,
    lang: str | None = None,
) -> Chat:
    """The stored chat, created on first sight with ``lang`` as its language."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, type=type, title=title, lang=lang, active=True)
        session.add(chat)
        await session.flush()
    else:
        if title is not None and chat.title != title:
            chat.title = title
        if chat.lang is None and lang is not None:
            chat.lang = lang
    return chat


async def set_chat_lang(session: AsyncSession, chat_id: int, lang: str) -> None:
    """Set the language used for notices in this chat (the group's /lang)."""
    chat = await ensure_chat(session, chat_id)
    chat.lang = lang


async def set_chat_tz(session: AsyncSession, chat_id: int, tz: str) -> None:
    """Set the zone new reminders in this chat are read in and shown in."""
    chat = await ensure_chat(session, chat_id)
    chat.tz = tz


async def set_chat_notices(session: AsyncSession, chat_id: int, offsets: Sequence[int]) -> None:
    """Set this chat's default meeting notices (seconds before); existing meetings keep theirs."""
    chat = await ensure_chat(session, chat_id)
    chat.notice_offsets = list(offsets)


async def chat_zone(session: AsyncSession, chat_id: int, default: ZoneInfo) -> ZoneInfo:
    chat = await session.get(Chat, chat_id)
    return zone(chat.tz if chat is not None else None, default)


# --- reminders ----------------------------------------------------------------------------


async def create_reminder(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: str,
    title: str,
    start: datetime,
    tz: str,
    now: datetime,
    rrule: str | None = None,
    place: str | None = None,
    skipped: Sequence[str] = (),
    days_off: Sequence[tuple[date, date]] = (),
    duration: timedelta | None = None,
    created_by: int | None = None,
    max_overdue: int = 3,
) -> Reminder:
    """Store a reminder and plan its first occurrence's notices (those not already past);
    ``skipped`` are local ISO dates whose occurrences are called off, as are the occurrences on
    the local days of ``days_off`` (first, last), and ``duration`` is how long each occurrence
    lasts if the creator said."""
    if kind not in KINDS:
        raise ValueError(f"unknown reminder kind {kind!r}")
    chat = await ensure_chat(session, chat_id)
    reminder = Reminder(
        chat_id=chat_id,
        kind=kind,
        title=title,
        place=place,
        start=start.astimezone(UTC),
        tz=tz,
        rrule=rrule,
        skipped=sorted(skipped),
        duration_minutes=_minutes(duration),
        notice_offsets=offsets_for(kind, chat),
        status=ACTIVE,
        created_by=created_by,
        created_at=now,
    )
    if rrule is not None and days_off:
        zone = ZoneInfo(tz)
        off = {
            local_day(at, zone)
            for span in days_off
            for at in _occurrences_on_days(reminder, *span)
        }
        reminder.skipped = sorted(off.union(skipped))
    session.add(reminder)
    await session.flush()
    await _start_cursor(session, reminder, now, max_overdue)
    return reminder


def _minutes(duration: timedelta | None) -> int | None:
    return None if duration is None else int(duration.total_seconds() // 60)


async def get_reminder(session: AsyncSession, chat_id: int, reminder_id: int) -> Reminder | None:
    """The reminder with this id, only if it belongs to this chat."""
    reminder = await session.get(Reminder, reminder_id)
    if reminder is None or reminder.chat_id != chat_id:
        return None
    return reminder


async def _close_open(session: AsyncSession, reminder_id: int) -> None:
    """Stop the pending notices of a reminder (kept in the ledger as 'cancelled')."""
    await session.execute(
        update(Delivery)
        .where(Delivery.reminder_id == reminder_id, Delivery.state == PENDING)
        .values(state=SKIPPED)
    )


async def cancel_reminder(session: AsyncSession, chat_id: int, reminder_id: int) -> Reminder:
    """Cancel a reminder of this chat; its pending notices are not sent."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status == CANCELLED:
        raise ReminderError("not_found")
    reminder.status = CANCELLED
    await _close_open(session, reminder.id)
    return reminder


async def restore_reminder(
    session: AsyncSession, chat_id: int, reminder_id: int, now: datetime, max_overdue: int = 3
) -> Reminder:
    """Take back /cancel: the reminder is active again with its next occurrence's notices that
    are still ahead (a one-off already past is finished)."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status != CANCELLED:
        raise ReminderError("not_cancelled")
    reminder.status = ACTIVE
    following = next_occurrence(reminder, now)
    if following is not None:
        # the notices /cancel closed are written again, not kept closed by the unique ledger key
        await session.execute(
            delete(Delivery).where(
                Delivery.reminder_id == reminder.id,
                Delivery.occurrence == following,
                Delivery.state == SKIPPED,
            )
        )
    await _replan_from(session, reminder, following, now, max_overdue)
    return reminder


async def undo_reminder(session: AsyncSession, chat_id: int, reminder_id: int) -> bool:
    """Remove a just-created reminder and its ledger completely; False if nothing to undo."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None:
        return False
    sent = await session.scalar(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.reminder_id == reminder_id, Delivery.state.in_((SENT, SENDING)))
    )
    if sent:
        reminder.status = CANCELLED
        await _close_open(session, reminder.id)
        return True
    await session.execute(delete(Rsvp).where(Rsvp.reminder_id == reminder_id))
    await session.execute(delete(Delivery).where(Delivery.reminder_id == reminder_id))
    await session.delete(reminder)
    return True


async def mark_done(
    session: AsyncSession, chat_id: int, reminder_id: int, now: datetime, max_overdue: int = 3
) -> Reminder:
    """Mark a milestone complete: its remaining notices stop (a recurring one moves on)."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status in (CANCELLED, FINISHED):
        raise ReminderError("not_found")
    if reminder.kind != MILESTONE:
        raise ReminderError("not_milestone")
    if reminder.status == DONE:
        raise ReminderError("already_done")
    await _close_open(session, reminder.id)
    reminder.done_at = now
    following = (
        next_occurrence(reminder, reminder.occurrence) if reminder.occurrence is not None else None
    )
    if following is None:
        reminder.status = DONE
    else:
        await _plan_occurrence(session, reminder, following, now, now, max_overdue)
    return reminder


async def move_reminder(
    session: AsyncSession,
    chat_id: int,
    reminder_id: int,
    start: datetime,
    now: datetime,
    rrule: str | None = None,
    max_overdue: int = 3,
    duration: timedelta | None = None,
    keep_day: bool = False,
    keep_time: bool = False,
) -> Reminder:
    """Move a reminder to ``start`` (and ``rrule`` and ``duration`` if given) and re-plan its
    notices; returns the reminder moved. With ``keep_day`` only the time of day of ``start``
    counts: it is set on the local day of the reminder's next occurrence (「15時に変更」 moves the
    meeting within its own day, not to the next 15:00). With ``keep_time`` only the day counts:
    the reminder keeps its time of day (「12月3日に変更」 stays at 15:00, not the default 09:00).
    Either only while the result is still ahead. One meeting of a series moves with
    ``move_occurrence`` instead."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status == CANCELLED:
        raise ReminderError("not_found")
    start = _keeping(start, reminder.occurrence or reminder.start, reminder.start, reminder.tz,
                     now, keep_day=keep_day, keep_time=keep_time)  # fmt: skip
    if rrule is None and reminder.rrule is not None and not _on_rule(reminder, start):
        # 「1月19日」 for a 毎月第2火曜 series: as its new start the rule would pass that day by
        # and begin in February, dropping the meetings before; say which one could move instead
        raise ReminderError("edit_off_rule", _same_period(reminder, start, now))
    was = reminder.occurrence
    await session.execute(
        delete(Delivery).where(Delivery.reminder_id == reminder.id, Delivery.state == PENDING)
    )
    reminder.start = start.astimezone(UTC)
    if rrule is not None:
        reminder.rrule = rrule
    if duration is not None:
        reminder.duration_minutes = _minutes(duration)
    reminder.status = ACTIVE
    reminder.done_at = None
    reminder.occurrence = None
    reminder.skipped = _days_off_kept(reminder, now)
    await _start_cursor(session, reminder, now, max_overdue)
    await _carry_occurrence(session, reminder.id, was, reminder, now)
    return reminder


def _on_rule(series: Reminder, start: datetime) -> bool:
    """Whether a series starting at ``start`` would meet then: the day fits its rule."""
    from scheduler import recurrence

    assert series.rrule is not None
    before = start - timedelta(seconds=1)
    return recurrence.next_occurrence(start, series.rrule, before, series.tz) == start


def _same_period(series: Reminder, day_of: datetime, now: datetime) -> list[datetime]:
    """The series' meetings still to come in the period of its rule (a month for a monthly
    rule, a week for a weekly one) around ``day_of``; else its next meeting."""
    zone = ZoneInfo(series.tz)
    first, last = _period(series.rrule, day_of.astimezone(zone).date())
    skipped = series.skipped or ()
    found = [
        at
        for at in _occurrences_on_days(series, first, last)
        if at > now and local_day(at, zone) not in skipped
    ]
    following = next_occurrence(series, now)
    return found or ([following] if following is not None else [])


def pick_occurrence(reminder: Reminder, days: tuple[date, date] | None, now: datetime) -> datetime:
    """The one meeting of a series an /edit is for: the next one still to come (``days``
    None: 「今回だけ」) or the one still to come on the local days ``days`` (a day, week or
    month: 「12月8日の回だけ」, 「1月の回だけ」). Refuses with ``edit_no_occurrence`` when
    there is none and with ``edit_several`` (naming them) when the days hold more than one."""
    if days is None:
        cursor = reminder.occurrence
        found = cursor if cursor is not None and cursor > now else next_occurrence(reminder, now)
        if found is None:
            raise ReminderError("skip_none_left")
        return found
    zone = ZoneInfo(reminder.tz)
    skipped = reminder.skipped or ()
    ahead = [
        at
        for at in _occurrences_on_days(reminder, *days)
        if at > now and local_day(at, zone) not in skipped
    ]
    if not ahead:
        raise ReminderError("edit_no_occurrence")
    if len(ahead) > 1:
        raise ReminderError("edit_several", ahead)
    return ahead[0]


async def move_occurrence(
    session: AsyncSession,
    chat_id: int,
    reminder_id: int,
    occurrence: datetime,
    start: datetime,
    now: datetime,
    max_overdue: int = 3,
    duration: timedelta | None = None,
    keep_day: bool = False,
    keep_time: bool = False,
) -> Reminder:
    """Move one meeting of a series, ``occurrence`` (from ``pick_occurrence``), to ``start``:
    the series calls that day off and keeps its rule, and the one-off copy made at ``start``
    is returned. With ``keep_day`` only the time of day of ``start`` counts (「今回だけ16時」
    stays on that meeting's day), with ``keep_time`` only its day (「今回は金曜に」 keeps the
    meeting's time); either only while the result is still ahead."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status == CANCELLED:
        raise ReminderError("not_found")
    start = _keeping(start, occurrence, occurrence, reminder.tz, now,
                     keep_day=keep_day, keep_time=keep_time)  # fmt: skip
    day = occurrence.astimezone(ZoneInfo(reminder.tz)).date()
    return await _move_one_occurrence(session, reminder, start, now, max_overdue, duration, day)


def _days_off_kept(reminder: Reminder, now: datetime) -> list[str]:
    """The reminder's days off still ahead that its (new) rule still has a meeting on; a day
    off the rule no longer falls on (2月10日 under 毎月第3水曜) cannot carry over."""
    if reminder.rrule is None:
        return list(reminder.skipped or ())
    today = now.astimezone(ZoneInfo(reminder.tz)).date()
    return [
        day
        for day in reminder.skipped or ()
        if date.fromisoformat(day) >= today
        and occurrence_on(reminder, date.fromisoformat(day)) is not None
    ]


async def _carry_occurrence(
    session: AsyncSession,
    source_id: int,
    was: datetime | None,
    target: Reminder,
    now: datetime,
) -> None:
    """A meeting's occurrence moved from ``was`` (of reminder ``source_id``) to ``target``'s
    current one: the answers given for it move along (people said they would come to *that*
    meeting), and so do the notices already sent about it, whose RSVP buttons then count for
    the new time. A sent notice whose time for the new occurrence is still ahead takes the
    place of the one just planned: it goes out again then (its old message keeps working
    until it does)."""
    moved_to = target.occurrence
    if (
        target.kind != MEETING
        or target.status != ACTIVE
        or was is None
        or moved_to is None
        or was <= now
        or (source_id == target.id and was == moved_to)
    ):
        return
    given = select(Rsvp.user_id).where(Rsvp.reminder_id == source_id, Rsvp.occurrence == was)
    await session.execute(
        delete(Rsvp)
        .where(
            Rsvp.reminder_id == target.id,
            Rsvp.occurrence == moved_to,
            Rsvp.user_id.in_(given.scalar_subquery()),
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Rsvp)
        .where(Rsvp.reminder_id == source_id, Rsvp.occurrence == was)
        .values(reminder_id=target.id, occurrence=moved_to, updated_at=Rsvp.updated_at)
        .execution_options(synchronize_session=False)
    )
    sent = await session.execute(
        select(Delivery.id, Delivery.notice).where(
            Delivery.reminder_id == source_id,
            Delivery.occurrence == was,
            Delivery.state == SENT,
            Delivery.message_id.is_not(None),
        )
    )
    for row_id, notice in sent.tuples().all():
        twin = (
            await session.execute(
                select(Delivery.id, Delivery.state, Delivery.planned_at).where(
                    Delivery.reminder_id == target.id,
                    Delivery.occurrence == moved_to,
                    Delivery.notice == notice,
                )
            )
        ).first()
        values: dict[str, Any] = {"reminder_id": target.id, "occurrence": moved_to}
        if twin is not None:
            if twin.state != PENDING:
                continue  # the new occurrence has a notice of its own already
            await session.execute(
                delete(Delivery)
                .where(Delivery.id == twin.id)
                .execution_options(synchronize_session=False)
            )
            values.update(
                state=PENDING, planned_at=twin.planned_at, due_at=twin.planned_at, attempts=0,
                delayed=False, sent_at=None, last_error=None,
            )  # fmt: skip
        await session.execute(
            update(Delivery)
            .where(Delivery.id == row_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def shift_reminder(
    session: AsyncSession,
    chat_id: int,
    reminder_id: int,
    shift: timedelta,
    now: datetime,
    max_overdue: int = 3,
    only: datetime | None = None,
) -> Reminder:
    """Move a reminder's next occurrence by ``shift`` (「1週間延期」, 「30分遅らせて」); returns
    the reminder moved. Whole days keep the wall-clock time across a DST change. A series moved
    within the day changes its time from then on; moved to another day, only that meeting
    moves (a one-off copy, as 「今回だけ」), since the rule's weekday no longer fits it. With
    ``only`` (from ``pick_occurrence``: 「今回だけ30分遅らせて」) that one meeting of a series
    moves by ``shift``, whatever the day."""
    from scheduler import recurrence

    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status == CANCELLED:
        raise ReminderError("not_found")
    zone = ZoneInfo(reminder.tz)
    base = (only or reminder.occurrence or reminder.start).astimezone(zone)
    if shift % timedelta(days=1):
        target = base + shift
    else:
        target = recurrence.localize(base.replace(tzinfo=None) + shift, zone)
    if target <= now:
        raise ReminderError("shift_past")
    moves_day = target.astimezone(zone).date() != base.date()
    if reminder.rrule is not None and (only is not None or moves_day):
        return await _move_one_occurrence(
            session, reminder, target, now, max_overdue, None, base.date()
        )
    return await move_reminder(session, chat_id, reminder_id, target, now, max_overdue=max_overdue)


async def _move_one_occurrence(
    session: AsyncSession,
    series: Reminder,
    start: datetime,
    now: datetime,
    max_overdue: int,
    duration: timedelta | None,
    day: date,
) -> Reminder:
    """Call off the series' meeting on ``day`` and make a one-off copy at ``start``."""
    was = occurrence_on(series, day)
    await skip_occurrences(session, series.chat_id, series.id, (day, day), now, max_overdue)
    length = series.duration_minutes
    one_off = await create_reminder(
        session,
        chat_id=series.chat_id,
        kind=series.kind,
        title=series.title,
        place=series.place,
        start=start,
        tz=series.tz,
        now=now,
        duration=duration or (timedelta(minutes=length) if length else None),
        created_by=series.created_by,
        max_overdue=max_overdue,
    )
    await _carry_occurrence(session, series.id, was, one_off, now)
    return one_off


def _keeping(
    start: datetime,
    day_from: datetime,
    time_from: datetime,
    tz: str,
    now: datetime,
    *,
    keep_day: bool,
    keep_time: bool,
) -> datetime:
    """``start`` on the local day of ``day_from`` (``keep_day``: 「15時に変更」) or at the time of
    day of ``time_from`` (``keep_time``: 「12月3日に変更」), while that is still ahead."""
    moved = None
    if keep_day:
        moved = _day_and_time(day_from, start, tz)
    elif keep_time:
        moved = _day_and_time(start, time_from, tz)
    return moved if moved is not None and moved > now else start


def _day_and_time(day_of: datetime, time_of: datetime, tz: str) -> datetime:
    """The local day of ``day_of`` at the local time of day of ``time_of``."""
    from scheduler import recurrence

    zone = ZoneInfo(tz)
    clock = time_of.astimezone(zone).time().replace(second=0, microsecond=0, tzinfo=None)
    return recurrence.localize(datetime.combine(day_of.astimezone(zone).date(), clock), zone)


async def skip_occurrences(
    session: AsyncSession,
    chat_id: int,
    reminder_id: int,
    days: tuple[date, date] | None,
    now: datetime,
    max_overdue: int = 3,
) -> tuple[Reminder, list[datetime]]:
    """Call off occurrences of a recurring reminder: the next one, or every one still ahead on
    the local days ``days`` (first, last: one day, or a month). Pending notices of a called-off
    occurrence are dropped and the next one is planned instead. Returns the reminder and the
    occurrences called off."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status != ACTIVE:
        raise ReminderError("not_found")
    if reminder.rrule is None:
        raise ReminderError("skip_single")
    zone = ZoneInfo(reminder.tz)
    already = set(reminder.skipped or ())
    if days is None:
        cursor = reminder.occurrence
        target = cursor if cursor is not None and cursor > now else next_occurrence(reminder, now)
        if target is None:
            raise ReminderError("skip_none_left")
        targets = [target]
    else:
        found = _occurrences_on_days(reminder, *days)
        if not found:
            raise ReminderError("skip_no_occurrence")
        ahead = [at for at in found if at > now]
        if not ahead:
            raise ReminderError("skip_past")
        targets = [at for at in ahead if local_day(at, zone) not in already]
        if not targets:
            raise ReminderError("skip_already")
    today = now.astimezone(zone).date().isoformat()
    # Days already behind us are dropped: the list only ever holds what is still to come.
    kept = {day for day in already if day >= today}
    reminder.skipped = sorted(kept | {local_day(at, zone) for at in targets})
    cursor = reminder.occurrence
    if cursor is not None and cursor in targets:
        await _replan_from(session, reminder, next_occurrence(reminder, cursor), now, max_overdue)
    return reminder, targets


async def unskip_occurrences(
    session: AsyncSession,
    chat_id: int,
    reminder_id: int,
    days: tuple[date, date],
    now: datetime,
    max_overdue: int = 3,
) -> tuple[Reminder, list[datetime]]:
    """Take back /skip for the local days ``days`` (first, last); the earliest restored
    occurrence still ahead is planned again if it comes before the one planned now. Returns
    the reminder and the restored occurrences still ahead."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status == CANCELLED:
        raise ReminderError("not_found")
    first, last = (day.isoformat() for day in days)
    taken_back = [day for day in reminder.skipped or () if first <= day <= last]
    if not taken_back:
        raise ReminderError("not_skipped")
    reminder.skipped = [day for day in reminder.skipped if day not in taken_back]
    restored = _occurrences_ahead(reminder, taken_back, now)
    cursor = reminder.occurrence
    if restored and (reminder.status == FINISHED or cursor is None or restored[0] < cursor):
        reminder.status = ACTIVE
        await _replan_from(session, reminder, restored[0], now, max_overdue)
    return reminder, restored


def _occurrences_ahead(reminder: Reminder, days: Sequence[str], now: datetime) -> list[datetime]:
    """The occurrences on the local ISO ``days`` that are still to come, in order."""
    found = (occurrence_on(reminder, date.fromisoformat(day)) for day in days)
    return sorted(at for at in found if at is not None and at > now)


def _occurrences_on_days(reminder: Reminder, first: date, last: date) -> list[datetime]:
    from scheduler import recurrence

    return [
        at.astimezone(UTC)
        for at in recurrence.occurrences_on_days(
            reminder.start, reminder.rrule, reminder.tz, first, last
        )
    ]


async def _replan_from(
    session: AsyncSession,
    reminder: Reminder,
    occurrence: datetime | None,
    now: datetime,
    max_overdue: int,
) -> None:
    """Drop the notices still pending for the planned occurrence and plan ``occurrence``."""
    await session.execute(
        delete(Delivery).where(Delivery.reminder_id == reminder.id, Delivery.state == PENDING)
    )
    await _plan_or_finish(session, reminder, occurrence, now, max_overdue)


async def describe_reminder(
    session: AsyncSession,
    chat_id: int,
    reminder_id: int,
    *,
    title: str | None = None,
    place: str | None = None,
) -> Reminder:
    """Give a reminder of this chat a new title and/or place; its planned notices stay."""
    reminder = await get_reminder(session, chat_id, reminder_id)
    if reminder is None or reminder.status == CANCELLED:
        raise ReminderError("not_found")
    if title:
        reminder.title = title
    if place:
        reminder.place = place
    return reminder


async def edit_report(
    session: AsyncSession, reminder: Reminder, before: Reminder, now: datetime
) -> EditReport:
    """What an edit of ``before`` (the reminder as it was, read before the edit) into
    ``reminder`` (the one edited, or the one-off split from it) carried along or dropped."""
    occurrence = reminder.occurrence
    moved = reminder.id != before.id or occurrence != before.occurrence
    answers = RsvpCounts()
    if moved and reminder.kind == MEETING and occurrence is not None:
        answers = await rsvp_counts(session, reminder.id, occurrence)
    notices: tuple[int, ...] = ()
    if occurrence is not None:
        found = await session.scalars(
            select(Delivery.id)
            .where(
                Delivery.reminder_id == reminder.id,
                Delivery.occurrence == occurrence,
                Delivery.message_id.is_not(None),
                Delivery.state.in_((SENT, PENDING)),
            )
            .order_by(Delivery.id)
        )
        notices = tuple(found.all())
    if reminder.id != before.id or reminder.rrule is None:
        return EditReport(reminder, answers, notices)
    gone = _dropped_before(before, occurrence, now) if before.rrule is not None else ()
    zone = ZoneInfo(reminder.tz)
    today = now.astimezone(zone).date()
    kept = set(reminder.skipped or ())
    lost = [
        date.fromisoformat(day)
        for day in sorted(before.skipped or ())
        if day not in kept and date.fromisoformat(day) >= today
    ]
    # A day before the series now begins has no meeting anyway: no need to call it off again.
    begins = reminder.start.astimezone(zone).date()
    dropped = tuple(day for day in lost if day >= begins)
    doubled = await _doubled_one_offs(session, reminder, before.title, lost, now)
    return EditReport(reminder, answers, notices, dropped, doubled, gone)


def _dropped_before(
    before: Reminder, first: datetime | None, now: datetime
) -> tuple[datetime, ...]:
    """The meetings a series (as ``before`` an edit) had still to come ahead of its new first
    one ``first``, besides its days off: the edit of its rule or start took them away. Its
    next meeting counts only when the series already met on ``first``'s day (「来週木曜に変更」
    for a weekly series drops this week's; 「16時に変更」 moves it, and so does a new rule)."""
    from scheduler import recurrence

    assert before.rrule is not None
    if first is None:
        return ()
    skipped = before.skipped or ()
    zone = ZoneInfo(before.tz)
    coming = recurrence.occurrences_between(
        before.start, before.rrule, zone, now, first + timedelta(seconds=1)
    )
    # A meeting on the new first one's day moved to its new time (「12月16日 17時」 for a 16:00
    # series: the 16:00 one on the 16th), and then the ones before it are gone; with none on
    # that day, the next meeting is the one that moved.
    first_day = local_day(first, zone)
    on_first_day = {at for at in coming if local_day(at, zone) == first_day}
    moved = before.occurrence if not on_first_day else None
    return tuple(
        at.astimezone(UTC)
        for at in coming
        if now < at < first
        and at != moved
        and at not in on_first_day
        and local_day(at, zone) not in skipped
    )


async def _doubled_one_offs(
    session: AsyncSession,
    series: Reminder,
    old_title: str,
    dropped: Sequence[date],
    now: datetime,
) -> tuple[Doubled, ...]:
    """One-offs of the series' chat, kind and title (how 「今回だけ」 made them) in a period of
    the rule (a month for a monthly rule, a week for a weekly one) that lost its day off, where
    the series now has a regular meeting as well."""
    periods = {_period(series.rrule, day)[0] for day in dropped}
    if not periods:
        return ()
    zone = ZoneInfo(series.tz)
    candidates = await session.scalars(
        select(Reminder)
        .where(
            Reminder.chat_id == series.chat_id,
            Reminder.kind == series.kind,
            Reminder.rrule.is_(None),
            Reminder.status == ACTIVE,
            Reminder.title.in_({series.title, old_title}),
            Reminder.id != series.id,
        )
        .order_by(Reminder.start, Reminder.id)
    )
    found = []
    for one_off in candidates.all():
        first, last = _period(series.rrule, one_off.start.astimezone(zone).date())
        if one_off.start <= now or first not in periods:
            continue
        regular = [
            at
            for at in _occurrences_on_days(series, first, last)
            if at > now and local_day(at, zone) not in (series.skipped or ())
        ]
        if regular:
            found.append(Doubled(one_off, regular[0]))
    return tuple(found)


def _period(rrule: str | None, day: date) -> tuple[date, date]:
    """The first and last day of the rule's period around ``day``: its week for a weekly or
    daily rule (Monday to Sunday), else its month."""
    if rrule is not None and re.search(r"FREQ=(?:WEEKLY|DAILY)", rrule):
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return month_span(day)


def month_span(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


# --- planning -----------------------------------------------------------------------------


async def _start_cursor(
    session: AsyncSession, reminder: Reminder, now: datetime, max_overdue: int
) -> None:
    first = next_occurrence(reminder, now - timedelta(microseconds=1))
    await _plan_or_finish(session, reminder, first, now, max_overdue)


async def _plan_or_finish(
    session: AsyncSession,
    reminder: Reminder,
    occurrence: datetime | None,
    now: datetime,
    max_overdue: int,
) -> None:
    """Plan ``occurrence``'s notices still ahead, or mark the reminder finished without one."""
    if occurrence is None:
        reminder.status = FINISHED
        reminder.occurrence = None
        return
    await _plan_occurrence(session, reminder, occurrence, now, now, max_overdue)


async def _plan_occurrence(
    session: AsyncSession,
    reminder: Reminder,
    occurrence: datetime,
    floor: datetime,
    now: datetime,
    max_overdue: int,
    grace: timedelta | None = None,
) -> int:
    """Point the cursor at ``occurrence`` and write its notices due at or after ``floor``.

    Notices already older than ``grace`` when planned (the bot was down) go in as 'missed'.
    Returns how many rows were inserted.
    """
    reminder.occurrence = occurrence
    notices = notices_for(
        reminder.kind, reminder.notice_offsets, occurrence, ZoneInfo(reminder.tz), max_overdue
    )
    rows = [
        {
            "reminder_id": reminder.id,
            "occurrence": occurrence,
            "notice": notice.name,
            "planned_at": notice.at,
            "due_at": notice.at,
            "state": MISSED if grace is not None and notice.at < now - grace else PENDING,
            "attempts": 0,
            "delayed": False,
            "chat_id": reminder.chat_id,
        }
        for notice in notices
        if notice.at >= floor
    ]
    if not rows:
        return 0
    insert = _insert(session)
    stmt = insert(Delivery).values(rows)
    stmt = stmt.on_conflict_do_nothing(index_elements=["reminder_id", "occurrence", "notice"])
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


async def plan_reminder(
    session: AsyncSession,
    reminder: Reminder,
    now: datetime,
    *,
    grace: timedelta = timedelta(hours=6),
    max_overdue: int = 3,
) -> None:
    """Move the cursor past occurrences that are over and plan the next one's notices.

    An occurrence is over once it has passed and none of its rows is pending or sending. After a
    long downtime at most ``MAX_CATCH_UP`` passed occurrences are recorded (as missed or delayed)
    before the cursor jumps to the present.
    """
    if reminder.status != ACTIVE:
        return
    if reminder.occurrence is None:
        await _start_cursor(session, reminder, now, max_overdue)
        return
    for _ in range(MAX_CATCH_UP):
        current = reminder.occurrence
        if current is None or current > now:
            return
        still_open = await session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(
                Delivery.reminder_id == reminder.id,
                Delivery.occurrence == current,
                Delivery.state.in_(OPEN_STATES),
            )
        )
        if still_open:
            return
        following = next_occurrence(reminder, current)
        if following is None:
            if reminder.kind != MILESTONE:
                reminder.status = FINISHED
            return  # a milestone not done stays on its due date: /agenda shows it overdue
        await _plan_occurrence(session, reminder, following, current, now, max_overdue, grace)
    # Still behind after the catch-up budget: jump to the first occurrence within the grace.
    current = reminder.occurrence
    if current is not None and current <= now:
        following = next_occurrence(reminder, max(current, now - grace))
        if following is None:
            if reminder.kind != MILESTONE:
                reminder.status = FINISHED
            return
        await _plan_occurrence(session, reminder, following, now - grace, now, max_overdue, grace)


async def plan_all(
    session: AsyncSession,
    now: datetime,
    *,
    grace: timedelta = timedelta(hours=6),
    max_overdue: int = 3,
    reminder_ids: set[int] | None = None,
) -> None:
    """Run ``plan_reminder`` for every active reminder in an active chat (or just these ids)."""
    # A reminder whose cursor is still ahead has nothing to plan: leave it in the database
    # rather than loading every reminder on each heartbeat.
    query = (
        select(Reminder)
        .join(Chat, Chat.id == Reminder.chat_id)
        .where(
            Reminder.status == ACTIVE,
            Chat.active.is_(True),
            Reminder.occurrence.is_(None) | (Reminder.occurrence <= now),
        )
    )
    if reminder_ids is not None:
        if not reminder_ids:
            return
        query = query.where(Reminder.id.in_(reminder_ids))
    for reminder in (await session.scalars(query)).all():
        await plan_reminder(session, reminder, now, grace=grace, max_overdue=max_overdue)


# --- delivery bookkeeping (used by scheduler.delivery) --------------------------------------


async def recover(
    session: AsyncSession, now: datetime, grace: timedelta, chat_id: int | None = None
) -> Recovery:
    """Classify the ledger after downtime (or for one chat coming back).

    Rows left 'sending' by a crash go back to 'pending' (so the in-flight ones may be sent twice,
    nothing else). Pending rows of active chats that fell due before ``now`` are sent marked as
    delayed if within ``grace``, otherwise recorded as 'missed'.
    """
    report = Recovery()
    active_chats = select(Chat.id).where(Chat.active.is_(True))
    scope: list[ColumnElement[bool]] = [Delivery.chat_id.in_(active_chats)]
    if chat_id is not None:
        scope.append(Delivery.chat_id == chat_id)
    if chat_id is None:
        stuck = await session.execute(
            update(Delivery).where(Delivery.state == SENDING).values(state=PENDING)
        )
        report.resent = int(getattr(stuck, "rowcount", 0) or 0)
    rows = (
        await session.scalars(
            select(Delivery).where(Delivery.state == PENDING, Delivery.due_at < now, *scope)
        )
    ).all()
    for row in rows:
        report.reminder_ids.add(row.reminder_id)
        if row.planned_at < now - grace:
            row.state = MISSED
            row.last_error = "missed: fell due while the bot could not send"
            report.missed += 1
        else:
            row.delayed = True
            report.delayed += 1
    return report


async def due_ids(session: AsyncSession, now: datetime, limit: int = 100) -> list[int]:
    """Ids of pending rows that are due, in due order, for active chats and reminders."""
    query = (
        select(Delivery.id)
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .join(Chat, Chat.id == Delivery.chat_id)
        .where(
            Delivery.state == PENDING,
            Delivery.due_at <= now,
            Reminder.status.in_((ACTIVE, DONE)),
            Chat.active.is_(True),
        )
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def claim(session: AsyncSession, delivery_id: int) -> bool:
    """Take one pending row for sending; exactly one of several concurrent claimers wins."""
    return await claim_many(session, [delivery_id]) == [delivery_id]


async def claim_many(session: AsyncSession, delivery_ids: Sequence[int]) -> list[int]:
    """Take many pending rows for sending in one statement; returns the ids this caller won."""
    if not delivery_ids:
        return []
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(list(delivery_ids)), Delivery.state == PENDING)
        .values(state=SENDING, attempts=Delivery.attempts + 1)
        .returning(Delivery.id)
    )
    return sorted(result.scalars().all())


async def sent_notices(
    session: AsyncSession,
    reminder_id: int,
    after: datetime,
    occurrences: Sequence[datetime] | None = None,
) -> list[int]:
    """The notices of a meeting already in their chats (sent, with a message id) for its
    occurrences later than ``after`` (only those in ``occurrences`` when given), in id order:
    the ones whose RSVP buttons go when it is called off and come back when it is put back.
    None for other reminders: their notices have no buttons."""
    query = (
        select(Delivery.id)
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .where(
            Reminder.kind == MEETING,
            Delivery.reminder_id == reminder_id,
            Delivery.state == SENT,
            Delivery.message_id.is_not(None),
            Delivery.occurrence > after,
        )
    )
    if occurrences is not None:
        query = query.where(Delivery.occurrence.in_(list(occurrences)))
    return list((await session.scalars(query.order_by(Delivery.id))).all())


async def deliveries_with_context(
    session: AsyncSession, delivery_ids: Sequence[int]
) -> list[tuple[Delivery, Reminder | None, Chat | None]]:
    """Ledger rows with their reminder and chat (None where gone), in due order, one query."""
    rows = await session.execute(
        select(Delivery, Reminder, Chat)
        .join(Reminder, Reminder.id == Delivery.reminder_id, isouter=True)
        .join(Chat, Chat.id == Delivery.chat_id, isouter=True)
        .where(Delivery.id.in_(list(delivery_ids)))
        .order_by(Delivery.due_at, Delivery.id)
    )
    return [(delivery, reminder, chat) for delivery, reminder, chat in rows.tuples()]


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending row of an active chat falls due."""
    earliest: datetime | None = await session.scalar(
        select(func.min(Delivery.due_at))
        .join(Chat, Chat.id == Delivery.chat_id)
        .where(Delivery.state == PENDING, Chat.active.is_(True))
    )
    return earliest


async def record_sent(
    session: AsyncSession, delivery_id: int, message_id: int, chat_id: int, now: datetime
) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(state=SENT, message_id=message_id, chat_id=chat_id, sent_at=now, last_error=None)
    )


async def record_retry(
    session: AsyncSession, delivery_id: int, error: str, retry_at: datetime
) -> None:
    """Put a row back to pending, to be tried again at ``retry_at``."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(state=PENDING, due_at=retry_at, last_error=error[:500])
    )


async def record_held(session: AsyncSession, delivery_id: int, error: str) -> None:
    """Put a row back to pending without counting the attempt (its chat is paused)."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(state=PENDING, attempts=Delivery.attempts - 1, last_error=error[:500])
    )


async def record_failed(session: AsyncSession, delivery_id: int, error: str) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(state=FAILED, last_error=error[:500])
    )


async def deactivate_chat(session: AsyncSession, chat_id: int) -> None:
    """The bot was removed or blocked: hold this chat's notices (kept pending, not lost)."""
    chat = await ensure_chat(session, chat_id)
    chat.active = False


async def reactivate_chat(
    session: AsyncSession, chat_id: int, now: datetime, grace: timedelta
) -> Recovery:
    """The bot is back in the chat: resume its notices; the ones that fell due follow the grace."""
    chat = await ensure_chat(session, chat_id)
    was_active = chat.active
    chat.active = True
    if was_active:
        return Recovery()
    await session.flush()
    return await recover(session, now, grace, chat_id=chat_id)


async def migrate_chat(session: AsyncSession, old_id: int, new_id: int) -> None:
    """A group became a supergroup: rewrite the chat id everywhere, in the caller's transaction."""
    if old_id == new_id:
        return
    old = await session.get(Chat, old_id)
    new = await session.get(Chat, new_id)
    if new is None:
        session.add(
            Chat(
                id=new_id,
                type="supergroup",
                title=old.title if old else None,
                tz=old.tz if old else None,
                lang=old.lang if old else None,
                notice_offsets=old.notice_offsets if old else None,
                active=True,
            )
        )
        await session.flush()
    else:
        new.active = True
        if old is not None:
            new.tz = new.tz or old.tz
            new.lang = new.lang or old.lang
            new.notice_offsets = new.notice_offsets or old.notice_offsets
    await session.execute(
        update(Reminder).where(Reminder.chat_id == old_id).values(chat_id=new_id)
    )
    await session.execute(
        update(Delivery).where(Delivery.chat_id == old_id).values(chat_id=new_id)
    )
    if old is not None:
        old.active = False
        old.migrated_to = new_id


# --- RSVPs --------------------------------------------------------------------------------


def notice_takes_rsvp(row: Delivery, reminder: Reminder, chat_id: int, message_id: int) -> bool:
    """Whether an RSVP button pressed on message ``message_id`` in ``chat_id`` belongs to ``row``.

    Only the meeting notice the button was sent on counts. A quick tap can arrive before the
    send is recorded; the row is then still 'sending' without a message id, and the press is
    for the notice in flight to that same chat.
    """
    if reminder.kind != MEETING or row.chat_id != chat_id:
        return False
    if row.message_id is None:
        return row.state == SENDING
    return row.message_id == message_id


async def notice_for_message(
    session: AsyncSession, chat_id: int, message_id: int
) -> tuple[Delivery, Reminder] | None:
    """The notice the bot sent as ``message_id`` in ``chat_id``, with its reminder; None for
    any other message (an FAQ answer, a confirmation).

    A quick reply can arrive before the send is recorded: the one notice still 'sending' to
    the chat without a message id is then the one replied to."""
    # One statement, so the send being recorded meanwhile cannot slip between two lookups.
    in_flight = (Delivery.state == SENDING) & Delivery.message_id.is_(None)
    found = await session.scalars(
        select(Delivery)
        .where(Delivery.chat_id == chat_id, (Delivery.message_id == message_id) | in_flight)
        .limit(3)
    )
    candidates = list(found)
    exact = [row for row in candidates if row.message_id == message_id]
    row = exact[0] if exact else candidates[0] if len(candidates) == 1 else None
    reminder = await session.get(Reminder, row.reminder_id) if row is not None else None
    return (row, reminder) if row is not None and reminder is not None else None


async def rsvp_counts(session: AsyncSession, reminder_id: int, occurrence: datetime) -> RsvpCounts:
    rows = await session.execute(
        select(Rsvp.answer, Rsvp.user_name)
        .where(Rsvp.reminder_id == reminder_id, Rsvp.occurrence == occurrence)
        .order_by(Rsvp.updated_at, Rsvp.id)
    )
    names: dict[str, list[str]] = {answer: [] for answer in RSVP_ANSWERS}
    for answer, name in rows.tuples():
        names.setdefault(answer, []).append(name)
    return RsvpCounts(tuple(names["yes"]), tuple(names["no"]), tuple(names["maybe"]))


async def set_rsvp(
    session: AsyncSession,
    reminder_id: int,
    occurrence: datetime,
    user_id: int,
    user_name: str,
    answer: str,
    now: datetime,
) -> RsvpCounts:
    """Record (or change) one person's answer and return the new counts."""
    if answer not in RSVP_ANSWERS:
        raise ValueError(f"unknown RSVP answer {answer!r}")
    insert = _insert(session)
    stmt = insert(Rsvp).values(
        reminder_id=reminder_id,
        occurrence=occurrence,
        user_id=user_id,
        user_name=user_name[:256],
        answer=answer,
        updated_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["reminder_id", "occurrence", "user_id"],
        set_={"answer": answer, "user_name": user_name[:256], "updated_at": now},
    )
    await session.execute(stmt)
    return await rsvp_counts(session, reminder_id, occurrence)


# --- agenda -------------------------------------------------------------------------------


async def agenda(
    session: AsyncSession, chat_id: int, now: datetime, days: int = 30
) -> list[AgendaItem]:
    """What is coming in this chat within ``days``, plus overdue milestones and lost notices."""
    horizon = now + timedelta(days=days)
    reminders = (
        await session.scalars(
            select(Reminder)
            .where(Reminder.chat_id == chat_id, Reminder.status.in_((ACTIVE, DONE)))
            .order_by(Reminder.id)
        )
    ).all()
    items: list[AgendaItem] = []
    for reminder in reminders:
        current = reminder.occurrence
        overdue = (
            reminder.kind == MILESTONE
            and reminder.status == ACTIVE
            and current is not None
            and current <= now
        )
        if overdue or (current is not None and current > now):
            next_at = current
        else:
            next_at = next_occurrence(reminder, now)
        problems = await session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.reminder_id == reminder.id, Delivery.state.in_((MISSED, FAILED)))
            .group_by(Delivery.state)
        )
        lost = {state: int(n) for state, n in problems.all()}
        if not overdue and not lost and reminder.status == DONE:
            continue
        if not overdue and not lost and (next_at is None or next_at > horizon):
            continue
        counts = (
            await rsvp_counts(session, reminder.id, next_at)
            if reminder.kind == MEETING and next_at is not None
            else RsvpCounts()
        )
        item = AgendaItem(
            reminder, next_at, overdue, counts, lost.get(MISSED, 0), lost.get(FAILED, 0),
            tuple(_occurrences_ahead(reminder, reminder.skipped or (), now)),
        )  # fmt: skip
        items.append(item)
    far = now + timedelta(days=36500)
    items.sort(key=lambda item: (item.next_at or far, item.reminder.id))
    return items
