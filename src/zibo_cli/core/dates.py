"""Dates as figures use them: a day, or the last day of a month, quarter, half or year."""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from zibo_cli.core.model import Precision
from zibo_cli.i18n import tr

DAYS_PER_YEAR = 365.25
# The days zibo computes with. Deadlines, lags, horizons and windows are added to these, and Python's
# dates end at 9999-12-31: a figure dated 9999 would crash the staleness sum. No city's plan needs more.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)
MAX_LAG_DAYS = 3 * 366  # a figure published three years after its period is no longer "late"


def in_range(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


RANGE_HINT = "zibo computes with dates from 1900-01-01 to 2200-12-31."

# Patterns are kept as text and compiled (and cached by `re`) on first use: `zibo status` imports this
# module for its date arithmetic and would otherwise compile all of them for nothing.
_ISO_FORMS = [
    (r"^(\d{4})-(\d{1,2})-(\d{1,2})$", "day"),
    (r"^(\d{4})-(\d{1,2})$", "month"),
    (r"^(\d{4})-?[Qq]([1-4])$", "quarter"),
    (r"^(\d{4})-?[Hh]([12])$", "half"),
    (r"^(\d{4})$", "year"),
]

ISO_FORMS_HELP = "2025-12-31, 2025-12, 2025-Q4, 2025-H2 or 2025"


class DateError(ValueError):
    """A date the user typed that zibo cannot read."""


class ImpossibleDate(DateError):
    """A date in a known form that names no real day (2025-02-30, month 13)."""


def years_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_YEAR


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """The last day of the month, as calendar.monthrange gives it, without importing calendar (~0.5 ms)."""
    if not 1 <= month <= 12:
        raise ValueError(f"bad month number {month}; must be 1-12")
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, days_in_month(year, month))


def add_months(day: dt.date, months: int) -> dt.date:
    """Shift by whole months, keeping month ends at month ends (Feb 28 + 12 months → Feb 29 in leap years)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = days_in_month(year, month + 1)
    if day.day == days_in_month(day.year, day.month):
        return dt.date(year, month + 1, last)
    return dt.date(year, month + 1, min(day.day, last))


def period_end(year: int, precision: Precision, part: int = 1) -> dt.date:
    """The last day of the year, half, quarter or month numbered `part`."""
    if precision == "year":
        return dt.date(year, 12, 31)
    if precision == "half":
        return month_end(year, 6 * part)
    if precision == "quarter":
        return month_end(year, 3 * part)
    if precision == "month":
        return month_end(year, part)
    raise ValueError(precision)


def last_finished_period(today: dt.date, cadence: str) -> tuple[dt.date, Precision]:
    """The last year, quarter or month that has ended by `today`: what an undated figure of a goal with
    that cadence is for (`zibo add` without --date), since a figure is published after its period."""
    if cadence == "yearly":
        return dt.date(today.year - 1, 12, 31), "year"
    months = 3 if cadence == "quarterly" else 1
    first = (today.month - 1) // months * months + 1  # the first month of the period today is in
    end = dt.date(today.year, first, 1) - dt.timedelta(days=1)
    return end, "quarter" if cadence == "quarterly" else "month"


def parse_iso_date(text: str) -> tuple[dt.date, Precision]:
    """Parse the ISO-like forms `zibo add --date` accepts; a month, quarter, half or year means its last day."""
    cleaned = text.strip()
    for pattern, precision in _ISO_FORMS:
        match = re.match(pattern, cleaned)
        if not match:
            continue
        numbers = [int(group) for group in match.groups()]
        try:
            if precision == "day":
                return dt.date(*numbers), "day"
            if precision == "year":
                return period_end(numbers[0], "year"), "year"
            year, part = numbers
            if precision == "month" and not 1 <= part <= 12:
                raise ImpossibleDate(tr("month {part} does not exist", part=part))
            return period_end(year, precision, part), precision  # type: ignore[arg-type]
        except ValueError as error:
            if isinstance(error, DateError):
                raise
            raise ImpossibleDate(tr("{cleaned!r} is not a real date ({error})", cleaned=cleaned, error=error)) from None
    raise DateError(
        tr("{cleaned!r} is not a date zibo understands; use {forms}", cleaned=cleaned, forms=ISO_FORMS_HELP)
    )


def format_date(day: dt.date, precision: Precision = "day") -> str:
    """Show a date as precisely as it is known: 2024, 2024-H1, 2024-Q3, 2024-11 or 2024-11-30."""
    if precision == "year":
        return f"{day.year}"
    if precision == "half":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if precision == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if precision == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


# -- natural forms, as Chinese reports and people write dates -------------------------------------------

CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
NATURAL_FORMS_HELP = (
    "2024, 2024-11, 2024-11-30, 2024Q3, 2024年, 2024年11月, 2024年底, 2024年三季度, 2024年上半年, "
    "1至11月 (with --year), today, yesterday, last month, or a date like 'Nov 30 2024'"
)


class ParsedDate(NamedTuple):
    """The day a figure is for, how precisely it is known, and the span it covers if it is a period."""

    date: dt.date
    precision: Precision
    period: str | None = None


def _cn_number(text: str) -> int:
    """1–12 written as digits or as Chinese numerals (三, 十一, 十二)."""
    if text.isdigit():
        return int(text)
    if len(text) == 1 and text in CN_DIGITS:
        return CN_DIGITS[text]
    if len(text) == 2 and text[0] == "十" and text[1] in CN_DIGITS:
        return 10 + CN_DIGITS[text[1]]
    if len(text) == 2 and text[1] == "十" and text[0] in CN_DIGITS:
        return CN_DIGITS[text[0]] * 10
    raise DateError(tr("'{text}' is not a number zibo can read here", text=text))


_NUM = r"(\d{1,2}|[一二两三四五六七八九十]{1,2})"
_YEAR = r"(?:截至|截止|到)?(\d{4})\s*年?"
_NATURAL: list[tuple[str, str]] = [
    (rf"^{_YEAR}(?:年底|年末|底|末)$", "year_end"),
    (rf"^{_YEAR}(?:第)?{_NUM}季度$", "quarter"),
    (r"^(\d{4})\s*年?\s*[Qq]([1-4])$", "quarter"),
    (rf"^{_YEAR}(上|下)半年$", "half"),
    (rf"^{_YEAR}{_NUM}\s*(?:至|到|-|–|—|~)\s*{_NUM}\s*月(?:份)?$", "months"),
    (rf"^{_YEAR}{_NUM}\s*月(?:份)?(?:底|末)?$", "month"),
    (rf"^{_YEAR}{_NUM}\s*月\s*(\d{{1,2}})\s*[日号]$", "day"),
    (r"^(\d{4})\s*年$", "year"),
]
_RANGE_ONLY = rf"^{_NUM}\s*(?:至|到|-|–|—|~)\s*{_NUM}\s*月(?:份)?$"
_AMBIGUOUS = r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$"


def _months_period(year: int, first: int, last: int) -> ParsedDate:
    if not 1 <= first <= last <= 12:
        raise ImpossibleDate(tr("months {first} to {last} are not a span of one year's months", first=first, last=last))
    end = month_end(year, last)
    if first == last:
        return ParsedDate(end, "month")
    return ParsedDate(end, "month", f"{year}-{first:02d}/{year}-{last:02d}")


def _relative(text: str, today: dt.date) -> ParsedDate | None:
    lowered = text.lower()
    if lowered in ("today", "今天"):
        return ParsedDate(today, "day")
    if lowered in ("yesterday", "昨天"):
        return ParsedDate(today - dt.timedelta(days=1), "day")
    if lowered in ("last month", "上月", "上个月"):
        first = today.replace(day=1)
        previous = first - dt.timedelta(days=1)
        return ParsedDate(previous, "month")
    if lowered in ("last year", "去年"):
        return ParsedDate(dt.date(today.year - 1, 12, 31), "year")
    return None


def parse_date(text: str, today: dt.date, year: int | None = None) -> ParsedDate:
    """Every date form a figure is printed with, resolved to its last day plus precision (and period)."""
    import unicodedata  # only figures typed by a person are parsed

    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise DateError(tr("the date is empty"))
    relative = _relative(cleaned, today)
    if relative:
        return relative
    try:
        day, precision = parse_iso_date(cleaned)
        return ParsedDate(day, precision)
    except ImpossibleDate:
        raise
    except DateError:
        pass
    compact = cleaned.replace(" ", "")
    range_only = re.match(_RANGE_ONLY, compact)
    if range_only:
        return _months_period(year or today.year, _cn_number(range_only.group(1)), _cn_number(range_only.group(2)))
    for pattern, kind in _NATURAL:
        match = re.match(pattern, compact)
        if match:
            return _natural(kind, match.groups(), cleaned)
    english = _english_forms(cleaned)
    return english if english else _free_form(cleaned)


def _natural(kind: str, groups: tuple[str, ...], original: str) -> ParsedDate:
    year = int(groups[0])
    try:
        if kind in ("year", "year_end"):
            return ParsedDate(dt.date(year, 12, 31), "year")
        if kind == "quarter":
            quarter = _cn_number(groups[1])
            if not 1 <= quarter <= 4:
                raise ImpossibleDate(tr("quarter {quarter} does not exist", quarter=quarter))
            return ParsedDate(period_end(year, "quarter", quarter), "quarter")
        if kind == "half":
            return ParsedDate(period_end(year, "half", 1 if groups[1] == "上" else 2), "half")
        if kind == "months":
            return _months_period(year, _cn_number(groups[1]), _cn_number(groups[2]))
        month = _cn_number(groups[1])
        if not 1 <= month <= 12:
            raise ImpossibleDate(tr("month {month} does not exist", month=month))
        if kind == "month":
            return ParsedDate(month_end(year, month), "month")
        return ParsedDate(dt.date(year, month, int(groups[2])), "day")
    except ValueError as error:
        if isinstance(error, DateError):
            raise DateError(f"'{original}': {error}") from None
        raise ImpossibleDate(tr("'{original}' is not a real date ({error})", original=original, error=error)) from None


_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_EN_PART = r"^([QqHh])([1-4])\s+(\d{4})$"
_EN_MONTHS = r"^([A-Za-z]{3})[a-z]*\s*[-–—]\s*([A-Za-z]{3})[a-z]*\s+(\d{4})$"


def _english_forms(text: str) -> ParsedDate | None:
    """The forms zibo itself shows in English: Q3 2024, H1 2024, Jan–Nov 2024."""
    part = re.match(_EN_PART, text)
    if part:
        kind, number, year = part.group(1).upper(), int(part.group(2)), int(part.group(3))
        if kind == "H" and number > 2:
            raise ImpossibleDate(tr("'{text}': a year has two halves", text=text))
        precision: Precision = "quarter" if kind == "Q" else "half"
        return ParsedDate(period_end(year, precision, number), precision)
    months = re.match(_EN_MONTHS, text)
    if months and months.group(1).lower() in _MONTH_NAMES and months.group(2).lower() in _MONTH_NAMES:
        first = _MONTH_NAMES.index(months.group(1).lower()) + 1
        last = _MONTH_NAMES.index(months.group(2).lower()) + 1
        return _months_period(int(months.group(3)), first, last)
    return None


def _free_form(text: str) -> ParsedDate:
    """Whatever python-dateutil reads with certainty; day/month orders it would have to guess are refused."""
    ambiguous = re.match(_AMBIGUOUS, text)
    if ambiguous and ambiguous.group(1) != ambiguous.group(2) and max(map(int, ambiguous.groups()[:2])) <= 12:
        raise DateError(tr("'{text}' is ambiguous (day/month or month/day?); use 2024-11-30", text=text))
    if not any(character.isdigit() for character in text):
        raise DateError(tr("'{text}' is not a date zibo understands", text=text))
    from dateutil import parser

    sentinel_a = dt.datetime(1904, 1, 1)
    sentinel_b = dt.datetime(1905, 2, 2)
    try:
        first = parser.parse(text, default=sentinel_a)
        second = parser.parse(text, default=sentinel_b)
    except (ValueError, OverflowError, parser.ParserError):
        raise DateError(tr("'{text}' is not a date zibo understands", text=text)) from None
    if first.year != second.year:
        raise DateError(tr("'{text}' has no year; add one, e.g. '{text} 2024'", text=text))
    if first.month != second.month:
        return ParsedDate(period_end(first.year, "year"), "year")
    if first.day != second.day:
        return ParsedDate(month_end(first.year, first.month), "month")
    return ParsedDate(first.date(), "day")
