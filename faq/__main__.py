"""Command line for the FAQ store and matcher: ask, match (JSON lines), check, export, index."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from faq.cache import default_cache_dir
from faq.match import CACHE_FILE, FaqIndex, MatchResult, build_index, match
from faq.store import FaqEntry, StoreError, load_store

logger = logging.getLogger(__name__)

DEFAULT_STORE = Path(__file__).resolve().parent / "data" / "store.yaml"
SUGGESTION_FLOOR = 0.2  # the bot offers "did you mean" buttons from this score


class _UsageError(Exception):
    """Bad arguments or an unusable input file: one line for the user, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m faq", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ask = commands.add_parser("ask", help="answer one question for a person")
    ask.add_argument("question")
    ask.add_argument("--store", type=Path)
    ask.add_argument("--lang", choices=("ja", "en"))
    streaming = commands.add_parser("match", help="stdin questions -> JSON lines")
    streaming.add_argument("--store", type=Path)
    check = commands.add_parser("check", help="validate a store file")
    check.add_argument("file", type=Path)
    export = commands.add_parser("export", help="print the store as JSON lines")
    export.add_argument("--store", type=Path)
    index = commands.add_parser("index", help="build a store's index cache ahead of use")
    index.add_argument("--store", type=Path)
    index.add_argument("--cache-dir", type=Path, help="default: RENKEI_CACHE_DIR or .cache/faq")
    return parser


def _store_path(given: Path | None) -> Path:
    if given is not None:
        return given
    configured = os.environ.get("FAQ_STORE")
    return Path(configured) if configured else DEFAULT_STORE


def _load(path: Path) -> list[FaqEntry]:
    if not path.is_file():
        raise _UsageError(f"{path}: no such file")
    try:
        return load_store(path)
    except StoreError as error:
        first = error.problems[0] if error.problems else "invalid store"
        raise _UsageError(f"{path}: {first} (run: python -m faq check {path})") from None


def _index(entries: list[FaqEntry]) -> FaqIndex:
    return build_index(entries, default_cache_dir())


def _ask(question: str, store: Path | None, lang: str | None) -> None:
    result = match(_index(_load(_store_path(store))), question, lang)
    print(_describe(result))


def _describe(result: MatchResult) -> str:
    if result.best is not None:
        lines = [
            f"Q: {result.best.question}",
            f"A: {result.best.answer}",
            f"({result.best.id}, score {result.score:.2f}"
            + (", close call" if result.close_call else "")
            + ")",
        ]
    else:
        lines = [f"I don't know (best score {result.score:.2f})."]
    others = [c for c in result.candidates if c.score >= SUGGESTION_FLOOR]
    if result.best is not None:
        others = others[1:]
    if others:
        lines.append("Did you mean:")
        lines.extend(f"  - {c.entry.question} ({c.entry.id}, {c.score:.2f})" for c in others)
    return "\n".join(lines)


def _match_stream(store: Path | None) -> None:
    index = _index(_load(_store_path(store)))
    for line in sys.stdin:
        question = line.rstrip("\n")
        if not question.strip():
            continue
        result = match(index, question)
        record = {
            "query": question,
            "id": result.best.id if result.best is not None else None,
            "score": round(result.score, 4),
            "candidates": [c.entry.id for c in result.candidates],
        }
        print(json.dumps(record, ensure_ascii=False), flush=True)


def _check(path: Path) -> int:
    if not path.is_file():
        raise _UsageError(f"{path}: no such file")
    try:
        entries = load_store(path)
    except StoreError as error:
        for problem in error.problems:
            where = f"{path}:{problem.line}" if problem.line is not None else str(path)
            who = f" ({problem.entry_id})" if problem.entry_id else ""
            print(f"{where}:{who} {problem.message}")
        return 1
    japanese = sum(entry.lang == "ja" for entry in entries)
    print(f"OK: {len(entries)} entries (ja {japanese}, en {len(entries) - japanese})")
    return 0


def _export(store: Path | None) -> None:
    for entry in _load(_store_path(store)):
        record = asdict(entry)
        record.pop("line")
        print(json.dumps(record, ensure_ascii=False))


def _build_cache(store: Path | None, cache_dir: Path | None) -> None:
    directory = cache_dir or default_cache_dir()
    entries = _load(_store_path(store))
    build_index(entries, directory)
    print(f"indexed {len(entries)} entries into {directory / CACHE_FILE}")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        arguments = _parser().parse_args(argv)
        if arguments.command == "ask":
            _ask(arguments.question, arguments.store, arguments.lang)
        elif arguments.command == "match":
            _match_stream(arguments.store)
        elif arguments.command == "check":
            return _check(arguments.file)
        elif arguments.command == "index":
            _build_cache(arguments.store, arguments.cache_dir)
        else:
            _export(arguments.store)
    except _UsageError as error:
        print(f"python -m faq: {error}", file=sys.stderr)
        return 2
    except (BrokenPipeError, KeyboardInterrupt):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
