"""Which command a mistyped or made-up one most likely meant."""

import pytest

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
