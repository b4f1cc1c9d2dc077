"""Bot-admin commands: reload the FAQ store, review the unanswered queue."""

from __future__ import annotations

import asyncio
import html
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from config import Settings
from db.faq_repo import unanswered_questions
from faq.store import StoreError, load_store
from handlers.common import SETTINGS, Context, is_bot_admin, sessions, settings_of, user_lang
from handlers.faq import install_catalog
from texts import split_text, t

PROBLEMS_SHOWN = 20
QUESTION_PREVIEW = 120


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


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("reload", reload_store))
    app.add_handler(CommandHandler("unanswered", list_unanswered))
