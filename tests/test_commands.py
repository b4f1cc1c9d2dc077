"""Which command a mistyped or made-up one most likely meant."""

import pytest

from handlers.common import COMMANDS, GluedCommand, glued_command
from handlers.start import closest_command

KNOWN = {
    "faq", "meeting", "milestone", "deadline", "remind", "agenda", "done", "cancel", "edit",
    "skip", "notices", "tz", "ics", "lang", "help", "start",
}  # fmt: skip

MEANT = [
    ("meetng", "meeting"),
    ("mileston", "milestone"),
    ("Agendas", "agenda"),
    ("schedule", "agenda"),
    ("shedule", "agenda"),
    ("reminders", "agenda"),
    ("remindme", "remind"),
    ("calendar", "ics"),
    ("calender", "ics"),
    ("timezone", "tz"),
    ("language", "lang"),
    ("delete", "cancel"),
    ("poll", None),
    ("xyz", None),
    ("weather", None),
]


@pytest.mark.parametrize(("typed", "meant"), MEANT)
def test_a_command_close_to_one_of_ours_is_suggested(typed: str, meant: str | None) -> None:
    assert closest_command(typed, KNOWN) == meant


def test_a_synonym_is_not_suggested_when_its_command_is_not_there() -> None:
    assert closest_command("calendar", KNOWN - {"ics"}) is None


@pytest.mark.parametrize(
    ("text", "glued"),
    [
        ("/meeting毎週月曜 7時半 見守り", GluedCommand("meeting", None, "毎週月曜 7時半 見守り")),
        ("/milestone1月末 報告書", GluedCommand("milestone", None, "1月末 報告書")),
        ("/faqボランティア保険", GluedCommand("faq", None, "ボランティア保険")),
        ("/FAQボランティア保険", GluedCommand("faq", None, "ボランティア保険")),
        ("/deadline１２月１０日 報告書", GluedCommand("deadline", None, "１２月１０日 報告書")),
        ("/done＃3", GluedCommand("done", None, "＃3")),
        ("/faq@renkei_bot保険", GluedCommand("faq", "renkei_bot", "保険")),
        # a space (also a full-width one) after it is the usual command
        ("/meeting 毎週月曜 7時半 見守り", None),
        ("/faq\u3000保険", None),
        ("/faq", None),
        # other commands stay what they were: unknown, or another bot's
        ("/milestone1 報告書", None),
        ("/start@other_bot", None),
        ("/shedule明日", None),
        ("/poll明日の昼ごはん", None),
        ("議事録/faq保険", None),
    ],
)  # fmt: skip
def test_a_command_with_its_text_typed_straight_after_it_is_read(
    text: str, glued: GluedCommand | None
) -> None:
    assert glued_command(text) == glued


def test_every_command_the_bot_answers_can_be_typed_glued(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import build_application
    from config import load_settings
    from handlers.start import known_commands

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST")
    assert known_commands(build_application(load_settings())) == COMMANDS
