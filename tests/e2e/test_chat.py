"""End to end: how people actually write to the bot — commands with the text typed straight
after them, free-text answers to notices and confirmations, acknowledgements, introductions,
questions that name a meeting — through the real ``bot.py``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import StartBot
from tests.e2e.group import (
    CHAIR,
    GROUP,
    GUEST,
    MEMBER,
    NOTICE_WAIT,
    buttons,
    create,
    move_pending,
    shown,
)
from tests.fake_telegram import BOT_USERNAME, FakeTelegramServer, User

pytestmark = pytest.mark.e2e

NEWCOMER = User(id=804, first_name="公民館", language_code="ja")
TIMEOUT = 20
QUIET_SECONDS = 3


async def quiet(server: FakeTelegramServer, chat_id: int) -> None:
    """Assert the bot says nothing more in the chat for a few seconds."""
    before = len(server.sent_messages(chat_id))
    await asyncio.sleep(QUIET_SECONDS)
    assert len(server.sent_messages(chat_id)) == before, server.sent_messages(chat_id)[-1]


async def test_a_command_with_its_text_typed_straight_after_it_works(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    meeting = await create(server, CHAIR, "/meeting毎週月曜 7時半 見守り", "会議を登録しました")
    assert "毎週月曜日" in meeting["text"] and "07:30" in meeting["text"], meeting["text"]
    assert "見守り" in meeting["text"]
    deadline = await create(server, CHAIR, "/milestone1月末 報告書", "締切を登録しました")
    assert "1月31日" in deadline["text"] and "報告書" in deadline["text"], deadline["text"]
    answer = await create(server, MEMBER, "/faqボランティア保険", "保険")
    assert answer["text"].startswith("Q."), answer["text"]
    await server.group_message(GROUP, MEMBER, "/agenda")
    await server.wait_for_message(GROUP.id, "今後30日間", timeout=TIMEOUT)
    shown = [str(m.get("text")) for m in server.sent_messages(GROUP.id)]
    assert not [text for text in shown if "コマンドはありません" in text], shown
    assert not [text for text in shown if "分野を選んでください" in text], shown

    await server.private_message(MEMBER, "/faqボランティア保険")
    private = await server.wait_for_message(MEMBER.id, timeout=TIMEOUT)
    assert private["text"].startswith("Q.") and "保険" in private["text"], private["text"]
    await server.private_message(MEMBER, "/shedule明日")  # still a near miss, named as typed
    typo = await server.wait_for_message(MEMBER.id, timeout=TIMEOUT)
    assert "「/shedule」というコマンドはありません" in typo["text"], typo["text"]


async def noticed_now(
    server: FakeTelegramServer, tmp_path: Path, *meetings: tuple[str, str]
) -> None:
    """Create ``meetings`` (command, the reply to wait for) with one notice an hour before, and
    make those notices due now."""
    await create(server, CHAIR, "/notices 1h", "会議のお知らせを")
    for command, expect in meetings:
        await create(server, CHAIR, command, expect)
    assert move_pending(tmp_path / "renkei.db", datetime.now(UTC)) == len(meetings)


async def test_answers_to_notices_are_read_and_called_off_meetings_take_none(
    group_bot: FakeTelegramServer, tmp_path: Path
) -> None:
    server = group_bot
    await noticed_now(
        server,
        tmp_path,
        ("/meeting 明日 10:00 定例会", "会議を登録しました"),
        ("/meeting 毎週水曜 16時 学習支援", "会議を登録しました"),
    )
    first = await server.wait_for_message(GROUP.id, "定例会", timeout=NOTICE_WAIT)
    if "会議のお知らせ" not in first["text"]:
        first = await server.wait_for_message(GROUP.id, "会議のお知らせ", timeout=NOTICE_WAIT)
    await asyncio.sleep(2)
    notice = {
        title: next(
            m for m in server.sent_messages(GROUP.id)
            if "会議のお知らせ" in str(m.get("text")) and title in str(m.get("text"))
        )
        for title in ("定例会", "学習支援")
    }  # fmt: skip

    replies = [
        ("行けたら行きます", "出席 0・欠席 0・未定 1"),
        ("すみません、急用で行けなくなりました", "出席 0・欠席 1・未定 0"),
        ("やっぱり行けそうです", "出席 1・欠席 0・未定 0"),
        ("今回はパスで", "出席 0・欠席 1・未定 0"),
    ]
    for reply, counts in replies:
        await server.group_message(GROUP, MEMBER, reply, reply_to=notice["定例会"])
        edited = await server.wait_for_message(GROUP.id, counts, timeout=TIMEOUT)
        assert edited["message_id"] == notice["定例会"]["message_id"], (reply, edited["text"])

    # a question its own notice answers is answered from it, not from the FAQ
    await server.group_message(GROUP, MEMBER, "何時からでしたっけ？", reply_to=notice["定例会"])
    facts = await server.wait_for_message(GROUP.id, "#1「定例会」の予定です", timeout=TIMEOUT)
    assert "10:00（Asia/Tokyo）" in facts["text"] and "Q." not in facts["text"], facts["text"]

    # the notice is closed by /cancel itself: its buttons are gone before anyone presses one
    await create(server, CHAIR, "/cancel 1", "取り消しました")
    closed = await server.wait_for_message(GROUP.id, "（中止になりました）", timeout=TIMEOUT)
    assert closed["message_id"] == notice["定例会"]["message_id"] and not buttons(closed)
    assert "出席 0・欠席 1・未定 0" in closed["text"]  # the answers given stay on record
    await server.group_message(GROUP, CHAIR, "出席します", reply_to=notice["定例会"])
    said = await server.wait_for_message(GROUP.id, "中止になりました。出欠", timeout=TIMEOUT)
    assert "#1「定例会」" in said["text"], said["text"]

    mark = server.mark()
    await create(server, CHAIR, "/skip 2", "休みにしました")
    off = await server.wait_for_message(
        GROUP.id, "（この回はお休みです）", since=mark, timeout=TIMEOUT
    )
    assert off["message_id"] == notice["学習支援"]["message_id"] and not buttons(off)
    await server.group_message(GROUP, MEMBER, "欠席します", reply_to=notice["学習支援"])
    said = await server.wait_for_message(GROUP.id, "お休みです", timeout=TIMEOUT)
    assert "#2「学習支援」" in said["text"], said["text"]
    assert "出席 0・欠席 0・未定 0" in shown(server, notice["学習支援"])["text"]  # not counted


async def test_replies_that_are_no_questions_are_not_logged_as_unanswered(
    group_bot: FakeTelegramServer, bot_admin: User
) -> None:
    server = group_bot
    created = await create(server, CHAIR, "/meeting 毎週木曜 19時 運営会議", "会議を登録しました")
    await server.group_message(GROUP, MEMBER, "参加します！", reply_to=created)
    yes = await server.wait_for_message(GROUP.id, "で受け付けました", timeout=TIMEOUT)
    assert "#1「運営会議」" in yes["text"] and "「出席」" in yes["text"], yes["text"]
    # written in Japanese, answered in Japanese, whatever the app's language
    await server.group_message(GROUP, GUEST, "木曜は仕事で行けないかも…", reply_to=created)
    maybe = await server.wait_for_message(GROUP.id, "「未定」", timeout=TIMEOUT)
    assert "#1" in maybe["text"], maybe["text"]
    await server.group_message(GROUP, MEMBER, "場所どこだっけ？", reply_to=created)
    facts = await server.wait_for_message(GROUP.id, "#1「運営会議」の予定です", timeout=TIMEOUT)
    assert "毎週木曜日 19:00" in facts["text"], facts["text"]
    await server.group_message(GROUP, MEMBER, "/agenda")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=TIMEOUT)
    assert "出席 1・欠席 0・未定 1" in agenda["text"], agenda["text"]

    for ack in ("了解です", "了解しました！", "👍", "笑"):
        await server.group_message(GROUP, MEMBER, ack, reply_to=agenda)
    await quiet(server, GROUP.id)
    await server.group_message(GROUP, MEMBER, "なるほど、ありがとう！", reply_to=agenda)
    await server.wait_for_message(GROUP.id, "どういたしまして", timeout=TIMEOUT)

    deadline = await create(
        server, CHAIR, "/milestone 12月15日 17時 アンケート", "締切を登録しました"
    )
    await server.group_message(GROUP, CHAIR, "全員分回収できました", reply_to=deadline)
    await server.wait_for_message(GROUP.id, "「アンケート」を完了にしました", timeout=TIMEOUT)

    await server.private_message(
        NEWCOMER, "はじめまして。今年から公民館で担当になった者です。よろしくお願いします"
    )
    welcome = await server.wait_for_message(NEWCOMER.id, timeout=TIMEOUT)
    assert "はじめまして、連携（Renkei）です" in welcome["text"], welcome["text"]
    assert f"@{BOT_USERNAME} 質問" in welcome["text"]

    await server.private_message(bot_admin, "/unanswered")
    queue = await server.wait_for_message(bot_admin.id, timeout=TIMEOUT)
    for said in ("参加します", "行けないかも", "了解", "👍", "笑", "回収", "はじめまして"):
        assert said not in queue["text"], queue["text"]


async def test_questions_naming_a_meeting_get_that_meeting(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await create(server, CHAIR, "/meeting 毎週水曜 16時 学習支援 @ 図書室", "会議を登録しました")
    await create(
        server, CHAIR, "/meeting 毎週金曜 15時 地域情報交換会 @ 公民館 第1会議室",
        "会議を登録しました",
    )  # fmt: skip
    await create(
        server, CHAIR, "/meeting 毎週火曜 18時 連携推進委員会 @ 市役所3階", "会議を登録しました"
    )
    await server.group_message(
        GROUP, MEMBER, f"@{BOT_USERNAME} 次の情報交換会っていつでしたっけ？"
    )
    named = await server.wait_for_message(GROUP.id, "地域情報交換会", timeout=TIMEOUT)
    assert "毎週金曜日 15:00" in named["text"], named["text"]
    assert "学習支援" not in named["text"] and "推進委員会" not in named["text"]
    await server.group_message(GROUP, MEMBER, f"@{BOT_USERNAME} 今度の推進委員会の場所どこだっけ")
    place = await server.wait_for_message(GROUP.id, "連携推進委員会", timeout=TIMEOUT)
    assert "場所: 市役所3階" in place["text"] and "学習支援" not in place["text"]
    await server.group_message(GROUP, MEMBER, f"@{BOT_USERNAME} 会議室どこ？")
    rooms = await server.wait_for_message(GROUP.id, "今後30日間", timeout=TIMEOUT)
    assert "場所: 図書室" in rooms["text"], rooms["text"]

    await server.group_message(GROUP, MEMBER, f"@{BOT_USERNAME}")
    usage = await server.wait_for_message(GROUP.id, timeout=TIMEOUT)
    assert "メンションに続けて" in usage["text"] and "/faq の後に" not in usage["text"]
    await server.group_message(GROUP, MEMBER, "/lang fr")
    refused = await server.wait_for_message(GROUP.id, timeout=TIMEOUT)
    assert "「fr」には対応していません" in refused["text"], refused["text"]
    assert "/lang ja" in refused["text"] and "/lang en" in refused["text"]


async def test_in_a_private_chat_requests_and_agenda_questions_fit_the_chat(
    start_bot: StartBot, fake_server: FakeTelegramServer
) -> None:
    server = fake_server
    await start_bot()
    await server.private_message(GUEST, "remind me tomorrow at 9 to call the school")
    hint = await server.wait_for_message(GUEST.id, timeout=TIMEOUT)
    assert "\n/remind tomorrow at 9 to call the school\n" in hint["text"], hint["text"]
    assert "admins" not in hint["text"]
    await server.press_button(hint, buttons(hint)["✅ Schedule it"], GUEST)
    created = await server.wait_for_message(GUEST.id, "Reminder scheduled", timeout=TIMEOUT)
    assert "call the school" in created["text"] and "09:00" in created["text"], created["text"]

    await server.private_message(MEMBER, "明日10時に資料の印刷をリマインドして")
    hint = await server.wait_for_message(MEMBER.id, timeout=TIMEOUT)
    assert "グループでは管理者のみ" not in hint["text"], hint["text"]
    await server.press_button(hint, buttons(hint)["✅ この内容で登録"], MEMBER)
    await server.wait_for_message(MEMBER.id, "リマインドを登録しました", timeout=TIMEOUT)
    await server.private_message(MEMBER, "次の予定なんだっけ")
    agenda = await server.wait_for_message(MEMBER.id, timeout=TIMEOUT)
    assert "今後30日間" in agenda["text"] and "資料の印刷" in agenda["text"], agenda["text"]


async def test_notices_speak_their_titles_language_and_start_says_how_to_ask_in_a_group(
    group_bot: FakeTelegramServer, tmp_path: Path
) -> None:
    server = group_bot
    await noticed_now(
        server,
        tmp_path,
        ("/meeting 明日 10:00 運営会議", "会議を登録しました"),
        ("/meeting tomorrow 11am steering group call", "scheduled"),
    )
    japanese = await server.wait_for_message(GROUP.id, "会議のお知らせ", timeout=NOTICE_WAIT)
    assert "運営会議" in japanese["text"], japanese["text"]
    english = await server.wait_for_message(GROUP.id, "Meeting coming up", timeout=NOTICE_WAIT)
    assert "steering group call" in english["text"] and "会議" not in english["text"]

    await server.group_message(GROUP, MEMBER, "/start")
    hello = await server.wait_for_message(GROUP.id, "こんにちは", timeout=TIMEOUT)
    assert "/faq 質問" in hello["text"] and "そのまま送って" not in hello["text"], hello["text"]
    await server.group_message(GROUP, MEMBER, "/lang en")
    said = await server.wait_for_message(GROUP.id, "English", timeout=TIMEOUT)
    assert "administrator" in said["text"], said["text"]  # only theirs changed
