"""End to end: the real ``bot.py`` process imports an uploaded .ics and sends the agenda back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.e2e.conftest import StartBot
from tests.fake_telegram import Chat, FakeTelegramServer, User

pytestmark = pytest.mark.e2e

TOKYO = ZoneInfo("Asia/Tokyo")
ADMIN = User(id=501, first_name="校長", language_code="ja")
PARENT = User(id=502, first_name="Parent", language_code="en")
GROUP = Chat.group(-100501, "学校運営協議会")


@pytest.fixture
async def bot(fake_server: FakeTelegramServer, start_bot: StartBot) -> FakeTelegramServer:
    """The real bot polling the fake server, with ADMIN administering GROUP."""
    await start_bot()
    fake_server.set_admins(GROUP.id, [ADMIN.id])
    return fake_server


def upload(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e}\r\nEND:VEVENT\r\n" for e in events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Outlook//JA\r\n" + body + "END:VCALENDAR\r\n"
    ).encode()


def local(moment: datetime) -> str:
    return moment.astimezone(TOKYO).strftime("%Y%m%dT%H%M%S")


async def test_upload_then_export_round_trips(bot: FakeTelegramServer) -> None:
    soon = (
        (datetime.now(UTC) + timedelta(days=10))
        .astimezone(TOKYO)
        .replace(hour=15, minute=0, second=0, microsecond=0)
    )
    data = upload(
        "UID:a@x\r\nSUMMARY:定例会 <第3回>\r\nLOCATION:市民センター\r\n"
        f"DTSTART;TZID=Asia/Tokyo:{local(soon)}\r\nRRULE:FREQ=MONTHLY;BYDAY=2TU",
        f"UID:b@x\r\nSUMMARY:協定調印式\r\nDTSTART:{local(soon + timedelta(days=3))}",
        "UID:c@x\r\nSUMMARY:昨年の会議\r\nDTSTART:20200105T100000",
    )
    await bot.document_message(GROUP, ADMIN, "予定.ics", data, mime_type="text/calendar")
    confirmation = await bot.wait_for_message(GROUP.id, "2件", timeout=20)
    assert "定例会 <第3回>" in confirmation["text"]  # escaped by the bot, shown as typed
    assert "1件" in confirmation["text"]  # the past one, skipped

    await bot.group_message(GROUP, PARENT, "/ics")
    sent = await bot.wait_for_request("sendDocument", timeout=20)
    document = bot.documents[-1]
    assert sent.status == 200 and document.filename == "renkei-agenda.ics"
    calendar = Calendar.from_ical(document.data)
    got = {str(e["SUMMARY"]): e for e in calendar.events}
    assert set(got) == {"定例会 <第3回>", "協定調印式"}
    assert got["定例会 <第3回>"].start == soon
    assert got["定例会 <第3回>"]["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=2TU"
    assert str(got["定例会 <第3回>"]["LOCATION"]) == "市民センター"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]


async def test_bad_file_and_non_admin_add_nothing(bot: FakeTelegramServer) -> None:
    broken = upload("UID:a@x\r\nSUMMARY:ok\r\nDTSTART:20991201T100000",
                    "UID:b@x\r\nSUMMARY:壊れた予定\r\nDTSTART:2099-12-01")  # fmt: skip
    await bot.document_message(GROUP, ADMIN, "broken.ics", broken)
    refusal = await bot.wait_for_message(GROUP.id, "壊れた予定", timeout=20)
    assert "何も登録していません" in refusal["text"]

    good = upload("UID:c@x\r\nSUMMARY:PTA\r\nDTSTART:20991201T100000")
    await bot.document_message(GROUP, PARENT, "pta.ics", good, mime_type="text/calendar")
    await bot.wait_for_message(GROUP.id, "administrators", timeout=20)

    await bot.document_message(GROUP, ADMIN, "notes.txt", b"BEGIN:VCALENDAR")  # ignored
    await bot.group_message(GROUP, ADMIN, "/ics")
    await bot.wait_for_message(GROUP.id, "/meeting", timeout=20)  # the agenda is empty
    assert bot.documents == []
