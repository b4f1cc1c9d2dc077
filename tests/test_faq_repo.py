"""The FAQ store synced into the database, the question log, feedback and the unanswered queue."""

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.faq_repo import (
    mark_answered,
    record_feedback,
    record_question,
    stored_entries,
    sync_entries,
    unanswered_questions,
)
from faq.store import FaqEntry

MINUTES = FaqEntry(
    id="minutes-ja",
    lang="ja",
    question="議事録はどこ？",
    alternates=("会議の記録",),
    answer="共有フォルダにあります。",
    tags=("meetings",),
    topic="minutes",
)
GRANT = FaqEntry(
    id="grant-en",
    lang="en",
    question="How do I apply for a grant?",
    alternates=(),
    answer="Send the form by May.",
    tags=("grants",),
)


async def test_sync_adds_updates_and_removes(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    async with session_maker.begin() as session:
        first = await sync_entries(session, [MINUTES, GRANT])
    assert (first.added, first.updated, first.removed) == (2, 0, 0)

    edited = replace(MINUTES, answer="事務局の共有フォルダにあります。")
    async with session_maker.begin() as session:
        second = await sync_entries(session, [edited])
    assert (second.added, second.updated, second.removed) == (0, 1, 1)

    async with session_maker() as session:
        entries = await stored_entries(session)
    assert [(e.id, e.answer, e.alternates, e.topic) for e in entries] == [
        ("minutes-ja", "事務局の共有フォルダにあります。", ("会議の記録",), "minutes")
    ]


async def test_unchanged_store_changes_nothing(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    async with session_maker.begin() as session:
        await sync_entries(session, [MINUTES])
    async with session_maker.begin() as session:
        report = await sync_entries(session, [MINUTES])
    assert (report.added, report.updated, report.removed, report.total) == (0, 0, 0, 1)


async def test_unanswered_queue_and_feedback(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    async with session_maker.begin() as session:
        answered = await record_question(
            session,
            chat_id=1,
            user_id=7,
            text="議事録",
            lang="ja",
            entry_id="minutes-ja",
            score=0.9,
        )
        unknown = await record_question(
            session, chat_id=1, user_id=7, text="天気は？", lang="ja", entry_id=None, score=0.1
        )
    async with session_maker.begin() as session:
        assert not await record_feedback(session, answered, user_id=8, helpful=False)
        assert await record_feedback(session, answered, user_id=7, helpful=False)
    async with session_maker() as session:
        queue = await unanswered_questions(session)
    assert [q.text for q in queue] == ["天気は？", "議事録"]

    async with session_maker.begin() as session:
        await mark_answered(session, unknown, user_id=7, entry_id="minutes-ja")
        await record_feedback(session, answered, user_id=7, helpful=True)
    async with session_maker() as session:
        assert await unanswered_questions(session) == []
