"""Fiscal years (April to March), Japanese era labels and Japanese date parsing."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

FISCAL_YEAR_START_MONTH = 4
# Months of a fiscal year in report order: 4月 … 12月, 1月, 2月, 3月.
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date

    @property
    def offset(self) -> int:
        """Gregorian year of the era's first year, minus one."""
        return self.start.year - 1


# Newest first. An era's year 1 is the Gregorian year of its start date.
ERAS = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("明治", "M", dt.date(1868, 1, 25)),
)
ERA_BY_KEY = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}


class DateParseError(ValueError):
    """Raised with a Japanese message for a date that cannot be read."""


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year a date belongs to: 2025-03-31 is FY 2024, 2025-04-01 is FY 2025."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_range(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of a fiscal year."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def fiscal_month_year(fiscal_year: int, month: int) -> int:
    """The calendar year of a month within a fiscal year."""
    return fiscal_year if month >= FISCAL_YEAR_START_MONTH else fiscal_year + 1


def _era_of_fiscal_year(fiscal_year: int) -> Era:
    # A fiscal year takes the era of its starting calendar year, counting an era from the
    # calendar year it began in: FY 2019 is 令和元年度 although 令和 began on 1 May, FY 1988 is
    # 昭和63年度. This is how Japanese administrations label them.
    for era in ERAS:
        if era.start.year <= fiscal_year:
            return era
    raise ValueError(f"no era for fiscal year {fiscal_year}")


def _era_year_text(year: int) -> str:
    return "元" if year == 1 else str(year)


def _months_covered(fiscal_year: int, as_of: dt.date | None) -> str:
    """（4～12月） when a cut-off date falls inside the year, else nothing."""
    start, end = fiscal_year_range(fiscal_year)
    return f"（4～{as_of.month}月）" if as_of is not None and start <= as_of < end else ""


def fiscal_year_label(fiscal_year: int, as_of: dt.date | None = None) -> str:
    """令和6年度, 令和元年度, 平成30年度; with a cut-off inside the year: 令和6年度（4～12月）."""
    era = _era_of_fiscal_year(fiscal_year)
    return f"{era.name}{_era_year_text(fiscal_year - era.offset)}年度{_months_covered(fiscal_year, as_of)}"


def fiscal_year_short_label(fiscal_year: int, as_of: dt.date | None = None) -> str:
    """R6年度, R1年度, H30年度; with a cut-off: R6年度（4～12月）."""
    era = _era_of_fiscal_year(fiscal_year)
    return f"{era.letter}{fiscal_year - era.offset}年度{_months_covered(fiscal_year, as_of)}"


def recent_fiscal_years(today: dt.date, count: int = 11) -> list[tuple[int, str]]:
    """The current fiscal year and the ones before it, newest first, with their labels."""
    current = fiscal_year_of(today)
    return [(fy, fiscal_year_label(fy)) for fy in range(current, current - count, -1)]


def japanese_date(day: dt.date) -> str:
    """2024年4月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def era_date(day: dt.date) -> str:
    """令和6年4月1日."""
    for era in ERAS:
        if day >= era.start:
            return f"{era.name}{_era_year_text(day.year - era.offset)}年{day.month}月{day.day}日"
    return japanese_date(day)


_ISO_OR_SLASH = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_KANJI_YMD = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_ERA_FULL = re.compile(r"^(令和|平成|昭和|大正|明治)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日?$")
_ERA_SHORT = re.compile(r"^([RHSTM])(元|\d{1,2})[./\-](\d{1,2})[./\-](\d{1,2})$", re.IGNORECASE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# A weekday written after the date, as Japanese calendars and Excel formats show it: (月), （月曜日）.
_WEEKDAY = re.compile(r"^(.*?)[(（]([月火水木金土日])(?:曜日?)?[)）]$")
WEEKDAYS = "月火水木金土日"


def normalize_text(value: str) -> str:
    """Full-width digits and letters to half-width, stray spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def parse_japanese_date(value: str | dt.date | dt.datetime) -> dt.date:
    """Read 2024-04-01, 2024/4/1, 2024年4月1日, 令和6年4月1日, 令和元年5月1日, R6.4.1.

    Raises DateParseError with a Japanese reason.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = normalize_text(str(value))
    if not text:
        raise DateParseError("日付が空です")
    if weekday := _WEEKDAY.match(text):
        day = parse_japanese_date(weekday[1])
        if WEEKDAYS[day.weekday()] != weekday[2]:
            raise DateParseError(
                f"曜日が日付と合いません（{day.year}/{day.month}/{day.day} は{WEEKDAYS[day.weekday()]}曜日です）"
            )
        return day
    if m := _ISO_OR_SLASH.match(text) or _KANJI_YMD.match(text) or _COMPACT.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    m = _ERA_FULL.match(text) or _ERA_SHORT.match(text)
    if m:
        era = ERA_BY_KEY[m[1].upper() if len(m[1]) == 1 else m[1]]
        era_year = 1 if m[2] == "元" else int(m[2])
        if era_year < 1:
            raise DateParseError("和暦の年が正しくありません")
        day = _make_date(era.offset + era_year, int(m[3]), int(m[4]))
        _check_within_era(era, day)
        return day
    raise DateParseError("日付として読めません（例: 2024-04-01, 2024/4/1, 令和6年4月1日, R6.4.1）")


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateParseError("存在しない日付です") from exc


def _check_within_era(era: Era, day: dt.date) -> None:
    index = ERAS.index(era)
    next_era = ERAS[index - 1] if index > 0 else None
    if day < era.start or (next_era is not None and day >= next_era.start):
        raise DateParseError(f"{era.name}の期間外の日付です")


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in completed years; someone born on 29 February turns a year older on 1 March."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day where it has no such day (Jan 31 → Feb 29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Completed calendar months from start to end, counted as the Civil Code counts periods.

    Jan 15 → Apr 14 is 2, → Apr 15 is 3; a period from Jan 31 is complete at the end of a
    shorter month (Jan 31 → Feb 29 is 1, Nov 30 → Feb 28 is 3).
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    # The same as `add_months(start, months) > end`, without building a date (the report counts
    # tens of thousands of spans): the month is not complete when the start's day is later than
    # the end's, unless the end is the last day of its month.
    if start.day > end.day and (end + dt.timedelta(days=1)).month == end.month:
        months -= 1
    return months
