"""Fixtures shared by the unit and end-to-end tests."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from config import async_database_url
from db.models import Base
from db.session import create_engine, create_sessionmaker, migrate
from tests.fake_telegram import FakeTelegramServer


@pytest.fixture
async def fake_server() -> AsyncIterator[FakeTelegramServer]:
    """A fake Telegram Bot API on a free port of 127.0.0.1 (``fake_server.url``)."""
    server = FakeTelegramServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        url = async_database_url(f"sqlite:///{tmp_path / 'renkei-test.db'}")
    else:
        raw = os.environ.get("TEST_DATABASE_URL")
        if not raw:
            pytest.skip("TEST_DATABASE_URL is not set; PostgreSQL cases skipped")
        url = async_database_url(raw)
    database = create_engine(url)
    if request.param == "postgresql":
        async with database.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await migrate(database)
    yield database
    await database.dispose()


@pytest.fixture
def session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)
