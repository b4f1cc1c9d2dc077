"""Command line for the scheduler's pure logic.

``python -m scheduler parse`` reads JSON lines ``{"text": ..., "now": <ISO 8601 with offset>,
"tz": <IANA zone>}`` from stdin and writes one JSON line per input line:
``{"start", "rrule", "title", "error"}``, where ``error`` is a message in the text's language, and
``"days_off"`` when a series leaves days out.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from datetime import datetime
from typing import TextIO

from scheduler.timeparse import error_message, parse

logger = logging.getLogger(__name__)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def _language(text: str) -> str:
    return "ja" if _JAPANESE.search(text) else "en"


def _error_record(message: str) -> dict[str, str | None]:
    return {"start": None, "rrule": None, "title": "", "error": message}


def parse_line(line: str) -> dict[str, str | None]:
    """One output record for one input line; malformed input becomes an error record."""
    try:
        request = json.loads(line)
    except ValueError as problem:
        return _error_record(f"{error_message('bad_input', 'en')} ({problem})")
    text = request.get("text") if isinstance(request, dict) else None
    lang = _language(text) if isinstance(text, str) else "en"
    try:
        if not isinstance(text, str) or not isinstance(request.get("tz"), str):
            raise ValueError("text and tz must be strings")
        now = datetime.fromisoformat(request["now"])
        if now.tzinfo is None:
            raise ValueError("now must carry a UTC offset")
        result = parse(text, now, request["tz"])
    except Exception as problem:  # any bad line is reported on its own line; the filter goes on
        logger.debug("bad input line %r", line, exc_info=True)
        return _error_record(f"{error_message('bad_input', lang)} ({problem})")
    record = {
        "start": result.start.isoformat() if result.start else None,
        "rrule": result.rrule,
        "title": result.title,
        "error": error_message(result.error, lang) if result.error else None,
    }
    if result.days_off:  # 12/23は休み: the days the series leaves out, first..last
        record["days_off"] = " ".join(
            str(first) if first == last else f"{first}..{last}" for first, last in result.days_off
        )
    return record


def run_parse(source: TextIO, sink: TextIO) -> None:
    for line in source:
        if not line.strip():
            continue
        sink.write(json.dumps(parse_line(line), ensure_ascii=False) + "\n")
        sink.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("parse", help="JSON-lines filter: text/now/tz in, start/rrule/title out")
    parser.parse_args(argv)
    run_parse(sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
