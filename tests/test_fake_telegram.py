"""The fake Bot API server, exercised by the real python-telegram-bot stack over HTTP."""

import asyncio
import html
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from tests.fake_telegram import DEFAULT_TOKEN, Chat, FakeTelegramServer, User

ALICE = User(id=1001, first_name="花子", username="hanako", language_code="ja")
BOB = User(id=1002, first_name="Bob", language_code="en")
PTA_GROUP = Chat.group(-4001, "PTA 役員会")


def make_bot(url: str, token: str = DEFAULT_TOKEN) -> Bot:
    return Bot(token, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot")


@pytest.fixture
async def bot(fake_server: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with make_bot(fake_server.url) as ready_bot:
        yield ready_bot


@asynccontextmanager
async def polling_application(
    server: FakeTelegramServer, *handlers: BaseHandler[Update, ContextTypes.DEFAULT_TYPE, object]
) -> AsyncIterator[Bot]:
    """A real PTB Application polling the fake server with these handlers; yields its bot."""
    application = (
        Application.builder()
        .token(DEFAULT_TOKEN)
        .base_url(f"{server.url}/bot")
        .base_file_url(f"{server.url}/file/bot")
        .build()
    )
    for handler in handlers:
        application.add_handler(handler)
    mark = server.mark()
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await server.wait_until_polling(since=mark)
        yield application.bot
        await application.updater.stop()
        await application.stop()


async def test_get_me_describes_the_test_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "renkei_test_bot"
    assert me.is_bot
    assert me.can_join_groups
    assert me.supports_inline_queries


async def test_wrong_token_is_rejected_as_invalid(fake_server: FakeTelegramServer) -> None:
    with pytest.raises(InvalidToken):
        await make_bot(fake_server.url, "999:wrong").get_me()
    assert fake_server.requests[-1].status == 401


async def test_unknown_method_is_not_found(bot: Bot, fake_server: FakeTelegramServer) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    assert fake_server.requests[-1].status == 404


async def test_command_reply_and_button_press_round_trip(fake_server: FakeTelegramServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("出席", callback_data="rsvp:yes")]])
        await update.effective_message.reply_text(
            f"ようこそ、{update.effective_user.first_name if update.effective_user else ''}さん",
            reply_markup=keyboard,
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        too_long = "長" * 201
        with pytest.raises(BadRequest, match="Message_too_long"):
            await query.answer(too_long)
        await query.answer("受け付けました")
        await query.edit_message_text(f"回答: {query.data}")

    async with polling_application(
        fake_server, CommandHandler("start", start), CallbackQueryHandler(pressed)
    ):
        await fake_server.private_message(ALICE, "/start")
        welcome = await fake_server.wait_for_message(ALICE.id, contains="ようこそ、花子さん")
        assert welcome["from"]["username"] == "renkei_test_bot"
        assert isinstance(welcome["date"], int)

        await fake_server.press_button(welcome, "rsvp:yes", ALICE)
        edited = await fake_server.wait_for_message(ALICE.id, contains="回答: rsvp:yes")

    assert edited["message_id"] == welcome["message_id"]
    assert "reply_markup" not in edited
    assert [answer["text"] for answer in fake_server.callback_answers] == ["受け付けました"]
    assert [m["text"] for m in fake_server.sent_messages(ALICE.id)] == ["回答: rsvp:yes"]


async def test_waiting_after_an_update_ignores_earlier_replies(
    fake_server: FakeTelegramServer,
) -> None:
    async def acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("了解しました")

    async with polling_application(fake_server, MessageHandler(filters.TEXT, acknowledge)):
        await fake_server.private_message(ALICE, "一つ目")
        first = await fake_server.wait_for_message(ALICE.id, contains="了解")
        await fake_server.private_message(ALICE, "二つ目")
        second = await fake_server.wait_for_message(ALICE.id, contains="了解")

    assert second["message_id"] == first["message_id"] + 2


async def test_group_command_carries_entities_mentions_and_reply(
    fake_server: FakeTelegramServer,
) -> None:
    seen: list[Update] = []

    async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)

    async with polling_application(
        fake_server, CommandHandler("faq", remember), MessageHandler(filters.TEXT, remember)
    ):
        question = await fake_server.group_message(PTA_GROUP, BOB, "運動会はいつ？ @hanako")
        await fake_server.group_message(
            PTA_GROUP, ALICE, "/faq@renkei_test_bot 運動会", reply_to=question
        )
        await fake_server.wait_for(lambda r: r.method == "getUpdates" and len(seen) == 2)

    mention, command = seen
    assert mention.effective_message is not None and command.effective_message is not None
    assert list(mention.effective_message.parse_entities().values()) == ["@hanako"]
    assert list(command.effective_message.parse_entities().values()) == ["/faq@renkei_test_bot"]
    assert command.effective_message.reply_to_message is not None
    assert command.effective_message.reply_to_message.text == "運動会はいつ？ @hanako"
    assert command.effective_chat is not None and command.effective_chat.title == "PTA 役員会"


async def test_message_ids_increase_per_chat(bot: Bot, fake_server: FakeTelegramServer) -> None:
    fake_server.add_chat(PTA_GROUP)
    fake_server.add_chat(Chat.private(ALICE))
    first = await bot.send_message(PTA_GROUP.id, "一")
    second = await bot.send_message(PTA_GROUP.id, "二")
    private = await bot.send_message(ALICE.id, "three")
    assert second.message_id == first.message_id + 1
    assert private.message_id == 1
    assert first.chat.title == "PTA 役員会"


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hello")


async def test_user_seen_only_in_a_group_cannot_be_messaged_first(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    await fake_server.group_message(PTA_GROUP, BOB, "hello")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(BOB.id, "Reminder: sports day")
    await fake_server.private_message(BOB, "/start")
    assert (await bot.send_message(BOB.id, "Reminder: sports day")).chat.type == "private"


async def test_message_over_4096_characters_is_rejected(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    await bot.send_message(ALICE.id, "あ" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE.id, "あ" * 4097)


async def test_html_length_is_counted_after_parsing(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    message = await bot.send_message(
        ALICE.id, "<b>" + "&amp;" * 4096 + "</b>", parse_mode=ParseMode.HTML
    )
    assert message.text == "&" * 4096
    assert message.entities[0].type == "bold"


@pytest.mark.parametrize(
    "text",
    [
        "Q&A は <b>こちら</b>",  # unescaped ampersand from user text
        "保護者 <script> の質問",  # unsupported tag
        "<b>太字 <i>斜体</b></i>",  # badly nested
        "<b>閉じていない",  # unbalanced
        "1 < 2",  # bare less-than
        '<span class="x">x</span>',  # span that is not a spoiler
    ],
)
async def test_invalid_html_cannot_be_parsed(
    bot: Bot, fake_server: FakeTelegramServer, text: str
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(ALICE.id, text, parse_mode=ParseMode.HTML)


async def test_escaped_html_is_shown_as_plain_text_with_entities(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    user_text = "Q&A <必読> 1 > 0"
    message = await bot.send_message(
        ALICE.id,
        f'<b>質問</b>: {html.escape(user_text)} <a href="https://example.org/?a=1&amp;b=2">link</a>'
        '<tg-spoiler>秘密</tg-spoiler><span class="tg-spoiler">!</span><pre><code '
        'class="language-python">x = 1</code></pre><blockquote>引用</blockquote>',
        parse_mode=ParseMode.HTML,
    )
    assert message.text == "質問: Q&A <必読> 1 > 0 link秘密!x = 1引用"
    parsed = {entity.type: text for entity, text in message.parse_entities().items()}
    assert parsed["bold"] == "質問"
    assert parsed["text_link"] == "link"
    assert parsed["code"] == "x = 1"
    assert parsed["blockquote"] == "引用"
    link = next(e for e in message.entities if e.type == "text_link")
    assert link.url == "https://example.org/?a=1&b=2"


async def test_callback_data_over_64_bytes_is_rejected(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="リ" * 22)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ALICE.id, "選んでください", reply_markup=too_long)
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="リ" * 21)]])
    message = await bot.send_message(ALICE.id, "選んでください", reply_markup=fits)
    assert message.reply_markup == fits


async def test_editing_without_change_is_not_modified(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    message = await bot.send_message(ALICE.id, "同じ")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("同じ", ALICE.id, message.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("別", ALICE.id, message.message_id + 5)


async def test_deleted_message_disappears_from_the_chat(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    kept = await bot.send_message(ALICE.id, "残す")
    gone = await bot.send_message(ALICE.id, "消す")
    assert await bot.delete_message(ALICE.id, gone.message_id)
    assert [m["text"] for m in fake_server.sent_messages(ALICE.id)] == [kept.text]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ALICE.id, gone.message_id)


async def test_blocked_private_chat_is_forbidden(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    fake_server.block_chat(ALICE.id)
    with pytest.raises(Forbidden, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(ALICE.id, "リマインダー")


async def test_bot_removed_from_group_gets_update_then_forbidden(
    fake_server: FakeTelegramServer,
) -> None:
    statuses: list[str] = []

    async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member is not None
        statuses.append(update.my_chat_member.new_chat_member.status)

    async with polling_application(
        fake_server, ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER)
    ) as app_bot:
        await fake_server.my_chat_member(PTA_GROUP, "member", by=ALICE)
        await fake_server.my_chat_member(PTA_GROUP, "kicked", by=ALICE)
        await fake_server.wait_for(lambda r: r.method == "getUpdates" and len(statuses) == 2)
        with pytest.raises(Forbidden, match="Forbidden: bot was kicked from the group chat"):
            await app_bot.send_message(PTA_GROUP.id, "まだいますか")

    assert statuses == [ChatMemberStatus.MEMBER, ChatMemberStatus.BANNED]


async def test_bot_that_left_a_group_cannot_post_there(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(PTA_GROUP)
    assert await bot.leave_chat(PTA_GROUP.id)
    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(PTA_GROUP.id, "さようなら")


async def test_upgraded_group_answers_chat_migrated(fake_server: FakeTelegramServer) -> None:
    migrations: list[int] = []

    async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        if update.effective_message.migrate_to_chat_id:
            migrations.append(update.effective_message.migrate_to_chat_id)

    async with polling_application(
        fake_server, MessageHandler(filters.StatusUpdate.MIGRATE, migrated)
    ) as app_bot:
        supergroup = await fake_server.migrate_group(PTA_GROUP, -1009876543210)
        await fake_server.wait_for(lambda r: r.method == "getUpdates" and bool(migrations))
        with pytest.raises(ChatMigrated) as raised:
            await app_bot.send_message(PTA_GROUP.id, "お知らせ")
        sent = await app_bot.send_message(raised.value.new_chat_id, "お知らせ")

    assert migrations == [-1009876543210]
    assert sent.chat.type == "supergroup"
    assert sent.chat.title == supergroup.title == "PTA 役員会"


async def test_injected_429_raises_retry_after(bot: Bot, fake_server: FakeTelegramServer) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    fake_server.fail_next("sendMessage", 1, 429, "Too Many Requests: retry after 7", 7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(ALICE.id, "一回目")
    assert str(raised.value) == "Flood control exceeded. Retry in 7 seconds"
    assert (await bot.send_message(ALICE.id, "二回目")).text == "二回目"
    assert fake_server.too_many_requests_count == 1


async def test_injected_server_errors_are_network_errors(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(Chat.private(ALICE))
    fake_server.fail_next("sendMessage", 2, 502, "Bad Gateway")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(ALICE.id, "リマインダー")
    assert (await bot.send_message(ALICE.id, "リマインダー")).text == "リマインダー"


async def test_group_limit_is_20_messages_per_minute(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.limits_enabled = True
    fake_server.add_chat(PTA_GROUP)
    fake_server.add_chat(Chat.private(ALICE))
    for number in range(20):
        await bot.send_message(PTA_GROUP.id, f"お知らせ {number}")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(PTA_GROUP.id, "21 通目")
    retry_seconds = int(re.findall(r"Retry in (\d+) seconds", str(raised.value))[0])
    assert 55 <= retry_seconds <= 60
    assert (await bot.send_message(ALICE.id, "private chats are not limited per minute")).text
    assert fake_server.too_many_requests_count == 1
    assert len(fake_server.sent_messages(PTA_GROUP.id)) == 20


async def test_overall_limit_is_30_messages_per_second(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.limits_enabled = True
    users = [User(id=2000 + n, first_name=f"保護者{n}") for n in range(31)]
    for user in users:
        fake_server.add_chat(Chat.private(user))
    results = await asyncio.gather(
        *(bot.send_message(user.id, "明日は遠足です") for user in users), return_exceptions=True
    )
    assert sum(isinstance(result, RetryAfter) for result in results) >= 1
    assert fake_server.too_many_requests_count >= 1


async def test_inline_query_answers_are_recorded_and_capped(
    fake_server: FakeTelegramServer,
) -> None:
    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        assert query is not None
        count = 51 if query.query == "too many" else 2
        results = [
            InlineQueryResultArticle(str(n), f"{query.query} {n}", InputTextMessageContent("…"))
            for n in range(count)
        ]
        try:
            await query.answer(results)
        except BadRequest as error:
            errors.append(error.message)

    errors: list[str] = []
    async with polling_application(fake_server, InlineQueryHandler(answer)):
        await fake_server.inline_query(ALICE, "運動会")
        await fake_server.wait_for_request("answerInlineQuery")
        await fake_server.inline_query(ALICE, "too many")
        await fake_server.wait_for_request("answerInlineQuery")

    assert len(fake_server.inline_answers) == 1
    assert [r["title"] for r in fake_server.inline_answers[0]["results"]] == [
        "運動会 0",
        "運動会 1",
    ]
    assert errors == ["Results_too_much"]


async def test_document_upload_and_download_round_trip(
    fake_server: FakeTelegramServer,
) -> None:
    received: list[bytes] = []

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.document is not None
        telegram_file = await message.document.get_file()
        data = bytes(await telegram_file.download_as_bytearray())
        received.append(data)
        await message.reply_document(data.upper(), filename=f"返信_{message.document.file_name}")

    async with polling_application(fake_server, MessageHandler(filters.Document.ALL, on_document)):
        await fake_server.document_message(
            PTA_GROUP, ALICE, "名簿.csv", "名前,学年\n花子,3\n".encode(), mime_type="text/csv"
        )
        reply = await fake_server.wait_for_request("sendDocument")

    assert received == ["名前,学年\n花子,3\n".encode()]
    assert reply.message is not None
    assert reply.message["document"]["file_name"] == "返信_名簿.csv"
    [document] = fake_server.documents
    assert (document.chat_id, document.filename) == (PTA_GROUP.id, "返信_名簿.csv")
    assert document.data == "名前,学年\n花子,3\n".upper().encode()


async def test_chat_members_follow_configured_admins(
    bot: Bot, fake_server: FakeTelegramServer
) -> None:
    fake_server.add_chat(PTA_GROUP)
    fake_server.set_admins(PTA_GROUP.id, [ALICE.id, BOB.id])
    assert (await bot.get_chat_member(PTA_GROUP.id, ALICE.id)).status == "creator"
    assert (await bot.get_chat_member(PTA_GROUP.id, BOB.id)).status == "administrator"
    assert (await bot.get_chat_member(PTA_GROUP.id, 5555)).status == "member"
    admins = await bot.get_chat_administrators(PTA_GROUP.id)
    assert [admin.user.id for admin in admins] == [ALICE.id, BOB.id]
    chat = await bot.get_chat(PTA_GROUP.id)
    assert (chat.type, chat.title) == ("group", "PTA 役員会")


async def test_commands_are_stored_per_language(bot: Bot, fake_server: FakeTelegramServer) -> None:
    await bot.set_my_commands([("remind", "リマインダー")], language_code="ja")
    await bot.set_my_commands([("remind", "Reminders")])
    assert [c.description for c in await bot.get_my_commands(language_code="ja")] == [
        "リマインダー"
    ]
    assert await bot.delete_my_commands(language_code="ja")
    assert await bot.get_my_commands(language_code="ja") == ()
    assert [c.description for c in await bot.get_my_commands()] == ["Reminders"]


async def test_get_updates_long_polls_and_offset_confirms(
    fake_server: FakeTelegramServer,
) -> None:
    url = f"{fake_server.url}/bot{DEFAULT_TOKEN}/getUpdates"
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(session.post(url, data={"timeout": "5"}))
        await fake_server.wait_until_polling()
        await fake_server.private_message(ALICE, "おはよう")
        await fake_server.private_message(ALICE, "こんにちは")
        first = await (await poll).json()
        [update_one, update_two] = first["result"]
        assert update_one["message"]["text"] == "おはよう"

        limited = await session.post(url, json={"offset": update_two["update_id"], "limit": 5})
        assert [u["update_id"] for u in (await limited.json())["result"]] == [
            update_two["update_id"]
        ]
        confirmed = await session.post(url, params={"offset": str(update_two["update_id"] + 1)})
        assert (await confirmed.json())["result"] == []

        await fake_server.private_message(ALICE, "ignored by allowed_updates")
        await fake_server.inline_query(ALICE, "wanted")
        filtered = await session.post(url, data={"allowed_updates": '["inline_query"]'})
        [inline_update] = (await filtered.json())["result"]
        assert inline_update["inline_query"]["query"] == "wanted"


async def test_attach_reference_resolves_to_the_uploaded_part(
    fake_server: FakeTelegramServer,
) -> None:
    fake_server.add_chat(PTA_GROUP)
    form = aiohttp.FormData()
    form.add_field("chat_id", str(PTA_GROUP.id))
    form.add_field("document", "attach://minutes")
    form.add_field("minutes", b"agenda", filename="minutes.txt", content_type="text/plain")
    async with aiohttp.ClientSession() as session:
        response = await session.post(
            f"{fake_server.url}/bot{DEFAULT_TOKEN}/sendDocument", data=form
        )
        sent = await response.json()
    assert sent["result"]["document"]["file_name"] == "minutes.txt"
    assert fake_server.documents[0].data == b"agenda"


async def test_standalone_server_control_api() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fake_telegram",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        url = banner.rsplit(" ", 1)[-1].strip()
        async with aiohttp.ClientSession() as session:
            pushed = await session.post(
                f"{url}/_control/private_message",
                json={"user": {"id": 77, "first_name": "Yui"}, "text": "/start"},
            )
            assert (await pushed.json())["result"]["entities"][0]["type"] == "bot_command"
            async with make_bot(url) as remote_bot:
                [update] = await remote_bot.get_updates()
                assert update.message is not None and update.message.text == "/start"
                await remote_bot.send_message(77, "ようこそ")
            sent = await session.get(f"{url}/_control/sent", params={"chat_id": "77"})
            assert [m["text"] for m in (await sent.json())["result"]] == ["ようこそ"]
            await session.post(f"{url}/_control/block", json={"chat_id": 77})
            async with make_bot(url) as remote_bot:
                with pytest.raises(Forbidden):
                    await remote_bot.send_message(77, "まだ届きますか")
            log = await session.get(f"{url}/_control/requests", params={"method": "sendMessage"})
            assert [r["status"] for r in (await log.json())["result"]["requests"]] == [200, 403]
    finally:
        process.terminate()
        await process.wait()
