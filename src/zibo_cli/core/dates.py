"""Dates as figures use them: a day, or the last day of a month, quarter, half or year."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from zibo_cli.core.model import Precision

DAYS_PER_YEAR = 365.25

_ISO_FORMS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "day"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-?[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
]

ISO_FORMS_HELP = "2025-12-31, 2025-12, 2025-Q4, 2025-H2 or 2025"


class DateError(ValueError):
    """A date the user typed that names no real day."""


def years_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_YEAR


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """Shift by whole months, keeping month ends at month ends (Feb 28 + 12 months → Feb 29 in leap years)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
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


def parse_iso_date(text: str) -> tuple[dt.date, Precision]:
    """Parse the ISO-like forms `zibo add --date` accepts; a month, quarter, half or year means its last day."""
    cleaned = text.strip()
    for pattern, precision in _ISO_FORMS:
        match = pattern.match(cleaned)
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
                raise DateError(f"month {part} does not exist")
            return period_end(year, precision, part), precision  # type: ignore[arg-type]
        except ValueError as error:
            if isinstance(error, DateError):
                raise
            raise DateError(f"{cleaned!r} is not a real date ({error})") from None
    raise DateError(f"{cleaned!r} is not a date zibo understands; use {ISO_FORMS_HELP}")


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
