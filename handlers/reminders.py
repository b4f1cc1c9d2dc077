"""Meetings, milestones and reminders: create, list, move, cancel, mark done; per-chat settings."""

from __future__ import annotations

import contextlib
import html
import re
import secrets
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from db.models import Chat, Reminder
from handlers.common import Context, command_text, may_manage, sessions, settings_of, user_lang
from scheduler import delivery, render, service, timeparse
from scheduler.intent import one_meeting, read_edit_words, says_postpone
from texts import plain, t

UNDO_PREFIX = "rem:undo:"
UNDO_PATTERN = re.compile(r"^rem:undo:(\d{1,12})$")
RESTORE_PREFIX = "rem:restore:"
RESTORE_PATTERN = re.compile(r"^rem:restore:(\d{1,12})$")
UNSKIP_PREFIX = "rem:unskip:"
UNSKIP_PATTERN = re.compile(r"^rem:unskip:(\d{1,12}):(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$")
# Where a place may begin: an @ or ＠ (see _place_at for the ones that are not a place).
PLACE_MARK = re.compile(r"[@＠]")
# foo@example.com: an @ between ASCII letters or digits is inside an e-mail address.
EMAIL_AT = re.compile(r"(?<=[A-Za-z0-9._%+\-])@(?=[A-Za-z0-9])")
# @renkei_bot, @tanaka_taro: an ASCII @ glued to a Telegram username (5 to 32 letters, digits
# or _) is a mention; a place in such letters is written with a space (@ Teams) or ＠.
MENTION = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}(?![A-Za-z0-9_.@\-])")
# @Teams, @Webex, @GoogleMeet: an online meeting service is a place, though username-shaped.
ONLINE_MEETING = re.compile(
    r"@(?:teams|webex|skype|discord|slack|google_?meet|zoom\w*)(?![A-Za-z0-9_])", re.IGNORECASE
)
ID_PATTERN = re.compile(r"^#?(\d{1,12})$")
NUMBERED = re.compile(r"#\d{1,12}$")  # an undo button among several names its reminder
REQUEST_PREFIX = "rem:req:"
REQUEST_PATTERN = re.compile(r"^rem:req:([0-9a-f]{8})$")
PENDING_REQUESTS = "reminder_requests"  # chat_data: token -> (command, text) awaiting a press
MAX_PENDING_REQUESTS = 20
PICK_PREFIX = "rem:pick:"
PICK_PATTERN = re.compile(r"^rem:pick:(done|cancel):(\d{1,12})$")
# /done or /cancel without a number lists this many of the chat's reminders as buttons.
MAX_PICKS = 10
PICK_TITLE_CHARS = 28
DEFAULT_AGENDA_DAYS = 30
MAX_AGENDA_DAYS = 366


def _now() -> datetime:
    return datetime.now(UTC)


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=markup)


async def _allowed(update: Update, context: Context, lang: str) -> bool:
    """Whether the sender may change things here; politely refuse them if not."""
    if await may_manage(update, context):
        return True
    await _reply(update, t(lang, "rem.not_admin"))
    return False


async def _seen_chat(session: AsyncSession, update: Update, lang: str) -> int:
    """Record the chat (its language defaults to the first creator's); return its id."""
    chat = update.effective_chat
    assert chat is not None
    await service.ensure_chat(session, chat.id, type=chat.type, title=chat.title, lang=lang)
    return chat.id


def _split_place(text: str) -> tuple[str, str | None]:
    """``明日10時 定例会 @ 公民館`` / ``…（第4回）@市役所``: the text before the last @ (or ＠)
    that starts a place, and the place; the @ of an e-mail address, of a mention
    (``@renkei_bot``) or before a clock time (``明日＠10時``) starts none. A ※ note after the
    place stays with the text."""
    at = _place_at(text)
    if at is None:
        return text, None
    # 「@ 公民館 ※12/30は休み」: a note after the place is about the dates, not the place
    place, mark, note = text[at + 1 :].partition("※")
    return f"{text[:at].strip()} {mark}{note}".strip(), place.strip()


def _place_at(text: str) -> int | None:
    """Where the last @ that starts a place is, if any."""
    normal = "".join(_narrow(char) for char in text)  # full-width to ASCII, one for one
    at_clock = timeparse.at_before_clock(text)
    for mark in reversed(list(PLACE_MARK.finditer(text))):
        at = mark.start()
        mention = MENTION.match(text, at) and not ONLINE_MEETING.match(text, at)
        at_not_place = EMAIL_AT.match(normal, at) or mention
        if at_not_place or at in at_clock:
            continue
        return at
    return None


def _narrow(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def _parse_id(word: str) -> int | None:
    match = ID_PATTERN.match(unicodedata.normalize("NFKC", word).strip())
    return int(match.group(1)) if match else None


def _more_ids(rest: list[str]) -> list[int]:
    """The further numbers of ``/cancel 3 4 5``; none unless every word is one."""
    ids = [_parse_id(word) for word in rest[0].split()] if rest else []
    return [found for found in ids if found is not None] if None not in ids else []


async def _create(update: Update, context: Context, kind: str, command: str) -> None:
    await _create_from(update, context, kind, command, command_text(update))


async def _create_from(
    update: Update, context: Context, kind: str, command: str, text: str
) -> None:
    lang = await user_lang(update, context)
    if not text:
        await _reply(update, t(lang, f"rem.usage_{kind}"))
        return
    if not await _allowed(update, context, lang):
        return
    place: str | None = None
    if kind == service.MEETING:
        text, place = _split_place(text)
        if place == "":
            await _reply(update, t(lang, "rem.bad_place"))
            return
    settings = settings_of(context)
    async with sessions(context).begin() as session:
        chat_id = await _seen_chat(session, update, lang)
        tz = await service.chat_zone(session, chat_id, settings.timezone)
    now = _now()
    parsed = timeparse.parse(text, now, tz)
    if parsed.error is not None:
        await _reply(update, timeparse.error_message(parsed.error, lang))
        return
    if parsed.start is None:
        await _reply(update, t(lang, f"rem.usage_{kind}"))
        return
    title = (parsed.title or parsed.meal_title).strip()
    if not title:
        await _reply(update, t(lang, "rem.missing_title", command=command))
        return
    user = update.effective_user
    async with sessions(context).begin() as session:
        reminder = await service.create_reminder(
            session,
            chat_id=chat_id,
            kind=kind,
            title=title[:1000],
            place=place[:500] if place else None,
            start=parsed.start,
            tz=tz.key,
            rrule=parsed.rrule,
            days_off=parsed.days_off,
            duration=parsed.duration,
            now=now,
            created_by=user.id if user else None,
            max_overdue=settings.max_overdue_notices,
        )
    button = InlineKeyboardButton(
        t(lang, "rem.undo_button"), callback_data=f"{UNDO_PREFIX}{reminder.id}"
    )
    undo = InlineKeyboardMarkup([[button]])
    doubts = _doubts(parsed, reminder, lang)
    text = "\n".join([render.confirmation(reminder, lang, now), *doubts])
    await _reply(update, text, undo)
    delivery.kick(context.application)


def _doubts(parsed: timeparse.ParsedWhen, reminder: Reminder, lang: str) -> list[str]:
    """Lines pointing out what the user may not have meant, each with the /edit that fixes it."""
    lines = []
    if parsed.weekday_mismatch is not None:
        lines.append(render.weekday_hint(reminder, parsed.weekday_mismatch, lang))
    if parsed.early_bare_hour:
        lines.append(render.early_hour_hint(reminder, lang))
    if parsed.range_end_doubtful:
        lines.append(render.range_end_hint(reminder, lang))
    return lines


def request_button(context: Context, lang: str, command: str, text: str) -> InlineKeyboardMarkup:
    """A button that schedules ``/command text`` (a reminder asked for in words) when someone
    who may manage the chat presses it; the request waits in the chat's data meanwhile."""
    pending = (
        context.chat_data.setdefault(PENDING_REQUESTS, {}) if context.chat_data is not None else {}
    )
    token = secrets.token_hex(4)
    pending[token] = (command, text)
    while len(pending) > MAX_PENDING_REQUESTS:
        pending.pop(next(iter(pending)))
    button = InlineKeyboardButton(
        t(lang, "rem.request_button"), callback_data=f"{REQUEST_PREFIX}{token}"
    )
    return InlineKeyboardMarkup([[button]])


async def schedule_request(update: Update, context: Context) -> None:
    """Schedule the reminder a request's button was offered for, once."""
    press = await _manager_press(update, context, REQUEST_PATTERN)
    if press is None:
        return
    query, lang, _, match = press
    pending = context.chat_data.get(PENDING_REQUESTS, {}) if context.chat_data is not None else {}
    request = pending.pop(match.group(1), None)
    if request is None:
        await query.answer(t(lang, "rem.button_stale"))
        return
    await query.answer()
    with contextlib.suppress(BadRequest):  # the button goes, so it cannot schedule twice
        await query.edit_message_reply_markup(None)
    command, text = request
    await _create_from(update, context, command, command, text)


async def create_meeting(update: Update, context: Context) -> None:
    """Schedule a meeting with notices before it and RSVP buttons."""
    await _create(update, context, service.MEETING, "meeting")


async def create_milestone(update: Update, context: Context) -> None:
    """Schedule a deadline with notices before, at, and after it until marked done."""
    await _create(update, context, service.MILESTONE, "milestone")


async def create_reminder(update: Update, context: Context) -> None:
    """Schedule a plain one-off or recurring reminder."""
    await _create(update, context, service.REMIND, "remind")


async def _manager_press(
    update: Update, context: Context, pattern: re.Pattern[str], stale: str = "rem.button_stale"
) -> tuple[CallbackQuery, str, int, re.Match[str]] | None:
    """Read a button only the chat's managers may press (undo, pick, schedule): (query,
    language, chat id, its data matched), or None once the press is answered as stale or as
    not the presser's to make."""
    query = update.callback_query
    if query is None:
        return None
    lang = await user_lang(update, context)
    match = pattern.match(query.data or "")
    chat = update.effective_chat
    if match is None or chat is None:
        await query.answer(t(lang, stale))
        return None
    if not await may_manage(update, context):
        await query.answer(plain(t(lang, "rem.not_admin")), show_alert=True)
        return None
    return query, lang, chat.id, match


async def _settle(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer the press and turn the message with the button into ``text``."""
    await query.answer()
    with contextlib.suppress(BadRequest):  # too old to edit, or already says so
        await query.edit_message_text(text, reply_markup=markup)


async def undo_creation(update: Update, context: Context) -> None:
    """Take back a reminder from its confirmation's undo button."""
    press = await _manager_press(update, context, UNDO_PATTERN, stale="rem.undo_gone")
    if press is None:
        return
    query, lang, chat_id, match = press
    reminder_id = int(match.group(1))
    async with sessions(context).begin() as session:
        removed = await service.undo_reminder(session, chat_id, reminder_id)
    await _settle(query, t(lang, "rem.undone" if removed else "rem.undo_gone", id=reminder_id))


async def _id_command(
    update: Update, context: Context, command: str
) -> tuple[str, int, list[str]] | None:
    """Check rights and read ``/<command> <id> [rest]``; reply and return None on a problem."""
    lang = await user_lang(update, context)
    words = command_text(update).split(maxsplit=1)
    reminder_id = _parse_id(words[0]) if words else None
    if reminder_id is None:
        if not words and command in ("done", "cancel"):
            if await _allowed(update, context, lang):
                await _offer_picks(update, context, lang, command)
            return None
        key = f"rem.usage_{command}" if command in ("edit", "skip") else "rem.usage_id"
        await _reply(update, t(lang, key, command=command))
        return None
    if not await _allowed(update, context, lang):
        return None
    return lang, reminder_id, words[1:]


async def _offer_picks(update: Update, context: Context, lang: str, command: str) -> None:
    """Answer /done or /cancel without a number with the chat's candidates as buttons, each
    with its next date (a series marked 🔁), and how many more there are past MAX_PICKS."""
    chat = update.effective_chat
    assert chat is not None
    async with sessions(context)() as session:
        tz = await service.chat_zone(session, chat.id, settings_of(context).timezone)
        items = await service.agenda(session, chat.id, _now(), MAX_AGENDA_DAYS)
    picks = [
        item
        for item in items
        if command == "cancel"
        or (item.reminder.kind == service.MILESTONE and item.reminder.status != service.DONE)
    ]
    if not picks:
        await _reply(update, t(lang, f"rem.pick_none_{command}"))
        return
    buttons = [
        [InlineKeyboardButton(_pick_label(item, tz, lang),
                              callback_data=f"{PICK_PREFIX}{command}:{item.reminder.id}")]
        for item in picks[:MAX_PICKS]
    ]  # fmt: skip
    text = t(lang, f"rem.pick_{command}")
    if len(picks) > MAX_PICKS:
        text += "\n" + t(lang, "rem.pick_more", n=len(picks) - MAX_PICKS, command=command)
    await _reply(update, text, InlineKeyboardMarkup(buttons))


def _pick_label(item: service.AgendaItem, tz: ZoneInfo, lang: str) -> str:
    """``#3 12月9日(水) 🔁 学習支援``: enough to tell a series from a one-off of the same name."""
    reminder = item.reminder
    parts = [f"#{reminder.id}"]
    if item.next_at is not None:
        parts.append(render.local_date(item.next_at, tz, lang))
    if reminder.rrule:
        parts.append("🔁")
    parts.append(reminder.title[:PICK_TITLE_CHARS])
    return " ".join(parts)


async def pick_reminder(update: Update, context: Context) -> None:
    """Mark done or cancel the reminder pressed in a /done or /cancel list."""
    press = await _manager_press(update, context, PICK_PATTERN)
    if press is None:
        return
    query, lang, chat_id, match = press
    reminder_id = int(match.group(2))
    if match.group(1) == "done":
        await _settle(query, await complete_milestone(context, chat_id, lang, reminder_id))
        return
    text, cancelled = await _cancel(context, chat_id, lang, reminder_id)
    undo = InlineKeyboardMarkup([[_restore_button(lang, cancelled)]]) if cancelled else None
    await _settle(query, text, undo)


async def _live_reminder(
    update: Update, context: Context, lang: str, reminder_id: int
) -> Reminder | None:
    """A reminder of this chat that is not cancelled; None (and a reply) if it is gone."""
    assert update.effective_chat is not None
    async with sessions(context)() as session:
        existing = await service.get_reminder(session, update.effective_chat.id, reminder_id)
    if existing is None or existing.status == service.CANCELLED:
        await _reply(update, t(lang, "rem.not_found", id=reminder_id))
        return None
    return existing


async def cancel_reminder(update: Update, context: Context) -> None:
    """Cancel a reminder of this chat so none of its notices go out."""
    read = await _id_command(update, context, "cancel")
    if read is None or update.effective_chat is None:
        return
    lang, reminder_id, rest = read
    ids = [reminder_id, *_more_ids(rest)]
    done = [await _cancel(context, update.effective_chat.id, lang, each) for each in ids]
    cancelled = [each for _, each in done if each is not None]
    buttons = [[_restore_button(lang, each, numbered=len(cancelled) > 1)] for each in cancelled]
    markup = InlineKeyboardMarkup(buttons) if buttons else None
    await _reply(update, "\n".join(text for text, _ in done), markup)


async def _cancel(
    context: Context, chat_id: int, lang: str, reminder_id: int
) -> tuple[str, int | None]:
    """Cancel a reminder of the chat: the reply saying so (or why not), and its id if done."""
    try:
        async with sessions(context).begin() as session:
            reminder = await service.cancel_reminder(session, chat_id, reminder_id)
            sent = await service.sent_notices(session, reminder.id, _now())
    except service.ReminderError as exc:
        return t(lang, f"rem.{exc.code}", id=reminder_id), None
    await delivery.refresh_notices(context.application, sent)  # their buttons go
    return _with_title(lang, "rem.cancelled", reminder), reminder.id


def _restore_button(lang: str, reminder_id: int, numbered: bool = False) -> InlineKeyboardButton:
    label = t(lang, "rem.restore_button") + (f" #{reminder_id}" if numbered else "")
    return InlineKeyboardButton(label, callback_data=f"{RESTORE_PREFIX}{reminder_id}")


async def restore_cancelled(update: Update, context: Context) -> None:
    """Take back a cancellation from its reply's undo button."""
    press = await _manager_press(update, context, RESTORE_PATTERN)
    if press is None:
        return
    query, lang, chat_id, match = press
    reminder_id = int(match.group(1))
    settings = settings_of(context)
    try:
        async with sessions(context).begin() as session:
            reminder = await service.restore_reminder(
                session, chat_id, reminder_id, _now(), settings.max_overdue_notices
            )
            sent = await service.sent_notices(session, reminder.id, _now())
    except service.ReminderError as exc:
        await query.answer(plain(t(lang, f"rem.{exc.code}", id=reminder_id)))
        return
    await delivery.refresh_notices(context.application, sent)  # their buttons are back
    text = _with_title(lang, "rem.restored", reminder)
    text += "\n" + render.schedule_text(reminder, reminder.occurrence, lang)
    earlier, others = _rest_of_cancellation(query)
    await _settle(query, f"{earlier}\n{text}" if earlier else text, others)
    delivery.kick(context.application)


def _rest_of_cancellation(query: CallbackQuery) -> tuple[str | None, InlineKeyboardMarkup | None]:
    """For an undo pressed on the reply to ``/cancel 3 4``: the reply as it reads so far (the
    restored one is added below it) and the undo buttons of the others, still to press; for a
    single cancellation, nothing (the message becomes the restored one)."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return None, None
    keyboard = message.reply_markup.inline_keyboard
    pressed = [button for row in keyboard for button in row if button.callback_data == query.data]
    if not pressed or not NUMBERED.search(pressed[0].text):
        return None, None
    rows = [[button for button in row if button.callback_data != query.data] for row in keyboard]
    rows = [row for row in rows if row]
    return message.text_html, InlineKeyboardMarkup(rows) if rows else None


def _with_title(lang: str, key: str, reminder: Reminder) -> str:
    return t(lang, key, id=reminder.id, title=html.escape(reminder.title))


async def mark_done(update: Update, context: Context) -> None:
    """Mark a milestone complete and stop its notices."""
    read = await _id_command(update, context, "done")
    if read is None or update.effective_chat is None:
        return
    lang, reminder_id, rest = read
    chat_id = update.effective_chat.id
    ids = [reminder_id, *_more_ids(rest)]
    done = [await complete_milestone(context, chat_id, lang, each) for each in ids]
    await _reply(update, "\n".join(done))


async def complete_milestone(context: Context, chat_id: int, lang: str, reminder_id: int) -> str:
    """Mark a milestone of the chat done; the reply saying so, or why it cannot be."""
    try:
        async with sessions(context).begin() as session:
            reminder = await service.mark_done(
                session, chat_id, reminder_id, _now(), settings_of(context).max_overdue_notices
            )
    except service.ReminderError as exc:
        return t(lang, f"rem.{exc.code}", id=reminder_id)
    return _with_title(lang, "rem.done", reminder)


async def edit_reminder(update: Update, context: Context) -> None:
    """Move a reminder, or one meeting of a series, and/or give it a new title or place."""
    read = await _id_command(update, context, "edit")
    if read is None or update.effective_chat is None:
        return
    lang, reminder_id, rest = read
    text, place = _split_place(" " + rest[0]) if rest else ("", None)
    text = text.strip()
    if place and read_edit_words(text) is None:
        text = ""  # 「会場変更 @ 市民センター」: only the place changes
    if not text and not place:
        await _reply(update, t(lang, "rem.usage_edit"))
        return
    chat_id = update.effective_chat.id
    settings = settings_of(context)
    existing = await _live_reminder(update, context, lang, reminder_id)
    if existing is None:
        return
    tz = service.zone(existing.tz, settings.timezone)
    was = existing.occurrence or existing.start
    now = _now()
    shift = timeparse.read_shift(text) if text else None
    # an amount first: 「3日だけ延期」 puts it off three days, it names no meeting on the 3rd
    one = one_meeting(text) if text and shift is None else None
    occurrence = None
    if one is not None:
        text = one.rest
        shift = timeparse.read_shift(text) if text else None
        if existing.rrule is not None:
            occurrence = await _one_occurrence(update, existing, one.which, lang, now, tz)
            if occurrence is None:
                return
    parsed = None
    if text and shift is None:
        parsed = (
            timeparse.parse_near(text, now, tz, occurrence)
            if occurrence is not None
            else timeparse.parse(text, now, tz)
        )
        if parsed.error in (None, "no_time", "empty") and parsed.start is None:
            await _reply(update, render.refusal("edit_no_time", existing, lang, now))
            return
        if parsed.error is not None:
            await _reply(update, timeparse.error_message(parsed.error, lang))
            return
    title = read_edit_words(parsed.title) if parsed is not None else None
    try:
        async with sessions(context).begin() as session:
            edited_id = await _move(
                session, chat_id, reminder_id, shift, parsed, occurrence, now,
                settings.max_overdue_notices,
            )  # fmt: skip
            reminder = await service.describe_reminder(
                session, chat_id, edited_id,
                title=title[:1000] if title else None,
                place=place[:500] if place else None,
            )  # fmt: skip
            report = await service.edit_report(session, reminder, existing, now)
    except service.ReminderError as exc:
        target = parsed.start if parsed is not None else None
        refused = render.refusal(exc.code, existing, lang, now, exc.occurrences, target)
        await _reply(update, refused)
        return
    stale = await delivery.refresh_notices(context.application, list(report.notices))
    shown_title = html.escape(reminder.title)
    if reminder.id != reminder_id:  # one meeting of the series moved on its own
        lines = [t(lang, "rem.edited_once", id=reminder_id, copy=reminder.id, title=shown_title)]
    else:
        lines = [t(lang, "rem.edited", id=reminder.id, title=shown_title)]
    if reminder.title != existing.title:  # so a title read from stray words is noticed
        lines.append(render.renamed_line(reminder, existing.title, lang))
    lines.append(render.schedule_text(reminder, reminder.occurrence, lang))
    if reminder.place:
        lines.append(t(lang, "rem.place", place=html.escape(reminder.place)))
    if parsed is not None:
        lines.extend(_doubts(parsed, reminder, lang))
    now_at = reminder.occurrence or reminder.start
    if now_at < was and says_postpone(text):
        earlier = render.local_datetime(was, ZoneInfo(reminder.tz), lang, zone=False)
        lines.append(t(lang, "rem.postponed_earlier", before=earlier, id=reminder.id))
    lines.extend(render.edit_notes(report, existing, stale, lang))
    await _reply(update, "\n".join(lines))
    delivery.kick(context.application)


async def _one_occurrence(
    update: Update, existing: Reminder, which: str, lang: str, now: datetime, tz: ZoneInfo
) -> datetime | None:
    """The meeting of a series an edit names (「今回だけ」, 「1月の回だけ」); None once the
    reply says why there is no such one meeting."""
    days = timeparse.parse_days(which, now, tz) if which else None
    if which and days is None:
        await _reply(update, render.unreadable_days(existing, which, "edit", lang, now))
        return None
    try:
        return service.pick_occurrence(existing, days, now)
    except service.ReminderError as exc:
        await _reply(update, render.refusal(exc.code, existing, lang, now, exc.occurrences))
        return None


async def _move(
    session: AsyncSession,
    chat_id: int,
    reminder_id: int,
    shift: timedelta | None,
    parsed: timeparse.ParsedWhen | None,
    occurrence: datetime | None,
    now: datetime,
    max_overdue: int,
) -> int:
    """Move the reminder as an /edit says (by an amount, to a new time, or only the one
    meeting ``occurrence`` of its series); the id of the reminder moved (a one-off copy for a
    single meeting), the reminder's own when nothing moves."""
    if shift is not None:
        shifted = await service.shift_reminder(
            session, chat_id, reminder_id, shift, now, max_overdue, only=occurrence
        )
        return shifted.id
    if occurrence is not None and (parsed is None or parsed.rrule is None):
        # 「今回だけ @ 体育館」 with no new time: that meeting alone gets the new place
        start = parsed.start if parsed is not None and parsed.start is not None else occurrence
        copy = await service.move_occurrence(
            session, chat_id, reminder_id, occurrence, start, now, max_overdue,
            parsed.duration if parsed is not None else None,
            keep_day=parsed is not None and parsed.clock_only,
            keep_time=parsed is not None and parsed.day_only,
        )  # fmt: skip
        return copy.id
    if parsed is not None and parsed.start is not None:
        moved = await service.move_reminder(
            session, chat_id, reminder_id, parsed.start, now, parsed.rrule, max_overdue,
            parsed.duration, keep_day=parsed.clock_only, keep_time=parsed.day_only,
        )  # fmt: skip
        return moved.id
    return reminder_id


async def skip_occurrence(update: Update, context: Context) -> None:
    """Call off the next meeting of a series, or those on a given day or in a given month."""
    read = await _id_command(update, context, "skip")
    if read is None or update.effective_chat is None:
        return
    lang, reminder_id, rest = read
    chat_id = update.effective_chat.id
    settings = settings_of(context)
    now = _now()
    existing = await _live_reminder(update, context, lang, reminder_id)
    if existing is None:
        return
    days: tuple[date, date] | None = None
    words = rest[0].strip() if rest else ""
    if words:
        days = timeparse.parse_days(words, now, service.zone(existing.tz, settings.timezone))
        if days is None:
            await _reply(update, render.unreadable_days(existing, words, "skip", lang, now))
            return
    try:
        async with sessions(context).begin() as session:
            reminder, called_off = await service.skip_occurrences(
                session, chat_id, reminder_id, days, now, settings.max_overdue_notices
            )
            sent = await service.sent_notices(session, reminder.id, now, called_off)
    except service.ReminderError as exc:
        await _reply(update, render.refusal(exc.code, existing, lang, now, exc.occurrences))
        return
    await delivery.refresh_notices(context.application, sent)  # their buttons go
    tz = ZoneInfo(reminder.tz)
    text = t(
        lang, "rem.skipped", id=reminder.id, title=html.escape(reminder.title),
        when=render.occurrences_text(called_off, tz, lang, reminder.duration_minutes),
        next=render.schedule_text(reminder, reminder.occurrence, lang),
    )  # fmt: skip
    first, last = (service.local_day(at, tz) for at in (called_off[0], called_off[-1]))
    button = InlineKeyboardButton(
        t(lang, "rem.unskip_button"), callback_data=f"{UNSKIP_PREFIX}{reminder.id}:{first}:{last}"
    )
    await _reply(update, text, InlineKeyboardMarkup([[button]]))
    delivery.kick(context.application)


async def undo_skip(update: Update, context: Context) -> None:
    """Put called-off meetings back from the skip confirmation's undo button."""
    press = await _manager_press(update, context, UNSKIP_PATTERN)
    if press is None:
        return
    query, lang, chat_id, match = press
    days = _valid_days(match.group(2), match.group(3))
    if days is None:
        await query.answer(t(lang, "rem.button_stale"))
        return
    reminder_id = int(match.group(1))
    settings = settings_of(context)
    now = _now()
    try:
        async with sessions(context).begin() as session:
            reminder, restored = await service.unskip_occurrences(
                session, chat_id, reminder_id, days, now, settings.max_overdue_notices
            )
            sent = await service.sent_notices(session, reminder.id, now, restored)
    except service.ReminderError as exc:
        await query.answer(plain(t(lang, f"rem.{exc.code}", id=reminder_id)))
        return
    await delivery.refresh_notices(context.application, sent)  # their buttons are back
    title = html.escape(reminder.title)
    if restored:
        tz = ZoneInfo(reminder.tz)
        when = render.occurrences_text(restored, tz, lang, reminder.duration_minutes)
        text = t(lang, "rem.unskipped", id=reminder.id, title=title, when=when)
    else:
        text = t(lang, "rem.unskipped_past", id=reminder.id, title=title)
    await _settle(query, text)
    delivery.kick(context.application)


def _valid_days(first: str, last: str) -> tuple[date, date] | None:
    try:
        days = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None
    return days if days[0] <= days[1] else None


async def show_agenda(update: Update, context: Context) -> None:
    """List what is coming in this chat, with RSVP counts and any lost notices."""
    lang = await user_lang(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    arg = command_text(update)
    days = DEFAULT_AGENDA_DAYS
    if arg:
        if not arg.isdigit() or not 1 <= int(arg) <= MAX_AGENDA_DAYS:
            await _reply(update, t(lang, "rem.agenda_usage"))
            return
        days = int(arg)
    pages, _ = await agenda_reply(context, chat.id, lang, days)
    for page in pages:
        await _reply(update, page)


async def agenda_reply(
    context: Context, chat_id: int, lang: str, days: int = DEFAULT_AGENDA_DAYS
) -> tuple[list[str], bool]:
    """The /agenda messages for the chat, and whether anything is on it."""
    settings = settings_of(context)
    now = _now()
    async with sessions(context)() as session:
        tz = await service.chat_zone(session, chat_id, settings.timezone)
        items = await service.agenda(session, chat_id, now, days)
    return render.agenda_pages(items, days, tz, lang, now), bool(items)


async def set_timezone(update: Update, context: Context) -> None:
    """Show or change this chat's time zone."""
    lang = await user_lang(update, context)
    arg = command_text(update)
    settings = settings_of(context)
    chat = update.effective_chat
    if chat is None:
        return
    if not arg:
        async with sessions(context)() as session:
            tz = await service.chat_zone(session, chat.id, settings.timezone)
        await _reply(update, t(lang, "rem.tz_show", zone=tz.key))
        return
    if not await _allowed(update, context, lang):
        return
    name = service.valid_zone(arg)
    if name is None:
        await _reply(update, t(lang, "rem.tz_bad", zone=html.escape(arg[:64])))
        return
    async with sessions(context).begin() as session:
        chat_id = await _seen_chat(session, update, lang)
        await service.set_chat_tz(session, chat_id, name)
    await _reply(update, t(lang, "rem.tz_set", zone=name))


async def set_notices(update: Update, context: Context) -> None:
    """Show or change this chat's default meeting notices."""
    lang = await user_lang(update, context)
    arg = command_text(update)
    chat = update.effective_chat
    if chat is None:
        return
    if not arg:
        async with sessions(context)() as session:
            stored = await session.get(Chat, chat.id)
        offsets = service.offsets_for(service.MEETING, stored)
        await _reply(update, t(lang, "rem.notices_show", text=render.offsets_text(offsets, lang)))
        return
    if not await _allowed(update, context, lang):
        return
    parsed = service.parse_offsets(arg)
    if parsed is None:
        await _reply(update, t(lang, "rem.notices_bad"))
        return
    async with sessions(context).begin() as session:
        chat_id = await _seen_chat(session, update, lang)
        await service.set_chat_notices(session, chat_id, parsed)
    await _reply(update, t(lang, "rem.notices_set", text=render.offsets_text(parsed, lang)))


async def explain_edit(update: Update, context: Context) -> None:
    """Say that an edited reminder command changes nothing, and what to use instead."""
    await _reply(update, t(await user_lang(update, context), "rem.edited_command"))


async def on_startup(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await delivery.start(app)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Only new messages: a command edited to fix a typo must not schedule or change twice.
    changes = {
        "meeting": create_meeting, "milestone": create_milestone, "deadline": create_milestone,
        "remind": create_reminder,
        "cancel": cancel_reminder, "edit": edit_reminder, "skip": skip_occurrence,
        "done": mark_done, "tz": set_timezone, "notices": set_notices,
    }  # fmt: skip
    for name, callback in changes.items():
        app.add_handler(CommandHandler(name, callback, filters.UpdateType.MESSAGE))
    edited = filters.Regex(rf"^/(?:{'|'.join(changes)})(?:@\w+)?(?:\s|$)")
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & edited, explain_edit))
    app.add_handler(CommandHandler("agenda", show_agenda))
    app.add_handler(CallbackQueryHandler(undo_creation, pattern=r"^rem:undo:"))
    app.add_handler(CallbackQueryHandler(undo_skip, pattern=r"^rem:unskip:"))
    app.add_handler(CallbackQueryHandler(restore_cancelled, pattern=r"^rem:restore:"))
    app.add_handler(CallbackQueryHandler(pick_reminder, pattern=r"^rem:pick:"))
    app.add_handler(CallbackQueryHandler(schedule_request, pattern=r"^rem:req:"))
