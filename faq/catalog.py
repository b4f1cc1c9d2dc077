"""The loaded store as the bot browses it: entries by id and by short button key, twins, tags."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from faq.match import FaqIndex, build_index
from faq.store import FaqEntry

KEY_LENGTH = 8  # hex digits: fits 64-byte callback_data, ample for thousands of entries


def short_key(entry_id: str) -> str:
    """A stable short key for an entry id, for button data that must fit in 64 bytes."""
    return hashlib.sha1(entry_id.encode("utf-8")).hexdigest()[:KEY_LENGTH]


@dataclass
class Catalog:
    entries: dict[str, FaqEntry]
    index: FaqIndex
    by_key: dict[str, FaqEntry] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {short_key(entry_id): entry for entry_id, entry in self.entries.items()}

    def twin(self, entry: FaqEntry, lang: str) -> FaqEntry:
        """The same topic's entry in ``lang`` if the store has one, else the entry itself."""
        return self.index.twin(entry.topic_key, lang) or entry

    def tags(self) -> list[str]:
        """Tags in the order they first appear in the store."""
        seen: dict[str, None] = {}
        for entry in self.entries.values():
            for tag in entry.tags:
                seen.setdefault(tag, None)
        return list(seen)

    def in_tag(self, tag: str, lang: str) -> list[FaqEntry]:
        """Entries under ``tag``, one per topic, each in ``lang`` where a twin exists."""
        shown: dict[str, FaqEntry] = {}
        for entry in self.entries.values():
            if tag in entry.tags:
                chosen = self.twin(entry, lang)
                shown.setdefault(chosen.topic_key, chosen)
        return list(shown.values())

    def related(self, entry: FaqEntry, lang: str) -> list[FaqEntry]:
        return [self.twin(self.entries[i], lang) for i in entry.related if i in self.entries]


def build_catalog(entries: Sequence[FaqEntry], cache_dir: Path | None) -> Catalog:
    """Index the entries (CPU-heavy: call from a worker thread)."""
    return Catalog(
        entries={entry.id: entry for entry in entries}, index=build_index(entries, cache_dir)
    )
