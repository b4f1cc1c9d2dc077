"""Load and validate the FAQ store: a human-edited YAML list of question/answer entries.

Validation walks YAML *nodes* (not constructed Python objects) so every problem can point at the
line a person has to fix, and so all problems are reported at once instead of one per edit cycle.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

logger = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")
REQUIRED_TEXT_FIELDS = ("id", "question", "answer")
LIST_FIELDS = ("alternates", "tags", "related")
ALLOWED_KEYS = ("id", "lang", "question", "alternates", "answer", "tags", "topic", "related")

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_NULL_TAG = "tag:yaml.org,2002:null"
# The C loader is several times faster on large stores; fall back when libyaml is absent.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FaqEntry:
    id: str
    lang: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]
    topic: str | None = None
    related: tuple[str, ...] = ()
    line: int | None = None

    @property
    def topic_key(self) -> str:
        """What groups the entry with its translations: its topic, or its own id without one."""
        return self.topic or self.id


@dataclass(frozen=True)
class StoreProblem:
    line: int | None
    entry_id: str | None
    message: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        if self.entry_id:
            where.append(f"({self.entry_id})")
        return f"{' '.join(where)}: {self.message}" if where else self.message


class StoreError(Exception):
    def __init__(self, problems: Iterable[StoreProblem], source: str = "<string>") -> None:
        self.problems = list(problems)
        self.source = source
        count = len(self.problems)
        header = f"{source}: {count} problem{'s' if count != 1 else ''} in FAQ store"
        super().__init__("\n".join([header, *(str(problem) for problem in self.problems)]))


def load_store(path: str | Path) -> list[FaqEntry]:
    """Read and validate a store file; raise StoreError listing every problem found."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise StoreError([StoreProblem(None, None, "file not found")], source) from None
    except OSError as error:
        problem = StoreProblem(None, None, f"cannot read file: {error.strerror or error}")
        raise StoreError([problem], source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8"
        raise StoreError([StoreProblem(line, None, message)], source) from None
    return parse_store(text, source)


def parse_store(text: str, source: str = "<string>") -> list[FaqEntry]:
    """Validate store text; raise StoreError listing every problem found."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise StoreError([_yaml_problem(error)], source) from None
    except yaml.YAMLError as error:
        raise StoreError([StoreProblem(None, None, f"invalid YAML: {error}")], source) from None

    if root is None:
        raise StoreError([StoreProblem(None, None, "store is empty; expected a list")], source)
    if not isinstance(root, SequenceNode):
        message = f"top level must be a list of entries, found {_describe(root)}"
        raise StoreError([StoreProblem(_line(root), None, message)], source)

    problems: list[StoreProblem] = []
    entries = [_read_entry(node, problems) for node in root.value]
    valid = [entry for entry in entries if entry is not None]
    _check_cross_references(root.value, valid, problems)
    if problems:
        problems.sort(key=lambda problem: problem.line or 0)
        raise StoreError(problems, source)
    logger.debug("loaded %d FAQ entries from %s", len(valid), source)
    return valid


def content_hash(entry: FaqEntry) -> str:
    """Hash everything a user can see or that affects matching, but not the source position."""
    fields = {
        "id": entry.id,
        "lang": entry.lang,
        "question": entry.question,
        "alternates": list(entry.alternates),
        "answer": entry.answer,
        "tags": list(entry.tags),
        "topic": entry.topic,
        "related": list(entry.related),
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _yaml_problem(error: yaml.MarkedYAMLError) -> StoreProblem:
    reason = error.problem or "syntax error"
    if error.context:
        # The context mark shows where the unclosed construct began, often lines above the failure.
        started = f" (started at line {error.context_mark.line + 1})" if error.context_mark else ""
        reason = f"{error.context}{started}: {reason}"
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return StoreProblem(None, None, f"invalid YAML: {reason}")
    return StoreProblem(mark.line + 1, None, f"invalid YAML at column {mark.column + 1}: {reason}")


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"the value {node.value!r}"


def _text(node: Node) -> str | None:
    """Scalar text as written (so `answer: yes` stays "yes"); None when it is not a scalar."""
    if not isinstance(node, ScalarNode):
        return None
    if node.tag == _NULL_TAG:
        return ""
    return str(node.value).strip()


def _answer_text(node: Node) -> str | None:
    text = _text(node)
    if text is None:
        return None
    # Trailing spaces are invisible editing noise; the line structure is the author's layout.
    return "\n".join(line.rstrip() for line in text.splitlines())


class _EntryReader:
    """Collects the fields of one entry mapping, recording problems instead of stopping."""

    def __init__(self, node: MappingNode, problems: list[StoreProblem]) -> None:
        self.node = node
        self.problems = problems
        self.line = _line(node)
        self.fields: dict[str, Node] = {}
        self.entry_id: str | None = None
        self._collect_keys()

    def report(self, node: Node | None, message: str) -> None:
        line = _line(node) if node is not None else self.line
        self.problems.append(StoreProblem(line, self.entry_id, message))

    def _collect_keys(self) -> None:
        id_node = next(
            (value for key, value in self.node.value if _text(key) == "id"),
            None,
        )
        if id_node is not None:
            self.entry_id = _text(id_node) or None
        for key_node, value_node in self.node.value:
            key = _text(key_node)
            if key is None:
                self.report(key_node, "keys must be plain text")
            elif key not in ALLOWED_KEYS:
                self.report(key_node, _unknown_key_message(key))
            elif key in self.fields:
                first = _line(self.fields[key])
                self.report(key_node, f"key '{key}' given twice (first at line {first})")
            else:
                self.fields[key] = value_node

    def required_text(self, key: str) -> str:
        node = self.fields.get(key)
        if node is None:
            self.report(None, f"missing or empty '{key}'")
            return ""
        text = _answer_text(node) if key == "answer" else _text(node)
        if text is None:
            self.report(node, f"'{key}' must be text, found {_describe(node)}")
            return ""
        if not text:
            self.report(node, f"missing or empty '{key}'")
        return text

    def optional_text(self, key: str) -> str | None:
        node = self.fields.get(key)
        if node is None:
            return None
        text = _text(node)
        if text is None:
            self.report(node, f"'{key}' must be text, found {_describe(node)}")
        return text or None

    def text_list(self, key: str) -> tuple[str, ...]:
        node = self.fields.get(key)
        if node is None or (isinstance(node, ScalarNode) and node.tag == _NULL_TAG):
            return ()
        if not isinstance(node, SequenceNode):
            self.report(node, f"'{key}' must be a list of strings, found {_describe(node)}")
            return ()
        items: list[str] = []
        for position, item_node in enumerate(node.value, start=1):
            item = _text(item_node)
            if item is None:
                message = f"'{key}' item {position} must be a string, found {_describe(item_node)}"
                self.report(item_node, message)
            elif not item:
                self.report(item_node, f"'{key}' item {position} is empty")
            else:
                items.append(item)
        return tuple(items)


def _unknown_key_message(key: str) -> str:
    message = f"unknown key '{key}'"
    guesses = difflib.get_close_matches(key, ALLOWED_KEYS, n=1)
    if guesses:
        return f"{message} (did you mean '{guesses[0]}'?)"
    return f"{message} (allowed: {', '.join(ALLOWED_KEYS)})"


def _read_entry(node: Node, problems: list[StoreProblem]) -> FaqEntry | None:
    if not isinstance(node, MappingNode):
        message = f"entry must be a mapping of fields, found {_describe(node)}"
        problems.append(StoreProblem(_line(node), None, message))
        return None
    reader = _EntryReader(node, problems)
    problems_before = len(problems)

    entry_id, question, answer = (reader.required_text(key) for key in REQUIRED_TEXT_FIELDS)
    if entry_id and not _SLUG.fullmatch(entry_id):
        reader.report(
            reader.fields["id"],
            f"id '{entry_id}' is not a slug (lowercase a-z, 0-9, '-' and '_')",
        )
    lang = reader.optional_text("lang")
    if lang not in LANGUAGES:
        found = "missing" if lang is None else f"'{lang}'"
        reader.report(reader.fields.get("lang"), f"lang must be 'ja' or 'en', found {found}")
    topic = reader.optional_text("topic")
    if topic is not None and not _SLUG.fullmatch(topic):
        reader.report(reader.fields["topic"], f"topic '{topic}' is not a slug")
    alternates, tags, related = (reader.text_list(key) for key in LIST_FIELDS)

    if len(problems) > problems_before or lang is None:
        return None
    return FaqEntry(
        id=entry_id,
        lang=lang,
        question=question,
        alternates=alternates,
        answer=answer,
        tags=tags,
        topic=topic,
        related=related,
        line=reader.line,
    )


def _check_cross_references(
    nodes: list[Node], entries: list[FaqEntry], problems: list[StoreProblem]
) -> None:
    # Ids of invalid entries still count as known, so one broken entry does not also produce a
    # wave of "unknown related id" problems in the entries that link to it.
    known_ids = {
        entry_id
        for node in nodes
        if isinstance(node, MappingNode)
        for key, value in node.value
        if _text(key) == "id" and (entry_id := _text(value))
    }
    first_line_of_id: dict[str, int] = {}
    for node in nodes:
        if not isinstance(node, MappingNode):
            continue
        for key, value in node.value:
            entry_id = _text(value) if _text(key) == "id" else None
            if not entry_id:
                continue
            if entry_id in first_line_of_id:
                message = f"duplicate id '{entry_id}' (first at line {first_line_of_id[entry_id]})"
                problems.append(StoreProblem(_line(node), entry_id, message))
            else:
                first_line_of_id[entry_id] = _line(node)
            break

    first_by_topic_lang: dict[tuple[str, str], FaqEntry] = {}
    for entry in entries:
        for target in entry.related:
            if target == entry.id:
                problems.append(
                    StoreProblem(entry.line, entry.id, "related lists the entry itself")
                )
            elif target not in known_ids:
                message = f"related names unknown id '{target}'"
                problems.append(StoreProblem(entry.line, entry.id, message))
        if entry.topic is None:
            continue
        first = first_by_topic_lang.setdefault((entry.topic, entry.lang), entry)
        if first is not entry:
            message = (
                f"topic '{entry.topic}' already has a '{entry.lang}' entry "
                f"'{first.id}' (line {first.line})"
            )
            problems.append(StoreProblem(entry.line, entry.id, message))
