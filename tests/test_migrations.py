"""Alembic migrations: they build exactly the models' schema, and upgrades keep existing rows."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import Base, Reminder
from db.session import alembic_config, create_sessionmaker, migrate

INITIAL = "b4439380ef50"


async def test_migrations_build_the_schema_the_models_describe(engine: AsyncEngine) -> None:
    def differences(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_upgrade_keeps_reminders_made_before_days_off_existed(engine: AsyncEngine) -> None:
    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), INITIAL)

    async with engine.begin() as conn:
        await conn.run_sync(downgrade)
        await conn.execute(
            text(
                "INSERT INTO reminders (id, chat_id, kind, title, start, tz, notice_offsets,"
                " status, created_at) VALUES (1, -5, 'meeting', '定例会', :start, 'Asia/Tokyo',"
                " '[]', 'active', :start)"
            ),
            {"start": datetime(2026, 12, 8, 6, tzinfo=UTC)},
        )
    await migrate(engine)
    async with create_sessionmaker(engine)() as session:
        reminder = await session.get(Reminder, 1)
    assert reminder is not None and reminder.title == "定例会"
    assert reminder.skipped == []
