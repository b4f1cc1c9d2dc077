"""Run the real bot (``python bot.py``) as a child process against the fake Telegram server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fake_telegram import FakeTelegramServer, User

REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_SCRIPT = REPO_ROOT / "bot.py"
SHIPPED_FAQ_STORE = REPO_ROOT / "faq" / "data" / "store.yaml"
# Shared between tests (and runs) so the FAQ index is built once, not per bot start.
SHARED_CACHE_DIR = REPO_ROOT / ".cache" / "faq"
STARTUP_SECONDS = 90.0
STOP_SECONDS = 20.0
# The bot's administrator in BOT_ADMINS unless a test overrides it.
ADMIN = User(id=90001, first_name="管理者", username="renkei_admin", language_code="ja")


class BotProcess:
    """A running ``bot.py``; its stdout and stderr go to ``log_path``."""

    def __init__(
        self, process: asyncio.subprocess.Process, log_path: Path, env: dict[str, str]
    ) -> None:
        self.process = process
        self.log_path = log_path
        self.env = env

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def output(self) -> str:
        """Everything the bot printed so far (all starts sharing this log)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def stop(self, timeout: float = STOP_SECONDS) -> int:
        """SIGTERM, as a service manager would, and wait for a clean exit."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            await self.kill()
            raise AssertionError(
                f"bot ignored SIGTERM for {timeout}s and was killed; output:\n{self.output()}"
            ) from None

    async def kill(self) -> None:
        """SIGKILL: the bot gets no chance to clean up, as in a crash or OOM kill."""
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()

    def assert_token_not_logged(self) -> None:
        secret = self.env["TELEGRAM_BOT_TOKEN"].split(":", 1)[1]
        leaks = [line for line in self.output().splitlines() if secret in line]
        assert not leaks, "the bot token appears in the bot's output:\n" + "\n".join(leaks)


def bot_environment(
    server: FakeTelegramServer, database_url: str, overrides: dict[str, str]
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    env.update(
        TELEGRAM_BOT_TOKEN=server.token,
        TELEGRAM_API_BASE_URL=server.url,
        DATABASE_URL=database_url,
        FAQ_STORE=str(SHIPPED_FAQ_STORE),
        BOT_TIMEZONE="Asia/Tokyo",
        BOT_ADMINS=str(ADMIN.id),
        RENKEI_CACHE_DIR=str(SHARED_CACHE_DIR),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


async def launch(
    server: FakeTelegramServer,
    env: dict[str, str],
    log_path: Path,
    script: Path = BOT_SCRIPT,
    startup_timeout: float = STARTUP_SECONDS,
) -> BotProcess:
    """Start ``script`` and return once it polls getUpdates; fail with its output otherwise."""
    mark = server.mark()
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"===== {script.name} started (requests from #{mark}) =====\n")
        log.flush()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            cwd=REPO_ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
    bot = BotProcess(process, log_path, env)
    polling = asyncio.create_task(server.wait_until_polling(since=mark, timeout=startup_timeout))
    exited = asyncio.create_task(process.wait())
    await asyncio.wait({polling, exited}, return_when=asyncio.FIRST_COMPLETED)
    if exited.done():
        polling.cancel()
        raise AssertionError(
            f"{script.name} exited with {process.returncode} before polling; output:\n"
            f"{bot.output()}"
        )
    exited.cancel()
    try:
        polling.result()
    except AssertionError:
        await bot.kill()
        raise AssertionError(
            f"{script.name} did not poll getUpdates within {startup_timeout}s; output:\n"
            f"{bot.output()}"
        ) from None
    return bot
