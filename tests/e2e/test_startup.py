"""Starting the real bot with a token Telegram rejects: a clear line, no traceback, no token."""

import asyncio
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import BOT_SCRIPT, REPO_ROOT, bot_environment
from tests.fake_telegram import FakeTelegramServer

pytestmark = pytest.mark.e2e

REJECTED_TOKEN = "999999:rejected-secret-value"


async def test_a_rejected_token_gets_one_clear_line_without_the_token(
    fake_server: FakeTelegramServer, tmp_path: Path
) -> None:
    env = bot_environment(
        fake_server, f"sqlite:///{tmp_path}/renkei.db", {"TELEGRAM_BOT_TOKEN": REJECTED_TOKEN}
    )
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
    text = output.decode()
    assert process.returncode == 2, text
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in text and "@BotFather" in text
    assert "Traceback" not in text
    assert "rejected-secret-value" not in text
