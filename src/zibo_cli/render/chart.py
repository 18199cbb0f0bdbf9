"""A small terminal chart: the figures against the straight required path (Beeminder's line).

Drawn by hand on a character grid: deterministic, plain-text safe, and free to import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from zibo_cli.core.progress import Point
from zibo_cli.render.text import cell_width, format_estimate

POINT_MARK = "●"
PATH_MARK = "·"
TARGET_MARK = "◎"
DEADLINE_MARK = "┊"


def draw_chart(
    points: Sequence[Point],
    baseline: Point | None,
    target: Point | None,
    width: int = 60,
    height: int = 10,
    value_label: Callable[[float], str] = format_estimate,
    date_label: Callable[[dt.date], str] = dt.date.isoformat,
) -> list[str]:
    """Rows of text; the y axis labelled at top and bottom, the x axis with first and last dates."""
    everything = list(points) + ([baseline] if baseline else []) + ([target] if target else [])
    if not everything:
        return []
    low_value = min(p.value for p in everything)
    high_value = max(p.value for p in everything)
    labels = {"high": value_label(high_value), "low": value_label(low_value)}
    label_width = min(14, max(cell_width(text) for text in labels.values()))
    plot_width = max(10, width - label_width - 2)
    first = min(p.date for p in everything)
    last = max(p.date for p in everything)
    low = min(p.value for p in everything)
    high = max(p.value for p in everything)
    if high == low:
        high, low = high + 1, low - 1
    span_days = max(1, (last - first).days)
    grid = [[" "] * plot_width for _ in range(height)]

    def column(day: dt.date) -> int:
        return round((day - first).days / span_days * (plot_width - 1))

    def row(value: float) -> int:
        return height - 1 - round((value - low) / (high - low) * (height - 1))

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
        label = labels["high"] if y == 0 else labels["low"] if y == height - 1 else ""
        padding = " " * max(0, label_width - cell_width(label))
        lines.append(f"{padding}{label} ┤" + "".join(cells).rstrip())
    lines.append(" " * label_width + " └" + "─" * plot_width)
    left, right = date_label(first), date_label(last)
    gap = max(1, plot_width - cell_width(left) - cell_width(right))
    lines.append(" " * (label_width + 2) + left + " " * gap + right)
    return lines
