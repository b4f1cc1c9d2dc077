"""RSVP buttons on meeting notices: record the answer and update the counts in place."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from db.models import Chat, Delivery, Reminder
from handlers.common import Context, sessions, user_lang
from scheduler import delivery, render, service
from texts import DEFAULT_LANG, t

RSVP_PATTERN = re.compile(r"^rsvp:(\d{1,12}):([ynm])$")


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
    name = user.full_name or user.username or str(user.id)
    async with sessions(context).begin() as session:
        row = await session.get(Delivery, delivery_id)
        reminder = await session.get(Reminder, row.reminder_id) if row is not None else None
        if (
            row is None
            or reminder is None
            or not service.notice_takes_rsvp(row, reminder, message.chat.id, message.message_id)
        ):
            stale = True
        else:
            stale = False
            counts = await service.set_rsvp(
                session, reminder.id, row.occurrence, user.id, name, answer, datetime.now(UTC)
            )
            chat = await session.get(Chat, message.chat.id)
            chat_lang = chat.lang if chat is not None and chat.lang else DEFAULT_LANG
            text = render.notice_text(reminder, row, chat_lang, counts)
            markup = delivery.rsvp_keyboard(row.id, counts, chat_lang)
    if stale:
        await query.answer(t(lang, "rem.button_stale"))
        return
    await query.answer(t(lang, "rem.rsvp_saved", answer=t(lang, f"rem.rsvp_{answer}")))
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # same answer twice: "message is not modified"
        if "not modified" not in str(exc).lower():
            raise


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CallbackQueryHandler(record_rsvp, pattern=r"^rsvp:"))
