"""A partners' group for the end-to-end tests: its people, and helpers to act and look in it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from tests.fake_telegram import Chat, FakeTelegramServer, JSONDict, User

CHAIR = User(id=701, first_name="委員長", language_code="ja")  # the group's administrator
MEMBER = User(id=702, first_name="保護者", language_code="ja")
GUEST = User(id=703, first_name="Guest", language_code="en")
GROUP = Chat.group(-700, "学校運営協議会")
# Long enough for a notice made due to be claimed and sent by the dispatcher.
NOTICE_WAIT = 75.0
SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def move_pending(db: Path, when: datetime) -> int:
    """Make every pending notice due (and planned) at ``when``, as if time had passed."""
    stamp = when.astimezone(UTC).strftime(SQLITE_FORMAT)
    with sqlite3.connect(db, timeout=30) as conn:
        cursor = conn.execute(
            "UPDATE deliveries SET due_at = ?, planned_at = ? WHERE state = 'pending'",
            (stamp, stamp),
        )
        return cursor.rowcount


def buttons(message: JSONDict) -> dict[str, str]:
    """The message's inline buttons: text to callback data."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button.get("callback_data", "") for row in rows for button in row}


async def create(
    server: FakeTelegramServer, user: User, command: str, expect: str, chat: Chat = GROUP
) -> JSONDict:
    """Send ``command`` as ``user`` and return the bot's reply containing ``expect``."""
    await server.group_message(chat, user, command)
    return await server.wait_for_message(chat.id, expect, timeout=20)


def shown(server: FakeTelegramServer, message: JSONDict) -> JSONDict:
    """The bot's message as the chat sees it now (after any edits)."""
    (now,) = [
        m for m in server.sent_messages(GROUP.id) if m["message_id"] == message["message_id"]
    ]
    return now
