"""A sentence asking for a reminder becomes the command that would schedule it."""

from __future__ import annotations

from datetime import datetime

import pytest

from scheduler.intent import (
    AgendaQuestion,
    OneMeeting,
    ReminderRequest,
    agenda_question,
    asks_for_agenda,
    asks_when_or_where,
    names_title,
    one_meeting,
    read_done,
    read_edit_words,
    read_rsvp,
    reminder_request,
    request_body,
    says_postpone,
)
from scheduler.timeparse import parse

NOW = datetime.fromisoformat("2026-11-22T10:00:00+09:00")


def suggested(text: str) -> ReminderRequest | None:
    body = request_body(text)
    return None if body is None else reminder_request(body, NOW, "Asia/Tokyo")


@pytest.mark.parametrize(
    ("text", "command", "rest"),
    [
        ("明日10時に会議をリマインドして", "meeting", "明日10時に会議"),
        ("明日10時に会議をリマインドしてください！", "meeting", "明日10時に会議"),
        ("金曜の15時に資料の印刷を知らせて", "remind", "金曜の15時に資料の印刷"),
        ("12月10日 17時 報告書の提出をリマインドお願いします", "remind",
         "12月10日 17時 報告書の提出"),
        ("毎週月曜8時半に出欠確認の通知をお願い", "remind", "毎週月曜8時半に出欠確認"),
        ("Please remind me to print the handouts on Friday at 3pm", "remind",
         "print the handouts on Friday at 3pm"),
        ("set a reminder for Dec 10 5pm grant report", "remind", "Dec 10 5pm grant report"),
        ("remind us tomorrow at 10 about the steering meeting", "meeting",
         "tomorrow at 10 about the steering meeting"),
        # "call" is the task here, not a meeting: a plain reminder titled "call the school"
        ("remind me tomorrow at 9 to call the school", "remind",
         "tomorrow at 9 to call the school"),
        ("remind me to call the school tomorrow at 9", "remind",
         "call the school tomorrow at 9"),
        ("remind us on Friday at 3pm about the zoom call", "meeting",
         "on Friday at 3pm about the zoom call"),
    ],
)  # fmt: skip
def test_a_request_with_a_time_and_a_subject_gets_its_command(
    text: str, command: str, rest: str
) -> None:
    assert suggested(text) == ReminderRequest(command, rest)


@pytest.mark.parametrize(
    "text",
    [
        "リマインドの使い方を教えて",  # a question about reminders: the FAQ answers it
        "リマインドして",  # nothing to be reminded of
        "議事録をリマインドして",  # no time
        "明日 リマインドして",  # a time but no subject
        "ボランティア保険について教えて",
        "how do reminders work?",
        "毎月の定例会の前日に通知してもらえますか",  # timed against the event: asks what we can do
        "can you remind us before each meeting?",
        "毎週 掃除をリマインドして",  # which day? the suggestion would have to guess
    ],
)
def test_anything_else_is_left_to_the_faq(text: str) -> None:
    assert suggested(text) is None


@pytest.mark.parametrize(
    ("words", "title"),
    [
        ("定例会（延期）", "定例会（延期）"),
        ("運営委員会", "運営委員会"),
        ("だけど未定", "だけど未定"),
        ("受付開始", "受付開始"),  # a title that holds a word about the time is still a title
        ("時間変更のお知らせ", "時間変更のお知らせ"),
        ("Start-up meeting", "Start-up meeting"),
        ("拡大会議に変更", "拡大会議"),  # a new title, and the words asking for the change
        ("運営協議会 instead", "運営協議会"),
        ("", None),
        ("変更", None),  # 「12月15日 15時に変更」
        ("変更してください", None),
        ("へ移動", None),
        ("instead", None),
        # words about the time itself, as the parser leaves them (F6)
        ("開始に変更", None),  # 「16時開始に変更」
        ("時間", None),  # 「時間を16時に」
        ("開始変更", None),  # 「開始を16時に変更」
        ("スタートで", None),  # 「16時スタートで」
        ("開始時間", None),
        ("集合でお願いします", None),
        ("変更になりました", None),
        ("会議延期", None),
        ("start instead", None),  # "start at 4pm instead"
        ("move it", None),  # "move it to 4pm please"
        ("change the time", None),
        ("make it", None),
        ("let's meet", None),
    ],
)
def test_words_after_an_edits_time_are_a_new_title_unless_they_talk_about_the_time(
    words: str, title: str | None
) -> None:
    assert read_edit_words(words) == title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今回だけ 16時に変更", OneMeeting("", "16時に変更")),
        ("次回だけ17時", OneMeeting("", "17時")),
        ("今回は金曜日に", OneMeeting("", "金曜日に")),
        ("今回だけ 木曜 15時", OneMeeting("", "木曜 15時")),
        ("次の回は 16時", OneMeeting("", "16時")),
        ("16時 今回だけ", OneMeeting("", "16時")),
        ("this time only Friday 4pm", OneMeeting("", "Friday 4pm")),
        ("4pm just this once", OneMeeting("", "4pm")),
        ("only this one, 5pm", OneMeeting("", "5pm")),
        ("12月8日の回だけ16時", OneMeeting("12月8日", "16時")),
        ("1月の回だけ 1月19日", OneMeeting("1月", "1月19日")),
        ("来月の回は第3火曜に", OneMeeting("来月", "第3火曜に")),
        ("12/8の回を12/9 16時に", OneMeeting("12/8", "12/9 16時に")),
        ("12月8日だけ16時に変更", OneMeeting("12月8日", "16時に変更")),
        ("only the Jan 12 one at 4pm", OneMeeting("Jan 12", "at 4pm")),
        ("the January meeting only, 19 Jan", OneMeeting("January", "19 Jan")),
        # the whole series
        ("16時に変更", None),
        ("毎月第3水曜日", None),
        ("16時 今回の議題", None),  # 今回 inside a title
        ("明日10時 今回だけの特別講座", None),
        ("move this meeting to 4pm", None),
        ("16時 第5回の回覧", None),
    ],
)
def test_an_edit_for_one_meeting_of_a_series_says_which(
    text: str, expected: OneMeeting | None
) -> None:
    assert one_meeting(text) == expected


@pytest.mark.parametrize(
    ("text", "which", "title"),
    [
        # what the tester's /edit commands left as a title (F6, F7), now read as meant
        ("16時開始に変更", None, None),
        ("時間を16時に", None, None),
        ("開始を16時に変更", None, None),
        ("16時スタートで", None, None),
        ("16時からに変更", None, None),
        ("16時にお願いします", None, None),
        ("start at 4pm instead", None, None),
        ("move it to 4pm please", None, None),
        ("今回は金曜日に", "", None),
        ("1月の回だけ 1月19日", "1月", None),
        ("今回だけ 12月11日 16時", "", None),
        ("今回だけ 16時 特別講演会", "", "特別講演会"),
        ("16時 運営協議会（拡大）", None, "運営協議会（拡大）"),
        # the second tester's: from the next one on is the whole series, not a title
        ("次回から17時に", None, None),
        ("次回以降 17時", None, None),
        ("just this week at 5pm", "", None),
    ],
)
def test_an_edit_reads_which_meeting_its_time_and_a_title_only_when_there_is_one(
    text: str, which: str | None, title: str | None
) -> None:
    one = one_meeting(text)
    parsed = parse(one.rest if one else text, NOW, "Asia/Tokyo")
    assert parsed.start is not None, parsed
    assert (one.which if one else None, read_edit_words(parsed.title)) == (which, title)


@pytest.mark.parametrize(
    ("reply", "answer"),
    [
        ("出席します", "yes"),
        ("参加します！", "yes"),
        ("少し遅れますが行きます", "yes"),
        ("15時半には間に合わないかもですが参加します", "yes"),
        ("参加したいのですが、行けません", "no"),
        ("欠席します", "no"),
        ("すみません、今回はお休みします", "no"),
        ("参加できません", "no"),  # the refusal holds the accepting word
        ("都合が悪いです", "no"),
        ("未定です", "maybe"),
        ("まだわかりません", "maybe"),
        ("I'll be there", "yes"),
        ("count me in", "yes"),
        ("Sorry, can't make it", "no"),
        ("cannot attend", "no"),
        ("not sure yet", "maybe"),
        ("Sorry, I can't make it this time, see you next month", "no"),
        # a hedge is a maybe, whichever way it leans
        ("行けたら行きます", "maybe"),
        ("行けるかも", "maybe"),
        ("木曜は仕事で行けないかも…", "maybe"),
        ("参加できれば参加します", "maybe"),
        ("I'll try to come", "maybe"),
        ("might not make it", "maybe"),
        # plans that changed, and other ways to say no
        ("すみません、急用で行けなくなりました", "no"),
        ("参加できなくなりました", "no"),
        ("今回はパスで", "no"),
        ("無理そうです", "no"),
        ("行けそうにないです", "no"),
        ("欠席させてください", "no"),
        ("欠で", "no"),
        ("今回は見送ります", "no"),
        ("顔出せません", "no"),
        ("can't make it after all", "no"),
        ("count me out", "no"),
        ("I'll pass this time", "no"),
        # and of saying yes
        ("やっぱり行けそうです", "yes"),
        ("行けます！", "yes"),
        ("参加させていただきます", "yes"),
        ("遅れて参加します", "yes"),
        ("途中からになります", "yes"),
        ("顔出します", "yes"),
        ("少し遅れるかもしれません", "yes"),  # late is still there
        ("running late but coming", "yes"),
        ("I might be a bit late", "yes"),
        # questions and other talk are left to the FAQ
        ("出席しますか？", None),
        ("会場はどこですか", None),
        ("了解です", None),
        ("Is it in room 3?", None),
        ("行けなくなった場合はどうすれば？", None),
        ("パスワードを忘れました", None),
        ("夏休みの活動について", None),
        ("参加者は何人くらいを予定していて、資料は何部用意すればよいか教えてください", None),
    ],
)
def test_a_short_reply_to_a_meeting_notice_is_read_as_an_answer(
    reply: str, answer: str | None
) -> None:
    assert read_rsvp(reply) == answer


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("次の会議はいつ？", True),
        ("次の会議っていつだっけ", True),
        ("今後の予定を教えて", True),
        ("次回の定例会の日時は？", True),
        ("次の締め切りはいつ", True),
        ("When is the next meeting?", True),
        ("what's coming up?", True),
        ("upcoming deadlines", True),
        ("今度の打ち合わせの場所どこだっけ", True),
        ("来週の会議の時間は？", True),
        ("次の定例会って何時から？", True),
        ("Where is the next meeting?", True),
        ("what time does the next meeting start?", True),
        ("any meetings next week?", True),
        ("会議の場所を変えたいときは？", False),
        # questions about meetings that the FAQ answers
        ("次の会議の議事録はどこ？", False),
        ("会議の日程を決めるには？", False),
        ("次の会議で何を話す？", False),
        ("how do I schedule a meeting?", False),
        ("次の予定なんだっけ", True),
        ("会議室どこ？", True),
        ("次の情報交換会っていつでしたっけ？", True),  # names a meeting: a meeting word
        ("今度の推進委員会の場所どこだっけ", True),
        ("次の会議は何を準備すれば？", False),
    ],
)
def test_a_question_about_what_is_coming_is_recognised(text: str, asks: bool) -> None:
    assert asks_for_agenda(text) is asks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("次の情報交換会っていつでしたっけ？", AgendaQuestion("情報交換会", True)),
        ("今度の推進委員会の場所どこだっけ", AgendaQuestion("推進委員会", True)),
        ("次回の定例会の日時は？", AgendaQuestion("定例会", True)),
        ("When is the next steering meeting?", AgendaQuestion("steering", True)),
        # a word of the chat's titles only: the whole agenda is no answer when none holds it
        ("次回の補助金申請はいつから？", AgendaQuestion("補助金申請", False)),
        # no meeting in particular
        ("次の会議はいつ？", AgendaQuestion("", True)),
        ("次の予定なんだっけ", AgendaQuestion("", True)),
        ("会議室どこ？", AgendaQuestion("", True)),
        ("When is the next meeting?", AgendaQuestion("", True)),
        ("次の会議の議事録はどこ？", None),
        ("次の会議で何を話す？", None),
        ("次の人は誰？", None),
    ],
)
def test_a_question_can_name_the_meeting_it_asks_about(
    text: str, expected: AgendaQuestion | None
) -> None:
    assert agenda_question(text) == expected


@pytest.mark.parametrize(
    ("name", "title", "holds"),
    [
        ("情報交換会", "地域情報交換会（第3回）", True),
        ("推進委員会", "連携推進委員会", True),
        ("steering", "Steering Committee", True),
        ("ＰＴＡ", "PTA役員会", True),
        ("情報交換会", "運営委員会", False),
        ("", "運営委員会", False),
    ],
)
def test_a_named_meeting_is_found_by_a_word_of_its_title(
    name: str, title: str, holds: bool
) -> None:
    assert names_title(name, title) is holds


@pytest.mark.parametrize(
    ("reply", "done"),
    [
        ("提出しました", True),
        ("提出済みです", True),
        ("完了しました！", True),
        ("報告書を出しました", True),
        ("終わりました", True),
        ("Done", True),
        ("submitted", True),
        ("全員分回収できました", True),
        ("回収完了です", True),
        ("集計が終わりました", True),
        ("できました！", True),
        ("まだできていません", False),
        ("回収できましたか？", False),
        ("まだ提出していません", False),
        ("提出しましたか？", False),
        ("いつまでに提出？", False),
        ("not done yet", False),
        ("了解です", False),
    ],
)
def test_a_short_reply_to_a_deadline_notice_says_whether_it_is_done(
    reply: str, done: bool
) -> None:
    assert read_done(reply) is done


@pytest.mark.parametrize(
    ("words", "postpones"),
    [
        ("来週に延期", True),
        ("1週間先延ばし", True),
        ("postpone to Monday", True),
        ("push it back to 4pm", True),
        ("16時に変更", False),
        ("move to Friday", False),
        ("明日 10時", False),
    ],
)
def test_words_that_put_a_reminder_off_are_recognised(words: str, postpones: bool) -> None:
    assert says_postpone(words) is postpones


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("何時からでしたっけ？", True),
        ("場所どこ？", True),
        ("会場はどこですか", True),
        ("いつだっけ", True),
        ("what time does it start?", True),
        ("Where is it?", True),
        ("10時からでしたっけ？", True),
        ("明日でしたっけ", True),
        ("明日の持ち物は何ですか？", False),  # for the FAQ
        ("駐車場ありますか？", False),  # for the FAQ
        ("出席します", False),  # an answer
        ("資料は何部いりますか", False),
        (
            "時間に遅れそうなので先に始めていてください、駅からバスで向かっていますがかなり混んでいます",
            False,
        ),
    ],
)
def test_a_reply_asking_when_or_where_is_recognised(text: str, asks: bool) -> None:
    assert asks_when_or_where(text) is asks
