"""Follow the bot's own membership: introduce itself in a group it joins, pause a chat's notices
when removed, resume when added back, and move everything to the new id when a group becomes a
supergroup."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from telegram import Chat, ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import Application, ChatMemberHandler, MessageHandler, filters

from handlers.common import Context, sessions, settings_of
from scheduler import delivery, service
from texts import DEFAULT_LANG, pick_lang, t

logger = logging.getLogger(__name__)

PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)


async def track_membership(update: Update, context: Context) -> None:
    """Mark the chat active or inactive as the bot is added to or removed from it."""
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    present = change.new_chat_member.status in PRESENT
    if change.new_chat_member.status == ChatMember.RESTRICTED:
        present = bool(getattr(change.new_chat_member, "can_send_messages", True))
    lang = pick_lang(change.from_user.language_code) if change.from_user else None
    settings = settings_of(context)
    async with sessions(context).begin() as session:
        await service.ensure_chat(session, chat.id, type=chat.type, title=chat.title, lang=lang)
        if present:
            report = await service.reactivate_chat(
                session, chat.id, datetime.now(UTC), settings.grace_period
            )
        else:
            await service.deactivate_chat(session, chat.id)
    if present:
        logger.info(
            "bot is in chat %s: %d held notices resume, %d missed", chat.id,
            report.delayed, report.missed,
        )  # fmt: skip
        delivery.kick(context.application)
        joined = change.old_chat_member.status not in PRESENT
        if joined and chat.type in (Chat.GROUP, Chat.SUPERGROUP):
            try:
                await context.bot.send_message(
                    chat.id, t(lang or DEFAULT_LANG, "group.welcome", bot=context.bot.username)
                )
            except TelegramError as exc:  # added without the right to post: nothing to say
                logger.info("could not greet chat %s: %s", chat.id, exc)
    else:
        logger.info("bot left chat %s: its notices are held", chat.id)


async def follow_migration(update: Update, context: Context) -> None:
    """Rewrite the stored chat id when a group is upgraded to a supergroup."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    async with sessions(context).begin() as session:
        await service.migrate_chat(session, old_id, new_id)
    logger.info("chat %s migrated to %s", old_id, new_id)
    delivery.kick(context.application)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(ChatMemberHandler(track_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, follow_migration))
