"""Answers to notices: RSVP on a meeting's, by button or by a short reply (「出席します」), with
the counts updated in place; and 「提出しました」 in reply to a deadline's, which marks it done.
A meeting that was cancelled, or is off that day, takes no answers. A short answer in reply to
the bot's 「会議を登録しました（#3）」 counts for that meeting's next occurrence."""

from __future__ import annotations

import contextlib
import html
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from db.models import Chat, Delivery, Reminder
from handlers.common import Context, may_manage, sessions, user_lang
from handlers.reminders import complete_milestone
from scheduler import delivery, render, service
from scheduler.intent import asks_when_or_where, read_done, read_rsvp
from scheduler.service import called_off
from texts import LANGUAGES, addressed, plain, t

RSVP_PATTERN = re.compile(r"^rsvp:(\d{1,12}):([ynm])$")
CANCELLED = service.OFF_CANCELLED
TITLE_IN_NOTE = 40  # a button's note is a toast: a long title is cut


def _template(key: str) -> re.Pattern[str]:
    """A message the bot sends from ``key``, in any language, its ``#{id}`` captured."""
    shapes = []
    for messages in LANGUAGES.values():
        shape = re.escape(plain(messages[key]))
        shape = shape.replace(re.escape("{id}"), r"(\d{1,12})", 1)
        shapes.append(re.sub(r"\\\{\w+\\\}", ".*?", shape))
    return re.compile("|".join(f"(?:{shape})" for shape in shapes))


# Bot messages about one reminder, by its number: 「✅ 会議を登録しました（#3）」 and the like.
ABOUT_ONE = [
    _template(key)
    for key in ("rem.created_meeting", "rem.created_milestone", "rem.created_remind",
                "rem.edited", "rem.restored")
]  # fmt: skip
# Bot messages about several: an answer there cannot tell which meeting it is for.
ABOUT_SEVERAL = [_template("rem.agenda_header"), _template("rem.agenda_empty")]


def _name(user: User) -> str:
    return user.full_name or user.username or str(user.id)


def _notice_lang(reminder: Reminder, chat: Chat | None) -> str:
    return render.notice_lang(reminder, chat.lang if chat is not None else None)


def _refusal(reminder: Reminder, occurrence: datetime, off: str, lang: str) -> str:
    """Why an answer for a called-off meeting is not taken."""
    title = reminder.title
    if len(title) > TITLE_IN_NOTE:
        title = title[: TITLE_IN_NOTE - 1] + "…"
    when = render.local_datetime(occurrence, ZoneInfo(reminder.tz), lang, zone=False)
    return t(lang, f"rem.rsvp_{off}", id=reminder.id, title=html.escape(title), when=when)


async def _save_answer(
    session: AsyncSession, row: Delivery, reminder: Reminder, user: User, answer: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Record ``user``'s answer; the notice's new text and buttons, in the notice's language."""
    counts = await service.set_rsvp(
        session, reminder.id, row.occurrence, user.id, _name(user), answer, datetime.now(UTC)
    )
    lang = _notice_lang(reminder, await session.get(Chat, row.chat_id))
    text = render.notice_text(reminder, row, lang, counts)
    return text, delivery.rsvp_keyboard(row.id, counts, lang)


async def _closed_notice(session: AsyncSession, row: Delivery, reminder: Reminder) -> str:
    """The notice of a called-off meeting as it should now read, without buttons."""
    lang = _notice_lang(reminder, await session.get(Chat, row.chat_id))
    text, _ = await delivery.notice_now(session, row, reminder, lang)
    return text


def _unchanged(exc: BadRequest) -> bool:
    """The same answer twice leaves the notice as it was: "message is not modified"."""
    return "not modified" in str(exc).lower()


async def _edit_notice(
    context: Context,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    quiet: bool = False,
) -> None:
    """Rewrite a notice; ``quiet`` when it may be too old to edit (it only says more then)."""
    try:
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if not (quiet or _unchanged(exc)):
            raise


async def record_rsvp(update: Update, context: Context) -> None:
    """Save the presser's answer for this meeting and refresh the notice's counts."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    lang = await user_lang(update, context)
    match = RSVP_PATTERN.match(query.data or "")
    message = query.message
    if match is None or message is None:
        await query.answer(t(lang, "rem.button_stale"))
        return
    delivery_id, answer = int(match.group(1)), delivery.RSVP_CODES[match.group(2)]
    saved: tuple[str, InlineKeyboardMarkup] | None = None
    refusal: tuple[str, str] | None = None  # the presser's note, the notice's new text
    async with sessions(context).begin() as session:
        row = await session.get(Delivery, delivery_id)
        reminder = await session.get(Reminder, row.reminder_id) if row is not None else None
        if (
            row is not None
            and reminder is not None
            and service.notice_takes_rsvp(row, reminder, message.chat.id, message.message_id)
        ):
            off = called_off(reminder, row.occurrence)
            if off is not None:
                closed = await _closed_notice(session, row, reminder)
                refusal = plain(_refusal(reminder, row.occurrence, off, lang)), closed
            else:
                saved = await _save_answer(session, row, reminder, user, answer)
    if refusal is not None:
        note, closed = refusal
        await query.answer(note, show_alert=True)
        with contextlib.suppress(BadRequest):  # too old to edit: the note said it anyway
            await query.edit_message_text(closed, reply_markup=None)
        return
    if saved is None:
        await query.answer(t(lang, "rem.button_stale"))
        return
    text, markup = saved
    await query.answer(t(lang, "rem.rsvp_saved", answer=t(lang, f"rem.rsvp_{answer}")))
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if not _unchanged(exc):
            raise


async def answer_notice_reply(update: Update, context: Context) -> None:
    """Take a short reply to a notice as its answer: 「出席します」 to a meeting's,
    「提出しました」 to a deadline's; the same to the bot's confirmation of one counts for it;
    anything else in reply is left to the FAQ."""
    message = update.effective_message
    user = update.effective_user
    replied = message.reply_to_message if message is not None else None
    if message is None or user is None or replied is None or not message.text:
        return
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    answer = read_rsvp(message.text)
    done = read_done(message.text)
    asks = answer is None and not done and asks_when_or_where(message.text)
    if answer is None and not done and not asks:
        return  # another question about the meeting or the deadline: the FAQ reads it
    chat_id, notice_id = message.chat.id, replied.message_id
    saved: tuple[str, InlineKeyboardMarkup] | None = None
    closed: str | None = None
    off: str | None = None
    async with sessions(context).begin() as session:
        found = await service.notice_for_message(session, chat_id, notice_id)
        if found is not None:
            row, reminder = found
            takes = service.notice_takes_rsvp(row, reminder, chat_id, notice_id)
            off = called_off(reminder, row.occurrence) if takes else None
            if answer is not None and off is not None:
                closed = await _closed_notice(session, row, reminder)
            elif answer is not None and takes:
                saved = await _save_answer(session, row, reminder, user, answer)
    if found is None:
        await _answer_other_reply(update, context, replied, answer, done, asks)
        return
    row, reminder = found
    lang = await user_lang(update, context)
    if asks:
        await message.reply_text(render.facts_text(reminder, row.occurrence, lang))
    elif closed is not None and off is not None:
        await message.reply_text(_refusal(reminder, row.occurrence, off, lang))
        await _edit_notice(context, chat_id, notice_id, closed, None, quiet=True)
    elif saved is not None and answer is not None:
        name, answer_text = html.escape(_name(user)), t(lang, f"rem.rsvp_{answer}")
        await message.reply_text(
            t(lang, "rem.rsvp_by_reply", name=addressed(name, lang), answer=answer_text)
        )
        text, markup = saved
        await _edit_notice(context, chat_id, notice_id, text, markup)
    elif done and reminder.kind == service.MILESTONE:
        await _mark_done_by_reply(update, context, lang, reminder.id)
    else:
        return
    raise ApplicationHandlerStop  # answered: not a question for the FAQ


async def _answer_other_reply(
    update: Update,
    context: Context,
    replied: Message,
    answer: str | None,
    done: bool,
    asks: bool,
) -> None:
    """An answer in reply to a bot message that is no notice: to the confirmation of a meeting
    it counts for that meeting, to a deadline's 「提出しました」 marks it done, 「何時から？」
    gets its next date and place; to the agenda it gets a pointer to the notices' buttons.
    Anything else is left to the FAQ."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    replied_text = replied.text or ""
    about = next((found for pattern in ABOUT_ONE if (found := pattern.match(replied_text))), None)
    lang = await user_lang(update, context)
    if about is not None:
        reminder_id = int(next(group for group in about.groups() if group is not None))
        async with sessions(context)() as session:
            reminder = await service.get_reminder(session, message.chat.id, reminder_id)
        if reminder is not None and reminder.kind == service.MEETING and answer is not None:
            reply = await _answer_meeting(update, context, lang, reminder, answer)
            await message.reply_text(reply)
            raise ApplicationHandlerStop
        if reminder is not None and reminder.kind == service.MILESTONE and done:
            await _mark_done_by_reply(update, context, lang, reminder.id)
            raise ApplicationHandlerStop
        if reminder is not None and asks:
            now = datetime.now(UTC)
            upcoming = reminder.occurrence if reminder.status == service.ACTIVE else None
            if upcoming is None or upcoming <= now:
                upcoming = service.next_occurrence(reminder, now)
            await message.reply_text(render.facts_text(reminder, upcoming, lang))
            raise ApplicationHandlerStop
    if answer is not None and (
        about is not None or any(pattern.match(replied_text) for pattern in ABOUT_SEVERAL)
    ):
        await message.reply_text(t(lang, "rem.rsvp_pointer"))
        raise ApplicationHandlerStop


async def _answer_meeting(
    update: Update, context: Context, lang: str, reminder: Reminder, answer: str
) -> str:
    """Record an answer for a meeting's next occurrence (given in reply to its confirmation),
    refresh the notices of it already sent, and say so; or why it cannot be taken."""
    user = update.effective_user
    assert user is not None
    now = datetime.now(UTC)
    current = reminder.occurrence
    occurrence = current if current is not None and current > now else None
    if occurrence is None and reminder.status == service.ACTIVE:
        occurrence = service.next_occurrence(reminder, now)
    if occurrence is None and reminder.status != service.CANCELLED:
        return t(lang, "rem.rsvp_pointer")
    off = called_off(reminder, occurrence or now)
    if off is not None or occurrence is None:
        return _refusal(reminder, occurrence or now, off or CANCELLED, lang)
    async with sessions(context).begin() as session:
        await service.set_rsvp(session, reminder.id, occurrence, user.id, _name(user), answer, now)
        sent = await service.sent_notices(session, reminder.id, now, [occurrence])
    await delivery.refresh_notices(context.application, sent)
    when = render.local_datetime(occurrence, ZoneInfo(reminder.tz), lang, zone=False)
    return t(
        lang, "rem.rsvp_by_reply_meeting", name=addressed(html.escape(_name(user)), lang),
        id=reminder.id, title=html.escape(reminder.title), when=when,
        answer=t(lang, f"rem.rsvp_{answer}"),
    )  # fmt: skip


async def _mark_done_by_reply(
    update: Update, context: Context, lang: str, reminder_id: int
) -> None:
    """Mark the deadline done for an administrator; tell anyone else who can."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    if not await may_manage(update, context):
        await message.reply_text(t(lang, "rem.done_by_admin", id=reminder_id))
        return
    await message.reply_text(await complete_milestone(context, chat.id, lang, reminder_id))


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CallbackQueryHandler(record_rsvp, pattern=r"^rsvp:"))
    # Ahead of the FAQ's reply handlers (group 0), which would take 「欠席します」 as a question.
    replies = filters.TEXT & filters.REPLY & ~filters.COMMAND
    app.add_handler(MessageHandler(replies, answer_notice_reply), group=-1)
