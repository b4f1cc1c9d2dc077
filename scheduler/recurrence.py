"""Expand reminder recurrences in the chat's local wall-clock time.

A rule such as ``FREQ=WEEKLY;BYDAY=MO`` at 10:00 must stay at 10:00 local time when the chat's
zone changes between summer and winter time, so rules are expanded over naive local datetimes
and each occurrence is attached to the zone afterwards. Local times that do not exist (the hour
skipped in spring) move forward by the gap; ambiguous ones (the repeated hour in autumn) take the
first reading (``fold=0``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr

from texts import t

# A DST shift moves a local time by at most a few hours; a day of slack covers every zone.
_DST_SLACK = timedelta(days=1)
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WORKDAYS = ("MO", "TU", "WE", "TH", "FR")
_NTH_WEEKDAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


def as_zone(tz: str | ZoneInfo) -> ZoneInfo:
    """Return ``tz`` as a ZoneInfo (IANA names are accepted)."""
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """Attach ``zone`` to a wall-clock time: first reading if ambiguous, forward if skipped."""
    # A round trip through UTC turns a nonexistent wall time (fold=0 uses the offset before the
    # transition) into the first real instant after the gap, e.g. 02:30 -> 03:30.
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)


def _wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _rule(start: datetime, rrule: str, zone: ZoneInfo) -> RRule:
    rule = rrulestr(rrule, dtstart=_wall_clock(start, zone))
    if not isinstance(rule, RRule):
        raise ValueError(f"expected a single RRULE, got {rrule!r}")
    return rule


def _occurrences_from(
    start: datetime, rrule: str, zone: ZoneInfo, begin: datetime
) -> Iterator[datetime]:
    """Aware occurrences in order, starting a little before ``begin`` (callers filter)."""
    rule = _rule(start, rrule, zone)
    for naive in rule.xafter(_wall_clock(begin, zone) - _DST_SLACK, inc=True):
        yield localize(naive, zone)


def next_occurrence(
    start: datetime, rrule: str | None, after: datetime, tz: str | ZoneInfo
) -> datetime | None:
    """The first occurrence strictly after ``after``, or None when the series is over."""
    zone = as_zone(tz)
    if rrule is None:
        return start.astimezone(zone) if start > after else None
    for occurrence in _occurrences_from(start, rrule, zone, max(after, start)):
        if occurrence > after:
            return occurrence
    return None


def occurrences_between(
    start: datetime, rrule: str | None, tz: str | ZoneInfo, begin: datetime, end: datetime
) -> list[datetime]:
    """Every occurrence in the half-open window ``[begin, end)``."""
    zone = as_zone(tz)
    if rrule is None:
        return [start.astimezone(zone)] if begin <= start < end else []
    found: list[datetime] = []
    for occurrence in _occurrences_from(start, rrule, zone, max(begin, start)):
        if occurrence >= end:
            break
        if occurrence >= begin:
            found.append(occurrence)
    return found


def occurrences_on_days(
    start: datetime, rrule: str | None, tz: str | ZoneInfo, first: date, last: date
) -> list[datetime]:
    """Every occurrence on the local calendar days ``first`` to ``last``, both included."""
    zone = as_zone(tz)
    begin = localize(datetime.combine(first, time(0)), zone)
    end = localize(datetime.combine(last + timedelta(days=1), time(0)), zone)
    return occurrences_between(start, rrule, zone, begin, end)


def _rule_parts(rrule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in rrule.upper().split(";"):
        key, _, value = item.partition("=")
        parts[key.strip()] = value.strip()
    return parts


def _weekday_name(lang: str, code: str) -> str:
    return t(lang, f"when.weekday_{_WEEKDAY_CODES.index(code)}")


def _ordinal(lang: str, number: int) -> str:
    if number == -1:
        return t(lang, "when.ordinal_last")
    return t(lang, "when.ordinal", n=number, suffix=_english_suffix(number))


def _nths_by_weekday(byday: list[str]) -> dict[str, list[int]]:
    """``1TH,3TH`` -> {"TH": [1, 3]}; empty unless every code names its n-th weekday."""
    nths: dict[str, list[int]] = {}
    for code in byday:
        matched = _NTH_WEEKDAY.match(code)
        if matched is None or not matched.group(1):
            return {}
        nths.setdefault(matched[2], []).append(int(matched[1]))
    return nths


def _english_suffix(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _join(lang: str, items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return t(lang, "when.list_sep").join(items[:-1]) + t(lang, "when.list_last") + items[-1]


def _pattern(parts: dict[str, str], local_start: datetime, lang: str) -> str:
    """The repeating part of the wording, e.g. 毎月第2火曜日 / every 2nd Tuesday."""
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or "1")
    byday = [code for code in parts.get("BYDAY", "").split(",") if code]
    monthday = parts.get("BYMONTHDAY", "")
    if freq == "DAILY":
        if interval == 1:
            return t(lang, "when.every_day")
        return t(lang, "when.every_n_days", n=interval)
    if freq == "WEEKLY":
        codes = byday or [_WEEKDAY_CODES[local_start.weekday()]]
        if tuple(codes) == _WORKDAYS and interval == 1:
            return t(lang, "when.every_workday")
        if len(set(codes)) == len(_WEEKDAY_CODES) and interval == 1:
            return t(lang, "when.every_day")
        if len(codes) == len(_WEEKDAY_CODES) - 1 and interval == 1:
            (left_out,) = set(_WEEKDAY_CODES) - set(codes)
            return t(lang, "when.every_day_except", day=_weekday_name(lang, left_out))
        if len(codes) >= 3:  # 毎週月・火・水・木曜日, every Mon, Tue, Wed and Thu
            short = [t(lang, f"when.weekday_short_{_WEEKDAY_CODES.index(code)}") for code in codes]
            days = t(lang, "when.short_days", days=_join(lang, short))
        else:
            days = _join(lang, [_weekday_name(lang, code) for code in codes])
        if interval == 1:
            return t(lang, "when.every_week", days=days)
        if interval == 2:
            return t(lang, "when.every_other_week", days=days)
        return t(lang, "when.every_n_weeks", n=interval, days=days)
    if freq == "MONTHLY" and parts.get("BYSETPOS"):
        # the n-th business day (BYDAY=MO,...,FR;BYSETPOS=n); other position sets are rare
        positions = parts["BYSETPOS"].split(",")
        if tuple(byday) != _WORKDAYS or len(positions) != 1 or interval != 1:
            return t(lang, "when.repeating")
        return t(lang, "when.every_month_nth_workday", nth=_ordinal(lang, int(positions[0])))
    if freq == "MONTHLY":
        nths = _nths_by_weekday(byday)
        if nths:
            nth_days = [
                t(lang, "when.nth_day", nth=_join(lang, [_ordinal(lang, n) for n in numbers]),
                  day=_weekday_name(lang, code))
                for code, numbers in nths.items()
            ]  # fmt: skip
            if interval > 1:  # 3か月ごとの第1金曜日, every 3 months on the 1st Friday
                return t(lang, "when.every_n_months_nth", n=interval, days=_join(lang, nth_days))
            return t(lang, "when.every_month_nth", days=_join(lang, nth_days))
        numbers = [int(day) for day in monthday.split(",") if day] or [local_start.day]
        if interval > 1:  # 3か月ごとの15日, every 6 months on the 1st
            items = [_month_day(lang, day) for day in numbers]
            return t(lang, "when.every_n_months_days", n=interval, days=_join(lang, items))
        if len(numbers) > 1:
            items = [_month_day(lang, day) for day in numbers]
            return t(lang, "when.every_month_days", days=_join(lang, items))
        if numbers[0] == -1:
            return t(lang, "when.every_month_last_day")
        return t(lang, "when.every_month_day", day=numbers[0], suffix=_english_suffix(numbers[0]))
    if freq == "YEARLY":
        return _yearly(parts, byday, local_start, lang)
    return t(lang, "when.repeating")


def pattern_on(rrule: str, local: datetime, lang: str) -> str:
    """How a series like ``rrule`` is written to repeat on ``local``'s day instead (毎週金曜日,
    毎月第3火曜日, 毎月19日, every 3rd Tuesday), as the parser reads it back: an example of a new
    rule. A rule of several days or by position is shown as it is."""
    parts = _rule_parts(rrule)
    freq, byday = parts.get("FREQ"), parts.get("BYDAY", "")
    code = _WEEKDAY_CODES[local.weekday()]
    keep: dict[str, str] = {key: parts[key] for key in ("FREQ", "INTERVAL") if key in parts}
    if freq == "WEEKLY" and "," not in byday:
        parts = {**keep, "BYDAY": code}
    elif freq == "MONTHLY" and _NTH_WEEKDAY.fullmatch(byday or "-") and "BYSETPOS" not in parts:
        nth = (local.day - 1) // 7 + 1
        parts = {**keep, "BYDAY": f"{-1 if nth == 5 else nth}{code}"}
    elif freq == "MONTHLY" and not byday and "," not in parts.get("BYMONTHDAY", ""):
        parts = {**keep, "BYMONTHDAY": str(local.day)}
    return _pattern(parts, local, lang)


def missing_month_day(start: datetime, rrule: str | None, tz: str | ZoneInfo) -> int | None:
    """The day of the month (29-31) a monthly rule repeats on that some months lack, so those
    months are passed over (RFC 5545); None for any other rule."""
    if rrule is None:
        return None
    parts = _rule_parts(rrule)
    if parts.get("FREQ") != "MONTHLY" or parts.get("BYDAY"):
        return None
    local_day = start.astimezone(as_zone(tz)).day
    days = [int(day) for day in parts.get("BYMONTHDAY", "").split(",") if day] or [local_day]
    return max(days) if max(days) >= 29 else None


def _month_day(lang: str, day: int) -> str:
    if day == -1:
        return t(lang, "when.month_day_last")
    return t(lang, "when.month_day_item", day=day, suffix=_english_suffix(day))


def _yearly(parts: dict[str, str], byday: list[str], local_start: datetime, lang: str) -> str:
    """毎年4月1日, 毎年3月末日, 毎年12月第1水曜日 and their English wording."""
    month_number = parts.get("BYMONTH", "")
    month = t(lang, f"when.month_{int(month_number) if month_number else local_start.month}")
    matched = _NTH_WEEKDAY.match(byday[0]) if len(byday) == 1 else None
    if matched and matched.group(1):
        nth = _ordinal(lang, int(matched.group(1)))
        day = _weekday_name(lang, matched[2])
        return t(lang, "when.every_year_nth", month=month, nth=nth, day=day)
    if parts.get("BYMONTHDAY") == "-1":
        return t(lang, "when.every_year_last_day", month=month)
    return t(lang, "when.every_year", date=day_words(lang, local_start))


def day_words(lang: str, local: datetime) -> str:
    """``12月8日`` / ``8 Dec``, as /edit also reads a day back."""
    month_name = t(lang, f"when.month_{local.month}")
    return t(lang, "when.date", month=local.month, day=local.day, month_name=month_name)


def short_date(lang: str, local: datetime) -> str:
    """``12月8日(火)`` / ``Tue 8 Dec``."""
    weekday = t(lang, f"when.weekday_short_{local.weekday()}")
    return t(lang, "when.short_date", date=day_words(lang, local), weekday=weekday)


def describe(start: datetime, rrule: str | None, lang: str, tz: str | ZoneInfo) -> str:
    """Human wording of a reminder's schedule in ``lang``; ``start`` is shown as the next date."""
    local = start.astimezone(as_zone(tz))
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if rrule is None:
        return t(lang, "when.one_off", date=short_date(lang, local), year=local.year, time=clock)
    parts = _rule_parts(rrule)
    pattern = _pattern(parts, local, lang)
    last = until_day(rrule, tz)
    if last is not None:  # 毎週木曜日（3月25日まで）, every Thursday until 25 Mar
        until = datetime.combine(last, time())
        pattern = t(lang, "when.until", pattern=pattern, date=day_words(lang, until))
    elif parts.get("COUNT", "").isdigit():  # an imported COUNT=10: 毎週火曜日（全10回）
        pattern = t(lang, "when.count", pattern=pattern, n=int(parts["COUNT"]))
    return t(lang, "when.recurring", pattern=pattern, time=clock, next=short_date(lang, local))


def until_day(rrule: str | None, tz: str | ZoneInfo) -> date | None:
    """The local day a series ends on (its ``UNTIL``), or None when it does not end. Stored rules
    keep UNTIL as local wall-clock time; a UTC one (``...Z``) is read in ``tz``."""
    if rrule is None:
        return None
    value = _rule_parts(rrule).get("UNTIL", "")
    if not re.fullmatch(r"\d{8}(?:T\d{6}Z?)?", value):
        return None
    if value.endswith("Z"):
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return moment.astimezone(as_zone(tz)).date()
    return datetime.strptime(value[:8], "%Y%m%d").date()
