"""Starting the real bot with a rejected token or a wrong server address: one clear line naming
the setting to fix, no traceback, no token."""

import asyncio
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import BOT_SCRIPT, REPO_ROOT, bot_environment
from tests.fake_telegram import FakeTelegramServer

pytestmark = pytest.mark.e2e

REJECTED_TOKEN = "999999:rejected-secret-value"


async def start_and_wait_for_exit(env: dict[str, str]) -> tuple[int | None, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BOT_SCRIPT),
        cwd=REPO_ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, output.decode()


async def test_a_rejected_token_gets_one_clear_line_without_the_token(
    fake_server: FakeTelegramServer, tmp_path: Path
) -> None:
    env = bot_environment(
        fake_server, f"sqlite:///{tmp_path}/renkei.db", {"TELEGRAM_BOT_TOKEN": REJECTED_TOKEN}
    )
    returncode, text = await start_and_wait_for_exit(env)
    assert returncode == 2, text
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in text and "@BotFather" in text
    assert "TELEGRAM_API_BASE_URL" not in text
    assert "Traceback" not in text
    assert "rejected-secret-value" not in text


async def test_a_base_url_with_a_stray_path_is_named_instead_of_the_token(
    fake_server: FakeTelegramServer, tmp_path: Path
) -> None:
    wrong = f"{fake_server.url}/bot"  # the server answers its own plain-text 404 page
    env = bot_environment(
        fake_server, f"sqlite:///{tmp_path}/renkei.db", {"TELEGRAM_API_BASE_URL": wrong}
    )
    returncode, text = await start_and_wait_for_exit(env)
    assert returncode == 2, text
    assert f"TELEGRAM_API_BASE_URL={wrong} does not answer like a Bot API server" in text
    assert "without /bot" in text
    assert "rejected TELEGRAM_BOT_TOKEN" not in text
    assert "Traceback" not in text
    assert fake_server.token.split(":")[1] not in text
