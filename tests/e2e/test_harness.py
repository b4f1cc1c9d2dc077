"""The harness itself: the real bot starts, answers, restarts on the same data and stops."""

import signal

import pytest

from tests.e2e.conftest import StartBot
from tests.fake_telegram import FakeTelegramServer, User

pytestmark = pytest.mark.e2e

KENJI = User(id=31001, first_name="健二", language_code="ja")


async def test_bot_answers_and_restarts_on_the_same_database(
    fake_server: FakeTelegramServer, start_bot: StartBot
) -> None:
    first = await start_bot()
    await fake_server.private_message(KENJI, "/start")
    greeting = await fake_server.wait_for_message(KENJI.id, contains="健二", timeout=30)
    assert await first.stop() == 0

    second = await start_bot()
    assert second.database_url == first.database_url
    await fake_server.private_message(KENJI, "/start")
    again = await fake_server.wait_for_message(KENJI.id, timeout=30)
    assert again["text"] == greeting["text"]
    assert again["message_id"] > greeting["message_id"]
    await second.kill()
    assert second.returncode == -signal.SIGKILL
    second.assert_token_not_logged()


async def test_a_bot_that_cannot_start_fails_with_its_output(start_bot: StartBot) -> None:
    with pytest.raises(AssertionError, match="BOT_TIMEZONE") as raised:
        await start_bot(BOT_TIMEZONE="Mars/Olympus_Mons")
    assert "before polling" in str(raised.value)


async def test_bot_runs_on_postgresql(
    fake_server: FakeTelegramServer, start_bot: StartBot
) -> None:
    await start_bot(postgres=True)
    await fake_server.private_message(KENJI, "/start")
    await fake_server.wait_for_message(KENJI.id, contains="健二", timeout=30)
