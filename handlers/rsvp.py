"""RSVP on meeting notices, by button or by a short reply (「出席します」): record the answer and
update the counts in place."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update, User
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from db.models import Chat, Delivery, Reminder
from handlers.common import Context, sessions, user_lang
from scheduler import delivery, render, service
from scheduler.intent import read_rsvp
from texts import DEFAULT_LANG, t

RSVP_PATTERN = re.compile(r"^rsvp:(\d{1,12}):([ynm])$")


def _name(user: User) -> str:
    return user.full_name or user.username or str(user.id)


async def _save_answer(
    session: AsyncSession, row: Delivery, reminder: Reminder, user: User, answer: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Record ``user``'s answer; the notice's new text and buttons, in the chat's language."""
    counts = await service.set_rsvp(
        session, reminder.id, row.occurrence, user.id, _name(user), answer, datetime.now(UTC)
    )
    chat = await session.get(Chat, row.chat_id)
    chat_lang = chat.lang if chat is not None and chat.lang else DEFAULT_LANG
    text = render.notice_text(reminder, row, chat_lang, counts)
    return text, delivery.rsvp_keyboard(row.id, counts, chat_lang)


def _unchanged(exc: BadRequest) -> bool:
    """The same answer twice leaves the notice as it was: "message is not modified"."""
    return "not modified" in str(exc).lower()


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
    async with sessions(context).begin() as session:
        row = await session.get(Delivery, delivery_id)
        reminder = await session.get(Reminder, row.reminder_id) if row is not None else None
        if (
            row is not None
            and reminder is not None
            and service.notice_takes_rsvp(row, reminder, message.chat.id, message.message_id)
        ):
            saved = await _save_answer(session, row, reminder, user, answer)
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


async def rsvp_by_reply(update: Update, context: Context) -> None:
    """Take a short reply to a meeting notice (「出席します」) as its RSVP button."""
    message = update.effective_message
    user = update.effective_user
    replied = message.reply_to_message if message is not None else None
    if message is None or user is None or replied is None or not message.text:
        return
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    answer = read_rsvp(message.text)
    if answer is None:
        return  # a question about the meeting: the FAQ reads it
    async with sessions(context).begin() as session:
        found = await service.notice_for_message(session, message.chat.id, replied.message_id)
        saved = await _save_answer(session, *found, user, answer) if found else None
    if saved is None:
        return  # a reply to an FAQ answer or a confirmation
    text, markup = saved
    lang = await user_lang(update, context)
    await message.reply_text(
        t(
            lang,
            "rem.rsvp_by_reply",
            name=html.escape(_name(user)),
            answer=t(lang, f"rem.rsvp_{answer}"),
        )
    )
    try:
        await context.bot.edit_message_text(
            text, chat_id=message.chat.id, message_id=replied.message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if not _unchanged(exc):
            raise
    raise ApplicationHandlerStop  # answered: not a question for the FAQ


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CallbackQueryHandler(record_rsvp, pattern=r"^rsvp:"))
    # Ahead of the FAQ's reply handler (group 0), which would take 「欠席します」 as a question.
    replies = filters.ChatType.GROUPS & filters.TEXT & filters.REPLY & ~filters.COMMAND
    app.add_handler(MessageHandler(replies, rsvp_by_reply), group=-1)
