"""The FAQ through the real bot: private chat, groups, buttons, inline, bad input, /reload."""

from pathlib import Path

import pytest

from tests.e2e.conftest import StartBot
from tests.fake_telegram import Chat, FakeTelegramServer, User

pytestmark = pytest.mark.e2e

HANAKO = User(id=41001, first_name="花子", language_code="ja")
EMMA = User(id=41002, first_name="Emma", language_code="en")
TARO = User(id=41003, first_name="太郎", language_code="ja")
GROUP = Chat.group(-100200300, "連携推進委員会")
TIMEOUT = 30


def buttons(message: dict[str, object]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [
        (button["text"], button.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]


async def test_private_question_gets_the_answer_with_buttons(
    fake_server: FakeTelegramServer, start_bot: StartBot
) -> None:
    await start_bot()
    await fake_server.private_message(
        HANAKO, "ボランティアに登録したいのですが、どうすればいいですか？"
    )
    reply = await fake_server.wait_for_message(HANAKO.id, timeout=TIMEOUT)
    assert reply["text"].startswith("Q.")
    assert "登録" in reply["text"]
    labels = [text for text, _data in buttons(reply)]
    assert "👍 役に立った" in labels and "👎 役に立たなかった" in labels

    helpful = next(data for text, data in buttons(reply) if text.startswith("👍"))
    await fake_server.press_button(reply, helpful, HANAKO)
    answered = await fake_server.wait_for_request("answerCallbackQuery", timeout=TIMEOUT)
    assert "ありがとう" in answered.params.get("text", "")
    rated = await fake_server.wait_for_request("editMessageReplyMarkup", timeout=TIMEOUT)
    left = str(rated.params.get("reply_markup", ""))
    assert "👍" not in left and "👎" not in left, left
    related = [text for text, _data in buttons(reply) if not text.startswith(("👍", "👎"))]
    assert related and related[0] in left, (related, left)  # the related questions stay


async def test_english_user_is_answered_in_english_and_unknowns_are_declined(
    fake_server: FakeTelegramServer, start_bot: StartBot
) -> None:
    await start_bot()
    await fake_server.private_message(EMMA, "Who writes the minutes of our meetings?")
    reply = await fake_server.wait_for_message(EMMA.id, timeout=TIMEOUT)
    assert reply["text"].startswith("Q.")
    assert "minutes" in reply["text"].lower()

    await fake_server.private_message(EMMA, "What's a good recipe for chocolate cake?")
    declined = await fake_server.wait_for_message(EMMA.id, timeout=TIMEOUT)
    assert "couldn't find an answer" in declined["text"]
    assert "coordinator" in declined["text"]

    # the language a question is written in wins over the Telegram app's
    await fake_server.private_message(EMMA, "議事録はどこで見られますか")
    japanese = await fake_server.wait_for_message(EMMA.id, "議事録", timeout=TIMEOUT)
    assert japanese["text"].startswith("Q. 議事録"), japanese["text"]
    await fake_server.private_message(HANAKO, "where can I read the minutes?")
    english = await fake_server.wait_for_message(HANAKO.id, "minutes", timeout=TIMEOUT)
    assert english["text"].startswith("Q."), english["text"]
    assert "議事録" not in english["text"], english["text"]


async def test_group_answers_commands_mentions_replies_but_not_chatter(
    fake_server: FakeTelegramServer, start_bot: StartBot
) -> None:
    await start_bot()
    await fake_server.group_message(
        GROUP, TARO, "今日は寒いですね。議事録の件、あとで話しましょう"
    )
    await fake_server.group_message(GROUP, TARO, "/faq 議事録は誰が書くの？")
    by_command = await fake_server.wait_for_message(GROUP.id, timeout=TIMEOUT)
    assert "議事録" in by_command["text"]
    assert len(fake_server.sent_messages(GROUP.id)) == 1  # the chatter got no reply

    await fake_server.group_message(
        GROUP, TARO, "@renkei_test_bot 写真をホームページに載せてもいい？"
    )
    by_mention = await fake_server.wait_for_message(GROUP.id, timeout=TIMEOUT)
    assert "写真" in by_mention["text"]

    await fake_server.group_message(GROUP, TARO, "保険はどうなっていますか", reply_to=by_mention)
    by_reply = await fake_server.wait_for_message(GROUP.id, timeout=TIMEOUT)
    assert "保険" in by_reply["text"]

    await fake_server.group_message(GROUP, TARO, "/faq")
    browser = await fake_server.wait_for_message(GROUP.id, timeout=TIMEOUT)
    topic = next(data for _text, data in buttons(browser) if data.startswith("faq:g:"))
    await fake_server.press_button(browser, topic, TARO)
    edited = await fake_server.wait_for_request("editMessageText", timeout=TIMEOUT)
    assert "1/" in edited.params["text"]
    assert all(len(data.encode()) <= 64 for _text, data in buttons(browser))


async def test_unknown_commands_get_a_pointer_but_other_bots_commands_do_not(
    fake_server: FakeTelegramServer, start_bot: StartBot, bot_admin: User
) -> None:
    await start_bot()
    await fake_server.private_message(HANAKO, "/shedule")
    typo = await fake_server.wait_for_message(HANAKO.id, timeout=TIMEOUT)
    assert "「/shedule」というコマンドはありません" in typo["text"]
    assert "/agenda のことでしょうか" in typo["text"]

    await fake_server.group_message(GROUP, TARO, "/start@other_bot")
    await fake_server.group_message(GROUP, TARO, "/poll 明日の昼ごはん")
    await fake_server.group_message(GROUP, EMMA, "/reminders")
    pointer = await fake_server.wait_for_message(GROUP.id, timeout=TIMEOUT)
    assert "Did you mean /agenda?" in pointer["text"]
    assert len(fake_server.sent_messages(GROUP.id)) == 1  # the other bots' commands got none

    await fake_server.group_message(GROUP, bot_admin, "/deadline 12月15日 17時 報告書の提出")
    created = await fake_server.wait_for_message(GROUP.id, "締切を登録しました", timeout=TIMEOUT)
    assert "報告書の提出" in created["text"]


async def test_bot_introduces_itself_once_when_added_to_a_group(
    fake_server: FakeTelegramServer, start_bot: StartBot
) -> None:
    await start_bot()
    newcomer = Chat.group(-100200400, "PTA役員会")
    await fake_server.my_chat_member(newcomer, "member", by=TARO, old_status="left")
    welcome = await fake_server.wait_for_message(newcomer.id, timeout=TIMEOUT)
    assert "連携（Renkei）です" in welcome["text"] and "/faq" in welcome["text"]

    await fake_server.my_chat_member(newcomer, "administrator", by=TARO)  # promoted: no repeat
    await fake_server.group_message(newcomer, TARO, "/faq 議事録は誰が書くの？")
    await fake_server.wait_for_message(newcomer.id, "議事録", timeout=TIMEOUT)
    assert len(fake_server.sent_messages(newcomer.id)) == 2


async def test_inline_query_offers_matching_entries(
    fake_server: FakeTelegramServer, start_bot: StartBot
) -> None:
    await start_bot()
    await fake_server.inline_query(HANAKO, "補助金の申請")
    answer = await fake_server.wait_for_request("answerInlineQuery", timeout=TIMEOUT)
    results = answer.params["results"]
    assert 1 <= len(results) <= 10
    assert any("補助金" in result["title"] for result in results)


async def test_greetings_thanks_and_reminder_requests_are_not_failed_questions(
    fake_server: FakeTelegramServer, start_bot: StartBot, bot_admin: User
) -> None:
    await start_bot()
    await fake_server.private_message(bot_admin, "こんにちは！")
    greeting = await fake_server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    assert "ご質問をそのまま送ってください" in greeting["text"]
    assert any(data.startswith("faq:g:") for _text, data in buttons(greeting))  # topic browser
    await fake_server.private_message(EMMA, "Thanks!")
    thanks = await fake_server.wait_for_message(EMMA.id, timeout=TIMEOUT)
    assert "welcome" in thanks["text"]

    await fake_server.private_message(EMMA, "🙏")
    bowed = await fake_server.wait_for_message(EMMA.id, timeout=TIMEOUT)
    assert "welcome" in bowed["text"]
    await fake_server.private_message(bot_admin, "😀😀😀？")
    wordless = await fake_server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    assert "文字で質問" in wordless["text"]

    await fake_server.private_message(bot_admin, "明日10時に会議をリマインドして")
    hint = await fake_server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    assert "\n/meeting 明日10時に会議\n" in hint["text"]  # the command to send, on its own line
    (schedule,) = [data for _text, data in buttons(hint) if data.startswith("rem:req:")]
    await fake_server.press_button(hint, schedule, bot_admin)
    created = await fake_server.wait_for_message(
        bot_admin.id, "会議を登録しました", timeout=TIMEOUT
    )
    assert "10:00" in created["text"], created["text"]
    assert not buttons(fake_server.sent_messages(bot_admin.id)[-2])  # no second press

    await fake_server.private_message(bot_admin, "/unanswered")
    queue = await fake_server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    assert "こんにちは" not in queue["text"] and "Thanks" not in queue["text"]
    assert "リマインドして" not in queue["text"] and "😀" not in queue["text"]


async def test_admin_sees_how_the_faq_was_used(
    fake_server: FakeTelegramServer, start_bot: StartBot, bot_admin: User
) -> None:
    await start_bot()
    await fake_server.private_message(bot_admin, "議事録は誰が書くの？")
    answer = await fake_server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    helpful = next(data for text, data in buttons(answer) if text.startswith("👍"))
    await fake_server.press_button(answer, helpful, bot_admin)
    await fake_server.wait_for_request("answerCallbackQuery", timeout=TIMEOUT)
    await fake_server.private_message(bot_admin, "カレーのおいしい作り方を教えて")
    await fake_server.wait_for_message(bot_admin.id, "見つかりませんでした", timeout=TIMEOUT)

    await fake_server.private_message(bot_admin, "/stats")
    stats = await fake_server.wait_for_message(bot_admin.id, "利用状況", timeout=TIMEOUT)
    assert "質問 2件（回答 1件・50%、答えられず 1件）" in stats["text"], stats["text"]
    assert "役に立った 1・役に立たなかった 0" in stats["text"]
    assert "・会議の議事録は誰が書くのですか？（1回）" in stats["text"]
    await fake_server.private_message(HANAKO, "/stats")
    await fake_server.wait_for_message(HANAKO.id, "管理者のみ", timeout=TIMEOUT)


async def test_bad_input_is_handled_calmly(
    fake_server: FakeTelegramServer, start_bot: StartBot, bot_admin: User
) -> None:
    bot = await start_bot()
    html_question = "<b>ケーキ</b> & <script>alert(1)</script> の作り方は？"
    await fake_server.private_message(bot_admin, html_question)
    await fake_server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    await fake_server.private_message(bot_admin, "/unanswered")
    queue = await fake_server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    assert html_question in queue["text"]  # shown literally: escaped, so Telegram accepted it

    await fake_server.private_message(HANAKO, "ぼらんてぃあ" * 2000)
    long_reply = await fake_server.wait_for_message(HANAKO.id, timeout=TIMEOUT)
    assert "最初の500文字" in long_reply["text"]

    await fake_server.document_message(Chat.private(HANAKO), HANAKO, "photo.jpg", b"\xff\xd8")
    not_text = await fake_server.wait_for_message(HANAKO.id, timeout=TIMEOUT)
    assert "文字で質問" in not_text["text"]
    assert bot.returncode is None
    bot.assert_token_not_logged()


async def test_language_switch_is_remembered(
    fake_server: FakeTelegramServer, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await fake_server.private_message(HANAKO, "/lang en")
    switched = await fake_server.wait_for_message(HANAKO.id, timeout=TIMEOUT)
    assert "English" in switched["text"]
    await bot.stop()

    await start_bot()
    await fake_server.private_message(HANAKO, "/lang")
    usage = await fake_server.wait_for_message(HANAKO.id, timeout=TIMEOUT)
    assert "Please name a language" in usage["text"]


async def test_broken_store_on_reload_keeps_the_good_one(
    fake_server: FakeTelegramServer, start_bot: StartBot, bot_admin: User, tmp_path: Path
) -> None:
    store = tmp_path / "store.yaml"
    store.write_text(Path("faq/data/store.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    await start_bot(FAQ_STORE=str(store))
    store.write_text("- id: x\n  lang: fr\n  question: q\n", encoding="utf-8")

    await fake_server.private_message(bot_admin, "/reload")
    refused = await fake_server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    assert "line 2" in refused["text"] and "line 1" in refused["text"]

    await fake_server.private_message(HANAKO, "/reload")
    not_allowed = await fake_server.wait_for_message(HANAKO.id, timeout=TIMEOUT)
    assert "管理者" in not_allowed["text"]

    await fake_server.private_message(HANAKO, "議事録は誰が作成しますか")
    still_answers = await fake_server.wait_for_message(HANAKO.id, timeout=TIMEOUT)
    assert still_answers["text"].startswith("Q.")
