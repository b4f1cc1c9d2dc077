"""Calendar files: /ics sends the agenda as an .ics file; admins' .ics uploads become meetings."""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Chat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from db.models import Reminder
from handlers.common import Context, may_manage, sessions, settings_of, user_lang
from scheduler import delivery, ics, service
from scheduler.recurrence import describe, next_occurrence
from texts import t

logger = logging.getLogger(__name__)

MAX_LISTED = 10  # the confirmation lists this many meetings, then "…and N more"


def import_report(reminders: list[Reminder], skipped: int, lang: str, now: datetime) -> str:
    """The confirmation: counts, then the meetings soonest first, user text escaped."""
    if not reminders:
        return t(lang, "cal.import_nothing", skipped=skipped)
    lines = [
        t(lang, "cal.import_done", imported=len(reminders), s="" if len(reminders) == 1 else "s")
    ]
    if skipped:
        lines.append(
            t(lang, "cal.import_skipped", skipped=skipped, s2="" if skipped == 1 else "s")
        )
    dated = []
    for reminder in reminders:
        upcoming = next_occurrence(reminder.start, reminder.rrule, now, reminder.tz)
        dated.append((upcoming or reminder.start, reminder))
    dated.sort(key=lambda pair: pair[0])
    for when, reminder in dated[:MAX_LISTED]:
        wording = describe(when, reminder.rrule, lang, reminder.tz)
        lines.append(
            t(
                lang,
                "cal.import_line",
                title=html.escape(reminder.title),
                when=html.escape(wording),
            )
        )
    if len(dated) > MAX_LISTED:
        lines.append(t(lang, "cal.import_more", count=len(dated) - MAX_LISTED))
    return "\n".join(lines)


def refusal(error: ics.IcsError, lang: str) -> str:
    """Why a file was refused, in the user's language, with nothing half-imported."""
    details = {key: html.escape(str(value)) for key, value in error.details.items()}
    if details.get("title") == "":
        details["title"] = t(lang, "cal.untitled")
    return t(lang, "cal.error.intro") + "\n" + t(lang, f"cal.error.{error.code}", **details)


async def send_calendar(update: Update, context: Context) -> None:
    """Send this chat's active reminders as an .ics calendar file."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    lang = await user_lang(update, context)
    async with sessions(context)() as session:
        rows = await ics.active_reminders(session, chat.id)
    if not rows:
        await message.reply_text(t(lang, "cal.export_empty"))
        return
    name = t(lang, "cal.export_name", chat=chat.title or chat.full_name or "").strip()
    data = await asyncio.to_thread(
        ics.build_calendar, rows, context.bot.username, datetime.now(UTC), name
    )
    await message.reply_document(
        document=data,
        filename=ics.FILENAME,
        caption=t(lang, "cal.export_caption", count=len(rows)),
    )


async def import_calendar(update: Update, context: Context) -> None:
    """Add the events of an uploaded .ics file as meetings, all or nothing."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or message.document is None:
        return
    lang = await user_lang(update, context)
    if not await may_manage(update, context):
        if chat.type != Chat.PRIVATE:
            await message.reply_text(t(lang, "cal.import_not_allowed"))
        return
    document = message.document
    if document.file_size and document.file_size > ics.MAX_BYTES:
        size = ics.IcsError("too_large", size_kb=document.file_size // 1024,
                            limit_kb=ics.MAX_BYTES // 1024)  # fmt: skip
        await message.reply_text(refusal(size, lang))
        return
    try:
        data = bytes(await (await context.bot.get_file(document.file_id)).download_as_bytearray())
    except TelegramError:
        logger.warning("could not download calendar file in chat %s", chat.id, exc_info=True)
        await message.reply_text(t(lang, "cal.error.download"))
        return
    settings = settings_of(context)
    now = datetime.now(UTC)
    async with sessions(context).begin() as session:
        # Read, parse, then write: SQLite's write lock is taken only after parsing succeeded.
        zone = await service.chat_zone(session, chat.id, settings.timezone)
        try:
            plan = await asyncio.to_thread(ics.parse_calendar, data, zone.key, now)
        except ics.IcsError as error:
            refused: ics.IcsError | None = error
        else:
            refused = None
            await service.ensure_chat(
                session, chat.id, type=chat.type, title=chat.title, lang=lang
            )
            created = await ics.import_events(
                session, chat.id, plan, now=now, untitled=t(lang, "cal.untitled"),
                created_by=user.id if user else None,
                max_overdue=settings.max_overdue_notices,
            )  # fmt: skip
    if refused is not None:
        await message.reply_text(refusal(refused, lang))
        return
    logger.info("imported %d meetings into chat %s", len(created), chat.id)
    report = import_report(created, len(plan.skipped), lang, now - timedelta(seconds=1))
    await message.reply_text(report)
    if created:
        delivery.kick(context.application)


ICS_DOCUMENT = filters.UpdateType.MESSAGE & (
    filters.Document.FileExtension("ics") | filters.Document.MimeType("text/calendar")
)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("ics", send_calendar))
    app.add_handler(MessageHandler(ICS_DOCUMENT, import_calendar))
