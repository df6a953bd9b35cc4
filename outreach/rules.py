"""Session rules such as 「第2・第4火曜日 14:00–16:00」 and the dates they give in a fiscal year."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import jpholiday

from hikikomori.fiscal import fiscal_year_range

WEEKDAYS = "月火水木金土日"
_RULE = re.compile(
    r"^(?:毎月)?(?P<weeks>毎週|第[1-5](?:[・,、]第?[1-5])*)(?P<weekday>[月火水木金土日])曜日?"
    r"(?:(?P<start>\d{1,2}:\d{2})(?:[-~–―ー〜～](?P<end>\d{1,2}:\d{2}))?)?$"
)


class RuleError(ValueError):
    """Raised with a Japanese message for a rule that cannot be read."""


@dataclass(frozen=True)
class Rule:
    weeks: tuple[int, ...]  # empty = every week
    weekday: int  # Monday = 0
    start: dt.time | None = None
    end: dt.time | None = None

    def matches(self, day: dt.date) -> bool:
        if day.weekday() != self.weekday:
            return False
        return not self.weeks or (day.day - 1) // 7 + 1 in self.weeks


def parse_rule(text: str) -> Rule:
    cleaned = unicodedata.normalize("NFKC", text or "")
    cleaned = re.sub(r"\s+", "", cleaned).replace("から", "-")
    match = _RULE.match(cleaned)
    if not match:
        raise RuleError(
            "開催ルールを読めません（例: 第2・第4火曜日 14:00-16:00、第3木曜日、毎週水曜日 10:00-12:00）"
        )
    weeks = (
        ()
        if match["weeks"] == "毎週"
        else tuple(sorted({int(n) for n in re.findall(r"[1-5]", match["weeks"])}))
    )
    start = _time(match["start"]) if match["start"] else None
    end = _time(match["end"]) if match["end"] else None
    if start and end and end <= start:
        raise RuleError("終了時刻は開始時刻より後にしてください")
    return Rule(weeks=weeks, weekday=WEEKDAYS.index(match["weekday"]), start=start, end=end)


def _time(text: str) -> dt.time:
    hours, minutes = (int(part) for part in text.split(":"))
    try:
        return dt.time(hours, minutes)
    except ValueError as exc:
        raise RuleError("時刻が正しくありません") from exc


@dataclass
class PlannedDate:
    date: dt.date
    skipped_because: str = ""  # holiday name or closure; empty = will be created
    exists: bool = False


def plan_dates(
    rule: Rule, fiscal_year: int, closures=(), existing: set[dt.date] = frozenset()
) -> list[PlannedDate]:
    """Every date of the rule in the fiscal year, with the reason a date is skipped."""
    start, end = fiscal_year_range(fiscal_year)
    planned = []
    day = start
    while day <= end:
        if rule.matches(day):
            reason = jpholiday.is_holiday_name(day) or next((c.name for c in closures if c.covers(day)), "")
            planned.append(PlannedDate(date=day, skipped_because=reason or "", exists=day in existing))
        day += dt.timedelta(days=1)
    return planned
