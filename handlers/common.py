"""What every handler module shares: bot_data keys, language choice, rights checks."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Chat, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from config import Settings
from db.models import User
from texts import pick_lang, written_lang

logger = logging.getLogger(__name__)

# bot_data keys for the long-lived resources bot.py and the features' on_startup hooks create.
SETTINGS = "settings"
ENGINE = "engine"
SESSIONMAKER = "sessionmaker"
FAQ_CATALOG = "faq_catalog"

USER_LANG = "lang"  # user_data key caching the user's stored /lang choice

Context = ContextTypes.DEFAULT_TYPE
COMMAND_PREFIX = re.compile(r"^/\S+\s*")
# Every command some handler answers (tests/test_commands.py checks this against bot.py).
COMMANDS = frozenset(
    {"start", "help", "lang", "faq", "reload", "stats", "unanswered", "ics", "meeting",
     "milestone", "deadline", "remind", "cancel", "edit", "skip", "done", "tz", "notices",
     "agenda"}
)  # fmt: skip
_MENTION = re.compile(r"@[A-Za-z0-9_]+")  # @renkei_bot says nothing about the language
_LEADING_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]+)(?:@(?P<bot>[A-Za-z0-9_]+))?")


@dataclass(frozen=True)
class GluedCommand:
    """``/meeting毎週月曜 7時半`` read as ``/meeting 毎週月曜 7時半``."""

    name: str  # one of COMMANDS
    bot: str | None  # the bot it was addressed to (``/faq@renkei_bot質問``), if any
    text: str  # what follows the command, as typed


def glued_command(text: str) -> GluedCommand | None:
    """A known command with its text typed straight after it, no space (Japanese is written
    without spaces): ``/faqボランティア保険``, ``/milestone1月末 報告書``, ``/done１``.

    Only when a non-ASCII character follows (a full-width one too), so ``/milestone1 x`` stays
    an unknown command and ``/start@other_bot`` someone else's; None for anything else."""
    found = _LEADING_COMMAND.match(text)
    rest = text[found.end() :] if found is not None else ""
    if found is None or not rest or rest[0].isascii() or rest[0].isspace():
        return None
    typed, bot = found["name"].lower(), found["bot"]
    if typed in COMMANDS:
        return GluedCommand(typed, bot, rest)
    # 「/milestone1月末」: the date's digits were read into the command's name.
    for name in sorted(COMMANDS, key=len, reverse=True):
        if bot is None and typed.startswith(name) and typed[len(name) :].isdigit():
            return GluedCommand(name, None, found["name"][len(name) :] + rest)
    return None


class RedactToken(logging.Filter):
    """Replace the bot token wherever it would appear in a log line."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token and self.token in message:
            record.msg = message.replace(self.token, "<token>")
            record.args = None
        return True


def settings_of(context: Context) -> Settings:
    settings: Settings = context.bot_data[SETTINGS]
    return settings


def sessions(context: Context) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = context.bot_data[SESSIONMAKER]
    return maker


async def user_lang(update: Update, context: Context) -> str:
    """The language to answer this user in: their /lang choice, else the language their message
    is written in (a Japanese question from an English-language Telegram app is answered in
    Japanese), else Telegram's language_code."""
    user = update.effective_user
    if user is None:
        return pick_lang(None)
    cached = context.user_data.get(USER_LANG) if context.user_data is not None else None
    if isinstance(cached, str):
        return cached
    async with sessions(context)() as session:
        row = await session.get(User, user.id)
    if row is not None and row.lang:
        if context.user_data is not None:
            context.user_data[USER_LANG] = row.lang
        return row.lang
    return written_lang(_words_of(update)) or pick_lang(user.language_code)


def _words_of(update: Update) -> str:
    """What the user wrote in this update, without a leading /command."""
    if update.inline_query is not None:
        return update.inline_query.query
    message = update.effective_message
    if message is None or update.callback_query is not None:
        return ""
    return _MENTION.sub("", _LEADING_COMMAND.sub("", message.text or message.caption or ""))


async def store_user_lang(update: Update, context: Context, lang: str) -> None:
    """Remember an explicit /lang choice for this user."""
    user = update.effective_user
    if user is None:
        return
    async with sessions(context).begin() as session:
        row = await session.get(User, user.id)
        if row is None:
            session.add(User(id=user.id, lang=lang))
        else:
            row.lang = lang
    if context.user_data is not None:
        context.user_data[USER_LANG] = lang


async def may_manage(update: Update, context: Context) -> bool:
    """Whether the sender may create, edit or cancel things in this chat.

    Bot admins from config always may; in a private chat the user manages their own chat; in a
    group only its administrators, as the Bot API reports them right now.
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return False
    if user.id in settings_of(context).admins or chat.type == Chat.PRIVATE:
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        logger.warning("could not check rights of user %s in chat %s", user.id, chat.id)
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def command_text(update: Update) -> str:
    """The text after ``/command`` (or ``/command@bot``), as typed, line breaks kept."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message is not None else ""
    glued = glued_command(text)
    if glued is not None:
        return glued.text.strip()
    return COMMAND_PREFIX.sub("", text, count=1).strip()


def is_bot_admin(user_id: int | None, context: Context) -> bool:
    return user_id is not None and user_id in settings_of(context).admins
