"""End-to-end fixtures: the real bot process against the fake Telegram server.

``fake_server`` (tests/conftest.py) is the server; ``start_bot`` starts ``python bot.py``
pointed at it and returns once the bot polls. The bot's output is attached to failing tests.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Generator
from pathlib import Path
from typing import Protocol

import pytest
from sqlalchemy import text

from config import async_database_url
from db.models import Base
from db.session import create_engine
from tests.e2e.group import CHAIR, GROUP
from tests.e2e.harness import ADMIN, BotProcess, bot_environment, launch
from tests.fake_telegram import FakeTelegramServer, User

_BOT_PROCESSES = pytest.StashKey[list[BotProcess]]()


class StartBot(Protocol):
    async def __call__(self, *, postgres: bool = False, **env_overrides: str) -> BotProcess: ...


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        logs = {bot.log_path for bot in item.stash.get(_BOT_PROCESSES, [])}
        for log_path in sorted(logs):
            report.sections.append(
                (f"bot output ({log_path})", log_path.read_text(encoding="utf-8"))
            )
    return report


async def _empty_postgres(url: str) -> None:
    """Drop everything so each PostgreSQL test starts from an empty, unmigrated database."""
    engine = create_engine(async_database_url(url))
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()


@pytest.fixture
def bot_admin() -> User:
    """The user listed in BOT_ADMINS of every started bot."""
    return ADMIN


@pytest.fixture
async def start_bot(
    fake_server: FakeTelegramServer, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[StartBot]:
    """``await start_bot(**env_overrides)`` runs bot.py and waits until it polls.

    Every start in a test shares one SQLite database (a restart sees the same data) and one
    log file. ``postgres=True`` uses TEST_DATABASE_URL instead, emptied on the first start, and
    skips the test when it is unset. Bots still running at the end are stopped.
    """
    started: list[BotProcess] = []
    request.node.stash[_BOT_PROCESSES] = started
    emptied_postgres = False

    async def start(*, postgres: bool = False, **env_overrides: str) -> BotProcess:
        nonlocal emptied_postgres
        database_url = f"sqlite:///{tmp_path / 'renkei.db'}"
        if postgres:
            database_url = os.environ.get("TEST_DATABASE_URL", "")
            if not database_url:
                pytest.skip("TEST_DATABASE_URL is not set; PostgreSQL end-to-end case skipped")
            if not emptied_postgres:
                await _empty_postgres(database_url)
                emptied_postgres = True
        env = bot_environment(fake_server, database_url, env_overrides)
        bot = await launch(fake_server, env, tmp_path / "bot.log")
        started.append(bot)
        return bot

    yield start
    for bot in started:
        if bot.returncode is None:
            await bot.stop()


@pytest.fixture
async def group_bot(start_bot: StartBot, fake_server: FakeTelegramServer) -> FakeTelegramServer:
    """The bot running, in GROUP with CHAIR as its administrator."""
    fake_server.add_chat(GROUP)
    fake_server.set_admins(GROUP.id, [CHAIR.id])
    await start_bot()
    return fake_server
