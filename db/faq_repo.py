"""FAQ rows in the database: syncing the YAML store in, logging questions, feedback, the queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FaqEntryRow, FaqQuestion, utcnow
from faq.store import FaqEntry, content_hash


@dataclass(frozen=True)
class UsageSummary:
    """How the FAQ was used since a moment: for the coordinator's progress reports."""

    asked: int
    answered: int
    helpful: int
    unhelpful: int
    top_entries: list[tuple[str, int]]  # entry id, times given as the answer; most first


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    removed: int
    total: int


async def sync_entries(session: AsyncSession, entries: Sequence[FaqEntry]) -> SyncReport:
    """Make the stored entries equal to ``entries`` (call inside one transaction)."""
    stored = {row.id: row for row in (await session.scalars(select(FaqEntryRow))).all()}
    added = updated = 0
    for entry in entries:
        digest = content_hash(entry)
        row = stored.pop(entry.id, None)
        if row is None:
            session.add(to_row(entry, digest))
            added += 1
        elif row.content_hash != digest:
            fresh = to_row(entry, digest)
            for column in ("lang", "question", "alternates", "answer", "tags", "topic", "related"):
                setattr(row, column, getattr(fresh, column))
            row.content_hash = digest
            row.updated_at = utcnow()
            updated += 1
    if stored:
        await session.execute(delete(FaqEntryRow).where(FaqEntryRow.id.in_(list(stored))))
    return SyncReport(added=added, updated=updated, removed=len(stored), total=len(entries))


def to_row(entry: FaqEntry, digest: str) -> FaqEntryRow:
    return FaqEntryRow(
        id=entry.id,
        lang=entry.lang,
        question=entry.question,
        alternates=list(entry.alternates),
        answer=entry.answer,
        tags=list(entry.tags),
        topic=entry.topic,
        related=list(entry.related),
        content_hash=digest,
    )


async def stored_entries(session: AsyncSession) -> list[FaqEntry]:
    """The entries last synced in, for starting with a good store when the file is broken."""
    rows = (await session.scalars(select(FaqEntryRow).order_by(FaqEntryRow.id))).all()
    return [
        FaqEntry(
            id=row.id,
            lang=row.lang,
            question=row.question,
            alternates=tuple(row.alternates),
            answer=row.answer,
            tags=tuple(row.tags),
            topic=row.topic,
            related=tuple(row.related),
        )
        for row in rows
    ]


async def record_question(
    session: AsyncSession,
    *,
    chat_id: int,
    user_id: int | None,
    text: str,
    lang: str,
    entry_id: str | None,
    score: float,
) -> int:
    """Log one question and what we answered; returns its id (for feedback buttons)."""
    question = FaqQuestion(
        chat_id=chat_id,
        user_id=user_id,
        text=text,
        lang=lang,
        matched_entry_id=entry_id,
        score=score,
        answered=entry_id is not None,
    )
    session.add(question)
    await session.flush()
    return question.id


async def record_feedback(
    session: AsyncSession, question_id: int, user_id: int, helpful: bool
) -> bool:
    """Store the asker's verdict on an answer; False if the question is not theirs or unknown."""
    result = await session.execute(
        update(FaqQuestion)
        .where(FaqQuestion.id == question_id, FaqQuestion.user_id == user_id)
        .values(feedback=1 if helpful else -1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_answered(
    session: AsyncSession, question_id: int, user_id: int, entry_id: str
) -> None:
    """The asker picked a "did you mean" choice: the question counts as answered by it."""
    await session.execute(
        update(FaqQuestion)
        .where(FaqQuestion.id == question_id, FaqQuestion.user_id == user_id)
        .values(matched_entry_id=entry_id, answered=True)
    )


async def unanswered_questions(session: AsyncSession, limit: int = 20) -> list[FaqQuestion]:
    """The newest questions the bot could not answer, or whose answer was marked not helpful."""
    rows = await session.scalars(
        select(FaqQuestion)
        .where((FaqQuestion.answered.is_(False)) | (FaqQuestion.feedback == -1))
        .order_by(FaqQuestion.id.desc())
        .limit(limit)
    )
    return list(rows.all())


async def usage_summary(session: AsyncSession, since: datetime, top: int = 5) -> UsageSummary:
    """Questions asked since ``since``: how many were answered and rated, and the answers
    given most often."""
    recent = FaqQuestion.created_at >= since
    asked, answered, helpful, unhelpful = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(FaqQuestion.answered.is_(True)),
                func.count().filter(FaqQuestion.feedback == 1),
                func.count().filter(FaqQuestion.feedback == -1),
            ).where(recent)
        )
    ).one()
    given = func.count().label("given")
    rows = await session.execute(
        select(FaqQuestion.matched_entry_id, given)
        .where(recent, FaqQuestion.answered.is_(True), FaqQuestion.matched_entry_id.is_not(None))
        .group_by(FaqQuestion.matched_entry_id)
        .order_by(given.desc(), FaqQuestion.matched_entry_id)
        .limit(top)
    )
    top_entries = [(str(entry_id), int(count)) for entry_id, count in rows.tuples()]
    return UsageSummary(int(asked), int(answered), int(helpful), int(unhelpful), top_entries)
