"""Alembic environment: the connection the bot hands over, or DATABASE_URL from the CLI."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection

from config import DEFAULT_DATABASE_URL, async_database_url
from db.models import Base
from db.session import create_engine

target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url() -> None:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    engine = create_engine(async_database_url(url))
    async with engine.begin() as conn:
        await conn.run_sync(run_on)
    await engine.dispose()


given = context.config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    asyncio.run(run_from_url())
