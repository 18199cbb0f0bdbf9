"""The window of a report: a run of whole days ending with the as-of day, from `--since 7d` or a date.

Kept apart from the report itself so the command line can show its defaults without loading the
progress engine.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from zibo_cli.core.dates import RANGE_HINT, add_months, in_range
from zibo_cli.i18n import tr

DEFAULT_SINCE = "7d"
DEFAULT_HORIZON_DAYS = 90
MAX_HORIZON_DAYS = 36_500
SINCE_HELP = "a duration like 7d, 2w, 1m or 1y, or a first day like 2026-01-05"

_DURATION = re.compile(r"^(\d{1,5})([dwmy])$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SinceError(ValueError):
    """A --since value that names no window."""


@dataclass(frozen=True, slots=True)
class Window:
    """The days [first, last] inclusive; `start` is the day at whose end the window opens."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.date:
        return self.first - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def parse_since(text: str, as_of: dt.date) -> Window:
    """`7d` → the 7 days ending with as_of; `1m` → since the same day a month before; a date → from that day."""
    cleaned = text.strip().lower()
    match = _DURATION.match(cleaned)
    if match:
        count, unit = int(match.group(1)), match.group(2)
        if count < 1:
            raise SinceError(tr("'{text}' is an empty window; use at least 1{unit}.", text=text, unit=unit))
        try:
            if unit == "d":
                start = as_of - dt.timedelta(days=count)
            elif unit == "w":
                start = as_of - dt.timedelta(weeks=count)
            else:
                start = add_months(as_of, -count * (12 if unit == "y" else 1))
        except (OverflowError, ValueError):
            start = dt.date.min
        if not in_range(start + dt.timedelta(days=1)):
            raise SinceError(tr("'{text}' reaches back too far. {hint}", text=text, hint=tr(RANGE_HINT)))
        return Window(first=start + dt.timedelta(days=1), last=as_of)
    if _ISO_DAY.match(cleaned):
        try:
            first = dt.date.fromisoformat(cleaned)
        except ValueError:
            raise SinceError(tr("'{text}' is not a real date.", text=text)) from None
        if not in_range(first):
            raise SinceError(tr("'{text}' is out of range. {hint}", text=text, hint=tr(RANGE_HINT)))
        if first > as_of:
            raise SinceError(
                tr(
                    "'{text}' is after the as-of day {date}, so the window would be empty.",
                    text=text,
                    date=as_of.isoformat(),
                )
            )
        return Window(first=first, last=as_of)
    raise SinceError(tr("'{text}' is neither a duration nor a date; use 7d, 2w, 1m, 1y or 2026-01-05.", text=text))
