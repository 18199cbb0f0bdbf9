"""A small terminal chart: the figures against the straight required path (Beeminder's line).

Drawn by hand on a character grid: deterministic, plain-text safe, and free to import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from zibo_cli.core.progress import Point
from zibo_cli.render.text import format_estimate

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
) -> list[str]:
    """Rows of text; the y axis labelled at top and bottom, the x axis with first and last dates."""
    everything = list(points) + ([baseline] if baseline else []) + ([target] if target else [])
    if not everything:
        return []
    plot_width = max(10, width - 12)
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
    label_width = 10
    lines = []
    for y, cells in enumerate(grid):
        label = format_estimate(high) if y == 0 else format_estimate(low) if y == height - 1 else ""
        lines.append(f"{label[:label_width]:>{label_width}} ┤" + "".join(cells).rstrip())
    lines.append(" " * label_width + " └" + "─" * plot_width)
    left, right = first.isoformat(), last.isoformat()
    gap = max(1, plot_width - len(left) - len(right))
    lines.append(" " * (label_width + 2) + left + " " * gap + right)
    return lines
