"""A fake Telegram Bot API server speaking the real wire format.

The real python-telegram-bot stack (in-process or in a child ``bot.py`` process) talks HTTP to it:
requests arrive as ``POST /bot<token>/<method>`` and file downloads as
``GET /file/bot<token>/<file_path>``. Tests drive it from the same event loop through the update
builders (``private_message``, ``group_message``, ``press_button``...) and observe what the bot
did through the request log (``requests``, ``sent_messages``, ``wait_for_message``...).

Run standalone for benchmarks: ``python -m tests.fake_telegram --port 8081 [--limits]``; it then
also serves a JSON control API under ``/_control/`` (see ``_CONTROL_ROUTES``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import logging
import math
import re
import signal
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-token"
BOT_USERNAME = "renkei_test_bot"
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_RESULTS = 50
GROUP_MESSAGES_PER_MINUTE = 20
MESSAGES_PER_SECOND = 30
DEFAULT_WAIT_SECONDS = 10.0

JSONDict = dict[str, Any]


class ApiError(Exception):
    """An error answer of the Bot API; raised inside method handlers."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# --------------------------------------------------------------------------------------------
# Users and chats
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "ja"
    is_bot: bool = False

    def to_api(self) -> JSONDict:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    def __post_init__(self) -> None:
        is_private = self.type == "private"
        if is_private != (self.id > 0):
            raise ValueError(f"chat {self.id}: private chats have positive ids, groups negative")

    @classmethod
    def private(cls, user: User) -> Chat:
        return cls(
            id=user.id,
            type="private",
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
        )

    @classmethod
    def group(cls, chat_id: int, title: str) -> Chat:
        return cls(id=chat_id, type="group", title=title)

    @classmethod
    def supergroup(cls, chat_id: int, title: str, username: str | None = None) -> Chat:
        return cls(id=chat_id, type="supergroup", title=title, username=username)

    def to_api(self) -> JSONDict:
        return {key: value for key, value in asdict(self).items() if value is not None}


# --------------------------------------------------------------------------------------------
# Text helpers: UTF-16 offsets, entities of incoming messages, Telegram's HTML parse mode
# --------------------------------------------------------------------------------------------


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w/@])@[A-Za-z0-9_]{4,32}")


def compute_entities(text: str) -> list[JSONDict]:
    """The entities Telegram attaches to a user's plain text: /commands and @mentions."""
    spans: list[tuple[int, int, str]] = [
        (m.start(), m.end(), "bot_command") for m in _COMMAND_RE.finditer(text)
    ]
    spans += [
        (m.start(), m.end(), "mention")
        for m in _MENTION_RE.finditer(text)
        if not any(start <= m.start() < end for start, end, _ in spans)
    ]
    return [
        {
            "type": kind,
            "offset": utf16_length(text[:start]),
            "length": utf16_length(text[start:end]),
        }
        for start, end, kind in sorted(spans)
    ]


_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(
    r"<(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)"
    r"(?P<attrs>(?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_CHAR_REF_RE = re.compile(
    r"&(?:#(?P<dec>[0-9]{1,7})|#[xX](?P<hex>[0-9A-Fa-f]{1,6})|(?P<name>\w+));"
)
_NAMED_CHAR_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _tag_attributes(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR_RE.finditer(raw)
    }


def _entity_for_tag(name: str, attrs: dict[str, str], byte_offset: int) -> JSONDict:
    entity: JSONDict = {"type": _HTML_ENTITY_TYPES[name]}
    if name == "a":
        if not attrs.get("href"):
            raise bad_request(
                f"can't parse entities: a tag without href at byte offset {byte_offset}"
            )
        entity["url"] = attrs["href"]
    elif name == "span" and attrs.get("class") != "tg-spoiler":
        raise bad_request(
            f'can\'t parse entities: tag "span" must have class "tg-spoiler" '
            f"at byte offset {byte_offset}"
        )
    elif name == "tg-emoji":
        if not attrs.get("emoji-id"):
            raise bad_request(
                f"can't parse entities: tg-emoji without emoji-id at byte offset {byte_offset}"
            )
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"].removeprefix("language-")
    return entity


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram's HTML parse mode into (plain text, entities) or raise a 400 ApiError.

    Only Telegram's tags are accepted, they must balance, and ``&``, ``<``, ``>`` in text must be
    escaped: a bot that forgets to escape user-provided text fails here as it would in production.
    """
    plain: list[str] = []
    plain_utf16 = 0
    entities: list[JSONDict] = []
    open_tags: list[tuple[str, int, JSONDict]] = []
    position = 0

    def fail(detail: str, at: int) -> ApiError:
        return bad_request(
            f"can't parse entities: {detail} at byte offset {len(text[:at].encode())}"
        )

    while position < len(text):
        char = text[position]
        if char == "<":
            tag = _TAG_RE.match(text, position)
            if tag is None:
                raise fail("unexpected character '<' (escape it as &lt;)", position)
            name = tag.group("name").lower()
            if tag.group("end"):
                if not open_tags:
                    raise fail(f'unexpected end tag "{name}"', position)
                open_name, start, entity = open_tags.pop()
                if open_name != name:
                    raise fail(
                        f'can\'t find end tag corresponding to start tag "{open_name}"', position
                    )
                if plain_utf16 > start:
                    entities.append({**entity, "offset": start, "length": plain_utf16 - start})
            else:
                if name not in _HTML_ENTITY_TYPES:
                    raise fail(f'unsupported start tag "{name}"', position)
                byte_offset = len(text[:position].encode())
                entity = _entity_for_tag(name, _tag_attributes(tag.group("attrs")), byte_offset)
                open_tags.append((name, plain_utf16, entity))
            position = tag.end()
            continue
        if char == ">":
            raise fail("unexpected character '>' (escape it as &gt;)", position)
        if char == "&":
            ref = _CHAR_REF_RE.match(text, position)
            if ref is None:
                raise fail("unescaped '&' (escape it as &amp;)", position)
            if ref.group("name") is not None:
                if ref.group("name") not in _NAMED_CHAR_REFS:
                    raise fail(f'unsupported HTML entity "&{ref.group("name")};"', position)
                char = _NAMED_CHAR_REFS[ref.group("name")]
            else:
                code_point = int(
                    ref.group("dec") or ref.group("hex"), 10 if ref.group("dec") else 16
                )
                char = chr(min(code_point, 0x10FFFF))
            position = ref.end()
        else:
            position += 1
        plain.append(char)
        plain_utf16 += utf16_length(char)
    if open_tags:
        raise fail(
            f'can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"', len(text)
        )
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(plain), entities


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    data: bytes
    mime_type: str | None

    def to_api(self) -> JSONDict:
        return {"filename": self.filename, "size": len(self.data), "mime_type": self.mime_type}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    upload: UploadedFile


@dataclass(frozen=True)
class SentDocument:
    chat_id: int
    message_id: int
    filename: str
    data: bytes
    mime_type: str | None
    caption: str | None


@dataclass
class RecordedRequest:
    """One Bot API call as the server saw it; ``status`` stays 0 while it is being answered."""

    index: int
    method: str
    params: JSONDict
    at: float
    status: int = 0
    result: Any = None
    description: str | None = None

    @property
    def message(self) -> JSONDict | None:
        """The Message the bot got back (sent or edited), if this call produced one."""
        if self.status == 200 and isinstance(self.result, dict) and "message_id" in self.result:
            return self.result
        return None

    def to_api(self) -> JSONDict:
        return {
            "index": self.index,
            "method": self.method,
            "params": self.params,
            "at": self.at,
            "status": self.status,
            "result": self.result,
            "description": self.description,
        }


@dataclass
class _InjectedFailure:
    remaining: int
    status: int
    description: str
    retry_after: int | None


@dataclass
class _ChatAdmins:
    creator_id: int | None
    admin_ids: list[int] = field(default_factory=list)


# Form fields arrive as strings; these are decoded per the Bot API types.
_CHAT_ID_FIELDS = frozenset({"chat_id", "from_chat_id"})
_INT_FIELDS = frozenset(
    {
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "reply_to_message_id",
        "message_thread_id",
        "until_date",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "is_personal",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "results",
        "entities",
        "caption_entities",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "button",
        "media",
    }
)
_DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "my_chat_member",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "chat_join_request",
    }
)
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


def _decode_field(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in _CHAT_ID_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if name in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None
    if name in _BOOL_FIELDS:
        return value.lower() in ("true", "1")
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            if name == "reply_markup":
                raise bad_request("can't parse reply keyboard markup JSON object") from None
            raise bad_request(f"can't parse {name} JSON object") from None
    return value


def _json_default(value: object) -> object:
    if isinstance(value, UploadedFile):
        return value.to_api()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json_response(payload: object, status: int = 200) -> web.Response:
    return web.json_response(
        payload, status=status, dumps=lambda obj: json.dumps(obj, default=_json_default)
    )


def _find_button(markup: JSONDict | None, callback_data: str) -> bool:
    rows = (markup or {}).get("inline_keyboard", [])
    return any(button.get("callback_data") == callback_data for row in rows for button in row)


MethodHandler = Callable[[JSONDict], Awaitable[Any]]


class FakeTelegramServer:
    """An in-memory Bot API server. Start it with ``await start()``; ``url`` is then set."""

    def __init__(
        self, token: str = DEFAULT_TOKEN, *, limits: bool = False, control_api: bool = False
    ) -> None:
        self.token = token
        self.bot_user = User(
            id=int(token.split(":", 1)[0]),
            first_name="Renkei",
            username=BOT_USERNAME,
            language_code=None,
            is_bot=True,
        )
        self.limits_enabled = limits
        self.url = ""
        self._control_api = control_api
        self._runner: web.AppRunner | None = None
        self._stopping = False
        self._changed = asyncio.Event()
        self._methods: dict[str, MethodHandler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": self._accept,
            "setmyshortdescription": self._accept,
            "setchatmenubutton": self._accept,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "answerinlinequery": self._answer_inline_query,
            "senddocument": self._send_document,
            "getfile": self._get_file,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "leavechat": self._leave_chat,
        }
        self.reset()

    # ---------------------------------------------------------------- lifecycle and state

    def reset(self) -> None:
        """Forget everything except the token and whether limits are on."""
        self.requests: list[RecordedRequest] = []
        self.inline_answers: list[JSONDict] = []
        self.callback_answers: list[JSONDict] = []
        self.documents: list[SentDocument] = []
        self.too_many_requests_count = 0
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, User] = {}
        self._pending_updates: list[JSONDict] = []
        self._update_ids = itertools.count(100_000_001)
        self._allowed_updates: frozenset[str] = _DEFAULT_ALLOWED_UPDATES
        self._poll_generation = 0
        self._messages: dict[int, dict[int, JSONDict]] = {}
        self._bot_message_ids: dict[int, list[int]] = {}
        self._message_counters: dict[int, itertools.count[int]] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._query_ids = itertools.count(7_000_000_001)
        self._open_callback_queries: set[str] = set()
        self._open_inline_queries: set[str] = set()
        self._admins: dict[int, _ChatAdmins] = {}
        self._bot_status: dict[int, str] = {}
        self._blocked: dict[int, str] = {}
        self._migrated: dict[int, int] = {}
        self._failures: dict[str, deque[_InjectedFailure]] = {}
        self._commands: dict[str, list[JSONDict]] = {}
        self._recent_sends: deque[float] = deque()
        self._recent_group_sends: dict[int, deque[float]] = {}
        self._last_update_mark = 0
        self._notify()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        if self._control_api:
            for path, (http_method, handler) in _CONTROL_ROUTES.items():
                app.router.add_route(http_method, f"/_control/{path}", self._control(handler))
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound_port}"
        logger.info("fake Telegram Bot API listening on %s", self.url)
        return self.url

    async def stop(self) -> None:
        self._stopping = True
        self._notify()  # long polls answer at once instead of holding the shutdown
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _wait_for_change(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    # ---------------------------------------------------------------- failure injection

    def block_chat(self, chat_id: int) -> None:
        """Answer 403 to everything sent to this chat, as after the bot is kicked or blocked."""
        self._blocked[chat_id] = (
            "Forbidden: bot was blocked by the user"
            if chat_id > 0
            else "Forbidden: bot was kicked from the group chat"
        )

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.pop(chat_id, None)

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Answer requests to the old group id with the 'upgraded to a supergroup' error."""
        old = self._chats.get(old_chat_id)
        self._migrated[old_chat_id] = new_chat_id
        self._chats.setdefault(
            new_chat_id, Chat.supergroup(new_chat_id, old.title if old and old.title else "")
        )

    def fail_next(
        self,
        method: str,
        n: int = 1,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``n`` calls of ``method`` fail with this status and description."""
        self._failures.setdefault(method.lower(), deque()).append(
            _InjectedFailure(n, status, description, retry_after)
        )

    def set_admins(self, chat_id: int, user_ids: list[int], creator_id: int | None = None) -> None:
        """Administrators of a group; ``creator_id`` (default: the first of them) is the owner."""
        creator = creator_id if creator_id is not None else (user_ids[0] if user_ids else None)
        self._admins[chat_id] = _ChatAdmins(creator, [uid for uid in user_ids if uid != creator])

    def add_chat(self, chat: Chat) -> None:
        """Make a chat known without any update, e.g. one the bot should be able to message."""
        self._chats[chat.id] = chat

    # ---------------------------------------------------------------- update builders

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_counters.setdefault(chat_id, itertools.count(1)))

    def _store_message(self, message: JSONDict) -> JSONDict:
        self._messages.setdefault(message["chat"]["id"], {})[message["message_id"]] = message
        return message

    def _new_user_message(self, chat: Chat, user: User, content: JSONDict) -> JSONDict:
        self._chats[chat.id] = chat
        self._users[user.id] = user
        message = {
            "message_id": self._next_message_id(chat.id),
            "from": user.to_api(),
            "date": int(time.time()),
            "chat": chat.to_api(),
            **content,
        }
        return self._store_message(message)

    def _enqueue(self, body: JSONDict) -> JSONDict:
        update = {"update_id": next(self._update_ids), **body}
        self._pending_updates.append(update)
        self._last_update_mark = len(self.requests)
        logger.debug("queued update %s", update)
        self._notify()
        return update

    def _text_content(self, text: str) -> JSONDict:
        content: JSONDict = {"text": text}
        entities = compute_entities(text)
        if entities:
            content["entities"] = entities
        return content

    async def private_message(self, user: User, text: str) -> JSONDict:
        """The user writes to the bot in private; returns the user's Message."""
        message = self._new_user_message(Chat.private(user), user, self._text_content(text))
        self._enqueue({"message": message})
        return message

    async def group_message(
        self, chat: Chat, user: User, text: str, reply_to: JSONDict | None = None
    ) -> JSONDict:
        """The user writes in a group (optionally replying to a message); returns the Message."""
        content = self._text_content(text)
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        message = self._new_user_message(chat, user, content)
        self._enqueue({"message": message})
        return message

    async def edit_user_message(self, message: JSONDict, text: str) -> JSONDict:
        """The sender edits their earlier ``message`` to ``text``; returns the edited Message."""
        kept = {key: value for key, value in message.items() if key not in ("text", "entities")}
        edited = {**kept, **self._text_content(text), "edit_date": int(time.time())}
        self._store_message(edited)
        self._enqueue({"edited_message": edited})
        return edited

    async def document_message(
        self,
        chat: Chat,
        user: User,
        filename: str,
        data: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> JSONDict:
        """The user uploads a file; the bot can fetch it with getFile and a download."""
        stored = self._store_file(UploadedFile(filename, data, mime_type))
        content: JSONDict = {"document": self._document_api(stored)}
        if caption is not None:
            content["caption"] = caption
        message = self._new_user_message(chat, user, content)
        self._enqueue({"message": message})
        return message

    async def press_button(self, message: JSONDict, callback_data: str, user: User) -> JSONDict:
        """The user presses an inline button of a bot message; returns the CallbackQuery."""
        chat_id = message["chat"]["id"]
        current = self._messages.get(chat_id, {}).get(message["message_id"])
        if current is None:
            raise AssertionError(f"message {message['message_id']} in chat {chat_id} is gone")
        if not _find_button(current.get("reply_markup"), callback_data):
            raise AssertionError(
                f"no button with callback_data {callback_data!r} on message "
                f"{current['message_id']}; its markup is {current.get('reply_markup')}"
            )
        self._users[user.id] = user
        query_id = str(next(self._query_ids))
        self._open_callback_queries.add(query_id)
        callback_query = {
            "id": query_id,
            "from": user.to_api(),
            "message": current,
            "chat_instance": str(abs(chat_id) * 7919 % 10**12),
            "data": callback_data,
        }
        self._enqueue({"callback_query": callback_query})
        return callback_query

    async def inline_query(self, user: User, query: str, offset: str = "") -> JSONDict:
        """The user types ``@renkei_test_bot <query>``; returns the InlineQuery."""
        self._users[user.id] = user
        query_id = str(next(self._query_ids))
        self._open_inline_queries.add(query_id)
        inline_query = {
            "id": query_id,
            "from": user.to_api(),
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        }
        self._enqueue({"inline_query": inline_query})
        return inline_query

    async def my_chat_member(
        self, chat: Chat, new_status: str, by: User | None = None, old_status: str | None = None
    ) -> JSONDict:
        """The bot's membership changes (added: "member"/"administrator", removed: "left"/
        "kicked"); a removed bot then gets 403 for that chat. Returns the ChatMemberUpdated."""
        actor = by or User(id=1, first_name="Admin")
        self._chats[chat.id] = chat
        self._users[actor.id] = actor
        previous = (
            old_status
            or self._bot_status.get(chat.id)
            or ("left" if new_status in ("member", "administrator") else "member")
        )
        self._bot_status[chat.id] = new_status
        if new_status in ("left", "kicked"):
            self.block_chat(chat.id)
        else:
            self.unblock_chat(chat.id)
        updated = {
            "chat": chat.to_api(),
            "from": actor.to_api(),
            "date": int(time.time()),
            "old_chat_member": self._chat_member_api(self.bot_user, previous),
            "new_chat_member": self._chat_member_api(self.bot_user, new_status),
        }
        self._enqueue({"my_chat_member": updated})
        return updated

    async def migrate_group(self, chat: Chat, new_chat_id: int, by: User | None = None) -> Chat:
        """The group is upgraded to a supergroup: service messages in both chats, and the old
        id answers with the migrate error from now on. Returns the new supergroup."""
        actor = by or User(id=1, first_name="Admin")
        supergroup = Chat.supergroup(new_chat_id, chat.title or "")
        self._enqueue(
            {"message": self._new_user_message(chat, actor, {"migrate_to_chat_id": new_chat_id})}
        )
        self._enqueue(
            {
                "message": self._new_user_message(
                    supergroup, actor, {"migrate_from_chat_id": chat.id}
                )
            }
        )
        self.migrate_chat(chat.id, new_chat_id)
        return supergroup

    async def push_update(self, body: JSONDict) -> JSONDict:
        """Queue a raw update (without ``update_id``) for anything the builders don't cover."""
        return self._enqueue(body)

    # ---------------------------------------------------------------- observation

    def mark(self) -> int:
        """The current position in the request log, for ``since=``."""
        return len(self.requests)

    def calls(self, method: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def sent_messages(self, chat_id: int) -> list[JSONDict]:
        """The bot's messages in the chat as the user now sees them (edited, deleted ones gone)."""
        chat_messages = self._messages.get(chat_id, {})
        return [
            chat_messages[message_id]
            for message_id in self._bot_message_ids.get(chat_id, [])
            if message_id in chat_messages
        ]

    async def wait_for(
        self,
        predicate: Callable[[RecordedRequest], bool],
        *,
        timeout: float = DEFAULT_WAIT_SECONDS,
        since: int | None = None,
    ) -> RecordedRequest:
        """The first answered request at or after ``since`` matching ``predicate``.

        ``since`` defaults to the log position when the latest update was queued, so a wait
        after ``await server.private_message(...)`` only sees what the bot did in response.
        """
        start = self._last_update_mark if since is None else since
        deadline = time.monotonic() + timeout
        while True:
            for request in self.requests[start:]:
                if request.status and predicate(request):
                    return request
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                recent = "\n".join(
                    f"  {r.method} -> {r.status} {r.description or ''} {r.params}"
                    for r in self.requests[start:][-15:]
                )
                raise AssertionError(
                    f"no matching request within {timeout}s; requests since #{start}:\n"
                    f"{recent or '  (none)'}"
                )
            await self._wait_for_change(remaining)

    async def wait_for_request(
        self, method: str, *, timeout: float = DEFAULT_WAIT_SECONDS, since: int | None = None
    ) -> RecordedRequest:
        return await self.wait_for(
            lambda r: r.method.lower() == method.lower(), timeout=timeout, since=since
        )

    async def wait_for_message(
        self,
        chat_id: int,
        contains: str | None = None,
        *,
        timeout: float = DEFAULT_WAIT_SECONDS,
        since: int | None = None,
    ) -> JSONDict:
        """The first message the bot sent or edited in ``chat_id`` whose text or caption
        (as displayed, after HTML parsing) contains ``contains``; ``since`` as in wait_for."""

        def matches(request: RecordedRequest) -> bool:
            message = request.message
            if message is None or message["chat"]["id"] != chat_id:
                return False
            shown = str(message.get("text") or message.get("caption") or "")
            return contains is None or contains in shown

        request = await self.wait_for(matches, timeout=timeout, since=since)
        assert request.message is not None
        return request.message

    async def wait_until_polling(
        self, *, since: int = 0, timeout: float = DEFAULT_WAIT_SECONDS
    ) -> None:
        """Wait for a getUpdates call arriving at or after log position ``since``."""
        deadline = time.monotonic() + timeout
        while not any(r.method.lower() == "getupdates" for r in self.requests[since:]):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"the bot did not poll getUpdates within {timeout}s")
            await self._wait_for_change(remaining)

    @property
    def pending_update_count(self) -> int:
        return len(self._pending_updates)

    # ---------------------------------------------------------------- HTTP plumbing

    async def _read_params(self, request: web.Request) -> JSONDict:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise bad_request("request body must be a JSON object")
            raw.update(body)
        elif request.can_read_body:
            files: dict[str, UploadedFile] = {}
            for name, value in (await request.post()).items():
                if isinstance(value, FileField):
                    files[name] = UploadedFile(
                        value.filename, value.file.read(), value.content_type
                    )
                else:
                    raw[name] = value
            for name, value in list(raw.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    attached = files.pop(value.removeprefix("attach://"), None)
                    if attached is None:
                        raise bad_request(f"file {value} not found in the request")
                    raw[name] = attached
            raw.update(files)
        return {name: _decode_field(name, value) for name, value in raw.items()}

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: JSONDict = {}
        early_error: ApiError | None = None
        try:
            params = await self._read_params(request)
        except ApiError as error:
            early_error = error
        record = RecordedRequest(len(self.requests), method, params, time.time())
        self.requests.append(record)
        self._notify()
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            if early_error is not None:
                raise early_error
            self._raise_injected_failure(method)
            record.result = await handler(params)
            record.status = 200
            payload: JSONDict = {"ok": True, "result": record.result}
        except ApiError as error:
            record.status, record.description = error.status, error.description
            if error.status == 429:
                self.too_many_requests_count += 1
            payload = {"ok": False, "error_code": error.status, "description": error.description}
            if error.parameters:
                payload["parameters"] = error.parameters
        logger.debug("%s %s -> %s", method, params, record.status)
        self._notify()
        return _json_response(payload, record.status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self._files_by_path.get(request.match_info["file_path"])
        if request.match_info["token"] != self.token:
            return _json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        if stored is None:
            return _json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, 404
            )
        return web.Response(body=stored.upload.data)

    def _raise_injected_failure(self, method: str) -> None:
        queue = self._failures.get(method.lower())
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
        raise ApiError(failure.status, failure.description, parameters)

    # ---------------------------------------------------------------- shared method logic

    def _chat_for(self, params: JSONDict) -> Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            chat = next(
                (c for c in self._chats.values() if c.username and f"@{c.username}" == chat_id),
                None,
            )
        else:
            if chat_id in self._migrated:
                raise ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self._migrated[chat_id]},
                )
            chat = self._chats.get(chat_id)
        if chat is None and chat_id in self._users:
            # A user the bot has only seen in groups has not opened a private chat with it.
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat is None:
            raise bad_request("chat not found")
        if chat.id in self._blocked:
            raise ApiError(403, self._blocked[chat.id])
        return chat

    def _check_rate_limits(self, chat: Chat) -> None:
        if not self.limits_enabled:
            return
        now = time.monotonic()
        while self._recent_sends and self._recent_sends[0] <= now - 1:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= MESSAGES_PER_SECOND:
            self._raise_retry_after(self._recent_sends[0] + 1 - now)
        if chat.id < 0:
            group_sends = self._recent_group_sends.setdefault(chat.id, deque())
            while group_sends and group_sends[0] <= now - 60:
                group_sends.popleft()
            if len(group_sends) >= GROUP_MESSAGES_PER_MINUTE:
                self._raise_retry_after(group_sends[0] + 60 - now)
            group_sends.append(now)
        self._recent_sends.append(now)

    @staticmethod
    def _raise_retry_after(wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        raise ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    @staticmethod
    def _checked_reply_markup(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise bad_request("BUTTON_TEXT_EMPTY")
                data = button.get("callback_data")
                if data is not None and not (
                    0 < len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES
                ):
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    @staticmethod
    def _displayed_text(
        params: JSONDict, key: str, limit: int, too_long: str
    ) -> tuple[str, list[JSONDict]]:
        raw = params.get(key)
        if raw is None or str(raw).strip() == "":
            raise bad_request(f"{'message text' if key == 'text' else key} is empty")
        text = str(raw)
        entities_key = "entities" if key == "text" else "caption_entities"
        entities: list[JSONDict] = params.get(entities_key) or []
        parse_mode = str(params.get("parse_mode") or "").lower()
        if parse_mode == "html":
            text, entities = parse_html(text)
        if not text.strip():
            raise bad_request(f"{'message text' if key == 'text' else key} is empty")
        if len(text) > limit:
            raise bad_request(too_long)
        return text, entities

    def _message_text(self, params: JSONDict) -> tuple[str, list[JSONDict]]:
        return self._displayed_text(params, "text", MAX_MESSAGE_LENGTH, "message is too long")

    def _new_bot_message(self, chat: Chat, params: JSONDict, content: JSONDict) -> JSONDict:
        """Validate the common send parameters, apply the rate limits, store the message."""
        markup = self._checked_reply_markup(params)
        reply_to = self._replied_message(chat, params)
        self._check_rate_limits(chat)
        message: JSONDict = {
            "message_id": self._next_message_id(chat.id),
            "from": self.bot_user.to_api(),
            "date": int(time.time()),
            "chat": chat.to_api(),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._bot_message_ids.setdefault(chat.id, []).append(message["message_id"])
        return self._store_message(message)

    def _replied_message(self, chat: Chat, params: JSONDict) -> JSONDict | None:
        reply_parameters = params.get("reply_parameters") or {}
        message_id = reply_parameters.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        replied = self._messages.get(chat.id, {}).get(int(message_id))
        if replied is None and not (
            reply_parameters.get("allow_sending_without_reply")
            or params.get("allow_sending_without_reply")
        ):
            raise bad_request("message to be replied not found")
        return replied

    def _existing_message(self, params: JSONDict, missing: str) -> JSONDict:
        chat = self._chat_for(params)
        message = self._messages.get(chat.id, {}).get(params.get("message_id", -1))
        if message is None:
            raise bad_request(missing)
        return message

    def _bot_message(self, params: JSONDict) -> JSONDict:
        message = self._existing_message(params, "message to edit not found")
        if message["from"]["id"] != self.bot_user.id:
            raise bad_request("message can't be edited")
        return message

    def _replace_message(self, old: JSONDict, new: JSONDict) -> JSONDict:
        comparable = ("text", "entities", "reply_markup", "caption")
        if all(old.get(key) == new.get(key) for key in comparable):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        new["edit_date"] = int(time.time())
        return self._store_message(new)

    def _store_file(self, upload: UploadedFile) -> StoredFile:
        number = next(self._file_counter)
        suffix = PurePosixPath(upload.filename).suffix
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"documents/file_{number}{suffix}",
            upload=upload,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def _document_api(stored: StoredFile) -> JSONDict:
        document: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.upload.filename,
            "file_size": len(stored.upload.data),
        }
        if stored.upload.mime_type:
            document["mime_type"] = stored.upload.mime_type
        return document

    def _chat_member_api(self, user: User, status: str) -> JSONDict:
        member: JSONDict = {"user": user.to_api(), "status": status}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {"can_be_edited": False, "is_anonymous": False, "can_promote_members": False}
            )
            member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _member_status(self, chat: Chat, user_id: int) -> str:
        if user_id == self.bot_user.id:
            return self._bot_status.get(chat.id, "member")
        admins = self._admins.get(chat.id)
        if admins is not None and admins.creator_id == user_id:
            return "creator"
        if admins is not None and user_id in admins.admin_ids:
            return "administrator"
        return "member"

    def _known_user(self, user_id: int) -> User:
        if user_id == self.bot_user.id:
            return self.bot_user
        return self._users.get(user_id) or User(id=user_id, first_name=f"User {user_id}")

    # ---------------------------------------------------------------- Bot API methods

    async def _accept(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        offset = params.get("offset")
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(0, int(params.get("timeout") or 0))
        if params.get("allowed_updates") is not None:
            self._allowed_updates = (
                frozenset(params["allowed_updates"]) or _DEFAULT_ALLOWED_UPDATES
            )
        if offset:
            if offset > 0:
                self._pending_updates = [
                    u for u in self._pending_updates if u["update_id"] >= offset
                ]
            else:
                self._pending_updates = self._pending_updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # wakes an older long poll so that it answers with 409
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            self._pending_updates = [
                u
                for u in self._pending_updates
                if next(key for key in u if key != "update_id") in self._allowed_updates
            ]
            remaining = deadline - time.monotonic()
            if self._pending_updates or remaining <= 0 or self._stopping:
                return self._pending_updates[:limit]
            await self._wait_for_change(remaining)

    async def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._pending_updates.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending_updates),
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description is invalid")
        self._commands[self._commands_key(params)] = commands
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return self._commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat_for(params)
        text, entities = self._message_text(params)
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        return self._new_bot_message(chat, params, content)

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        if params.get("inline_message_id"):
            self._message_text(params)
            self._checked_reply_markup(params)
            return True
        old = self._bot_message(params)
        text, entities = self._message_text(params)
        new = {key: value for key, value in old.items() if key not in ("entities", "reply_markup")}
        new["text"] = text
        if entities:
            new["entities"] = entities
        markup = self._checked_reply_markup(params)
        if markup is not None:
            new["reply_markup"] = markup
        return self._replace_message(old, new)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        markup = self._checked_reply_markup(params)
        if params.get("inline_message_id"):
            return True
        old = self._bot_message(params)
        new = {key: value for key, value in old.items() if key != "reply_markup"}
        if markup is not None and markup.get("inline_keyboard"):
            new["reply_markup"] = markup
        return self._replace_message(old, new)

    async def _delete_message(self, params: JSONDict) -> bool:
        message = self._existing_message(params, "message to delete not found")
        del self._messages[message["chat"]["id"]][message["message_id"]]
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callback_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        self.callback_answers.append(params)
        return True

    async def _answer_inline_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("inline_query_id", ""))
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request('parameter "results" is required')
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(result.get("id", "")) for result in results]
        if any(not 0 < len(result_id.encode()) <= 64 for result_id in ids):
            raise bad_request("RESULT_ID_INVALID")
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        if query_id not in self._open_inline_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_inline_queries.discard(query_id)
        self.inline_answers.append(params)
        return True

    async def _send_document(self, params: JSONDict) -> JSONDict:
        chat = self._chat_for(params)
        document = params.get("document")
        if isinstance(document, UploadedFile):
            stored = self._store_file(document)
        elif isinstance(document, str) and document in self._files:
            stored = self._files[document]
        elif document:
            raise bad_request("wrong file identifier/HTTP URL specified")
        else:
            raise bad_request("there is no document in the request")
        content: JSONDict = {"document": self._document_api(stored)}
        if params.get("caption"):
            caption, entities = self._displayed_text(
                params, "caption", MAX_CAPTION_LENGTH, "message caption is too long"
            )
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        message = self._new_bot_message(chat, params, content)
        self.documents.append(
            SentDocument(
                chat_id=chat.id,
                message_id=message["message_id"],
                filename=stored.upload.filename,
                data=stored.upload.data,
                mime_type=stored.upload.mime_type,
                caption=content.get("caption"),
            )
        )
        return message

    async def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.upload.data),
            "file_path": stored.file_path,
        }

    async def _get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._chat_for(params)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._chat_for(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise bad_request("user not found")
        return self._chat_member_api(self._known_user(user_id), self._member_status(chat, user_id))

    async def _get_chat_administrators(self, params: JSONDict) -> list[JSONDict]:
        chat = self._chat_for(params)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        admins = self._admins.get(chat.id, _ChatAdmins(None))
        user_ids = (
            [admins.creator_id] if admins.creator_id is not None else []
        ) + admins.admin_ids
        if self._bot_status.get(chat.id) == "administrator":
            user_ids.append(self.bot_user.id)
        return [
            self._chat_member_api(self._known_user(uid), self._member_status(chat, uid))
            for uid in user_ids
        ]

    async def _leave_chat(self, params: JSONDict) -> bool:
        chat = self._chat_for(params)
        self._bot_status[chat.id] = "left"
        self._blocked[chat.id] = "Forbidden: bot is not a member of the group chat"
        return True

    # ---------------------------------------------------------------- control API

    def _control(
        self, handler: Callable[[FakeTelegramServer, JSONDict], Awaitable[object]]
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def endpoint(request: web.Request) -> web.Response:
            body: JSONDict = dict(request.query)
            if request.can_read_body:
                body.update(await request.json())
            try:
                return _json_response({"ok": True, "result": await handler(self, body)})
            except (KeyError, TypeError, ValueError, AssertionError) as error:
                return _json_response({"ok": False, "description": repr(error)}, 400)

        return endpoint


def _user(body: Mapping[str, Any]) -> User:
    return User(**body)


def _chat(body: Mapping[str, Any]) -> Chat:
    return Chat(**body)


async def _control_reset(server: FakeTelegramServer, body: JSONDict) -> bool:
    server.reset()
    if "limits" in body:
        server.limits_enabled = bool(body["limits"])
    return True


async def _control_limits(server: FakeTelegramServer, body: JSONDict) -> bool:
    server.limits_enabled = bool(body["enabled"])
    return True


async def _control_private_message(server: FakeTelegramServer, body: JSONDict) -> JSONDict:
    return await server.private_message(_user(body["user"]), body["text"])


async def _control_group_message(server: FakeTelegramServer, body: JSONDict) -> JSONDict:
    return await server.group_message(
        _chat(body["chat"]), _user(body["user"]), body["text"], body.get("reply_to")
    )


async def _control_press_button(server: FakeTelegramServer, body: JSONDict) -> JSONDict:
    return await server.press_button(body["message"], body["callback_data"], _user(body["user"]))


async def _control_my_chat_member(server: FakeTelegramServer, body: JSONDict) -> JSONDict:
    by = _user(body["by"]) if body.get("by") else None
    return await server.my_chat_member(_chat(body["chat"]), body["new_status"], by)


async def _control_update(server: FakeTelegramServer, body: JSONDict) -> JSONDict:
    return await server.push_update(body["update"])


async def _control_block(server: FakeTelegramServer, body: JSONDict) -> bool:
    server.block_chat(int(body["chat_id"]))
    return True


async def _control_unblock(server: FakeTelegramServer, body: JSONDict) -> bool:
    server.unblock_chat(int(body["chat_id"]))
    return True


async def _control_migrate(server: FakeTelegramServer, body: JSONDict) -> bool:
    server.migrate_chat(int(body["old_chat_id"]), int(body["new_chat_id"]))
    return True


async def _control_fail_next(server: FakeTelegramServer, body: JSONDict) -> bool:
    server.fail_next(**body)
    return True


async def _control_set_admins(server: FakeTelegramServer, body: JSONDict) -> bool:
    server.set_admins(int(body["chat_id"]), [int(uid) for uid in body["user_ids"]])
    return True


async def _control_add_chat(server: FakeTelegramServer, body: JSONDict) -> bool:
    server.add_chat(_chat(body["chat"]))
    return True


async def _control_requests(server: FakeTelegramServer, body: JSONDict) -> JSONDict:
    since = int(body.get("since", 0))
    method = str(body.get("method", "")).lower()
    requests = [
        r.to_api()
        for r in server.requests[since:]
        if r.status and (not method or r.method.lower() == method)
    ]
    return {"requests": requests, "next": len(server.requests)}


async def _control_sent(server: FakeTelegramServer, body: JSONDict) -> list[JSONDict]:
    return server.sent_messages(int(body["chat_id"]))


async def _control_stats(server: FakeTelegramServer, body: JSONDict) -> JSONDict:
    return {
        "requests": len(server.requests),
        "too_many_requests": server.too_many_requests_count,
        "pending_updates": server.pending_update_count,
    }


async def _control_wait_polling(server: FakeTelegramServer, body: JSONDict) -> bool:
    await server.wait_until_polling(
        since=int(body.get("since", 0)), timeout=float(body.get("timeout", 90))
    )
    return True


# path -> (HTTP method, handler). Bodies and answers are JSON; GET parameters go in the query.
_CONTROL_ROUTES: dict[
    str, tuple[str, Callable[[FakeTelegramServer, JSONDict], Awaitable[object]]]
] = {
    "reset": ("POST", _control_reset),
    "limits": ("POST", _control_limits),
    "private_message": ("POST", _control_private_message),
    "group_message": ("POST", _control_group_message),
    "press_button": ("POST", _control_press_button),
    "my_chat_member": ("POST", _control_my_chat_member),
    "update": ("POST", _control_update),
    "block": ("POST", _control_block),
    "unblock": ("POST", _control_unblock),
    "migrate": ("POST", _control_migrate),
    "fail_next": ("POST", _control_fail_next),
    "set_admins": ("POST", _control_set_admins),
    "add_chat": ("POST", _control_add_chat),
    "requests": ("GET", _control_requests),
    "sent": ("GET", _control_sent),
    "stats": ("GET", _control_stats),
    "wait_polling": ("GET", _control_wait_polling),
}


async def _serve(host: str, port: int, token: str, limits: bool) -> None:
    server = FakeTelegramServer(token, limits=limits, control_api=True)
    url = await server.start(host, port)
    print(f"fake Telegram Bot API listening on {url}", flush=True)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()
    await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--limits", action="store_true", help="enforce Telegram's rate limits")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(_serve(args.host, args.port, args.token, args.limits))


if __name__ == "__main__":
    main()
