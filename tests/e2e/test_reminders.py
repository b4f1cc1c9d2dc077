"""End to end: the real ``bot.py`` schedules, delivers and recovers reminders in a group.

Notices that should fall due "now" are created for tomorrow and then moved in the database
(the bot's source of truth) to a moment ago or just ahead; the dispatcher's 30-second heartbeat
picks them up, so each case waits at most ~40 s instead of a real day.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handlers.reminders import _split_place
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
from tests.fake_telegram import BOT_USERNAME, FakeTelegramServer, JSONDict

pytestmark = pytest.mark.e2e


def database(tmp_path: Path) -> Path:
    return tmp_path / "renkei.db"


def delivery_states(db: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db, timeout=30) as conn:
        return list(conn.execute("SELECT notice, state, attempts FROM deliveries ORDER BY id"))


async def settled(db: Path, expected: list[str], timeout: float = 10.0) -> None:
    """Wait until the ledger's states are ``expected`` (the row is written after the send)."""
    for _ in range(int(timeout * 10)):
        if [state for _, state, _ in delivery_states(db)] == expected:
            return
        await asyncio.sleep(0.1)
    assert [state for _, state, _ in delivery_states(db)] == expected


def notices(server: FakeTelegramServer, chat_id: int, text: str) -> list[JSONDict]:
    return [m for m in server.sent_messages(chat_id) if text in str(m.get("text", ""))]


async def test_admin_creates_meeting_with_confirmation_and_undo(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    reply = await create(
        server, CHAIR, "/meeting 毎月第2火曜日 15時 運営委員会 @ 公民館", "会議を登録しました"
    )
    text = reply["text"]
    assert "運営委員会" in text and "公民館" in text
    assert re.search(r"\d+年\d+月\d+日\(火\) 15:00（Asia/Tokyo）", text), text
    assert "毎月第2火曜日" in text
    assert "1日前・1時間前" in text
    undo = buttons(reply)
    assert list(undo) == ["↩️ 取り消す"]

    await server.group_message(GROUP, MEMBER, "/meeting 明日 10:00 勝手な会議")
    refusal = await server.wait_for_message(GROUP.id, "管理者のみ", timeout=20)
    assert "勝手な会議" not in refusal["text"]
    await server.group_message(GROUP, GUEST, "/cancel 1")
    await server.wait_for_message(GROUP.id, "only its administrators", timeout=20)

    await server.group_message(GROUP, MEMBER, "/agenda")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    assert "#1" in agenda["text"] and "運営委員会" in agenda["text"]
    assert "勝手な会議" not in agenda["text"]

    await server.press_button(reply, next(iter(undo.values())), CHAIR)
    await server.wait_for_message(GROUP.id, "取り消しました", timeout=20)
    await server.group_message(GROUP, MEMBER, "/agenda")
    await server.wait_for_message(GROUP.id, "予定はありません", timeout=20)


async def test_a_cancellation_can_be_taken_back_and_a_city_names_the_zone(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await create(server, CHAIR, "/tz tokyo", "Asia/Tokyo にしました")
    await create(server, CHAIR, "/meeting 毎週水曜 16時 学習支援 @ 図書室", "会議を登録しました")
    cancelled = await create(server, CHAIR, "/cancel 1", "取り消しました")
    await server.group_message(GROUP, MEMBER, "/agenda")
    await server.wait_for_message(GROUP.id, "予定はありません", timeout=20)

    await server.press_button(cancelled, buttons(cancelled)["↩️ 元に戻す"], MEMBER)
    refusal = await server.wait_for(
        lambda r: r.method.lower() == "answercallbackquery", timeout=20
    )
    assert "管理者" in str(refusal.params.get("text")), refusal.params
    await server.press_button(cancelled, buttons(cancelled)["↩️ 元に戻す"], CHAIR)
    restored = await server.wait_for_message(GROUP.id, "元に戻しました", timeout=20)
    assert "毎週水曜日 16:00" in restored["text"], restored["text"]
    await server.group_message(GROUP, MEMBER, "/agenda")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    assert "学習支援" in agenda["text"] and "場所: 図書室" in agenda["text"], agenda["text"]


async def test_done_and_cancel_without_a_number_offer_the_chats_reminders_as_buttons(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await create(server, CHAIR, "/milestone 12月15日 17時 報告書の提出", "締切を登録しました")
    await create(server, CHAIR, "/milestone 12月20日 17時 アンケート集計", "締切を登録しました")
    await create(server, CHAIR, "/meeting 12月3日 15時 運営委員会", "会議を登録しました")

    offer = await create(server, CHAIR, "/done", "どれを完了にしますか")
    labels = sorted(buttons(offer))  # no meeting; each with its date
    assert len(labels) == 2, labels
    assert re.fullmatch(r"#1 12月15日\(.\) 報告書の提出", labels[0]), labels
    assert re.fullmatch(r"#2 12月20日\(.\) アンケート集計", labels[1]), labels
    await server.press_button(offer, buttons(offer)[labels[1]], MEMBER)
    refusal = await server.wait_for(
        lambda r: r.method.lower() == "answercallbackquery", timeout=20
    )
    assert "管理者" in str(refusal.params.get("text")), refusal.params
    await server.press_button(offer, buttons(offer)[labels[1]], CHAIR)
    await server.wait_for_message(GROUP.id, "#2「アンケート集計」を完了にしました", timeout=20)

    both = await create(server, CHAIR, "/cancel ＃1 3", "を取り消しました")
    assert "#1「報告書の提出」" in both["text"] and "#3「運営委員会」" in both["text"]
    assert set(buttons(both)) == {"↩️ 元に戻す #1", "↩️ 元に戻す #3"}
    await create(server, CHAIR, "/cancel", "取り消せる予定はありません")


async def test_a_long_pick_list_marks_series_and_says_how_many_more_there_are(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await create(server, CHAIR, "/meeting 毎週水曜 16時 学習支援", "会議を登録しました")
    for day in range(1, 11):
        await create(server, CHAIR, f"/remind 1月{day}日 9時 準備{day}", "登録しました")
    offer = await create(server, CHAIR, "/cancel", "どれを取り消しますか")
    labels = list(buttons(offer))
    assert len(labels) == 10, labels
    assert any(label.startswith("#1 ") and "🔁 学習支援" in label for label in labels), labels
    assert "ほかに1件あります" in offer["text"] and "/cancel 番号" in offer["text"], offer["text"]


async def test_asking_when_the_next_meeting_is_shows_the_agenda(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await server.group_message(GROUP, MEMBER, f"@{BOT_USERNAME} 次の会議はいつ？")
    faq = await server.wait_for_message(GROUP.id, "/agenda", timeout=20)  # nothing yet: the FAQ
    assert "今後30日間" not in faq["text"]
    await create(server, CHAIR, "/meeting 毎週水曜 16時 学習支援 @ 図書室", "会議を登録しました")
    await server.group_message(GROUP, MEMBER, f"@{BOT_USERNAME} 次の会議はいつ？")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    assert "学習支援" in agenda["text"] and "毎週水曜日 16:00" in agenda["text"], agenda["text"]


async def test_admin_calls_off_one_meeting_of_a_series_and_takes_it_back(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    created = await create(
        server, CHAIR, "/meeting 毎月第2火曜日 15時〜16時半 定例会", "会議を登録しました"
    )
    assert "15:00〜16:30（Asia/Tokyo）" in created["text"], created["text"]
    await server.group_message(GROUP, MEMBER, "/skip 1")
    await server.wait_for_message(GROUP.id, "管理者のみ", timeout=20)
    await server.group_message(GROUP, CHAIR, "/skip 1 水曜日")
    await server.wait_for_message(GROUP.id, "その日に予定がありません", timeout=20)

    reply = await create(server, CHAIR, "/skip 1", "休みにしました")
    first = re.search(r"(\d+月\d+日\(火\)) 15:00〜16:30 の回", reply["text"])
    assert first, reply["text"]
    assert re.search(r"次回: \d+年\d+月\d+日\(火\) 15:00〜16:30", reply["text"]), reply["text"]
    await server.group_message(GROUP, MEMBER, "/agenda 90")
    agenda = await server.wait_for_message(GROUP.id, "今後90日間", timeout=20)
    assert f"休み: {first.group(1)}" in agenda["text"], agenda["text"]

    await server.press_button(reply, buttons(reply)["↩️ 元に戻す"], CHAIR)
    await server.wait_for_message(GROUP.id, "元に戻しました", timeout=20)
    await server.group_message(GROUP, MEMBER, "/agenda 90")
    agenda = await server.wait_for_message(GROUP.id, "今後90日間", timeout=20)
    assert "休み:" not in agenda["text"]
    assert f"{first.group(1)} 15:00〜16:30" in agenda["text"], agenda["text"]


async def test_a_day_off_written_beside_a_series_is_kept_as_one(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    now = datetime.now(ZoneInfo("Asia/Tokyo"))
    first = now.date() + timedelta(days=(2 - now.weekday()) % 7)  # the coming Wednesday
    if first == now.date() and now.hour >= 16:
        first += timedelta(days=7)
    second = first + timedelta(days=7)
    created = await create(
        server,
        CHAIR,
        f"/meeting 毎週水曜 16時 学習支援 ※{first.month}/{first.day}は休み",
        "会議を登録しました",
    )
    text = created["text"]
    assert "\n学習支援\n" in text, text  # the note left the title
    assert f"休み: {first.month}月{first.day}日(水)" in text, text
    assert f"{second.year}年{second.month}月{second.day}日(水) 16:00" in text, text
    await server.group_message(GROUP, MEMBER, "/agenda 30")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    assert f"休み: {first.month}月{first.day}日(水)" in agenda["text"], agenda["text"]


async def test_an_edited_command_schedules_nothing_twice_and_says_what_to_do(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    command = await server.group_message(GROUP, CHAIR, "/meeting 明日 10:00 定例会")
    await server.wait_for_message(GROUP.id, "会議を登録しました", timeout=20)
    await server.edit_user_message(command, "/meeting 明日 11:00 定例会")
    await server.wait_for_message(GROUP.id, "編集したコマンドは反映されません", timeout=20)
    await server.group_message(GROUP, MEMBER, "/agenda")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    assert agenda["text"].count("定例会") == 1 and "10:00" in agenda["text"]


async def test_admin_moves_a_meeting_renames_it_and_changes_only_its_place(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    created = await create(
        server, CHAIR, "/meeting 明日 10:00 定例会 @ 公民館", "会議を登録しました"
    )
    found = re.search(r"#(\d+)", created["text"])
    assert found, created["text"]
    number = found.group(1)

    moved = await create(
        server, CHAIR, f"/edit {number} 明後日 14:00〜15:00 定例会（延期）", "を変更しました"
    )
    assert "定例会（延期）" in moved["text"] and "14:00〜15:00" in moved["text"], moved["text"]
    assert "場所: 公民館" in moved["text"]
    placed = await create(server, CHAIR, f"/edit {number} 会場変更 @ 第1会議室", "を変更しました")
    assert "場所: 第1会議室" in placed["text"] and "14:00〜15:00" in placed["text"]
    placed = await create(server, CHAIR, f"/edit {number} @ 第2会議室", "を変更しました")
    assert "場所: 第2会議室" in placed["text"] and "14:00〜15:00" in placed["text"]
    later = await create(server, CHAIR, f"/edit {number} 明後日 16時に変更", "を変更しました")
    assert "「定例会（延期）」" in later["text"], later["text"]  # 「に変更」 is not a new title
    assert "16:00〜17:00" in later["text"]  # the length stays
    postponed = await create(server, CHAIR, f"/edit {number} 明々後日", "を変更しました")
    assert "16:00〜17:00" in postponed["text"], postponed["text"]  # a new day keeps the time
    day = re.search(r"\d+年\d+月\d+日\(.\)", postponed["text"])
    assert day and day.group() not in later["text"], (later["text"], postponed["text"])
    earlier = await create(server, CHAIR, f"/edit {number} 9時に変更", "を変更しました")
    assert f"{day.group()} 09:00〜10:00" in earlier["text"], earlier[
        "text"
    ]  # a new time: same day
    delayed = await create(server, CHAIR, f"/edit {number} 30分遅らせて", "を変更しました")
    assert f"{day.group()} 09:30〜10:30" in delayed["text"], delayed["text"]
    sooner = await create(server, CHAIR, f"/edit {number} 明日10時に延期", "を変更しました")
    assert f"前（{day.group()} 09:30）より早い日時" in sooner["text"], sooner["text"]

    await server.group_message(GROUP, MEMBER, "/agenda")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    assert "定例会（延期）" in agenda["text"] and "場所: 第2会議室" in agenda["text"]
    await server.group_message(GROUP, CHAIR, f"/edit {number}")
    await server.wait_for_message(GROUP.id, "使い方", timeout=20)


async def test_moving_only_this_meeting_of_a_series_keeps_the_rest(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    created = await create(server, CHAIR, "/meeting 毎週水曜 15時 定例会", "会議を登録しました")
    number = re.search(r"#(\d+)", created["text"])
    day = re.search(r"(\d+年\d+月\d+日\(水\))", created["text"])
    assert number and day, created["text"]
    moved = await create(
        server, CHAIR, f"/edit {number.group(1)} 今回だけ 16時に変更", "この回だけ変更しました"
    )
    assert f"{day.group(1)} 16:00" in moved["text"], moved["text"]
    await server.group_message(GROUP, MEMBER, "/agenda")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    text = agenda["text"]
    assert f"{day.group(1)} 16:00" in text and f"休み: {day.group(1)[5:]}" in text, text
    assert "今回だけ" not in text  # not taken as a new title
    assert text.count("定例会") >= 2 and "毎週水曜日 15:00" in text, text


def _second_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"


async def test_words_about_the_time_keep_the_title_and_one_meeting_moves_alone(
    group_bot: FakeTelegramServer,
) -> None:
    """「16時開始に変更」 and "start at 5pm instead" change the time only; 「1月の回だけ
    1月19日」 moves that month's meeting alone and 「今回は金曜日に」 this one, each a one-off,
    while the series keeps its rule and its other meetings; a real rename says so."""
    server = group_bot
    created = await create(
        server, CHAIR, "/meeting 毎月第2火曜日 15時 運営協議会", "会議を登録しました"
    )
    found = re.search(r"(\d+)年(\d+)月(\d+)日\(火\) 15:00", created["text"])
    assert found, created["text"]
    first = date(*(int(part) for part in found.groups()))
    following = first.replace(day=1) + timedelta(days=32)
    second = _second_tuesday(following.year, following.month)

    reply = await create(server, CHAIR, "/edit 1 16時開始に変更", "を変更しました")
    assert "#1「運営協議会」を変更しました" in reply["text"], reply["text"]
    assert f"{_day(first)}(火) 16:00" in reply["text"], reply["text"]
    assert "件名を" not in reply["text"], reply["text"]
    # answered in the language it is written in
    reply = await create(server, CHAIR, "/edit 1 start at 5pm instead", "has been changed")
    assert "#1 “運営協議会” has been changed" in reply["text"], reply["text"]
    assert f"{first.day} {first:%b} {first.year}, 17:00" in reply["text"], reply["text"]
    assert "Renamed" not in reply["text"], reply["text"]

    third_tuesday = second + timedelta(days=7)
    moved = await create(
        server, CHAIR, f"/edit 1 {second.month}月の回だけ {_day(third_tuesday)}",
        "この回だけ変更しました",
    )  # fmt: skip
    assert "#1「運営協議会」はこの回だけ" in moved["text"], moved["text"]
    assert f"{_day(third_tuesday)}(火) 17:00" in moved["text"], moved["text"]  # its own time
    friday = first + timedelta(days=3)
    this_one = await create(server, CHAIR, "/edit 1 今回は金曜日に", "この回だけ変更しました")
    assert f"{_day(friday)}(金) 17:00" in this_one["text"], this_one["text"]

    await server.group_message(GROUP, MEMBER, "/agenda 120")
    agenda = await server.wait_for_message(GROUP.id, "今後120日間", timeout=20)
    text = agenda["text"]
    assert f"{_day(friday)}(金) 17:00" in text and f"{_day(third_tuesday)}(火) 17:00" in text
    assert f"休み: {_day(first)}(火)・{_day(second)}(火)" in text, text  # not dropped: moved
    assert "毎月第2火曜日 17:00" in text and "の回だけ" not in text and "今回" not in text, text

    renamed = await create(server, CHAIR, "/edit 1 17時 運営協議会（拡大）", "を変更しました")
    assert "件名を「運営協議会（拡大）」に変えました（前は「運営協議会」" in renamed["text"]
    assert "戻すなら /edit 1 17:00 運営協議会）" in renamed["text"], renamed["text"]

    await server.group_message(GROUP, CHAIR, "/skip 1 年末年始")
    unreadable = await server.wait_for_message(GROUP.id, "日付として読めませんでした", timeout=20)
    after = second.replace(day=1) + timedelta(days=32)  # the series' next meeting is then
    assert f"/skip 1 {_day(_second_tuesday(after.year, after.month))}" in unreadable["text"]


async def test_an_early_morning_hour_comes_with_the_command_for_the_afternoon(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    created = await create(server, CHAIR, "/meeting 明後日 4時 打合せ", "会議を登録しました")
    assert "04:00" in created["text"] and "午前4:00として登録しました" in created["text"]
    command = re.search(r"/edit \d+ 16:00", created["text"])
    assert command, created["text"]
    moved = await create(server, CHAIR, command.group(), "を変更しました")
    day = re.search(r"\d+年\d+月\d+日\(.\)", created["text"])
    assert day and f"{day.group()} 16:00" in moved["text"], moved["text"]


async def test_a_weekday_that_is_not_the_dates_comes_with_the_command_for_that_day(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    day = datetime.now(ZoneInfo("Asia/Tokyo")).date() + timedelta(days=10)
    wrong = "月火水木金土日"[(day.weekday() + 1) % 7]  # the day after's weekday
    created = await create(
        server,
        CHAIR,
        f"/meeting {day.month}月{day.day}日({wrong}) 10時 防災訓練",
        "会議を登録しました",
    )
    assert f"（{wrong}曜日ではありません）" in created["text"], created["text"]
    command = re.search(r"/edit \d+ \d+月\d+日", created["text"])
    assert command, created["text"]
    moved = await create(server, CHAIR, command.group(), "を変更しました")
    assert f"({wrong}) 10:00" in moved["text"], moved["text"]


async def test_bad_time_and_missing_title_are_explained(group_bot: FakeTelegramServer) -> None:
    server = group_bot
    await server.group_message(GROUP, CHAIR, "/meeting")
    await server.wait_for_message(GROUP.id, "使い方", timeout=20)
    await server.group_message(GROUP, CHAIR, "/meeting 明日 10:00")
    await server.wait_for_message(GROUP.id, "内容（件名）がありません", timeout=20)
    await server.group_message(GROUP, CHAIR, "/remind そのうち 何か")
    message = await server.wait_for_message(GROUP.id, timeout=20)
    assert "例" in message["text"], message["text"]


async def test_notice_is_delivered_once_and_rsvp_updates_counts_in_place(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await create(server, CHAIR, "/notices 0", "会議のお知らせを")
    await create(server, CHAIR, "/remind 1分後 テスト", "リマインドを登録しました")
    await create(server, CHAIR, "/meeting 1分後 定例会", "会議を登録しました")
    reminder = await server.wait_for_message(GROUP.id, "🔔 リマインド", timeout=NOTICE_WAIT)
    assert "テスト" in reminder["text"] and "遅延配信" not in reminder["text"]
    meeting = await server.wait_for_message(GROUP.id, "会議の時間です", timeout=NOTICE_WAIT)
    assert "出席 0・欠席 0・未定 0" in meeting["text"]

    choices = buttons(meeting)
    assert set(choices) == {"出席 0", "欠席 0", "未定 0"}
    await server.press_button(meeting, choices["出席 0"], MEMBER)
    await server.wait_for_message(GROUP.id, "出席 1・欠席 0・未定 0", timeout=20)
    await server.press_button(meeting, choices["出席 0"], CHAIR)
    await server.wait_for_message(GROUP.id, "出席 2・欠席 0・未定 0", timeout=20)
    await server.press_button(meeting, choices["欠席 0"], MEMBER)  # changes the answer
    edited = await server.wait_for_message(GROUP.id, "出席 1・欠席 1・未定 0", timeout=20)
    assert edited["message_id"] == meeting["message_id"]
    assert f"出席: {CHAIR.first_name}\n欠席: {MEMBER.first_name}" in edited["text"]
    assert set(buttons(edited)) == {"出席 1", "欠席 1", "未定 0"}

    # a short reply to the notice answers it like its buttons; a question goes to the FAQ
    await server.group_message(GROUP, GUEST, "Sorry, can't make it", reply_to=meeting)
    await server.wait_for_message(GROUP.id, "Guest: noted as “Can't”", timeout=20)
    edited = await server.wait_for_message(GROUP.id, "出席 1・欠席 2・未定 0", timeout=20)
    assert edited["message_id"] == meeting["message_id"]
    await server.group_message(GROUP, MEMBER, "やっぱり出席します", reply_to=meeting)
    await server.wait_for_message(GROUP.id, "出席 2・欠席 1・未定 0", timeout=20)
    await server.group_message(GROUP, MEMBER, "議事録は誰が書くの？", reply_to=meeting)
    await server.wait_for_message(GROUP.id, "議事録", timeout=20)

    await server.group_message(GROUP, MEMBER, "/agenda")
    await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    await asyncio.sleep(2)
    assert len(notices(server, GROUP.id, "🔔 リマインド")) == 1
    assert len(notices(server, GROUP.id, "会議の時間です")) == 1


async def test_a_deadline_notice_answered_with_submitted_is_marked_done(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await create(server, CHAIR, "/milestone 1分後 実績報告書", "締切を登録しました")
    due = await server.wait_for_message(GROUP.id, "締切の時刻です", timeout=NOTICE_WAIT)
    await server.group_message(GROUP, MEMBER, "提出しました！", reply_to=due)
    await server.wait_for_message(GROUP.id, "/done 1", timeout=20)  # only an admin marks it
    await server.group_message(GROUP, MEMBER, "/agenda")
    await server.wait_for_message(GROUP.id, "期限超過", timeout=20)
    await server.group_message(GROUP, CHAIR, "提出済みです", reply_to=due)
    await server.wait_for_message(GROUP.id, "「実績報告書」を完了にしました", timeout=20)
    await server.group_message(GROUP, MEMBER, "/agenda")  # done: no longer listed as overdue
    await server.wait_for_message(GROUP.id, "予定はありません", timeout=20)


async def test_notice_due_while_down_is_sent_once_marked_delayed(
    start_bot: StartBot, fake_server: FakeTelegramServer, tmp_path: Path
) -> None:
    server = fake_server
    server.add_chat(GROUP)
    server.set_admins(GROUP.id, [CHAIR.id])
    bot = await start_bot()
    await create(server, CHAIR, "/remind 明日 10:00 再起動テスト", "リマインドを登録しました")
    await bot.kill()  # as in a crash
    assert move_pending(database(tmp_path), datetime.now(UTC) - timedelta(minutes=20)) == 1
    await start_bot()
    delayed = await server.wait_for_message(GROUP.id, "再起動テスト", timeout=30, since=0)
    if "遅延配信" not in delayed["text"]:  # the confirmation matched first
        delayed = await server.wait_for_message(GROUP.id, "遅延配信", timeout=30, since=0)
    assert "再起動テスト" in delayed["text"]
    await asyncio.sleep(3)
    assert len(notices(server, GROUP.id, "遅延配信")) == 1
    await settled(database(tmp_path), ["sent"])


async def test_flood_control_beyond_retries_still_delivers_once(
    group_bot: FakeTelegramServer, tmp_path: Path
) -> None:
    server = group_bot
    await create(server, CHAIR, "/remind 明日 10:00 混雑テスト", "リマインドを登録しました")
    # One more 429 than the rate limiter retries, so the dispatcher has to reschedule.
    server.fail_next(
        "sendMessage", n=7, status=429, description="Too Many Requests", retry_after=1
    )
    move_pending(database(tmp_path), datetime.now(UTC))
    notice = await server.wait_for_message(GROUP.id, "🔔 リマインド", timeout=NOTICE_WAIT + 30)
    assert "混雑テスト" in notice["text"]
    await settled(database(tmp_path), ["sent"])
    await asyncio.sleep(3)
    assert len(notices(server, GROUP.id, "🔔 リマインド")) == 1
    ((_notice, state, attempts),) = delivery_states(database(tmp_path))
    assert state == "sent" and attempts >= 2


async def test_forbidden_pauses_the_chat_until_the_bot_is_back(
    group_bot: FakeTelegramServer, tmp_path: Path
) -> None:
    server = group_bot
    await create(server, CHAIR, "/remind 明日 10:00 退会テスト", "リマインドを登録しました")
    server.block_chat(GROUP.id)
    mark = server.mark()
    move_pending(database(tmp_path), datetime.now(UTC))
    await server.wait_for(
        lambda r: r.method.lower() == "sendmessage" and r.status == 403,
        since=mark,
        timeout=NOTICE_WAIT,
    )
    await asyncio.sleep(35)  # a full heartbeat: no retry storm against a chat that refuses us
    refused = [r for r in server.calls("sendMessage")[0:] if r.status == 403]
    assert len(refused) == 1
    assert [s for _, s, _ in delivery_states(database(tmp_path))] == ["pending"]

    await server.my_chat_member(GROUP, "member", by=CHAIR)
    back = await server.wait_for_message(GROUP.id, "退会テスト", timeout=30)
    assert "🔔 リマインド" in back["text"]
    await settled(database(tmp_path), ["sent"])


async def test_migrated_group_gets_the_notice_at_its_new_id(
    group_bot: FakeTelegramServer, tmp_path: Path
) -> None:
    server = group_bot
    await create(server, CHAIR, "/remind 明日 10:00 移行テスト", "リマインドを登録しました")
    server.migrate_chat(GROUP.id, -1000700)
    move_pending(database(tmp_path), datetime.now(UTC))
    notice = await server.wait_for_message(-1000700, "移行テスト", timeout=NOTICE_WAIT)
    assert "🔔 リマインド" in notice["text"]
    with sqlite3.connect(database(tmp_path)) as conn:
        assert conn.execute("SELECT DISTINCT chat_id FROM reminders").fetchall() == [(-1000700,)]
        assert conn.execute("SELECT active FROM chats WHERE id = ?", (GROUP.id,)).fetchone() == (
            0,
        )


def weekday_ahead(days: int) -> str:
    """The Japanese weekday ``days`` from today in Tokyo (水 for a Wednesday)."""
    day = datetime.now(ZoneInfo("Asia/Tokyo")).date() + timedelta(days=days)
    return "月火水木金土日"[day.weekday()]


async def notices_of_a_meeting_and_a_series(
    server: FakeTelegramServer, tmp_path: Path
) -> tuple[JSONDict, JSONDict]:
    """#1 定例会 tomorrow 18:00 and #2 a weekly 学習支援 at 16:00, their notices sent now."""
    await create(server, CHAIR, "/notices 0", "会議のお知らせを")
    await create(server, CHAIR, "/meeting 明日 18:00 定例会", "会議を登録しました")
    weekday = weekday_ahead(3)  # never today: its meeting stays ahead all through the test
    await create(server, CHAIR, f"/meeting 毎週{weekday}曜 16時 学習支援", "会議を登録しました")
    mark = server.mark()
    move_pending(database(tmp_path), datetime.now(UTC))
    meeting = await server.wait_for_message(
        GROUP.id, "会議の時間です\n定例会", since=mark, timeout=NOTICE_WAIT
    )
    series = await server.wait_for_message(
        GROUP.id, "会議の時間です\n学習支援", since=mark, timeout=NOTICE_WAIT
    )
    return meeting, series


async def test_answers_and_sent_notices_move_with_a_meeting_given_a_new_time(
    group_bot: FakeTelegramServer, tmp_path: Path
) -> None:
    server = group_bot
    meeting, series = await notices_of_a_meeting_and_a_series(server, tmp_path)
    assert "18:00" in meeting["text"] and "16:00" in series["text"]
    await server.press_button(meeting, buttons(meeting)["出席 0"], MEMBER)
    await server.wait_for_message(GROUP.id, "出席 1・欠席 0・未定 0", timeout=20)
    await server.press_button(meeting, buttons(meeting)["欠席 0"], GUEST)
    await server.wait_for_message(GROUP.id, "出席 1・欠席 1・未定 0", timeout=20)
    await server.press_button(series, buttons(series)["出席 0"], MEMBER)
    await server.wait_for_message(GROUP.id, "出席 1・欠席 0・未定 0", timeout=20)

    moved = await create(server, CHAIR, "/edit 1 19時", "を変更しました")
    assert "出欠の回答（出席1・欠席1）は変更後の回に引き継ぎました" in moved["text"], moved["text"]
    assert "送信済みのお知らせ（1件）も変更後の日時に書き換えました" in moved["text"]
    notice = shown(server, meeting)
    assert "19:00" in notice["text"] and "18:00" not in notice["text"], notice["text"]
    assert f"出席 1・欠席 1・未定 0\n出席: {MEMBER.first_name}\n欠席: Guest" in notice["text"]
    # its buttons still count, now for 19:00
    await server.press_button(notice, buttons(notice)["出席 1"], CHAIR)
    again = await server.wait_for_message(GROUP.id, "出席 2・欠席 1・未定 0", timeout=20)
    assert again["message_id"] == meeting["message_id"] and "19:00" in again["text"]

    later = await create(server, CHAIR, "/edit 2 16時半", "を変更しました")
    assert "出欠の回答（出席1）は変更後の回に引き継ぎました" in later["text"], later["text"]
    notice = shown(server, series)
    assert "16:30" in notice["text"] and "出席 1・欠席 0・未定 0" in notice["text"]

    await server.group_message(GROUP, MEMBER, "/agenda")
    agenda = await server.wait_for_message(GROUP.id, "今後30日間", timeout=20)
    assert "19:00" in agenda["text"] and "出席 2・欠席 1・未定 0" in agenda["text"]
    assert "16:30" in agenda["text"] and "出席 1・欠席 0・未定 0" in agenda["text"]
    retitled = await create(server, CHAIR, "/edit 1 @ 第2会議室", "を変更しました")
    assert "引き継ぎました" not in retitled["text"]  # nothing moved this time
    assert "場所: 第2会議室" in shown(server, meeting)["text"]


async def test_a_new_rule_says_which_days_off_it_dropped_and_which_one_off_doubles(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await create(server, CHAIR, "/meeting 毎月第2火曜日 15時 定例会", "会議を登録しました")
    skipped = await create(server, CHAIR, "/skip 1 再来月", "休みにしました")
    day_off = re.search(r"(\d+月\d+日)\(火\)", skipped["text"])
    assert day_off, skipped["text"]
    once = await create(server, CHAIR, "/edit 1 今回だけ 16時", "この回だけ変更しました")
    moved_day = re.search(r"(\d+年\d+月\d+日\(火\)) 16:00", once["text"])
    assert moved_day, once["text"]

    edited = await create(server, CHAIR, "/edit 1 毎月第3水曜日", "を変更しました")
    text = edited["text"]
    assert "毎月第3水曜日 15:00" in text, text
    assert f"休みにしていた {day_off.group(1)}(火) は新しい日程に当たらなくなり" in text, text
    assert re.search(r"/skip 1 \d+月\d+日 のように改めて", text), text
    doubled = f"#2「定例会」（{moved_day.group(1)} 16:00）は「今回だけ」変更した回ですが"
    assert doubled in text and "/cancel 2" in text, text

    await server.group_message(GROUP, MEMBER, "/agenda 120")
    agenda = await server.wait_for_message(GROUP.id, "今後120日間", timeout=20)
    assert "休み:" not in agenda["text"], agenda["text"]


async def test_undoing_one_of_several_cancellations_keeps_the_other_undo_buttons(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    await create(server, CHAIR, "/meeting 12月3日 15時 運営委員会", "会議を登録しました")
    await create(server, CHAIR, "/milestone 12月15日 17時 報告書の提出", "締切を登録しました")
    both = await create(server, CHAIR, "/cancel 1 2", "を取り消しました")
    assert set(buttons(both)) == {"↩️ 元に戻す #1", "↩️ 元に戻す #2"}

    await server.press_button(both, buttons(both)["↩️ 元に戻す #1"], CHAIR)
    first = await server.wait_for_message(GROUP.id, "#1「運営委員会」を元に戻しました", timeout=20)
    assert "#2「報告書の提出」を取り消しました" in first["text"], first["text"]
    assert set(buttons(first)) == {"↩️ 元に戻す #2"}
    await server.press_button(first, buttons(first)["↩️ 元に戻す #2"], CHAIR)
    second = await server.wait_for_message(
        GROUP.id, "#2「報告書の提出」を元に戻しました", timeout=20
    )
    assert "#1「運営委員会」を元に戻しました" in second["text"], second["text"]
    assert buttons(second) == {}
    await server.group_message(GROUP, MEMBER, "/agenda 366")
    agenda = await server.wait_for_message(GROUP.id, "今後366日間", timeout=20)
    assert "運営委員会" in agenda["text"] and "報告書の提出" in agenda["text"]


async def test_a_place_after_the_title_a_reversed_range_and_one_past_midnight_are_explained(
    group_bot: FakeTelegramServer,
) -> None:
    server = group_bot
    created = await create(
        server, CHAIR, "/meeting 1/19 14:00〜15:30 連携推進委員会（第4回）@市役所",
        "会議を登録しました",
    )  # fmt: skip
    text = created["text"]
    assert "連携推進委員会（第4回）\n" in text and "場所: 市役所" in text, text
    assert "@" not in text and "14:00〜15:30" in text and "終わりを" not in text

    day = datetime.now(ZoneInfo("Asia/Tokyo")).date() + timedelta(days=10)
    reversed_range = await create(
        server, CHAIR, f"/meeting {day.month}/{day.day} 10:00-9:00 逆の時間", "終わりの時刻が"
    )
    assert "例: 「10:00〜11:30」" in reversed_range["text"], reversed_range["text"]
    overnight = await create(
        server, CHAIR, f"/meeting {day.month}/{day.day} 22時〜1時 夜間作業", "会議を登録しました"
    )
    text = overnight["text"]
    assert "終わりを翌日の01:00として登録しました（3時間の予定）" in text, text
    assert "/edit 2 22:00〜終わりの時刻" in text, text
    fixed = await create(server, CHAIR, "/edit 2 22:00〜23:30", "を変更しました")
    assert "22:00〜23:30" in fixed["text"] and "終わりを" not in fixed["text"], fixed["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/19 14:00〜15:30 会議（第4回）@市役所", ("1/19 14:00〜15:30 会議（第4回）", "市役所")),
        ("明日 10時 定例会 @ 公民館", ("明日 10時 定例会", "公民館")),
        ("明日 10時 定例会＠第２会議室", ("明日 10時 定例会", "第２会議室")),
        ("明日 10時 定例会 @Zoom", ("明日 10時 定例会", "Zoom")),
        ("明日 10時 定例会 @ Teams", ("明日 10時 定例会", "Teams")),
        ("明日 10時 定例会 @", ("明日 10時 定例会", "")),  # refused: no place after @
        (" @ 第2会議室", ("", "第2会議室")),  # /edit 3 @ 第2会議室
        ("明日 10時 foo@example.com と打合せ", None),  # an e-mail address
        ("明日 10時 定例会 @renkei_bot", None),  # a mention
        ("@tanaka_taro 明日10時 打合せ", None),
        ("明日 10時 定例会 @Teams", ("明日 10時 定例会", "Teams")),  # a meeting service
        ("明日 10時 定例会 @GoogleMeet", ("明日 10時 定例会", "GoogleMeet")),
        ("明日 10時 定例会 @Teams会議", ("明日 10時 定例会", "Teams会議")),
        ("明日 10時 定例会 @Sakura_room", None),  # username-shaped: write "@ Sakura_room"
        (
            "毎週水曜 16時 学習支援 @ 公民館 ※12/30は休み",
            ("毎週水曜 16時 学習支援 ※12/30は休み", "公民館"),
        ),
        ("明日＠10時 定例会", None),  # @ before a time is "at"
        ("tomorrow @ 3pm review", None),
        ("明日 @ 午後3時 定例会", None),
        ("tomorrow @ 3pm review @ Room 5", ("tomorrow @ 3pm review", "Room 5")),
        ("明日＠１０時 定例会 ＠公民館", ("明日＠１０時 定例会", "公民館")),
        ("明日 10時 定例会 foo@example.com @ 3階", ("明日 10時 定例会 foo@example.com", "3階")),
    ],
)
def test_a_place_starts_at_an_at_sign_that_is_no_address_mention_or_time(
    text: str, expected: tuple[str, str] | None
) -> None:
    assert _split_place(text) == (expected or (text, None))


async def notice_edit(
    server: FakeTelegramServer, notice: JSONDict, contains: str, since: int
) -> JSONDict:
    """The notice as the bot edited it after ``since``, its text containing ``contains``."""
    request = await server.wait_for(
        lambda r: (
            r.method.lower() == "editmessagetext"
            and r.message is not None
            and r.message["message_id"] == notice["message_id"]
            and contains in str(r.message.get("text", ""))
        ),
        since=since,
        timeout=20,
    )
    assert request.message is not None
    return request.message


async def test_sent_notices_lose_their_buttons_when_called_off_and_get_them_back_on_undo(
    group_bot: FakeTelegramServer, tmp_path: Path
) -> None:
    server = group_bot
    meeting, series = await notices_of_a_meeting_and_a_series(server, tmp_path)
    await server.press_button(meeting, buttons(meeting)["出席 0"], MEMBER)
    await server.wait_for_message(GROUP.id, "出席 1・欠席 0・未定 0", timeout=20)

    # /cancel: the notice says so at once, its answers kept, and takes no more
    mark = server.mark()
    cancelled = await create(server, CHAIR, "/cancel 1", "取り消しました")
    closed = await notice_edit(server, meeting, "（中止になりました）", mark)
    assert "定例会" in closed["text"] and "出席 1・欠席 0・未定 0" in closed["text"]
    assert buttons(closed) == {}
    assert buttons(shown(server, meeting)) == {}
    assert set(buttons(shown(server, series))) == {"出席 0", "欠席 0", "未定 0"}

    # undo: the notice is as it was, its buttons back and counting
    mark = server.mark()
    await server.press_button(cancelled, buttons(cancelled)["↩️ 元に戻す"], CHAIR)
    reopened = await notice_edit(server, meeting, "出席 1・欠席 0・未定 0", mark)
    assert "中止" not in reopened["text"], reopened["text"]
    assert set(buttons(reopened)) == {"出席 1", "欠席 0", "未定 0"}
    await server.press_button(reopened, buttons(reopened)["欠席 0"], GUEST)
    await notice_edit(server, meeting, "出席 1・欠席 1・未定 0", mark)

    # /skip: only the called-off occurrence's notice changes; undo puts its buttons back
    mark = server.mark()
    skipped = await create(server, CHAIR, "/skip 2", "休みにしました")
    off = await notice_edit(server, series, "（この回はお休みです）", mark)
    assert buttons(off) == {}
    assert set(buttons(shown(server, meeting))) == {"出席 1", "欠席 1", "未定 0"}
    mark = server.mark()
    await server.press_button(skipped, buttons(skipped)["↩️ 元に戻す"], CHAIR)
    back = await notice_edit(server, series, "出席 0・欠席 0・未定 0", mark)
    assert "お休み" not in back["text"], back["text"]
    assert set(buttons(back)) == {"出席 0", "欠席 0", "未定 0"}
