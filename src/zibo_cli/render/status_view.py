"""The `zibo status` table: primary columns always, secondary ones as the width allows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zibo_cli.core.model import Status
from zibo_cli.core.progress import Assessment
from zibo_cli.i18n import tr
from zibo_cli.render.text import (
    STATUS_LABELS,
    STATUS_STYLES,
    clean,
    display_name,
    format_deadline,
    format_observation,
    format_percent,
    format_ratio,
    format_value,
    observation_date,
    progress_bar,
    status_label,
    time_left,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Assessment], RenderableType]
    justify: str = "left"
    no_wrap: bool = False
    overflow: str = "fold"


def _goal_cell(assessment: Assessment) -> Text:
    from rich.text import Text

    text = Text(display_name(assessment.goal))
    text.append("\n" + assessment.goal.id, style="dim")
    return text


def _latest_cell(assessment: Assessment) -> Text:
    from rich.text import Text

    latest = assessment.latest
    if latest is None:
        return Text("—", style="dim")
    text = Text(format_observation(latest, assessment.goal.unit))
    text.append("\n" + observation_date(latest), style="dim")
    return text


def _target_cell(assessment: Assessment) -> Text:
    from rich.text import Text

    stage = assessment.stage
    if stage is None:
        return Text("")
    value = format_value(stage.target.value, assessment.goal.unit, stage.target.qualifier)
    text = Text(value)
    text.append("\n" + tr("by {deadline}", deadline=format_deadline(stage.target.by)), style="dim")
    if len(assessment.stages) > 1 and assessment.current_stage is not None:
        text.append(f" ({assessment.current_stage + 1}/{len(assessment.stages)})", style="dim")
    return text


def _progress_cell(assessment: Assessment) -> Text:
    from rich.text import Text

    stage = assessment.stage
    if stage is None or stage.progress is None:
        return Text("")
    style = STATUS_STYLES[assessment.status]
    text = Text(progress_bar(stage.progress), style=style)
    text.append(" " + format_percent(stage.progress))
    return text


def status_text(assessment: Assessment) -> Text:
    from rich.text import Text

    text = Text(status_label(assessment.status), style=STATUS_STYLES[assessment.status])
    stage = assessment.stage
    if stage is not None and stage.awaiting:
        text.append("\n" + tr("awaiting final"), style="dim")
    if assessment.stale:
        text.append("\n" + tr("stale"), style="yellow")
    return text


def _time_left_cell(assessment: Assessment) -> str:
    stage = assessment.stage
    return time_left(assessment.as_of, stage.target.by) if stage else ""


def _ratio_cell(assessment: Assessment) -> str:
    stage = assessment.stage
    if stage is None or stage.ratio is None:
        return ""
    return f"{format_ratio(stage.ratio)}\n{stage.method}"


def _needed_cell(assessment: Assessment) -> str:
    stage = assessment.stage
    if stage is None or stage.needed_per_year is None or assessment.status is Status.ACHIEVED:
        return ""
    return tr("{value}/yr", value=format_value(stage.needed_per_year, assessment.goal.unit, estimate=True))


def _projected_cell(assessment: Assessment) -> str:
    stage = assessment.stage
    if stage is None or stage.projected is None:
        return ""
    return format_value(stage.projected, assessment.goal.unit, estimate=True)


def _category_cell(assessment: Assessment) -> str:
    return clean(assessment.goal.category)


PRIMARY = [
    Column("Goal", _goal_cell),
    Column("Latest", _latest_cell, "right"),
    Column("Target", _target_cell, "right"),
    Column("Progress", _progress_cell, no_wrap=True),
    Column("Status", status_text),
]
SECONDARY = [
    Column("Left", _time_left_cell, "right", no_wrap=True),
    Column("Ratio", _ratio_cell, "right"),
    Column("Needed", _needed_cell, "right"),
    Column("Projected", _projected_cell, "right"),
    Column("Category", _category_cell),
]
# Where each secondary column sits among the primary ones, so a wide table still reads left to right.
_ORDER = ["Goal", "Latest", "Target", "Progress", "Left", "Ratio", "Needed", "Projected", "Status", "Category"]


def _new_table(color: bool) -> Table:
    from rich import box
    from rich.table import Table

    return Table(box=box.SIMPLE_HEAD if color else box.SIMPLE, show_edge=False, pad_edge=False, expand=False)


def _ordered(columns: Sequence[Column]) -> list[Column]:
    return sorted(columns, key=lambda column: _ORDER.index(column.header))


def _add_column(table: Table, column: Column, header: str, width: int | None = None) -> None:
    table.add_column(header, justify=column.justify, no_wrap=column.no_wrap, overflow=column.overflow, width=width)  # type: ignore[arg-type]


class _Measured:
    """Each column's cells, built once, and its natural width (widest cell or header), measured once.

    Choosing columns used to build and measure the whole table once per optional column; with 1,000
    goals that was most of `status`'s own time. A table's natural width is the sum of its columns'
    natural widths plus padding and rules, so `natural_width` asks Rich for the width of a one-row
    table whose cells are exactly as wide as each column's widest: the same number, without the rows.
    """

    def __init__(self, assessments: Sequence[Assessment], console: Console) -> None:
        self.assessments = assessments
        self.console = console
        self.color = console.is_terminal
        self.cells: dict[str, list[RenderableType]] = {}
        self.widths: dict[str, int] = {}

    def width(self, column: Column) -> int:
        if column.header not in self.widths:
            from rich.measure import Measurement

            options = self.console.options.update_width(10_000)
            cells = [column.cell(assessment) for assessment in self.assessments]
            self.cells[column.header] = cells
            self.widths[column.header] = max(
                Measurement.get(self.console, options, renderable).maximum for renderable in (tr(column.header), *cells)
            )
        return self.widths[column.header]

    def natural_width(self, columns: Sequence[Column]) -> int:
        from rich.text import Text

        table = _new_table(self.color)
        ordered = _ordered(columns)
        for column in ordered:
            _add_column(table, column, "")
        table.add_row(*(Text("x" * self.width(column)) for column in ordered))
        return natural_width(table, self.console)

    def table(self, columns: Sequence[Column]) -> Table:
        """The table; columns get their natural width when it fits, so Rich need not measure every cell again."""
        fits = self.natural_width(columns) <= self.console.width
        table = _new_table(self.color)
        ordered = _ordered(columns)
        for column in ordered:
            _add_column(table, column, tr(column.header), self.width(column) if fits else None)
        for row in zip(*(self.cells[column.header] for column in ordered), strict=True):
            table.add_row(*row)
        return table


def status_table(assessments: Sequence[Assessment], console: Console, wide: bool = False) -> Table:
    """The widest table that fits: secondary columns are added in order while they fit the console."""
    measured = _Measured(assessments, console)
    if wide:
        # --wide asks for every column unsqueezed, even past the terminal's edge.
        console.width = max(console.width, measured.natural_width(PRIMARY + SECONDARY))
        return measured.table(PRIMARY + SECONDARY)
    chosen: list[Column] = []
    for column in SECONDARY:
        if measured.natural_width(PRIMARY + chosen + [column]) > console.width:
            break
        chosen.append(column)
    return measured.table(PRIMARY + chosen)


def natural_width(table: Table, console: Console) -> int:
    """The width the table takes when nothing has to wrap."""
    from rich.measure import Measurement

    return Measurement.get(console, console.options.update_width(10_000), table).maximum


def _count_label(status: Status, count: int) -> str:
    if status is Status.FACT and count != 1:
        return tr("{count} facts", count=count)
    return tr("{count} " + STATUS_LABELS[status], count=count)


def summary_line(assessments: Sequence[Assessment]) -> str:
    counts = Counter(assessment.status for assessment in assessments)
    parts = [_count_label(status, counts[status]) for status in Status if counts[status]]
    stale = sum(1 for assessment in assessments if assessment.stale)
    if stale:
        parts.append(tr("{count} stale", count=stale))
    return " · ".join(parts) if parts else tr("no goals")
