"""Reminder planning and the ledger, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Chat, Delivery, Reminder
from scheduler import render, service
from tests.reminder_db import BACKENDS, maker_for, open_database

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2025, 12, 1, 1, 0, tzinfo=UTC)  # Mon 1 Dec 10:00 JST
GRACE = timedelta(hours=6)
CHAT = -1001
Maker = async_sessionmaker[AsyncSession]


@pytest.fixture(params=BACKENDS)
async def maker(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async for engine in open_database(request.param, tmp_path):
        yield maker_for(engine)


async def rows(maker: async_sessionmaker[AsyncSession], reminder_id: int) -> list[Delivery]:
    async with maker() as session:
        found = await session.scalars(
            select(Delivery).where(Delivery.reminder_id == reminder_id).order_by(Delivery.due_at)
        )
        return list(found.all())


async def make(
    maker: async_sessionmaker[AsyncSession],
    kind: str,
    start: datetime,
    *,
    rrule: str | None = None,
    now: datetime = NOW,
) -> Reminder:
    async with maker.begin() as session:
        await service.ensure_chat(session, CHAT, type="group", title="PTA", lang="ja")
        return await service.create_reminder(
            session, chat_id=CHAT, kind=kind, title="運営委員会", start=start,
            tz="Asia/Tokyo", rrule=rrule, now=now, created_by=1,
        )  # fmt: skip


async def send_all_due(maker: async_sessionmaker[AsyncSession], now: datetime) -> list[str]:
    """What a dispatcher would do at ``now``: claim and mark sent every due row."""
    sent = []
    async with maker.begin() as session:
        for delivery_id in await service.due_ids(session, now):
            assert await service.claim(session, delivery_id)
            await service.record_sent(session, delivery_id, 1, CHAT, now)
            row = await session.get(Delivery, delivery_id)
            assert row is not None
            sent.append(row.notice)
    async with maker.begin() as session:
        await service.plan_all(session, now, grace=GRACE)
    return sent


async def test_meeting_gets_notices_a_day_and_an_hour_before(maker: Maker) -> None:
    start = NOW + timedelta(days=3)
    reminder = await make(maker, service.MEETING, start)
    planned = await rows(maker, reminder.id)
    assert [(r.notice, r.due_at) for r in planned] == [
        ("before:86400", start - timedelta(days=1)),
        ("before:3600", start - timedelta(hours=1)),
    ]
    assert all(r.state == "pending" and r.chat_id == CHAT for r in planned)


async def test_notices_already_past_at_creation_are_not_planned(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, NOW + timedelta(minutes=30))
    assert await rows(maker, reminder.id) == []
    assert reminder.occurrence == NOW + timedelta(minutes=30)


async def test_chat_default_notices_apply_to_new_meetings(maker: Maker) -> None:
    async with maker.begin() as session:
        await service.set_chat_notices(session, CHAT, [3 * 86400, 86400, 3600])
    reminder = await make(maker, service.MEETING, NOW + timedelta(days=5))
    assert [r.notice for r in await rows(maker, reminder.id)] == [
        "before:259200", "before:86400", "before:3600",
    ]  # fmt: skip


async def test_recurring_reminder_plans_the_next_occurrence_once_one_passes(maker: Maker) -> None:
    start = datetime(2025, 12, 2, 0, 0, tzinfo=UTC)  # Tue 09:00 JST
    reminder = await make(maker, service.REMIND, start, rrule="FREQ=WEEKLY;BYDAY=TU")
    assert [(r.notice, r.due_at) for r in await rows(maker, reminder.id)] == [("due", start)]
    assert await send_all_due(maker, start + timedelta(seconds=1)) == ["due"]
    planned = await rows(maker, reminder.id)
    assert [(r.due_at, r.state) for r in planned] == [
        (start, "sent"),
        (start + timedelta(days=7), "pending"),
    ]
    # Sending again at the same moment finds nothing: exactly once.
    assert await send_all_due(maker, start + timedelta(seconds=2)) == []


async def test_a_series_with_an_end_day_finishes_after_its_last_occurrence(maker: Maker) -> None:
    """毎週火曜 9時 12月9日まで: UNTIL (local, end of that day) ends the series for good."""
    start = datetime(2025, 12, 2, 0, 0, tzinfo=UTC)  # Tue 09:00 JST
    rrule = "FREQ=WEEKLY;BYDAY=TU;UNTIL=20251209T235959"
    reminder = await make(maker, service.REMIND, start, rrule=rrule)
    assert await send_all_due(maker, start + timedelta(seconds=1)) == ["due"]
    last = start + timedelta(days=7)
    assert await send_all_due(maker, last + timedelta(seconds=1)) == ["due"]
    assert await send_all_due(maker, last + timedelta(days=7, seconds=1)) == []
    async with maker() as session:
        stored = await session.get(Reminder, reminder.id)
        assert stored is not None
        assert stored.status == service.FINISHED
    assert [r.due_at for r in await rows(maker, reminder.id)] == [start, last]


async def test_milestone_notices_then_overdue_each_morning(maker: Maker) -> None:
    due = datetime(2025, 12, 10, 8, 0, tzinfo=UTC)  # 17:00 JST
    reminder = await make(maker, service.MILESTONE, due)
    planned = await rows(maker, reminder.id)
    nine_jst = [datetime(2025, 12, d, 0, 0, tzinfo=UTC) for d in (11, 12, 13)]
    assert [(r.notice, r.due_at) for r in planned] == [
        ("before:604800", due - timedelta(days=7)),
        ("before:86400", due - timedelta(days=1)),
        ("due", due),
        ("overdue:1", nine_jst[0]),
        ("overdue:2", nine_jst[1]),
        ("overdue:3", nine_jst[2]),
    ]
    await send_all_due(maker, nine_jst[0] + timedelta(seconds=1))
    async with maker() as session:
        items = await service.agenda(session, CHAT, nine_jst[0] + timedelta(seconds=1))
    assert [(i.reminder.id, i.overdue) for i in items] == [(reminder.id, True)]


async def test_done_stops_the_remaining_notices(maker: Maker) -> None:
    due = datetime(2025, 12, 10, 8, 0, tzinfo=UTC)
    reminder = await make(maker, service.MILESTONE, due)
    later = due + timedelta(hours=1)
    assert await send_all_due(maker, later) == ["before:604800", "before:86400", "due"]
    async with maker.begin() as session:
        await service.mark_done(session, CHAT, reminder.id, later)
    assert await send_all_due(maker, due + timedelta(days=5)) == []
    states = {r.notice: r.state for r in await rows(maker, reminder.id)}
    assert states["overdue:1"] == states["overdue:3"] == "cancelled"
    async with maker.begin() as session:
        with pytest.raises(service.ReminderError) as err:
            await service.mark_done(session, CHAT, reminder.id, later)
    assert err.value.code == "already_done"


async def test_edit_replans_and_cancel_stops(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, NOW + timedelta(days=3))
    moved_to = NOW + timedelta(days=10)
    async with maker.begin() as session:
        await service.move_reminder(session, CHAT, reminder.id, moved_to, NOW)
    planned = await rows(maker, reminder.id)
    assert {r.occurrence for r in planned} == {moved_to}
    assert [r.due_at for r in planned] == [
        moved_to - timedelta(days=1),
        moved_to - timedelta(hours=1),
    ]
    async with maker.begin() as session:
        await service.cancel_reminder(session, CHAT, reminder.id)
    assert await send_all_due(maker, moved_to) == []
    async with maker() as session:
        assert await service.agenda(session, CHAT, NOW) == []


async def test_a_cancelled_reminder_restored_gets_its_notices_back(maker: Maker) -> None:
    meeting = NOW + timedelta(days=3)
    reminder = await make(maker, service.MEETING, meeting)
    async with maker.begin() as session:
        await service.cancel_reminder(session, CHAT, reminder.id)
    assert await pending_occurrences(maker, reminder.id) == set()

    async with maker.begin() as session:
        restored = await service.restore_reminder(session, CHAT, reminder.id, NOW)
    assert restored.status == service.ACTIVE
    assert await send_all_due(maker, meeting) == ["before:86400", "before:3600"]
    async with maker.begin() as session:
        with pytest.raises(service.ReminderError) as raised:
            await service.restore_reminder(session, CHAT, reminder.id, NOW)
    assert raised.value.code == "not_cancelled"


async def test_a_one_off_restored_after_its_time_is_finished(maker: Maker) -> None:
    reminder = await make(maker, service.REMIND, NOW + timedelta(hours=2))
    async with maker.begin() as session:
        await service.cancel_reminder(session, CHAT, reminder.id)
    async with maker.begin() as session:
        restored = await service.restore_reminder(
            session, CHAT, reminder.id, NOW + timedelta(hours=3)
        )
    assert restored.status == service.FINISHED
    assert await pending_occurrences(maker, reminder.id) == set()


async def test_other_chats_cannot_touch_a_reminder(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, NOW + timedelta(days=3))
    async with maker.begin() as session:
        with pytest.raises(service.ReminderError):
            await service.cancel_reminder(session, CHAT + 1, reminder.id)


async def test_restart_requeues_in_flight_delays_recent_and_misses_old(maker: Maker) -> None:
    recent = await make(maker, service.REMIND, NOW + timedelta(hours=1))
    old = await make(maker, service.REMIND, NOW + timedelta(minutes=5))
    inflight = await make(maker, service.REMIND, NOW + timedelta(hours=2))
    async with maker.begin() as session:
        for row_id in await service.due_ids(session, NOW + timedelta(hours=2, minutes=1)):
            row = await session.get(Delivery, row_id)
            if row is not None and row.reminder_id == inflight.id:
                assert await service.claim(session, row_id)  # then the process is killed
    restart = NOW + timedelta(hours=3)  # grace 2h30m: 'old' is 2h55m late, the others less
    async with maker.begin() as session:
        report = await service.recover(session, restart, timedelta(hours=2, minutes=30))
    assert (report.resent, report.delayed, report.missed) == (1, 2, 1)
    states = {
        r.reminder_id: (r.state, r.delayed)
        for rid in (recent.id, old.id, inflight.id)
        for r in await rows(maker, rid)
    }
    assert states[recent.id] == ("pending", True)
    assert states[old.id] == ("missed", False)
    assert states[inflight.id] == ("pending", True)
    async with maker() as session:
        items = {i.reminder.id: i for i in await service.agenda(session, CHAT, restart)}
    assert items[old.id].missed == 1


async def test_two_claimers_one_wins(maker: Maker) -> None:
    await make(maker, service.REMIND, NOW + timedelta(minutes=1))
    async with maker() as session:
        (delivery_id,) = await service.due_ids(session, NOW + timedelta(minutes=2))

    async def try_claim() -> bool:
        async with maker.begin() as session:
            return await service.claim(session, delivery_id)

    results = await asyncio.gather(try_claim(), try_claim(), try_claim())
    assert sorted(results) == [False, False, True]


async def test_batch_claimers_split_the_rows_between_them(maker: Maker) -> None:
    for minutes in range(1, 7):
        await make(maker, service.REMIND, NOW + timedelta(minutes=minutes))
    async with maker() as session:
        due = await service.due_ids(session, NOW + timedelta(minutes=10))
    assert len(due) == 6

    async def try_claim(ids: list[int]) -> list[int]:
        async with maker.begin() as session:
            return await service.claim_many(session, ids)

    first, second = await asyncio.gather(try_claim(due), try_claim(due[2:]))
    assert sorted(first + second) == due  # every row claimed exactly once
    async with maker.begin() as session:
        assert await service.claim_many(session, due) == []
        rows_with_context = await service.deliveries_with_context(session, due)
    assert [d.id for d, _r, _c in rows_with_context] == due
    assert all(r is not None and c is not None for _d, r, c in rows_with_context)


async def test_inactive_chat_holds_notices_until_it_comes_back(maker: Maker) -> None:
    soon = await make(maker, service.REMIND, NOW + timedelta(hours=1))
    later = await make(maker, service.REMIND, NOW + timedelta(hours=9))
    async with maker.begin() as session:
        await service.deactivate_chat(session, CHAT)
    assert await send_all_due(maker, NOW + timedelta(hours=10)) == []
    async with maker.begin() as session:
        report = await service.reactivate_chat(session, CHAT, NOW + timedelta(hours=10), GRACE)
    assert (report.delayed, report.missed) == (1, 1)
    assert [r.state for r in await rows(maker, soon.id)] == ["missed"]
    assert await send_all_due(maker, NOW + timedelta(hours=10)) == ["due"]
    assert [(r.state, r.delayed) for r in await rows(maker, later.id)] == [("sent", True)]


async def test_chat_migration_rewrites_every_reference(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, NOW + timedelta(days=3))
    async with maker.begin() as session:
        await service.set_chat_tz(session, CHAT, "Europe/London")
        await service.migrate_chat(session, CHAT, -1009)
    async with maker() as session:
        moved = await session.get(Reminder, reminder.id)
        old, new = await session.get(Chat, CHAT), await session.get(Chat, -1009)
    assert moved is not None and moved.chat_id == -1009
    assert {r.chat_id for r in await rows(maker, reminder.id)} == {-1009}
    assert old is not None and new is not None
    assert (old.active, old.migrated_to) == (False, -1009)
    assert (new.active, new.tz, new.lang) == (True, "Europe/London", "ja")


async def test_rsvp_second_press_changes_the_answer(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, NOW + timedelta(days=3))
    occurrence = NOW + timedelta(days=3)
    async with maker.begin() as session:
        await service.set_rsvp(session, reminder.id, occurrence, 1, "A", "yes", NOW)
        await service.set_rsvp(session, reminder.id, occurrence, 2, "B", "maybe", NOW)
    async with maker.begin() as session:
        counts = await service.set_rsvp(session, reminder.id, occurrence, 2, "B", "no", NOW)
    assert (counts.yes, counts.no, counts.maybe) == (1, 1, 0)
    assert (counts.who("yes"), counts.who("no"), counts.who("maybe")) == (("A",), ("B",), ())
    async with maker() as session:
        (item,) = await service.agenda(session, CHAT, NOW)
    assert item.rsvp == counts


async def test_agenda_window(maker: Maker) -> None:
    near = await make(maker, service.MEETING, NOW + timedelta(days=10))
    far = await make(maker, service.MEETING, NOW + timedelta(days=60))
    async with maker() as session:
        assert [i.reminder.id for i in await service.agenda(session, CHAT, NOW)] == [near.id]
        wide = await service.agenda(session, CHAT, NOW, days=90)
    assert [i.reminder.id for i in wide] == [near.id, far.id]


OFFSETS = [
    ("3d 1d 1h", [259200, 86400, 3600]),
    ("1時間 30分 2日前", [172800, 3600, 1800]),
    ("0", [0]),
    ("3日前と1日前と1時間前", [259200, 86400, 3600]),
    ("3日前、1時間前", [259200, 3600]),
    ("2週間前", [1209600]),
    ("2 days 3 hours", [172800, 10800]),
    ("2 days, 3 hours and 30 minutes", [172800, 10800, 1800]),
    ("1 week before, 1 day before", [604800, 86400]),
    ("30min 1hr", [3600, 1800]),
    ("1 day, at the time", [86400, 0]),
    ("当日", [0]),
    ("soon", None),
    ("5", None),
    ("100d", None),
    ("3 dogs", None),
    ("1d soon", None),
    ("3d1d", None),
    ("1d 2d 3d 4d 5d 6d 7d", None),
]


@pytest.mark.parametrize(("text", "expected"), OFFSETS)
def test_parse_offsets(text: str, expected: list[int] | None) -> None:
    assert service.parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("asia/tokyo", "Asia/Tokyo"),
        ("Tokyo", "Asia/Tokyo"),
        ("new york", "America/New_York"),
        ("JST", "Asia/Tokyo"),
        ("日本", "Asia/Tokyo"),
        ("pst", "America/Los_Angeles"),
        ("Mars/Olympus", None),
        ("Springfield", None),
        ("../etc/passwd", None),
        ("Europe", None),  # a folder of the zone database, not a zone
    ],
)
def test_valid_zone(name: str, expected: str | None) -> None:
    assert service.valid_zone(name) == expected


@pytest.mark.parametrize(
    ("kind", "state", "row_message", "pressed_chat", "pressed_message", "takes"),
    [
        (service.MEETING, service.SENT, 55, CHAT, 55, True),
        (service.MEETING, service.SENT, 55, CHAT, 56, False),  # another message's button
        (service.MEETING, service.SENT, 55, -2002, 55, False),  # same id, another chat
        (service.MEETING, service.SENDING, None, CHAT, 55, True),  # tapped before recorded
        (service.MEETING, service.PENDING, None, CHAT, 55, False),  # never sent
        (service.REMIND, service.SENT, 55, CHAT, 55, False),  # reminders take no RSVPs
    ],
)
def test_rsvp_counts_only_on_the_notice_the_button_came_with(
    kind: str,
    state: str,
    row_message: int | None,
    pressed_chat: int,
    pressed_message: int,
    takes: bool,
) -> None:
    reminder = Reminder(kind=kind, chat_id=CHAT)
    row = Delivery(state=state, chat_id=CHAT, message_id=row_message)
    assert service.notice_takes_rsvp(row, reminder, pressed_chat, pressed_message) is takes


SECOND_TUESDAYS = "FREQ=MONTHLY;BYDAY=2TU"
DEC_9 = datetime(2025, 12, 9, 6, 0, tzinfo=UTC)  # Tue 9 Dec 15:00 JST, the 2nd Tuesday
JAN_13 = datetime(2026, 1, 13, 6, 0, tzinfo=UTC)
FEB_10 = datetime(2026, 2, 10, 6, 0, tzinfo=UTC)


async def skip(
    maker: Maker, reminder_id: int, first: date | None, last: date | None = None
) -> tuple[Reminder, list[datetime]]:
    days = None if first is None else (first, last or first)
    async with maker.begin() as session:
        return await service.skip_occurrences(session, CHAT, reminder_id, days, NOW)


async def pending_occurrences(maker: Maker, reminder_id: int) -> set[datetime]:
    return {r.occurrence for r in await rows(maker, reminder_id) if r.state == "pending"}


async def test_skipping_the_next_meeting_plans_the_one_after(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    assert await pending_occurrences(maker, reminder.id) == {DEC_9}

    skipped, called_off = await skip(maker, reminder.id, None)

    assert called_off == [DEC_9]
    assert skipped.skipped == ["2025-12-09"]
    assert skipped.occurrence == JAN_13
    assert await pending_occurrences(maker, reminder.id) == {JAN_13}
    async with maker() as session:
        (item,) = await service.agenda(session, CHAT, NOW, days=60)
    assert item.next_at == JAN_13
    assert item.skipped == (DEC_9,)
    shown = "\n".join(render.agenda_pages([item], 60, ZoneInfo("Asia/Tokyo"), "ja", NOW))
    assert "休み: 12月9日(火)" in shown, shown


async def test_skipping_a_later_date_leaves_the_next_meeting_and_is_passed_over(
    maker: Maker,
) -> None:
    reminder = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    _, called_off = await skip(maker, reminder.id, date(2026, 1, 13))
    assert called_off == [JAN_13]
    assert await pending_occurrences(maker, reminder.id) == {DEC_9}

    await send_all_due(maker, DEC_9 + timedelta(minutes=1))  # December's meeting goes by

    assert await pending_occurrences(maker, reminder.id) == {FEB_10}


NOV_11 = datetime(2025, 11, 11, 6, 0, tzinfo=UTC)  # before NOW: the series began earlier


@pytest.mark.parametrize(
    ("start", "rrule", "day", "code"),
    [
        (NOW + timedelta(days=3), None, None, "skip_single"),  # one-off: /cancel or /edit
        (DEC_9, SECOND_TUESDAYS, date(2025, 12, 10), "skip_no_occurrence"),  # a Wednesday
        (NOV_11, SECOND_TUESDAYS, date(2025, 11, 11), "skip_past"),
        (DEC_9, f"{SECOND_TUESDAYS};COUNT=1", date(2026, 1, 13), "skip_no_occurrence"),
    ],
)
async def test_skip_refuses_what_it_cannot_call_off(
    maker: Maker, start: datetime, rrule: str | None, day: date | None, code: str
) -> None:
    created = min(NOW, start - timedelta(days=7))
    reminder = await make(maker, service.MEETING, start, rrule=rrule, now=created)
    with pytest.raises(service.ReminderError) as raised:
        await skip(maker, reminder.id, day)
    assert raised.value.code == code


async def test_skipping_the_same_day_twice_says_so(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    await skip(maker, reminder.id, date(2026, 1, 13))
    with pytest.raises(service.ReminderError) as raised:
        await skip(maker, reminder.id, date(2026, 1, 13))
    assert raised.value.code == "skip_already"


async def test_unskip_plans_the_restored_meeting_again(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    await skip(maker, reminder.id, None)
    assert await pending_occurrences(maker, reminder.id) == {JAN_13}

    async with maker.begin() as session:
        restored_reminder, restored = await service.unskip_occurrences(
            session, CHAT, reminder.id, (date(2025, 12, 9), date(2025, 12, 9)), NOW
        )

    assert restored == [DEC_9]
    assert restored_reminder.skipped == []
    assert await pending_occurrences(maker, reminder.id) == {DEC_9}
    async with maker.begin() as session:
        with pytest.raises(service.ReminderError) as raised:
            await service.unskip_occurrences(
                session, CHAT, reminder.id, (date(2025, 12, 1), date(2025, 12, 31)), NOW
            )
    assert raised.value.code == "not_skipped"


async def test_skipping_the_last_occurrence_finishes_the_series(maker: Maker) -> None:
    reminder = await make(maker, service.REMIND, DEC_9, rrule=f"{SECOND_TUESDAYS};COUNT=1")
    skipped, _ = await skip(maker, reminder.id, None)
    assert skipped.status == service.FINISHED
    assert await pending_occurrences(maker, reminder.id) == set()


async def test_skipping_a_month_calls_off_each_of_its_meetings_and_undo_restores_them(
    maker: Maker,
) -> None:
    start = datetime(2025, 12, 2, 6, 0, tzinfo=UTC)  # Tuesdays 15:00 JST
    reminder = await make(maker, service.MEETING, start, rrule="FREQ=WEEKLY;BYDAY=TU")

    _, called_off = await skip(maker, reminder.id, date(2025, 12, 1), date(2025, 12, 31))

    tuesdays = [start + timedelta(weeks=n) for n in range(5)]  # 2, 9, 16, 23, 30 Dec
    assert called_off == tuesdays
    assert await pending_occurrences(maker, reminder.id) == {start + timedelta(weeks=5)}
    async with maker.begin() as session:
        _, restored = await service.unskip_occurrences(
            session, CHAT, reminder.id, (date(2025, 12, 1), date(2025, 12, 31)), NOW
        )
    assert restored == tuesdays
    assert await pending_occurrences(maker, reminder.id) == {start}


async def test_a_meeting_keeps_its_length_when_moved_without_a_new_one(maker: Maker) -> None:
    async with maker.begin() as session:
        await service.ensure_chat(session, CHAT)
        reminder = await service.create_reminder(
            session, chat_id=CHAT, kind=service.MEETING, title="研修", start=DEC_9,
            tz="Asia/Tokyo", now=NOW, duration=timedelta(minutes=90),
        )  # fmt: skip
    assert reminder.duration_minutes == 90
    async with maker.begin() as session:
        moved = await service.move_reminder(session, CHAT, reminder.id, JAN_13, NOW)
    assert moved.duration_minutes == 90
    async with maker.begin() as session:
        moved = await service.move_reminder(
            session, CHAT, reminder.id, JAN_13, NOW, duration=timedelta(hours=2)
        )
    assert moved.duration_minutes == 120


async def test_a_new_time_of_day_alone_keeps_the_meeting_on_its_day(maker: Maker) -> None:
    one_off = await make(maker, service.MEETING, DEC_9)
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    # 「16時に変更」 on Mon 1 Dec 10:00 reads as today 16:00; the meetings stay on Tue 9 Dec
    today_at_16 = datetime(2025, 12, 1, 7, 0, tzinfo=UTC)
    dec_9_at_16 = datetime(2025, 12, 9, 7, 0, tzinfo=UTC)
    async with maker.begin() as session:
        for reminder in (one_off, series):
            moved = await service.move_reminder(
                session, CHAT, reminder.id, today_at_16, NOW, keep_day=True
            )
            assert moved.start == dec_9_at_16
    assert await pending_occurrences(maker, one_off.id) == {dec_9_at_16}
    assert await pending_occurrences(maker, series.id) == {dec_9_at_16}
    async with maker.begin() as session:
        moved = await service.move_reminder(session, CHAT, one_off.id, today_at_16, NOW)
    assert moved.start == today_at_16  # a full new date and time is taken as given


async def test_a_time_of_day_already_past_on_the_meeting_day_is_taken_as_parsed(
    maker: Maker,
) -> None:
    today_at_15 = datetime(2025, 12, 1, 6, 0, tzinfo=UTC)  # 15:00 JST today, ahead of NOW
    reminder = await make(maker, service.MEETING, today_at_15)
    tomorrow_at_9 = datetime(2025, 12, 2, 0, 0, tzinfo=UTC)  # 「9時に変更」: 09:00 today is past
    async with maker.begin() as session:
        moved = await service.move_reminder(
            session, CHAT, reminder.id, tomorrow_at_9, NOW, keep_day=True
        )
    assert moved.start == tomorrow_at_9


async def test_a_new_day_alone_keeps_the_meeting_at_its_time(maker: Maker) -> None:
    one_off = await make(maker, service.MEETING, DEC_9)
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    # 「12月3日に変更」 reads as 3 Dec 09:00 (no time given); the meeting stays at 15:00
    dec_3_at_9 = datetime(2025, 12, 3, 0, 0, tzinfo=UTC)
    dec_3_at_15 = datetime(2025, 12, 3, 6, 0, tzinfo=UTC)
    async with maker.begin() as session:
        moved = await service.move_reminder(
            session, CHAT, one_off.id, dec_3_at_9, NOW, keep_time=True
        )
    assert moved.start == dec_3_at_15
    # 「毎月第3水曜日」: the series moves to the new rule and keeps its 15:00
    dec_17_at_9 = datetime(2025, 12, 17, 0, 0, tzinfo=UTC)
    async with maker.begin() as session:
        moved = await service.move_reminder(
            session, CHAT, series.id, dec_17_at_9, NOW, "FREQ=MONTHLY;BYDAY=3WE", keep_time=True
        )
    dec_17_at_15 = datetime(2025, 12, 17, 6, 0, tzinfo=UTC)
    assert (moved.start, moved.rrule) == (dec_17_at_15, "FREQ=MONTHLY;BYDAY=3WE")
    assert await pending_occurrences(maker, series.id) == {dec_17_at_15}


async def test_moving_one_meeting_of_a_series_leaves_the_others_where_they_are(
    maker: Maker,
) -> None:
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    dec_9_at_16 = datetime(2025, 12, 9, 7, 0, tzinfo=UTC)  # 「12月9日の回だけ16時」
    async with maker.begin() as session:
        moved = await service.move_occurrence(session, CHAT, series.id, DEC_9, dec_9_at_16, NOW)
    assert moved.id != series.id and moved.rrule is None
    assert (moved.start, moved.title) == (dec_9_at_16, "運営委員会")
    assert await pending_occurrences(maker, moved.id) == {dec_9_at_16}
    # the series skips 9 Dec and goes on at 15:00 on 13 Jan
    assert await pending_occurrences(maker, series.id) == {JAN_13}
    async with maker() as session:
        kept = await service.get_reminder(session, CHAT, series.id)
    assert kept is not None and kept.start == DEC_9 and kept.skipped == ["2025-12-09"]


async def test_shifting_a_one_off_moves_it_by_that_much(maker: Maker) -> None:
    meeting = await make(maker, service.MEETING, DEC_9)
    async with maker.begin() as session:
        moved = await service.shift_reminder(session, CHAT, meeting.id, timedelta(weeks=1), NOW)
    assert (moved.id, moved.start) == (meeting.id, DEC_9 + timedelta(weeks=1))
    assert await pending_occurrences(maker, meeting.id) == {DEC_9 + timedelta(weeks=1)}


async def test_shifting_a_series_within_the_day_changes_its_time_from_then_on(
    maker: Maker,
) -> None:
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    async with maker.begin() as session:
        moved = await service.shift_reminder(session, CHAT, series.id, timedelta(minutes=30), NOW)
    assert (moved.id, moved.start, moved.rrule) == (
        series.id, DEC_9 + timedelta(minutes=30), SECOND_TUESDAYS,
    )  # fmt: skip
    assert await pending_occurrences(maker, series.id) == {DEC_9 + timedelta(minutes=30)}


async def test_shifting_a_series_to_another_day_moves_only_that_meeting(maker: Maker) -> None:
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    async with maker.begin() as session:
        moved = await service.shift_reminder(session, CHAT, series.id, timedelta(weeks=1), NOW)
    assert moved.id != series.id and moved.start == DEC_9 + timedelta(weeks=1)
    assert await pending_occurrences(maker, series.id) == {JAN_13}


async def test_shifting_into_the_past_is_refused_and_changes_nothing(maker: Maker) -> None:
    meeting = await make(maker, service.MEETING, DEC_9)
    with pytest.raises(service.ReminderError, match="shift_past"):
        async with maker.begin() as session:
            await service.shift_reminder(session, CHAT, meeting.id, -timedelta(days=10), NOW)
    assert await pending_occurrences(maker, meeting.id) == {DEC_9}


# --- what moves with an edited meeting ----------------------------------------------------

DEC_9_AT_16 = datetime(2025, 12, 9, 7, 0, tzinfo=UTC)


async def answer(maker: Maker, reminder_id: int, occurrence: datetime) -> None:
    """Two people answer the meeting: A comes, B cannot."""
    async with maker.begin() as session:
        await service.set_rsvp(session, reminder_id, occurrence, 1, "A", "yes", NOW)
        await service.set_rsvp(session, reminder_id, occurrence, 2, "B", "no", NOW)


async def snapshot(maker: Maker, reminder_id: int) -> Reminder:
    """The reminder as the handler reads it before an edit (its own session, now closed)."""
    async with maker() as session:
        found = await service.get_reminder(session, CHAT, reminder_id)
    assert found is not None
    return found


async def test_a_meeting_moved_within_its_day_keeps_its_answers_and_sent_notices(
    maker: Maker,
) -> None:
    """/edit 1 16時 after the 1-day notice went out and two people answered."""
    reminder = await make(maker, service.MEETING, DEC_9)
    day_before = DEC_9 - timedelta(days=1)
    assert await send_all_due(maker, day_before) == ["before:86400"]
    await answer(maker, reminder.id, DEC_9)
    before = await snapshot(maker, reminder.id)
    edited_at = day_before + timedelta(hours=2)  # past 16:00 the day before

    async with maker.begin() as session:
        moved = await service.move_reminder(
            session, CHAT, reminder.id, DEC_9_AT_16, edited_at, keep_day=True
        )
        report = await service.edit_report(session, moved, before, edited_at)

    assert (report.answers.who("yes"), report.answers.who("no")) == (("A",), ("B",))
    async with maker() as session:
        assert await service.rsvp_counts(session, reminder.id, DEC_9) == service.RsvpCounts()
        (item,) = await service.agenda(session, CHAT, edited_at)
    assert (item.next_at, item.rsvp.yes, item.rsvp.no) == (DEC_9_AT_16, 1, 1)
    ledger = [(r.notice, r.occurrence, r.state) for r in await rows(maker, reminder.id)]
    assert ledger == [  # the sent notice now stands for 16:00; the 1-hour one is planned
        ("before:86400", DEC_9_AT_16, "sent"),
        ("before:3600", DEC_9_AT_16, "pending"),
    ]
    (sent,) = [r for r in await rows(maker, reminder.id) if r.state == "sent"]
    assert report.notices == (sent.id,)


async def test_a_sent_notice_whose_time_comes_again_is_sent_again_for_the_new_day(
    maker: Maker,
) -> None:
    """Postponed a week after its 1-day notice: that notice goes out again before the new day,
    and until then its message (with its buttons) stands for the new day."""
    reminder = await make(maker, service.MEETING, DEC_9)
    day_before = DEC_9 - timedelta(days=1)
    await send_all_due(maker, day_before)
    await answer(maker, reminder.id, DEC_9)
    week_later = DEC_9 + timedelta(weeks=1)
    async with maker.begin() as session:
        await service.shift_reminder(session, CHAT, reminder.id, timedelta(weeks=1), day_before)
    planned = await rows(maker, reminder.id)
    assert [(r.notice, r.occurrence, r.state, r.due_at) for r in planned] == [
        ("before:86400", week_later, "pending", week_later - timedelta(days=1)),
        ("before:3600", week_later, "pending", week_later - timedelta(hours=1)),
    ]
    assert planned[0].message_id == 1  # the message already sent keeps taking answers
    async with maker() as session:
        counts = await service.rsvp_counts(session, reminder.id, week_later)
    assert (counts.yes, counts.no) == (1, 1)


async def test_a_series_moved_to_a_new_time_keeps_the_answers_for_its_next_meeting(
    maker: Maker,
) -> None:
    """/edit 2 16時半 on a series: the answers for its next meeting follow it."""
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    await answer(maker, series.id, DEC_9)
    before = await snapshot(maker, series.id)
    dec_9_at_1630 = DEC_9 + timedelta(minutes=90)
    async with maker.begin() as session:
        moved = await service.move_reminder(
            session, CHAT, series.id, dec_9_at_1630, NOW, keep_day=True
        )
        report = await service.edit_report(session, moved, before, NOW)
    assert (moved.occurrence, report.answers.yes, report.answers.no) == (dec_9_at_1630, 1, 1)
    assert report.days_off_dropped == ()


async def test_only_this_meeting_moved_takes_its_answers_and_notices_along(
    maker: Maker,
) -> None:
    """「今回だけ16時」: the one-off copy gets the answers and the notice already sent."""
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    day_before = DEC_9 - timedelta(days=1)
    await send_all_due(maker, day_before)
    await answer(maker, series.id, DEC_9)
    before = await snapshot(maker, series.id)
    edited_at = day_before + timedelta(hours=2)
    async with maker.begin() as session:
        copy = await service.move_occurrence(
            session, CHAT, series.id, DEC_9, DEC_9_AT_16, edited_at
        )
        report = await service.edit_report(session, copy, before, edited_at)
    assert copy.id != series.id
    assert (report.answers.yes, report.answers.no) == (1, 1)
    assert [(r.notice, r.occurrence, r.state) for r in await rows(maker, copy.id)] == [
        ("before:86400", DEC_9_AT_16, "sent"),
        ("before:3600", DEC_9_AT_16, "pending"),
    ]
    assert len(report.notices) == 1
    assert await pending_occurrences(maker, series.id) == {JAN_13}


async def test_a_meeting_moved_without_answers_or_notices_reports_none(maker: Maker) -> None:
    reminder = await make(maker, service.MEETING, DEC_9)
    before = await snapshot(maker, reminder.id)
    async with maker.begin() as session:
        moved = await service.move_reminder(session, CHAT, reminder.id, JAN_13, NOW)
        report = await service.edit_report(session, moved, before, NOW)
    assert report == service.EditReport(moved)


THIRD_WEDNESDAYS = "FREQ=MONTHLY;BYDAY=3WE"
DEC_17 = datetime(2025, 12, 17, 6, 0, tzinfo=UTC)  # Wed 17 Dec 15:00 JST, the 3rd Wednesday


async def test_a_new_rule_drops_the_days_off_it_has_no_meeting_on_and_says_so(
    maker: Maker,
) -> None:
    """/skip 1 2月 and 「12月9日の回だけ16時」, then /edit 1 毎月第3水曜日: 10 Feb is no
    meeting of the new rule, and the 16:00 one-off doubles the new 17 Dec meeting."""
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    await skip(maker, series.id, date(2026, 2, 1), date(2026, 2, 28))
    async with maker.begin() as session:
        one_off = await service.move_occurrence(session, CHAT, series.id, DEC_9, DEC_9_AT_16, NOW)
    before = await snapshot(maker, series.id)
    assert before.skipped == ["2025-12-09", "2026-02-10"]

    async with maker.begin() as session:
        moved = await service.move_reminder(
            session, CHAT, series.id, DEC_17, NOW, THIRD_WEDNESDAYS, keep_time=True
        )
        report = await service.edit_report(session, moved, before, NOW)

    assert moved.skipped == []
    assert report.days_off_dropped == (date(2026, 2, 10),)
    assert [(d.one_off.id, d.regular) for d in report.doubled] == [(one_off.id, DEC_17)]
    async with maker() as session:
        items = await service.agenda(session, CHAT, NOW, days=90)
    assert all(item.skipped == () for item in items)
    notes = "\n".join(render.edit_notes(report, before, 0, "ja"))
    assert "2月10日(火) は新しい日程に当たらなくなり" in notes, notes
    assert "<code>/skip 1 2月18日</code>" in notes, notes  # that month's new meeting
    assert f"#{one_off.id}「運営委員会」（2025年12月9日(火) 16:00）" in notes, notes
    assert f"<code>/cancel {one_off.id}</code> または <code>/skip 1 12月17日</code>" in notes
    assert "12月9日(火)・" not in notes  # no meeting of the new rule is due that early
    english = "\n".join(render.edit_notes(report, before, 0, "en"))
    assert "no meeting on Tue 10 Feb" in english and "/skip 1 18 Feb" in english, english


async def test_a_new_rule_keeps_the_days_off_it_still_has_a_meeting_on(maker: Maker) -> None:
    """Every Tuesday to every Tuesday and Thursday: a Tuesday off stays off."""
    start = datetime(2025, 12, 2, 6, 0, tzinfo=UTC)
    series = await make(maker, service.MEETING, start, rrule="FREQ=WEEKLY;BYDAY=TU")
    await skip(maker, series.id, date(2025, 12, 16))
    before = await snapshot(maker, series.id)
    async with maker.begin() as session:
        moved = await service.move_reminder(
            session, CHAT, series.id, start, NOW, "FREQ=WEEKLY;BYDAY=TU,TH"
        )
        report = await service.edit_report(session, moved, before, NOW)
    assert moved.skipped == ["2025-12-16"] and report.days_off_dropped == ()
    async with maker() as session:
        (item,) = await service.agenda(session, CHAT, NOW)
    assert item.skipped == (datetime(2025, 12, 16, 6, 0, tzinfo=UTC),)


# --- one meeting of a series: 「今回だけ」, 「1月の回だけ」 ----------------------------------

JAN_20 = datetime(2026, 1, 20, 6, 0, tzinfo=UTC)  # Tue 20 Jan 15:00 JST, a 3rd Tuesday
DEC_11 = datetime(2025, 12, 11, 6, 0, tzinfo=UTC)  # Thu 11 Dec 15:00 JST


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (None, DEC_9),  # 「今回だけ」: the next one
        ((date(2026, 1, 1), date(2026, 1, 31)), JAN_13),  # 「1月の回だけ」
        ((date(2025, 12, 9), date(2025, 12, 9)), DEC_9),  # 「12月9日の回だけ」
        ((date(2025, 12, 10), date(2025, 12, 10)), "edit_no_occurrence"),  # a Wednesday
        ((date(2026, 2, 1), date(2026, 2, 28)), "edit_no_occurrence"),  # February is off
        ((date(2025, 11, 1), date(2025, 11, 30)), "edit_no_occurrence"),  # already past
    ],
)
async def test_the_one_meeting_an_edit_names_is_picked_from_its_day_or_month(
    maker: Maker, days: tuple[date, date] | None, expected: datetime | str
) -> None:
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    series, _ = await skip(maker, series.id, date(2026, 2, 1), date(2026, 2, 28))
    if isinstance(expected, str):
        with pytest.raises(service.ReminderError, match=expected):
            service.pick_occurrence(series, days, NOW)
    else:
        assert service.pick_occurrence(series, days, NOW) == expected


async def test_a_month_of_a_weekly_series_names_its_meetings_instead_of_guessing(
    maker: Maker,
) -> None:
    start = datetime(2025, 12, 2, 6, 0, tzinfo=UTC)  # Tuesdays at 15:00
    series = await make(maker, service.MEETING, start, rrule="FREQ=WEEKLY;BYDAY=TU")
    with pytest.raises(service.ReminderError) as refused:
        service.pick_occurrence(series, (date(2026, 1, 1), date(2026, 1, 31)), NOW)
    assert refused.value.code == "edit_several"
    assert [at.day for at in refused.value.occurrences] == [6, 13, 20, 27]
    message = render.refusal("edit_several", series, "ja", NOW, refused.value.occurrences)
    assert "4回あります（1月6日(火)・1月13日(火)・1月20日(火)・1月27日(火)）" in message, message
    assert "<code>/edit 1 1月6日の回だけ 新しい日時</code>" in message, message


@pytest.mark.parametrize(
    ("days", "start", "keep_day", "keep_time", "moved_to", "series_next", "day_off"),
    [
        # 「1月の回だけ 1月19日」 (19 Jan read at 09:00: the meeting keeps its 15:00)
        ((date(2026, 1, 1), date(2026, 1, 31)), JAN_20 - timedelta(hours=6), False, True,
         JAN_20, DEC_9, "2026-01-13"),
        # 「今回だけ 16時」: on its own day
        (None, datetime(2025, 12, 1, 7, 0, tzinfo=UTC), True, False,
         DEC_9_AT_16, JAN_13, "2025-12-09"),
        # 「今回だけ 木曜 15時」: another day of that week
        (None, DEC_11, False, False, DEC_11, JAN_13, "2025-12-09"),
    ],
)  # fmt: skip
async def test_one_meeting_moved_leaves_the_series_and_its_other_meetings(
    maker: Maker,
    days: tuple[date, date] | None,
    start: datetime,
    keep_day: bool,
    keep_time: bool,
    moved_to: datetime,
    series_next: datetime,
    day_off: str,
) -> None:
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    occurrence = service.pick_occurrence(series, days, NOW)
    before = await snapshot(maker, series.id)
    async with maker.begin() as session:
        copy = await service.move_occurrence(
            session, CHAT, series.id, occurrence, start, NOW,
            keep_day=keep_day, keep_time=keep_time,
        )  # fmt: skip
        report = await service.edit_report(session, copy, before, NOW)
    assert copy.id != series.id and copy.rrule is None and copy.title == "運営委員会"
    assert await pending_occurrences(maker, copy.id) == {moved_to}
    assert await pending_occurrences(maker, series.id) == {series_next}
    async with maker() as session:
        kept = await service.get_reminder(session, CHAT, series.id)
    assert kept is not None and (kept.start, kept.rrule) == (DEC_9, SECOND_TUESDAYS)
    assert kept.skipped == [day_off]
    assert report.meetings_dropped == ()


async def test_only_this_meeting_shifted_within_its_day_leaves_the_series_time(
    maker: Maker,
) -> None:
    """「今回だけ30分遅らせて」: without 今回だけ the series would move to 15:30 for good."""
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    async with maker.begin() as session:
        copy = await service.shift_reminder(
            session, CHAT, series.id, timedelta(minutes=30), NOW, only=DEC_9
        )
    assert copy.id != series.id and copy.start == DEC_9 + timedelta(minutes=30)
    assert await pending_occurrences(maker, series.id) == {JAN_13}


async def test_a_series_start_off_its_rule_is_refused_with_the_meeting_to_move_instead(
    maker: Maker,
) -> None:
    """「1月20日」 for a 毎月第2火曜 series would start it in February and lose December's
    and January's meetings: refused, naming January's meeting and the rule for that day."""
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    with pytest.raises(service.ReminderError) as refused:
        async with maker.begin() as session:
            await service.move_reminder(session, CHAT, series.id, JAN_20, NOW, keep_time=True)
    assert refused.value.code == "edit_off_rule" and refused.value.occurrences == (JAN_13,)
    assert await pending_occurrences(maker, series.id) == {DEC_9}
    message = render.refusal("edit_off_rule", series, "ja", NOW, refused.value.occurrences, JAN_20)
    assert "<code>/edit 1 1月13日の回だけ 1月20日</code>" in message, message
    assert "<code>/edit 1 毎月第3火曜日</code>" in message, message
    english = render.refusal("edit_off_rule", series, "en", NOW, refused.value.occurrences, JAN_20)
    assert "/edit 1 only the 13 Jan one 20 Jan" in english, english
    assert "/edit 1 every 3rd Tuesday" in english, english


async def test_a_series_moved_past_its_next_meetings_says_which_ones_no_longer_happen(
    maker: Maker,
) -> None:
    """「2月10日」 for a monthly series: it starts in February, so December's and January's
    meetings are gone."""
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    feb_10 = datetime(2026, 2, 10, 6, 0, tzinfo=UTC)
    before = await snapshot(maker, series.id)
    async with maker.begin() as session:
        moved = await service.move_reminder(session, CHAT, series.id, feb_10, NOW)
        report = await service.edit_report(session, moved, before, NOW)
    assert moved.occurrence == feb_10 and report.meetings_dropped == (DEC_9, JAN_13)
    notes = "\n".join(render.edit_notes(report, before, 0, "ja"))
    assert "新しい日程より前の 12月9日(火)・1月13日(火) の回はなくなりました" in notes, notes
    assert "元に戻すなら <code>/edit 1 12月9日 15:00</code>" in notes, notes
    english = "\n".join(render.edit_notes(report, before, 0, "en"))
    assert "meetings on Tue 9 Dec, Tue 13 Jan, before the new schedule" in english, english


@pytest.mark.parametrize(
    ("start", "rrule", "dropped"),
    [
        (DEC_9 + timedelta(hours=1), None, ()),  # 「16時に変更」: the meeting moves
        (DEC_17, THIRD_WEDNESDAYS, ()),  # a new rule: the meeting moves to its first day
        (JAN_13, None, (DEC_9,)),  # 「1月13日」: the series starts there, December's is gone
        # 「1月13日 16時」: January's meeting moved to 16:00, December's is the one gone
        (JAN_13 + timedelta(hours=1), None, (DEC_9,)),
    ],
)
async def test_a_meeting_that_moved_is_not_said_to_be_dropped(
    maker: Maker, start: datetime, rrule: str | None, dropped: tuple[datetime, ...]
) -> None:
    series = await make(maker, service.MEETING, DEC_9, rrule=SECOND_TUESDAYS)
    before = await snapshot(maker, series.id)
    async with maker.begin() as session:
        moved = await service.move_reminder(session, CHAT, series.id, start, NOW, rrule)
        report = await service.edit_report(session, moved, before, NOW)
    assert report.meetings_dropped == dropped
