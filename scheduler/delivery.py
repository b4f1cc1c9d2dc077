"""The JobQueue side of reminders: one dispatcher job that drains the deliveries ledger.

Nothing here is the source of truth: the tables are. ``start`` (called once the database is
ready) recovers the ledger after downtime, plans every active reminder and schedules the
dispatcher; ``kick`` wakes it early (after a reminder is created or a chat comes back). The
dispatcher claims due rows one by one (``service.claim``: exactly one claimer wins), sends them
concurrently within a bound, and records each result in its own short transaction:

* sent -> ``sent`` with the message id (RSVP presses edit that message);
* ``RetryAfter`` left over by the rate limiter -> back to pending, due after the wait;
* ``Forbidden`` (bot removed or blocked) -> the chat becomes inactive, the row is held pending;
* ``ChatMigrated`` -> the chat id is rewritten everywhere and the row is sent to the new id;
* ``TimedOut``/``NetworkError`` -> retried with backoff up to ``MAX_ATTEMPTS``, then ``failed``;
* anything else the API refuses -> ``failed`` with the error, shown in /agenda.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ContextTypes, JobQueue

from config import Settings
from db.models import Delivery, Reminder
from scheduler import render, service
from texts import t

logger = logging.getLogger(__name__)

DISPATCH_JOB = "renkei-dispatch"
HEARTBEAT_JOB = "renkei-dispatch-heartbeat"
HEARTBEAT = timedelta(seconds=30)
BATCH = 500  # large enough that the pause between batches is rare in a big fan-out
SEND_CONCURRENCY = 32  # about a second of sends in flight; the rate limiter sets the pace
MAX_ATTEMPTS = 6
BACKOFF_BASE = 10.0  # seconds; doubles per attempt
BACKOFF_MAX = 600.0
LATE_AFTER = timedelta(minutes=5)  # sent this late in normal running -> marked delayed
LOCK = "reminders.dispatch_lock"
RSVP_PREFIX = "rsvp"
RSVP_CODES = {"y": "yes", "n": "no", "m": "maybe"}
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True}

AnyApp = Application[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    reminder_id: int
    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None


def now_utc() -> datetime:
    return datetime.now(UTC)


def rsvp_keyboard(delivery_id: int, counts: service.RsvpCounts, lang: str) -> InlineKeyboardMarkup:
    """出席 / 欠席 / 未定 buttons with their counts; callback data is ``rsvp:<id>:<y|n|m>``."""
    buttons = [
        InlineKeyboardButton(
            f"{t(lang, 'rem.rsvp_' + answer)} {getattr(counts, answer)}",
            callback_data=f"{RSVP_PREFIX}:{delivery_id}:{code}",
        )
        for code, answer in RSVP_CODES.items()
    ]
    return InlineKeyboardMarkup([buttons])


async def notice_now(
    session: AsyncSession, row: Delivery, reminder: Reminder, lang: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A sent notice as it should read now: a meeting's with its answers and RSVP buttons or,
    when that occurrence is called off (cancelled, or a day off), saying so without buttons."""
    if reminder.kind != service.MEETING:
        return render.notice_text(reminder, row, lang), None
    counts = await service.rsvp_counts(session, reminder.id, row.occurrence)
    off = service.called_off(reminder, row.occurrence)
    if off is not None:
        return render.closed_notice_text(reminder, row, lang, counts, off), None
    return render.notice_text(reminder, row, lang, counts), rsvp_keyboard(row.id, counts, lang)


async def refresh_notices(app: AnyApp, delivery_ids: list[int]) -> int:
    """Edit notices already in their chats to show their reminder as it is now (a new time,
    title or place, the answers carried along; a called-off meeting's without its buttons, a
    meeting put back with them again), as an RSVP press does; returns how many could not be
    edited (deleted meanwhile, or refused), which then still show what they said."""
    if not delivery_ids:
        return 0
    async with _maker(app)() as session:
        shown = []
        for row, reminder, chat in await service.deliveries_with_context(session, delivery_ids):
            if reminder is None or chat is None or row.message_id is None:
                continue
            lang = render.notice_lang(reminder, chat.lang)
            text, markup = await notice_now(session, row, reminder, lang)
            shown.append((chat.id, row.message_id, text, markup))
    failed = 0
    for chat_id, message_id, text, markup in shown:
        try:
            await app.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                logger.info("notice %s in chat %s not updated: %s", message_id, chat_id, exc)
                failed += 1
        except TelegramError as exc:
            logger.warning("notice %s in chat %s not updated: %s", message_id, chat_id, exc)
            failed += 1
    return failed


def _maker(app: AnyApp) -> async_sessionmaker[AsyncSession]:
    from handlers.common import SESSIONMAKER

    maker: async_sessionmaker[AsyncSession] = app.bot_data[SESSIONMAKER]
    return maker


def _settings(app: AnyApp) -> Settings:
    from handlers.common import SETTINGS

    settings: Settings = app.bot_data[SETTINGS]
    return settings


def _lock(app: AnyApp) -> asyncio.Lock:
    lock = app.bot_data.get(LOCK)
    if not isinstance(lock, asyncio.Lock):
        lock = asyncio.Lock()
        app.bot_data[LOCK] = lock
    return lock


def _queue(app: AnyApp) -> JobQueue[Any]:
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("reminders need the JobQueue (python-telegram-bot[job-queue])")
    return queue


async def start(app: AnyApp) -> None:
    """Recover the ledger after downtime, plan every reminder, and start the dispatcher."""
    settings = _settings(app)
    now = now_utc()
    async with _maker(app).begin() as session:
        report = await service.recover(session, now, settings.grace_period)
    async with _maker(app).begin() as session:
        await service.plan_all(
            session, now, grace=settings.grace_period, max_overdue=settings.max_overdue_notices
        )
    logger.info(
        "reminders recovered: %d in flight re-queued, %d delayed, %d missed",
        report.resent, report.delayed, report.missed,
    )  # fmt: skip
    _queue(app).run_repeating(
        heartbeat, interval=HEARTBEAT, first=HEARTBEAT, name=HEARTBEAT_JOB, job_kwargs=JOB_KWARGS
    )
    kick(app)


def kick(app: AnyApp, when: datetime | None = None) -> None:
    """Make the dispatcher run at ``when`` (default: now), unless it already runs earlier."""
    queue = _queue(app)
    at = max(when or now_utc(), now_utc())
    for job in queue.get_jobs_by_name(DISPATCH_JOB):
        planned = job.next_t
        if planned is not None and planned <= at:
            return
        job.schedule_removal()
    queue.run_once(dispatch, when=at, name=DISPATCH_JOB, job_kwargs=JOB_KWARGS)


async def heartbeat(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Run the dispatcher at least every 30 s and re-plan reminders whose occurrence passed."""
    app = context.application
    settings = _settings(app)
    async with _maker(app).begin() as session:
        await service.plan_all(
            session,
            now_utc(),
            grace=settings.grace_period,
            max_overdue=settings.max_overdue_notices,
        )
    await run_dispatch(app)


async def dispatch(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send every notice that is due, then sleep until the next one."""
    await run_dispatch(context.application)


async def run_dispatch(app: AnyApp) -> None:
    lock = _lock(app)
    async with lock:
        while True:
            drained = await _dispatch_batch(app)
            if drained:
                break
        async with _maker(app)() as session:
            upcoming = await service.next_due(session)
    if upcoming is not None and upcoming - now_utc() < HEARTBEAT:
        kick(app, upcoming)


async def _dispatch_batch(app: AnyApp) -> bool:
    """Claim, send and record one batch; True when nothing more is due right now."""
    settings = _settings(app)
    maker = _maker(app)
    now = now_utc()
    async with maker() as session:
        ids = await service.due_ids(session, now, BATCH)
    if not ids:
        return True
    async with maker.begin() as session:
        claimed = await service.claim_many(session, ids)
    async with maker.begin() as session:
        outgoing = await _prepare(session, claimed, now, settings)
    semaphore = asyncio.Semaphore(SEND_CONCURRENCY)

    async def send(item: Outgoing) -> None:
        async with semaphore:
            await _send_one(app, item)

    await asyncio.gather(*(send(item) for item in outgoing))
    touched = {item.reminder_id for item in outgoing}
    async with maker.begin() as session:
        await service.plan_all(
            session,
            now_utc(),
            grace=settings.grace_period,
            max_overdue=settings.max_overdue_notices,
            reminder_ids=touched,
        )
    return len(ids) < BATCH


async def _prepare(
    session: AsyncSession, delivery_ids: list[int], now: datetime, settings: Settings
) -> list[Outgoing]:
    """Render claimed rows (one query for all); rows far past the grace period become 'missed'."""
    outgoing: list[Outgoing] = []
    for delivery, reminder, chat in await service.deliveries_with_context(session, delivery_ids):
        if reminder is None or chat is None:
            delivery.state = service.FAILED
            delivery.last_error = "reminder or chat no longer exists"
            continue
        late = now - delivery.planned_at
        if delivery.attempts <= 1 and late > settings.grace_period:
            delivery.state = service.MISSED
            delivery.last_error = "missed: fell due longer ago than the grace period"
            continue
        if delivery.attempts <= 1 and late > LATE_AFTER:
            delivery.delayed = True
        lang = render.notice_lang(reminder, chat.lang)
        markup = None
        counts = None
        if reminder.kind == service.MEETING:
            counts = await service.rsvp_counts(session, reminder.id, delivery.occurrence)
            markup = rsvp_keyboard(delivery.id, counts, lang)
        text = render.notice_text(reminder, delivery, lang, counts)
        outgoing.append(Outgoing(delivery.id, reminder.id, chat.id, text, markup))
    return outgoing


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX))


def _retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _send_one(app: AnyApp, item: Outgoing, *, migrated: bool = False) -> None:
    maker = _maker(app)
    try:
        message: Message = await app.bot.send_message(
            item.chat_id, item.text, reply_markup=item.markup
        )
    except RetryAfter as exc:
        wait = _retry_seconds(exc)
        logger.warning("flood control for chat %s: retrying in %.0f s", item.chat_id, wait)
        async with maker.begin() as session:
            await service.record_retry(
                session, item.delivery_id, str(exc), now_utc() + timedelta(seconds=wait + 1)
            )
    except Forbidden as exc:
        await _pause_chat(app, item, str(exc))
    except ChatMigrated as exc:
        new_id = int(exc.new_chat_id)
        logger.info("chat %s migrated to %s; rewriting and resending", item.chat_id, new_id)
        async with maker.begin() as session:
            await service.migrate_chat(session, item.chat_id, new_id)
            await service.record_held(session, item.delivery_id, str(exc))
        if migrated:  # migrated twice in a row: leave it to the next pass
            kick(app)
            return
        async with maker.begin() as session:
            if not await service.claim(session, item.delivery_id):
                return
        await _send_one(
            app,
            Outgoing(item.delivery_id, item.reminder_id, new_id, item.text, item.markup),
            migrated=True,
        )
    except BadRequest as exc:
        if "chat not found" in str(exc).lower():
            await _pause_chat(app, item, str(exc))
            return
        logger.error("notice %s refused by Telegram: %s", item.delivery_id, exc)
        async with maker.begin() as session:
            await service.record_failed(session, item.delivery_id, str(exc))
    except (NetworkError, TelegramError) as exc:
        async with maker.begin() as session:
            row = await session.get(Delivery, item.delivery_id)
            attempts = row.attempts if row is not None else MAX_ATTEMPTS
            if attempts >= MAX_ATTEMPTS:
                logger.error("notice %s failed for good: %s", item.delivery_id, exc)
                await service.record_failed(session, item.delivery_id, str(exc))
            else:
                logger.warning("notice %s not sent (%s); will retry", item.delivery_id, exc)
                await service.record_retry(
                    session, item.delivery_id, str(exc), now_utc() + _backoff(attempts)
                )
    else:
        async with maker.begin() as session:
            await service.record_sent(
                session, item.delivery_id, message.message_id, message.chat_id, now_utc()
            )


async def _pause_chat(app: AnyApp, item: Outgoing, error: str) -> None:
    logger.warning("bot cannot post in chat %s (%s): holding its notices", item.chat_id, error)
    async with _maker(app).begin() as session:
        await service.deactivate_chat(session, item.chat_id)
        await service.record_held(session, item.delivery_id, error)
