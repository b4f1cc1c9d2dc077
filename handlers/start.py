"""Greet users, explain the bot, and let them choose their language."""

from __future__ import annotations

import html
from typing import Any

from telegram import BotCommand, Chat, Update
from telegram.ext import Application, CommandHandler

from handlers.common import Context, may_manage, sessions, store_user_lang, user_lang
from handlers.faq import catalog_of, topics_keyboard
from scheduler.service import set_chat_lang
from texts import LANGUAGES, t


async def greet_user(update: Update, context: Context) -> None:
    """Greet the user and offer the topic browser."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    lang = await user_lang(update, context)
    name = html.escape(user.first_name if user else "")
    catalog = catalog_of(context)
    await message.reply_text(
        t(lang, "start.greeting", name=name),
        reply_markup=topics_keyboard(catalog, lang) if catalog else None,
    )


async def show_help(update: Update, context: Context) -> None:
    """List what the bot does and its commands."""
    if update.effective_message is None:
        return
    lang = await user_lang(update, context)
    await update.effective_message.reply_text(t(lang, "help.text", bot=context.bot.username))


async def set_language(update: Update, context: Context) -> None:
    """Store the user's language from /lang ja|en; a group manager's choice also sets notices'."""
    message = update.effective_message
    if message is None:
        return
    choice = (context.args or [""])[0].lower()
    if choice not in LANGUAGES:
        await message.reply_text(t(await user_lang(update, context), "lang.usage"))
        return
    await store_user_lang(update, context, choice)
    chat = update.effective_chat
    if chat is not None and chat.type != Chat.PRIVATE and await may_manage(update, context):
        async with sessions(context).begin() as session:
            await set_chat_lang(session, chat.id, choice)
    await message.reply_text(t(choice, "lang.set"))


MENU_COMMANDS = (
    "faq",
    "meeting",
    "milestone",
    "remind",
    "agenda",
    "done",
    "cancel",
    "edit",
    "skip",
    "notices",
    "tz",
    "ics",
    "lang",
    "help",
    "start",
)


async def on_startup(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Publish the command menu in both languages (Telegram shows it by the user's language)."""
    for lang in LANGUAGES:
        commands = [BotCommand(name, t(lang, f"command.{name}")) for name in MENU_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if lang == "ja" else lang)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("start", greet_user))
    app.add_handler(CommandHandler("help", show_help))
    app.add_handler(CommandHandler("lang", set_language))
