"""Bot-admin commands: reload the FAQ store, review the unanswered queue and FAQ usage."""

from __future__ import annotations

import asyncio
import html
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from config import Settings
from db.faq_repo import unanswered_questions, usage_summary
from faq.store import StoreError, load_store
from handlers.common import SETTINGS, Context, is_bot_admin, sessions, settings_of, user_lang
from handlers.faq import catalog_of, install_catalog
from texts import split_text, t

PROBLEMS_SHOWN = 20
QUESTION_PREVIEW = 120
DEFAULT_STATS_DAYS = 30
MAX_STATS_DAYS = 366


async def admin_language(update: Update, context: Context) -> str | None:
    """The sender's language if they are a bot admin; others are told no and get None."""
    lang = await user_lang(update, context)
    if is_bot_admin(update.effective_user.id if update.effective_user else None, context):
        return lang
    if update.effective_message is not None:
        await update.effective_message.reply_text(t(lang, "admin.not_allowed"))
    return None


async def reload_store(update: Update, context: Context) -> None:
    """Reload the FAQ file; a broken file is reported and the current store stays in use."""
    message = update.effective_message
    lang = await admin_language(update, context)
    if message is None or lang is None:
        return
    settings: Settings = context.bot_data[SETTINGS]
    try:
        entries = await asyncio.to_thread(load_store, settings.faq_store)
    except StoreError as error:
        listed = "\n".join(html.escape(str(p)) for p in error.problems[:PROBLEMS_SHOWN])
        await message.reply_text(t(lang, "admin.reload_failed", problems=listed))
        return
    report = await install_catalog(context.application, entries)
    await message.reply_text(
        t(
            lang,
            "admin.reload_ok",
            total=report.total,
            added=report.added,
            updated=report.updated,
            removed=report.removed,
        )
    )


async def list_unanswered(update: Update, context: Context) -> None:
    """Show the newest questions the bot could not answer or that were rated unhelpful."""
    message = update.effective_message
    lang = await admin_language(update, context)
    if message is None or lang is None:
        return
    async with sessions(context)() as session:
        questions = await unanswered_questions(session)
    if not questions:
        await message.reply_text(t(lang, "admin.unanswered_none"))
        return
    lines = [t(lang, "admin.unanswered_header")]
    for question in questions:
        when = question.created_at.astimezone(settings_of(context).timezone)
        preview = question.text[:QUESTION_PREVIEW]
        lines.append(f"• {when:%m/%d %H:%M} {html.escape(preview)}")
    for page in split_text("\n".join(lines), 4000):
        await message.reply_text(page)


async def show_usage(update: Update, context: Context) -> None:
    """Summarise the FAQ's use over the last days: asked, answered, rated, most given."""
    message = update.effective_message
    lang = await admin_language(update, context)
    if message is None or lang is None:
        return
    arg = " ".join(context.args or [])
    if arg and not (arg.isdigit() and 1 <= int(arg) <= MAX_STATS_DAYS):
        await message.reply_text(t(lang, "admin.stats_usage"))
        return
    days = int(arg) if arg else DEFAULT_STATS_DAYS
    async with sessions(context)() as session:
        summary = await usage_summary(session, datetime.now(UTC) - timedelta(days=days))
    if not summary.asked:
        await message.reply_text(t(lang, "admin.stats_empty", days=days))
        return
    lines = [
        t(lang, "admin.stats_header", days=days),
        t(lang, "admin.stats_counts", asked=summary.asked, answered=summary.answered,
          share=round(100 * summary.answered / summary.asked),
          unanswered=summary.asked - summary.answered),
        t(lang, "admin.stats_feedback", helpful=summary.helpful, unhelpful=summary.unhelpful),
    ]  # fmt: skip
    catalog = catalog_of(context)
    if summary.top_entries:
        lines.append(t(lang, "admin.stats_top"))
    for entry_id, count in summary.top_entries:
        entry = catalog.entries.get(entry_id) if catalog is not None else None
        name = catalog.twin(entry, lang).question if catalog and entry else entry_id
        lines.append(t(lang, "admin.stats_top_item", question=html.escape(name), count=count))
    await message.reply_text("\n".join(lines))


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("reload", reload_store))
    app.add_handler(CommandHandler("stats", show_usage))
    app.add_handler(CommandHandler("unanswered", list_unanswered))
