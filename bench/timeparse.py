"""Score the <when> parser on a YAML case table and print accuracy per category.

Usage: python -m bench.timeparse [--cases FILE] [--failures]
Default cases: bench/data/when_cases.yaml. Each case is
{id, cat, text, now, tz, expect: {start, rrule, title}} plus ``error: <code>`` for invalid input.
start counts as right when the instant matches and the error code matches (both None for valid
input); title is scored only where the expected title is not null.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from scheduler.timeparse import ParsedWhen, parse

DEFAULT_CASES = Path(__file__).parent / "data" / "when_cases.yaml"


def _expected_start(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def score_case(case: dict[str, Any], result: ParsedWhen) -> dict[str, bool | None]:
    expect = case.get("expect") or {}
    start_ok = result.start == _expected_start(expect.get("start")) and result.error == case.get(
        "error"
    )
    rrule_ok = result.rrule == expect.get("rrule")
    title = expect.get("title")
    title_ok = None if title is None else result.title == title
    return {
        "start": start_ok,
        "rrule": rrule_ok,
        "title": title_ok,
        "all": start_ok and rrule_ok and title_ok is not False,
    }


def _percent(hits: int, total: int) -> str:
    return f"{100 * hits / total:6.1f}%" if total else "     -"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--failures", action="store_true", help="print every failing case")
    args = parser.parse_args(argv)
    cases: list[dict[str, Any]] = yaml.safe_load(args.cases.read_text(encoding="utf-8"))

    totals: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    elapsed = 0.0
    for case in cases:
        now = _expected_start(case["now"])
        assert now is not None
        began = time.perf_counter()
        result = parse(case["text"], now, case["tz"])
        elapsed += time.perf_counter() - began
        verdict = score_case(case, result)
        for category in (case["cat"], "OVERALL"):
            for field, ok in verdict.items():
                if ok is not None:
                    totals[category][field].append(ok)
        if args.failures and not verdict["all"]:
            expect = case["expect"]
            print(
                f"FAIL {case['id']}: {case['text']!r} now={case['now']}\n"
                f"     expected start={expect.get('start')} rrule={expect.get('rrule')}"
                f" title={expect.get('title')!r} error={case.get('error')}\n"
                f"     got      start={result.start.isoformat() if result.start else None}"
                f" rrule={result.rrule} title={result.title!r} error={result.error}"
            )

    print(f"cases: {args.cases} ({len(cases)})")
    print(f"{'category':<14}{'n':>5}{'start':>9}{'rrule':>9}{'title':>9}{'ALL':>9}")
    order = [*sorted(category for category in totals if category != "OVERALL"), "OVERALL"]
    for category in order:
        fields = totals[category]
        n = len(fields["start"])
        row = [_percent(sum(fields[name]), len(fields[name])) for name in ("start", "rrule")]
        row.append(_percent(sum(fields["title"]), len(fields["title"])))
        row.append(_percent(sum(fields["all"]), n))
        print(f"{category:<14}{n:>5}" + "".join(f"{cell:>9}" for cell in row))
    print(f"parse time: {1000 * elapsed / max(len(cases), 1):.3f} ms per case")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
