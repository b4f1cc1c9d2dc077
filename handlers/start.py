"""Greet users, explain the bot, and let them choose their language."""

from __future__ import annotations

import difflib
import html
import re
from typing import Any

from telegram import BotCommand, Chat, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers.common import (
    Context,
    glued_command,
    may_manage,
    sessions,
    store_user_lang,
    user_lang,
)
from handlers.faq import catalog_of, topics_keyboard
from scheduler.service import set_chat_lang
from texts import LANGUAGES, addressed, t


async def greet_user(update: Update, context: Context) -> None:
    """Greet the user and offer the topic browser."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    lang = await user_lang(update, context)
    name = html.escape(user.first_name if user else "")
    catalog = catalog_of(context)
    # In a group a plain question goes unheard (privacy mode): say how to ask there.
    where = "" if message.chat.type == Chat.PRIVATE else "_group"
    await message.reply_text(
        t(lang, f"start.greeting{where}", name=addressed(name, lang), bot=context.bot.username),
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
        lang = await user_lang(update, context)
        if choice:
            await message.reply_text(t(lang, "lang.unsupported", choice=html.escape(choice[:20])))
        else:
            await message.reply_text(t(lang, "lang.usage"))
        return
    await store_user_lang(update, context, choice)
    chat = update.effective_chat
    said = t(choice, "lang.set")
    if chat is not None and chat.type != Chat.PRIVATE:
        if await may_manage(update, context):
            async with sessions(context).begin() as session:
                await set_chat_lang(session, chat.id, choice)
            said += "\n" + t(choice, "lang.set_chat")
        else:
            said += "\n" + t(choice, "lang.set_self_only")
    await message.reply_text(said)


UNKNOWN_GROUP = 1
# Ahead of every feature's handlers: a command typed with its text straight after it
# (「/meeting毎週月曜」) runs as that command, and nothing else sees it.
GLUED_GROUP = -2

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


# Words people reach for instead of a command's name; anything else is matched by spelling.
COMMAND_SYNONYMS = {
    "deadline": "milestone", "deadlines": "agenda", "due": "milestone", "task": "milestone",
    "reminder": "remind", "reminders": "agenda", "schedule": "agenda", "list": "agenda",
    "events": "agenda", "upcoming": "agenda", "next": "agenda", "meetings": "agenda",
    "calendar": "ics", "export": "ics", "delete": "cancel", "remove": "cancel",
    "complete": "done", "finish": "done", "finished": "done", "change": "edit",
    "move": "edit", "reschedule": "edit", "pause": "skip", "timezone": "tz", "zone": "tz",
    "language": "lang", "english": "lang", "japanese": "lang", "ask": "faq", "question": "faq",
    "questions": "faq", "commands": "help", "menu": "help", "settings": "help",
}  # fmt: skip
# A command's name is ASCII: in 「/shedule明日」 the name is "shedule".
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]+|\w+)(?:@(?P<bot>[A-Za-z0-9_]+))?")


def known_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> set[str]:
    """The commands some handler of ``app`` answers."""
    handlers: list[BaseHandler[Any, Any, Any]] = [
        handler for group in app.handlers.values() for handler in group
    ]
    return {
        command
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


def closest_command(name: str, known: set[str]) -> str | None:
    """The command the user most likely meant by ``/name``, if any is close."""
    words = sorted(known | COMMAND_SYNONYMS.keys())
    close = difflib.get_close_matches(name.lower(), words, n=1, cutoff=0.75)
    meant = COMMAND_SYNONYMS.get(close[0], close[0]) if close else None
    return meant if meant in known else None


def command_handler(
    app: Application[Any, Any, Any, Any, Any, Any], name: str
) -> CommandHandler[Any, Any] | None:
    """The handler of ``app`` that answers ``/name``, if any."""
    for group in sorted(app.handlers):
        for handler in app.handlers[group]:
            if isinstance(handler, CommandHandler) and name in handler.commands:
                return handler
    return None


async def run_glued_command(update: Update, context: Context) -> None:
    """Run a command with its text typed straight after it (「/meeting毎週月曜」) as usual."""
    message = update.effective_message
    glued = glued_command(message.text or "") if message is not None else None
    if glued is None:
        return
    if glued.bot is not None and glued.bot.lower() != (context.bot.username or "").lower():
        return  # another bot's
    handler = command_handler(context.application, glued.name)
    if handler is None:
        return
    if handler.filters.check_update(update):  # an edited reminder command changes nothing
        context.args = glued.text.split()
        await handler.callback(update, context)
    raise ApplicationHandlerStop


async def answer_unknown_command(update: Update, context: Context) -> None:
    """Say that a command does not exist, and name the one probably meant."""
    message, chat = update.effective_message, update.effective_chat
    typed = _COMMAND.match(message.text or "") if message is not None else None
    if message is None or chat is None or typed is None:
        return
    addressed = typed["bot"] is not None
    if addressed and typed["bot"].lower() != (context.bot.username or "").lower():
        return
    known = known_commands(context.application)
    if typed["name"].lower() in known:
        return
    meant = closest_command(typed["name"], known)
    # In a group an unknown bare command may be another bot's; answer only what is ours.
    if chat.type != Chat.PRIVATE and not addressed and meant is None:
        return
    lang = await user_lang(update, context)
    hint = t(lang, "command.did_you_mean", command=meant) if meant else ""
    await message.reply_text(
        t(lang, "command.unknown", command=html.escape(typed["name"]), hint=hint)
    )


async def on_startup(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Publish the command menu in both languages (Telegram shows it by the user's language)."""
    for lang in LANGUAGES:
        commands = [BotCommand(name, t(lang, f"command.{name}")) for name in MENU_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if lang == "ja" else lang)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    glued = filters.Regex(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?[^\x00-\x7F]")
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGES & filters.TEXT & glued, run_glued_command),
        group=GLUED_GROUP,
    )
    app.add_handler(CommandHandler("start", greet_user))
    app.add_handler(CommandHandler("help", show_help))
    app.add_handler(CommandHandler("lang", set_language))
    # A group of its own: it runs beside the features' handlers and stays quiet when one of
    # them knows the command.
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, answer_unknown_command),
        group=UNKNOWN_GROUP,
    )
