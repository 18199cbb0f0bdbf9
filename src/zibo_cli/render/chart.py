"""The terminal chart of `zibo show`: the figures against the straight required path (Beeminder's line).

Drawn by hand on a character grid: deterministic, plain-text safe, CJK-aware and free to import.
(plotext draws well but costs about 0.2 s to import, more than the whole of `zibo show`.)
The x axis is marked at period ends (a year's figure is dated its last day) and each mark is
labelled with the period that ends there, so a yearly figure sits right above its year; the y axis
is marked at round values. HTML charts use the same ticks (`period_ticks`, `nice_ticks`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from zibo_cli.core.progress import Point
from zibo_cli.render.text import cell_width, format_estimate

POINT_MARK = "●"
PATH_MARK = "·"
TARGET_MARK = "◎"
DEADLINE_MARK = "┊"


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values (1, 2 or 5 × 10^k apart) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9 and len(ticks) < 20:
        ticks.append(round(value, 12))
        value += step
    return ticks


class Tick(NamedTuple):
    """A mark on the time axis: the last day of a period, and the period's own label ('2024', 'Q3')."""

    day: dt.date
    label: str  # short within a year ('Q3', '三季度'); the year's first period and the axis's first say the year
    period: str  # a stable key: '2024', '2024-Q3', '2024-07'
    full: str  # with the year: 'Q3 2024', '2024年三季度'


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _tick(day: dt.date, precision: str) -> Tick:
    from zibo_cli.i18n import is_chinese
    from zibo_cli.render.text import MONTHS_EN, QUARTERS_ZH, display_date

    if precision == "year":  # a plain number reads the same in every language, and is short
        return Tick(day, str(day.year), str(day.year), str(day.year))
    if precision == "quarter":
        quarter = (day.month - 1) // 3 + 1
        short = f"{QUARTERS_ZH[quarter - 1]}季度" if is_chinese() else f"Q{quarter}"
        full = display_date(day, "quarter")
        return Tick(day, full if quarter == 1 else short, f"{day.year}-Q{quarter}", full)
    short = f"{day.month}月" if is_chinese() else MONTHS_EN[day.month - 1]
    full = display_date(day, "month")
    return Tick(day, full if day.month == 1 else short, f"{day.year}-{day.month:02d}", full)


def tick_precision(first: dt.date, last: dt.date) -> str:
    """Years for two years or more; quarters down to a year; months below that (a year of months fits)."""
    months = (last.year - first.year) * 12 + last.month - first.month
    return "year" if months >= 24 else "quarter" if months >= 12 else "month"


def all_ticks(first: dt.date, last: dt.date) -> list[Tick]:
    """Every period end from the one `first` falls in to the one `last` falls in."""
    precision = tick_precision(first, last)
    step = {"year": 12, "quarter": 3, "month": 1}[precision]
    month = (first.month - 1) // step * step + step  # the period end `first` falls in
    year = first.year
    ticks = []
    while True:
        day = _month_end(year, month)
        ticks.append(_tick(day, precision))
        if day >= last or len(ticks) > 400:
            return ticks
        month += step
        if month > 12:
            year, month = year + 1, month - 12


def period_of(day: dt.date, ticks: Sequence[Tick]) -> str:
    """The key of the period `day` falls in: the first tick on or after it."""
    return next((tick.period for tick in ticks if tick.day >= day), ticks[-1].period if ticks else "")


def period_ticks(periods: Sequence[Tick], first: dt.date, last: dt.date, most: int = 12) -> list[Tick]:
    """Of `all_ticks(first, last)` (passed in: the HTML chart dates its dots by them as well), the
    period ends between `first` and `last` that are labelled: every one, or over long spans every
    n-th, the last always (it is the deadline's), so at most `most`."""
    ticks = [tick for tick in periods if first <= tick.day <= last]
    step = max(1, math.ceil(len(ticks) / most))
    kept = ticks[len(ticks) - 1 :: -step][::-1]
    return [kept[0]._replace(label=kept[0].full), *kept[1:]] if kept else kept


def draw_chart(
    points: Sequence[Point],
    baseline: Point | None,
    target: Point | None,
    width: int = 60,
    height: int = 10,
    value_label: Callable[[float], str] = format_estimate,
) -> list[str]:
    """Rows of text: the y axis labelled at round values, the x axis at period ends."""
    everything = list(points) + ([baseline] if baseline else []) + ([target] if target else [])
    if not everything:
        return []
    low = min(p.value for p in everything)
    high = max(p.value for p in everything)
    if high == low:
        high, low = high + (abs(high) * 0.1 or 1), low - (abs(low) * 0.1 or 1)
    first = min(p.date for p in everything)
    last = max(p.date for p in everything)
    if first == last:
        first, last = first - dt.timedelta(days=365), last
    values = [tick for tick in nice_ticks(low, high) if low <= tick <= high]

    def row(value: float) -> int:
        return height - 1 - round((value - low) / (high - low) * (height - 1))

    labels: dict[int, str] = {}
    for tick in values:
        labels.setdefault(row(tick), value_label(tick))
    label_width = min(16, max(cell_width(text) for text in labels.values())) if labels else 0
    plot_width = max(10, width - label_width - 3)
    span_days = max(1, (last - first).days)

    def column(day: dt.date) -> int:
        return round((day - first).days / span_days * (plot_width - 1))

    grid = [[" "] * plot_width for _ in range(height)]
    if baseline and target:
        start, end = column(baseline.date), column(target.date)
        for x in range(start, end + 1):
            share = (x - start) / max(1, end - start)
            grid[row(baseline.value + share * (target.value - baseline.value))][x] = PATH_MARK
    if target:
        x = column(target.date)
        for y in range(height):
            if grid[y][x] == " ":
                grid[y][x] = DEADLINE_MARK
        grid[row(target.value)][x] = TARGET_MARK
    for point in points:
        grid[row(point.value)][column(point.date)] = POINT_MARK
    lines = []
    for y, cells in enumerate(grid):
        label = labels.get(y, "")
        padding = " " * max(0, label_width - cell_width(label))
        lines.append(f"{padding}{label} {'┼' if label else '│'}" + "".join(cells).rstrip())
    axis = ["─"] * plot_width
    under = [" "] * plot_width
    limit = plot_width  # labels are placed from the right, so the last period's (the deadline's) always is
    for tick in reversed(period_ticks(all_ticks(first, last), first, last)):
        x = column(tick.day)
        axis[x] = "┬"
        size = cell_width(tick.label)
        start = max(0, min(x - size // 2, limit - size))
        if start + size > limit or start > x or start + size <= x:  # it would not fit, or not sit under its own mark
            continue
        cells: list[str] = []
        for character in tick.label:  # a wide character takes two cells: the second is left empty
            cells += [character] if cell_width(character) == 1 else [character, ""]
        under[start : start + size] = cells
        limit = start - 1
    lines.append(" " * label_width + " └" + "".join(axis))
    lines.append(" " * (label_width + 2) + "".join(under).rstrip())
    return lines
