"""Words for reminders: notices, confirmations and agenda lines, as HTML (user text escaped).

Pure functions over rows and values; no ``telegram`` import, no database access.
"""

from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from db.models import Delivery, Reminder
from scheduler import recurrence
from scheduler.service import (
    MEETING,
    MILESTONE,
    AgendaItem,
    EditReport,
    RsvpCounts,
    called_off,
    month_span,
    next_occurrence,
    offset_of,
    overdue_index,
)
from texts import DEFAULT_LANG, t, written_lang

# A notice lists who answered; past this many per answer it gives a count instead, keeping a
# big group's notice well under Telegram's 4,096 characters.
MAX_NAMES_SHOWN = 20
# An /edit that drops meetings lists this many of them by date, then how many more.
MAX_DROPPED_SHOWN = 5


def local_date(when: datetime, tz: ZoneInfo, lang: str) -> str:
    """``12月8日(火)`` / ``Tue 8 Dec`` in ``tz``."""
    return recurrence.short_date(lang, when.astimezone(tz))


def local_datetime(
    when: datetime,
    tz: ZoneInfo,
    lang: str,
    *,
    zone: bool = True,
    minutes: int | None = None,
) -> str:
    """``2025年12月8日(火) 15:00（Asia/Tokyo）`` / ``Tue 8 Dec 2025, 15:00 (Asia/Tokyo)``; with
    ``minutes`` the end too: ``15:00〜16:30`` / ``15:00–16:30``."""
    local = when.astimezone(tz)
    clock = _clock(local)
    if minutes:
        end = _clock((when + timedelta(minutes=minutes)).astimezone(tz))
        clock = t(lang, "rem.time_span", start=clock, end=end)
    key = "rem.datetime_zone" if zone else "rem.datetime"
    return t(lang, key, date=local_date(when, tz, lang), year=local.year, time=clock,
             zone=tz.key)  # fmt: skip


def _clock(local: datetime) -> str:
    return f"{local.hour:02d}:{local.minute:02d}"


def occurrences_text(
    moments: list[datetime], tz: ZoneInfo, lang: str, minutes: int | None = None
) -> str:
    """One occurrence with its year and time; several by date (``8月4日(火)・8月11日(火)``)."""
    if len(moments) == 1:
        return local_datetime(moments[0], tz, lang, zone=False, minutes=minutes)
    return t(lang, "rem.sep").join(local_date(moment, tz, lang) for moment in moments)


def span(seconds: int, lang: str) -> str:
    """``1日前`` / ``1 day before`` for a notice offset."""
    if seconds == 0:
        return t(lang, "rem.offset_at")
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            n = seconds // size
            return t(lang, f"rem.offset_{unit}", n=n, s="" if n == 1 else "s")
    return t(lang, "rem.offset_minute", n=seconds // 60, s="s")


def offsets_text(offsets: list[int], lang: str) -> str:
    return t(lang, "rem.sep").join(span(seconds, lang) for seconds in offsets)


def schedule_text(reminder: Reminder, when: datetime | None, lang: str) -> str:
    """The date line, plus the recurrence in words for recurring reminders."""
    tz = ZoneInfo(reminder.tz)
    if when is None:
        return t(lang, "rem.no_next")
    line = local_datetime(when, tz, lang, minutes=reminder.duration_minutes)
    if reminder.rrule:
        line += "\n" + t(
            lang, "rem.repeat", text=recurrence.describe(when, reminder.rrule, lang, tz)
        )
    return line


def confirmation(reminder: Reminder, lang: str, now: datetime) -> str:
    """What the creator sees: kind, id, title, resolved date/weekday/time/zone, recurrence, and
    which notices the first occurrence still gets (a meeting in 30 minutes is past its
    1-hour notice)."""
    when = reminder.occurrence or reminder.start
    lines = [
        t(lang, f"rem.created_{reminder.kind}", id=reminder.id),
        f"<b>{html.escape(reminder.title)}</b>",
        schedule_text(reminder, when, lang),
    ]
    if reminder.place:
        lines.append(t(lang, "rem.place", place=html.escape(reminder.place)))
    if reminder.skipped:
        days_off = [datetime.fromisoformat(day) for day in reminder.skipped]
        shown = t(lang, "rem.sep").join(recurrence.short_date(lang, day) for day in days_off)
        lines.append(t(lang, "rem.skips", dates=shown))
    offsets = reminder.notice_offsets
    lines.append(t(lang, "rem.notices", text=offsets_text(offsets, lang)))
    ahead = [offset for offset in offsets if when - timedelta(seconds=offset) >= now]
    if ahead != offsets:
        following = "_repeating" if reminder.rrule else ""
        if ahead:
            lines.append(t(lang, f"rem.notices_only{following}", text=offsets_text(ahead, lang)))
        else:
            lines.append(t(lang, f"rem.notices_none{following}"))
    missing_day = recurrence.missing_month_day(when, reminder.rrule, reminder.tz)
    if missing_day is not None:
        lines.append(t(lang, "rem.short_months", day=missing_day))
    if reminder.kind == MILESTONE:
        lines.append(t(lang, "rem.milestone_hint", id=reminder.id))
    return "\n".join(lines)


def notice_lang(reminder: Reminder, chat_lang: str | None) -> str:
    """The language of a reminder's notices: the one its title is written in (a group may be
    joined by someone whose Telegram is in another language), else the chat's."""
    return written_lang(reminder.title) or chat_lang or DEFAULT_LANG


def facts_text(reminder: Reminder, when: datetime | None, lang: str) -> str:
    """When and where a reminder is, for 「何時からでしたっけ？」 asked in reply to its notice;
    a called-off meeting says so."""
    lines = [t(lang, "rem.facts", id=reminder.id, title=html.escape(reminder.title))]
    lines.append(schedule_text(reminder, when, lang))
    if reminder.place:
        lines.append(t(lang, "rem.place", place=html.escape(reminder.place)))
    off = called_off(reminder, when) if when is not None else None
    if off is not None:
        lines.append(t(lang, f"rem.notice_{off}"))
    return "\n".join(lines)


def early_hour_hint(reminder: Reminder, lang: str) -> str:
    """How to move a reminder read as early morning (at 4, 3時) to the same hour after noon."""
    local = (reminder.occurrence or reminder.start).astimezone(ZoneInfo(reminder.tz))
    shown = f"{local.hour}:{local.minute:02d}"
    return t(
        lang,
        "rem.early_hour",
        time=shown,
        id=reminder.id,
        pm=f"{local.hour + 12}:{local.minute:02d}",
    )


def weekday_hint(reminder: Reminder, written: int, lang: str) -> str:
    """Say that the weekday written beside the date is not the date's, and how to move the
    reminder to the nearest day that is that weekday."""
    tz = ZoneInfo(reminder.tz)
    local = (reminder.occurrence or reminder.start).astimezone(tz)
    ahead = (written - local.weekday()) % 7
    nearest = local + timedelta(days=ahead if ahead <= 3 else ahead - 7)
    return t(
        lang,
        "rem.weekday_mismatch",
        date=local_date(local, tz, lang),
        written=t(lang, f"when.weekday_{written}"),
        id=reminder.id,
        day=recurrence.day_words(lang, nearest),
    )


def notice_heading(reminder: Reminder, notice: str, lang: str) -> str:
    overdue = overdue_index(notice)
    if overdue is not None:
        return t(lang, "rem.notice_overdue", n=overdue)
    offset = offset_of(notice) or 0
    if offset == 0:
        return t(lang, f"rem.notice_now_{reminder.kind}")
    return t(lang, f"rem.notice_before_{reminder.kind}", span=span(offset, lang))


def notice_text(
    reminder: Reminder, delivery: Delivery, lang: str, counts: RsvpCounts | None = None
) -> str:
    """A notice as the group sees it; meetings show the RSVP counts."""
    lines = []
    if delivery.delayed:
        lines.append(t(lang, "rem.delayed"))
    lines.append(notice_heading(reminder, delivery.notice, lang))
    lines.append(f"<b>{html.escape(reminder.title)}</b>")
    lines.append(
        local_datetime(
            delivery.occurrence, ZoneInfo(reminder.tz), lang, minutes=reminder.duration_minutes
        )
    )
    if reminder.place:
        lines.append(t(lang, "rem.place", place=html.escape(reminder.place)))
    if reminder.kind == MILESTONE:
        lines.append(t(lang, "rem.milestone_hint", id=reminder.id))
    if reminder.kind == MEETING and counts is not None:
        lines.append(rsvp_line(counts, lang))
        lines.extend(rsvp_names(counts, lang))
    return "\n".join(lines)


def closed_notice_text(
    reminder: Reminder, delivery: Delivery, lang: str, counts: RsvpCounts | None, off: str
) -> str:
    """The notice of a called-off meeting (``off``: service.OFF_CANCELLED or OFF_SKIPPED) as
    it reads once its buttons are gone: as before, with why it takes no answers."""
    return notice_text(reminder, delivery, lang, counts) + "\n" + t(lang, f"rem.notice_{off}")


def rsvp_names(counts: RsvpCounts, lang: str) -> list[str]:
    """``出席: 花子、太郎`` per answer given, at most MAX_NAMES_SHOWN names each (escaped)."""
    lines = []
    for answer in ("yes", "no", "maybe"):
        names = counts.who(answer)
        if not names:
            continue
        shown = t(lang, "rem.name_sep").join(html.escape(n) for n in names[:MAX_NAMES_SHOWN])
        if len(names) > MAX_NAMES_SHOWN:
            shown += t(lang, "rem.names_more", n=len(names) - MAX_NAMES_SHOWN)
        lines.append(t(lang, "rem.rsvp_names", answer=t(lang, f"rem.rsvp_{answer}"), names=shown))
    return lines


def rsvp_line(counts: RsvpCounts, lang: str) -> str:
    return t(lang, "rem.rsvp_counts", yes=counts.yes, no=counts.no, maybe=counts.maybe)


def _countdown(due: datetime, now: datetime, tz: ZoneInfo, lang: str) -> str:
    """``あと5日`` / ``5 days left`` until a deadline, counted in calendar days in ``tz``."""
    left = (due.astimezone(tz).date() - now.astimezone(tz).date()).days
    if left <= 0:
        return t(lang, "rem.countdown_today")
    if left == 1:
        return t(lang, "rem.countdown_tomorrow")
    return t(lang, "rem.countdown_days", n=left)


# Telegram refuses a message over 4,096 characters; a page of the agenda stays well below.
AGENDA_PAGE_CHARS = 3800


def agenda_pages(
    items: list[AgendaItem], days: int, tz: ZoneInfo, lang: str, now: datetime
) -> list[str]:
    """The /agenda reply, in as many messages as it needs (an item is never split), times shown
    in the chat's zone ``tz``; deadlines count down from ``now``."""
    if not items:
        return [t(lang, "rem.agenda_empty", days=days)]
    footer = t(lang, "rem.agenda_zone", zone=tz.key)
    pages: list[str] = []
    page = [t(lang, "rem.agenda_header", days=days)]
    for item in items:
        block = _agenda_item(item, tz, lang, now)
        if page and len("\n".join([*page, block, footer])) > AGENDA_PAGE_CHARS:
            pages.append("\n".join(page))
            page = []
        page.append(block)
    pages.append("\n".join([*page, footer]))
    return pages


def _agenda_item(item: AgendaItem, tz: ZoneInfo, lang: str, now: datetime) -> str:
    reminder = item.reminder
    when = (
        local_datetime(item.next_at, tz, lang, zone=False, minutes=reminder.duration_minutes)
        if item.next_at is not None
        else t(lang, "rem.no_next")
    )
    head = t(lang, f"rem.kind_{reminder.kind}")
    line = t(lang, "rem.agenda_item", id=reminder.id, kind=head, when=when,
             title=html.escape(reminder.title))  # fmt: skip
    extras = []
    if reminder.rrule and item.next_at is not None:
        extras.append(recurrence.describe(item.next_at, reminder.rrule, lang, reminder.tz))
    if reminder.place:
        extras.append(t(lang, "rem.place", place=html.escape(reminder.place)))
    if reminder.kind == MEETING:
        extras.append(rsvp_line(item.rsvp, lang))
    if reminder.kind == MILESTONE:
        if reminder.status == "done":
            extras.append(t(lang, "rem.status_done"))
        elif item.overdue:
            extras.append(t(lang, "rem.status_overdue", id=reminder.id))
        elif item.next_at is not None:
            extras.append(_countdown(item.next_at, now, tz, lang))
    if item.skipped:
        days_off = t(lang, "rem.sep").join(local_date(d, tz, lang) for d in item.skipped)
        extras.append(t(lang, "rem.skips", dates=days_off))
    if item.missed:
        extras.append(t(lang, "rem.missed", n=item.missed))
    if item.failed:
        extras.append(t(lang, "rem.failed", n=item.failed))
    return line + "".join("\n　" + extra for extra in extras)


def _length(minutes: int, lang: str) -> str:
    hours, rest = divmod(minutes, 60)
    if rest:
        return t(lang, "rem.length_hours_minutes", h=hours, m=rest)
    return t(lang, "rem.length_hours", h=hours)


def range_end_hint(reminder: Reminder, lang: str) -> str:
    """Say where a long range, or one past midnight (22時〜1時: 01:00 the next day), ends,
    with the /edit that sets another end on the same day."""
    tz = ZoneInfo(reminder.tz)
    start = (reminder.occurrence or reminder.start).astimezone(tz)
    minutes = reminder.duration_minutes or 0
    end = (start + timedelta(minutes=minutes)).astimezone(tz)
    shown = _clock(end)
    if (end - timedelta(minutes=1)).date() != start.date():
        shown = t(lang, "rem.range_end_next_day", time=shown)
    return t(
        lang, "rem.range_end", end=shown, length=_length(minutes, lang), id=reminder.id,
        start=_clock(start),
    )  # fmt: skip


def edit_notes(report: EditReport, before: Reminder, stale: int, lang: str) -> list[str]:
    """Lines of an /edit confirmation about what moved with the meeting (its answers, its
    notices already sent) and what the new rule dropped (days off) or doubled (a one-off)."""
    reminder = report.reminder
    tz = ZoneInfo(reminder.tz)
    lines = []
    moved = reminder.id != before.id or reminder.occurrence != before.occurrence
    given = [
        t(lang, "rem.answer_count", answer=t(lang, f"rem.rsvp_{answer}"), n=n)
        for answer in ("yes", "no", "maybe")
        if (n := len(report.answers.who(answer)))
    ]
    if given:
        lines.append(t(lang, "rem.answers_carried", counts=t(lang, "rem.sep").join(given)))
    if moved and report.notices:
        if stale:
            was = before.occurrence or before.start
            shown = local_datetime(was, tz, lang, zone=False, minutes=before.duration_minutes)
            lines.append(t(lang, "rem.notices_stale", n=stale, before=shown))
        else:
            lines.append(t(lang, "rem.notices_rewritten", n=len(report.notices)))
    if report.days_off_dropped:
        dates = t(lang, "rem.sep").join(
            recurrence.short_date(lang, datetime.combine(day, time())) for day in
            report.days_off_dropped
        )  # fmt: skip
        example = _skip_example(reminder, report.days_off_dropped[0], lang)
        lines.append(t(lang, "rem.days_off_dropped", dates=dates, id=reminder.id, example=example))
    if report.meetings_dropped:
        lines.append(_dropped_line(report, before, lang))
    for doubled in report.doubled:
        one_off = doubled.one_off
        note = t(
            lang, "rem.doubled_one_off", copy=one_off.id, title=html.escape(one_off.title),
            when=local_datetime(one_off.occurrence or one_off.start, tz, lang, zone=False),
            regular=local_date(doubled.regular, tz, lang), id=reminder.id,
            day=recurrence.day_words(lang, doubled.regular.astimezone(tz)),
        )  # fmt: skip
        lines.append(note)
    return lines


def _dropped_line(report: EditReport, before: Reminder, lang: str) -> str:
    """Which meetings an edit of a series' start or rule took away, and (the rule unchanged)
    the /edit that puts the series back where it was."""
    reminder = report.reminder
    tz = ZoneInfo(reminder.tz)
    gone = report.meetings_dropped
    dates = t(lang, "rem.sep").join(local_date(at, tz, lang) for at in gone[:MAX_DROPPED_SHOWN])
    if len(gone) > MAX_DROPPED_SHOWN:
        dates = t(lang, "rem.more_dates", dates=dates, n=len(gone) - MAX_DROPPED_SHOWN)
    was = before.occurrence
    if reminder.rrule != before.rrule or was is None:
        return t(lang, "rem.meetings_dropped", dates=dates, id=reminder.id)
    local = was.astimezone(tz)
    back = f"{recurrence.day_words(lang, local)} {_clock(local)}"
    return t(lang, "rem.meetings_dropped_back", dates=dates, id=reminder.id, back=back)


def renamed_line(reminder: Reminder, old_title: str, lang: str) -> str:
    """Say that an /edit gave a new title, with the one it had and the /edit that gives it back
    (at the time the meeting has now, so nothing else changes)."""
    local = (reminder.occurrence or reminder.start).astimezone(ZoneInfo(reminder.tz))
    return t(
        lang, "rem.renamed", title=html.escape(reminder.title), old=html.escape(old_title),
        id=reminder.id, clock=_clock(local),
    )  # fmt: skip


def _next_local(reminder: Reminder, now: datetime) -> datetime:
    """The reminder's next meeting (else the last one it had), in its own zone: the day an
    example names, so that it works for this reminder."""
    at = next_occurrence(reminder, now) or reminder.occurrence or reminder.start
    return at.astimezone(ZoneInfo(reminder.tz))


def refusal(
    code: str,
    reminder: Reminder,
    lang: str,
    now: datetime,
    occurrences: tuple[datetime, ...] = (),
    target: datetime | None = None,
) -> str:
    """Why /edit or /skip refused (``code``, a ``rem.*`` key), with examples naming real
    meetings of the reminder: ``occurrences``, the ones the refusal is about (several in that
    month, the one to move instead), else its next one; ``target`` is the day an edit asked
    for, and ``rule`` in the text the series' rule moved to that day (毎月第3火曜日)."""
    tz = ZoneInfo(reminder.tz)
    local = occurrences[0].astimezone(tz) if occurrences else _next_local(reminder, now)
    asked = target.astimezone(tz) if target is not None else local
    return t(
        lang, f"rem.{code}", id=reminder.id, day=recurrence.day_words(lang, local),
        clock=_clock(local), n=len(occurrences),
        dates=t(lang, "rem.sep").join(local_date(at, tz, lang) for at in occurrences),
        target=recurrence.day_words(lang, asked),
        rule=recurrence.pattern_on(reminder.rrule, asked, lang) if reminder.rrule else "",
    )  # fmt: skip


def unreadable_days(reminder: Reminder, words: str, command: str, lang: str, now: datetime) -> str:
    """Say that ``words`` after /skip or before an /edit's の回 are no day, week or month
    (「年末年始」, 「冬休み」), with examples naming the reminder's next meeting and its month."""
    local = _next_local(reminder, now)
    return t(
        lang, f"rem.{command}_unreadable", id=reminder.id, words=html.escape(words),
        day=recurrence.day_words(lang, local), month=t(lang, f"when.month_{local.month}"),
    )  # fmt: skip


def _skip_example(series: Reminder, dropped: date, lang: str) -> str:
    """What to /skip for a day off the new rule dropped: its one meeting in that month, or the
    month when the rule has several there (a whole month off: 2月)."""
    first, last = month_span(dropped)
    found = recurrence.occurrences_on_days(series.start, series.rrule, series.tz, first, last)
    if len(found) == 1:
        return recurrence.day_words(lang, found[0].astimezone(ZoneInfo(series.tz)))
    if found:
        return t(lang, f"when.month_{dropped.month}")
    return t(lang, "rem.days_off_example")
