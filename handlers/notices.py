"""Answers to notices: RSVP on a meeting's, by button or by a short reply (「出席します」), with
the counts updated in place; and 「提出しました」 in reply to a deadline's, which marks it done."""

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
from handlers.common import Context, may_manage, sessions, user_lang
from handlers.reminders import complete_milestone
from scheduler import delivery, render, service
from scheduler.intent import read_done, read_rsvp
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


async def answer_notice_reply(update: Update, context: Context) -> None:
    """Take a short reply to a notice as its answer: 「出席します」 to a meeting's,
    「提出しました」 to a deadline's; anything else in reply is left to the FAQ."""
    message = update.effective_message
    user = update.effective_user
    replied = message.reply_to_message if message is not None else None
    if message is None or user is None or replied is None or not message.text:
        return
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    answer = read_rsvp(message.text)
    done = read_done(message.text)
    if answer is None and not done:
        return  # a question about the meeting or the deadline: the FAQ reads it
    chat_id, notice_id = message.chat.id, replied.message_id
    saved: tuple[str, InlineKeyboardMarkup] | None = None
    async with sessions(context).begin() as session:
        found = await service.notice_for_message(session, chat_id, notice_id)
        if found is None:
            return  # a reply to an FAQ answer or a confirmation
        row, reminder = found
        if answer is not None and service.notice_takes_rsvp(row, reminder, chat_id, notice_id):
            saved = await _save_answer(session, row, reminder, user, answer)
    lang = await user_lang(update, context)
    if saved is not None and answer is not None:
        name, answer_text = html.escape(_name(user)), t(lang, f"rem.rsvp_{answer}")
        await message.reply_text(t(lang, "rem.rsvp_by_reply", name=name, answer=answer_text))
        text, markup = saved
        try:
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=notice_id, reply_markup=markup
            )
        except BadRequest as exc:
            if not _unchanged(exc):
                raise
    elif done and reminder.kind == service.MILESTONE:
        await _mark_done_by_reply(update, context, lang, reminder.id)
    else:
        return
    raise ApplicationHandlerStop  # answered: not a question for the FAQ


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
    # Ahead of the FAQ's reply handler (group 0), which would take 「欠席します」 as a question.
    replies = filters.ChatType.GROUPS & filters.TEXT & filters.REPLY & ~filters.COMMAND
    app.add_handler(MessageHandler(replies, answer_notice_reply), group=-1)
