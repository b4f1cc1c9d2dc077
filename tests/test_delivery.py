"""What a group sees in a notice, and the dispatcher's bookkeeping rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.models import Delivery, Reminder
from scheduler import delivery, render, service
from scheduler.service import RsvpCounts

OCCURRENCE = datetime(2025, 12, 9, 6, 0, tzinfo=UTC)  # Tue 9 Dec 15:00 JST


def meeting(**changes: object) -> Reminder:
    fields: dict[str, object] = {
        "id": 12, "chat_id": -1, "kind": service.MEETING, "title": "運営委員会 <第3回>",
        "place": "公民館 & 図書室", "start": OCCURRENCE, "tz": "Asia/Tokyo",
        "rrule": None, "notice_offsets": [86400, 3600], "status": service.ACTIVE,
    }  # fmt: skip
    fields.update(changes)
    return Reminder(**fields)


def notice(name: str, *, delayed: bool = False) -> Delivery:
    return Delivery(
        id=345, reminder_id=12, occurrence=OCCURRENCE, notice=name, planned_at=OCCURRENCE,
        due_at=OCCURRENCE, state=service.SENDING, attempts=1, delayed=delayed, chat_id=-1,
    )  # fmt: skip


def test_meeting_notice_shows_date_weekday_zone_place_and_counts_escaped() -> None:
    counts = RsvpCounts(yes_names=("花子", "<b>太郎</b>"), no_names=("次郎",))
    text = render.notice_text(meeting(), notice("before:86400"), "ja", counts)
    assert "📅 会議のお知らせ（1日前）" in text
    assert "<b>運営委員会 &lt;第3回&gt;</b>" in text
    assert "2025年12月9日(火) 15:00（Asia/Tokyo）" in text
    assert "場所: 公民館 &amp; 図書室" in text
    assert "出席 2・欠席 1・未定 0" in text
    assert "出席: 花子、&lt;b&gt;太郎&lt;/b&gt;\n欠席: 次郎" in text  # names escaped
    assert "未定:" not in text
    assert "遅延配信" not in text


def test_a_crowd_of_answers_is_listed_up_to_a_limit() -> None:
    crowd = tuple(f"保護者{n}" for n in range(render.MAX_NAMES_SHOWN + 5))
    counts = RsvpCounts(yes_names=crowd)
    text = render.notice_text(meeting(), notice("before:86400"), "ja", counts)
    assert f"保護者{render.MAX_NAMES_SHOWN - 1} ほか5名" in text
    assert f"保護者{render.MAX_NAMES_SHOWN}、" not in text


def test_delayed_notice_says_so_in_both_languages() -> None:
    assert render.notice_text(meeting(), notice("before:3600", delayed=True), "ja").startswith(
        "（遅延配信）"
    )
    english = render.notice_text(meeting(), notice("before:3600", delayed=True), "en")
    assert english.startswith("(Delayed delivery)")
    assert "1 hour before" in english and "Tue 9 Dec 2025, 15:00 (Asia/Tokyo)" in english


def test_milestone_overdue_notice_tells_how_to_stop_it() -> None:
    text = render.notice_text(meeting(kind=service.MILESTONE), notice("overdue:2"), "ja")
    assert "期限を過ぎています（2回目のお知らせ）" in text
    assert "/done 12" in text


def test_rsvp_buttons_fit_callback_data_limit_and_show_counts() -> None:
    counts = RsvpCounts(yes_names=("A", "B", "C"), maybe_names=("D",))
    markup = delivery.rsvp_keyboard(10**12 - 1, counts, "en")
    (row,) = markup.inline_keyboard
    assert [button.text for button in row] == ["Attending 3", "Can't 0", "Maybe 1"]
    for button in row:
        assert isinstance(button.callback_data, str)
        assert len(button.callback_data.encode()) <= 64
        assert delivery.RSVP_CODES[button.callback_data.rsplit(":", 1)[1]]


def test_network_backoff_grows_and_is_capped() -> None:
    waits = [delivery._backoff(n) for n in range(1, 10)]
    assert waits[0] == timedelta(seconds=10)
    assert waits == sorted(waits)
    assert waits[-1] == timedelta(seconds=delivery.BACKOFF_MAX)


def test_agenda_lists_times_in_the_chat_zone_with_status() -> None:
    from zoneinfo import ZoneInfo

    overdue = service.AgendaItem(meeting(kind=service.MILESTONE), OCCURRENCE, True,
                                 RsvpCounts(), missed=1, failed=0)  # fmt: skip
    (text,) = render.agenda_pages([overdue], 30, ZoneInfo("Asia/Tokyo"), "ja", OCCURRENCE)
    assert "#12 [締切] 2025年12月9日(火) 15:00" in text
    assert "期限超過" in text and "送れなかったお知らせ 1件" in text
    assert "（時刻は Asia/Tokyo）" in text


@pytest.mark.parametrize(
    ("hours_before", "lang", "shown"),
    [
        (24 * 9, "ja", "⏳ 締切まであと9日"),
        (24 * 9, "en", "⏳ 9 days left"),
        (20, "ja", "⏳ 締切は明日"),  # Mon 19:00 JST: the deadline is Tuesday's
        (2, "en", "⏳ due today"),
    ],
)
def test_agenda_counts_down_to_a_deadline_in_calendar_days(
    hours_before: int, lang: str, shown: str
) -> None:
    from zoneinfo import ZoneInfo

    due = service.AgendaItem(meeting(kind=service.MILESTONE), OCCURRENCE, False,
                             RsvpCounts(), missed=0, failed=0)  # fmt: skip
    now = OCCURRENCE - timedelta(hours=hours_before)
    (text,) = render.agenda_pages([due], 30, ZoneInfo("Asia/Tokyo"), lang, now)
    assert shown in text


def test_a_long_agenda_comes_in_messages_telegram_accepts_each_item_whole() -> None:
    from zoneinfo import ZoneInfo

    title = "地域学校協働活動 登下校見守り・読み聞かせ・学習支援ボランティア合同連絡会議 <拡大版>"
    items = [
        service.AgendaItem(
            meeting(id=number, title=f"{title} 第{number}回", place="市民センター 大会議室 3階"),
            OCCURRENCE + timedelta(days=7 * number), False, RsvpCounts(), 0, 0,
        )
        for number in range(1, 41)
    ]  # fmt: skip
    pages = render.agenda_pages(items, 366, ZoneInfo("Asia/Tokyo"), "ja", OCCURRENCE)
    assert len(pages) > 1
    assert all(len(page) <= 4096 for page in pages), [len(page) for page in pages]
    assert pages[0].startswith("<b>今後366日間の予定</b>"), pages[0][:80]
    assert "（時刻は Asia/Tokyo）" in pages[-1]
    assert all("（時刻は Asia/Tokyo）" not in page for page in pages[:-1])
    listed = "\n".join(pages)
    assert all(f"第{number}回" in listed for number in range(1, 41))
    assert listed.count("&lt;拡大版&gt;") == 40  # escaped, and no item cut in two


def test_a_meeting_with_a_length_shows_when_it_ends_everywhere() -> None:
    from zoneinfo import ZoneInfo

    long_meeting = meeting(duration_minutes=90)
    shown = [
        render.notice_text(long_meeting, notice("before:86400"), "ja"),
        render.confirmation(long_meeting, "ja", OCCURRENCE - timedelta(days=7)),
        *render.agenda_pages(
            [service.AgendaItem(long_meeting, OCCURRENCE, False, RsvpCounts(), 0, 0)],
            30, ZoneInfo("Asia/Tokyo"), "ja", OCCURRENCE - timedelta(days=7),
        ),
    ]  # fmt: skip
    assert all("2025年12月9日(火) 15:00〜16:30" in text for text in shown), shown
    english = render.notice_text(long_meeting, notice("before:3600"), "en")
    assert "Tue 9 Dec 2025, 15:00–16:30 (Asia/Tokyo)" in english
    assert "15:00〜" not in render.notice_text(meeting(), notice("before:3600"), "ja")


CONFIRMATION_NOTES = [
    # created a week ahead: both notices will come, nothing to add
    (OCCURRENCE - timedelta(days=7), None, "ja", None),
    # 30 minutes ahead: the 1-day and 1-hour notices are both past
    (OCCURRENCE - timedelta(minutes=30), None, "ja", "今回はお知らせを送りません"),
    # 5 hours ahead: only the 1-hour notice is still to come
    (OCCURRENCE - timedelta(hours=5), None, "ja", "今回は「1時間前」だけお送りします"),
    (OCCURRENCE - timedelta(hours=5), None, "en", "this time only: 1 hour before."),
    # a series: the first occurrence misses them, later ones get them
    (OCCURRENCE - timedelta(minutes=30), "FREQ=WEEKLY", "ja", "次回からお送りします"),
    (OCCURRENCE - timedelta(minutes=30), "FREQ=WEEKLY", "en", "the next ones will"),
]


@pytest.mark.parametrize(("now", "rrule", "lang", "note"), CONFIRMATION_NOTES)
def test_the_confirmation_says_which_notices_are_already_too_late(
    now: datetime, rrule: str | None, lang: str, note: str | None
) -> None:
    text = render.confirmation(meeting(rrule=rrule, occurrence=OCCURRENCE), lang, now)
    notes = [line for line in text.splitlines() if line.startswith(("※", "("))]
    if note is None:
        assert notes == [], text
    else:
        assert len(notes) == 1 and note in notes[0], text


@pytest.mark.parametrize(
    ("rrule", "lang", "note"),
    [
        ("FREQ=MONTHLY;BYMONTHDAY=31", "ja", "31日がない月は飛ばします"),
        ("FREQ=MONTHLY;BYMONTHDAY=15,30", "en", "Months without day 30 are passed over"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "ja", None),
        ("FREQ=MONTHLY;BYMONTHDAY=28", "ja", None),
        ("FREQ=MONTHLY;BYDAY=2TU", "ja", None),
        ("FREQ=YEARLY", "ja", None),
    ],
)
def test_a_monthly_day_some_months_lack_is_pointed_out(
    rrule: str, lang: str, note: str | None
) -> None:
    now = OCCURRENCE - timedelta(days=7)
    text = render.confirmation(meeting(rrule=rrule, occurrence=OCCURRENCE), lang, now)
    if note is None:
        assert "飛ばします" not in text and "passed over" not in text, text
    else:
        assert note in text, text


def test_an_early_hour_hint_gives_the_edit_command_for_the_afternoon() -> None:
    four_thirty = datetime(2025, 12, 8, 19, 30, tzinfo=UTC)  # Tue 9 Dec 04:30 JST
    early = meeting(start=four_thirty, occurrence=four_thirty)
    assert "午前4:30" in render.early_hour_hint(early, "ja")
    assert "/edit 12 16:30" in render.early_hour_hint(early, "ja")
    assert "/edit 12 16:30" in render.early_hour_hint(early, "en")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "ja",
            "※ 1月10日(日) として登録しました（土曜日ではありません）。"
            "土曜日のつもりなら /edit 12 1月9日 で直せます。",
        ),
        (
            "en",
            "(Note: that date is Sun 10 Jan, not a Saturday. "
            "If you meant the Saturday, send /edit 12 9 Jan.)",
        ),
    ],
)
def test_a_weekday_hint_names_the_date_and_the_nearest_day_written(
    lang: str, expected: str
) -> None:
    sunday = datetime(2027, 1, 10, 1, 0, tzinfo=UTC)  # 10:00 JST
    drill = meeting(start=sunday, occurrence=sunday)
    assert render.weekday_hint(drill, 5, lang).replace("<code>", "").replace("</code>", "") == (
        expected
    )
