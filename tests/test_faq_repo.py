"""The FAQ store synced into the database, the question log, feedback and the unanswered queue."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.faq_repo import (
    mark_answered,
    record_feedback,
    record_question,
    stored_entries,
    sync_entries,
    unanswered_questions,
    usage_summary,
)
from db.models import FaqQuestion
from faq.store import FaqEntry

NOW = datetime.now(UTC)

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


async def test_usage_summary_counts_recent_questions_ratings_and_top_answers(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    asked = [("議事録", "minutes-ja", True), ("議事録どこ", "minutes-ja", None),
             ("grant?", "grant-en", False), ("天気は？", None, None)]  # fmt: skip
    async with session_maker.begin() as session:
        for text, entry_id, helpful in asked:
            question = await record_question(
                session, chat_id=1, user_id=7, text=text, lang="ja", entry_id=entry_id, score=0.5
            )
            if helpful is not None:
                await record_feedback(session, question, user_id=7, helpful=helpful)
        old = FaqQuestion(chat_id=1, user_id=7, text="去年の質問", lang="ja", answered=True,
                          matched_entry_id="grant-en", created_at=NOW - timedelta(days=400))
        session.add(old)  # fmt: skip
    async with session_maker() as session:
        summary = await usage_summary(session, NOW - timedelta(days=30))
    assert (summary.asked, summary.answered, summary.helpful, summary.unhelpful) == (4, 3, 1, 1)
    assert summary.top_entries == [("minutes-ja", 2), ("grant-en", 1)]
