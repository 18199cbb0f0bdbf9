"""The `zibo status` table: primary columns always, secondary ones as the width allows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from zibo_cli.core.model import Status
from zibo_cli.core.progress import Assessment
from zibo_cli.i18n import tr
from zibo_cli.render.text import (
    STATUS_LABELS,
    STATUS_STYLES,
    clean,
    display_name,
    format_buffer,
    format_observation,
    format_percent,
    format_ratio,
    format_value,
    needs_text,
    observation_date,
    progress_bar,
    status_label,
    target_when,
    time_left,
    trend_words,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text


Justify = Literal["left", "right"]


class Cell(NamedTuple):
    """A cell's text as styled parts: joined as plain text for pipes, a Rich Text for terminals."""

    parts: tuple[tuple[str, str | None], ...]
    style: str = ""

    @property
    def plain(self) -> str:
        return "".join(part for part, _ in self.parts)

    def text(self) -> Text:
        from rich.text import Text

        text = Text(style=self.style)
        for part, style in self.parts:
            text.append(part, style=style)
        return text


def _cell(*parts: tuple[str, str | None], style: str = "") -> Cell:
    return Cell(parts, style)


def _plain(text: str) -> Cell:
    return Cell(((text, None),))


class Column(NamedTuple):
    header: str
    cell: Callable[[Assessment], Cell]
    justify: Justify = "left"
    no_wrap: bool = False
    overflow: str = "fold"


def _goal_cell(assessment: Assessment) -> Cell:
    return _cell((display_name(assessment.goal), None), ("\n" + assessment.goal.id, "dim"))


def _latest_cell(assessment: Assessment) -> Cell:
    latest = assessment.latest
    if latest is None:
        return _cell(("—", None), style="dim")
    return _cell((format_observation(latest, assessment.goal.unit), None), ("\n" + observation_date(latest), "dim"))


def _target_cell(assessment: Assessment) -> Cell:
    stage = assessment.stage
    if stage is None:
        return _plain("")
    value = format_value(stage.target.value, assessment.goal.unit, stage.target.qualifier)
    parts = [(value, None), ("\n" + target_when(stage.target), "dim")]
    needs = needs_text(assessment, per_year=False)  # an open average target: what the remaining years need
    if needs:
        parts.append(("\n" + needs, "dim"))
    if len(assessment.stages) > 1 and assessment.current_stage is not None:
        parts.append((f" ({assessment.current_stage + 1}/{len(assessment.stages)})", "dim"))
    return _cell(*parts)


def _progress_cell(assessment: Assessment) -> Cell:
    stage = assessment.stage
    trend = assessment.trend
    if trend is not None:  # a fact: which way its yearly figures go
        return _cell((trend_words(trend.word), None), style=STATUS_STYLES[assessment.status])
    if stage is None or stage.progress is None:
        return _plain("")
    bar = progress_bar(stage.progress)
    return _cell((bar, None), (" " + format_percent(stage.progress), None), style=STATUS_STYLES[assessment.status])


def _status_cell(assessment: Assessment) -> Cell:
    parts = [(status_label(assessment.status), None)]
    stage = assessment.stage
    if stage is not None and stage.awaiting:
        parts.append(("\n" + tr("awaiting final"), "dim"))
    if assessment.provisional:
        parts.append(("\n" + tr("provisional"), "dim"))
    if assessment.stale:
        parts.append(("\n" + tr("stale"), "yellow"))
    return _cell(*parts, style=STATUS_STYLES[assessment.status])


def status_text(assessment: Assessment) -> Text:
    return _status_cell(assessment).text()


def _time_left_cell(assessment: Assessment) -> Cell:
    stage = assessment.stage
    return _plain(time_left(assessment.as_of, stage.target.by) if stage else "")


def _ratio_cell(assessment: Assessment) -> Cell:
    stage = assessment.stage
    if stage is None or stage.ratio is None:
        return _plain("")
    return _plain(f"{format_ratio(stage.ratio)}\n{stage.method}")


def _buffer_cell(assessment: Assessment) -> Cell:
    stage = assessment.stage
    return _plain(format_buffer(stage.buffer_days) if stage is not None else "")


def _needed_cell(assessment: Assessment) -> Cell:
    stage = assessment.stage
    if stage is None or stage.needed_per_year is None or assessment.status is Status.ACHIEVED:
        return _plain("")
    return _plain(tr("{value}/yr", value=format_value(stage.needed_per_year, assessment.goal.unit, estimate=True)))


def _projected_cell(assessment: Assessment) -> Cell:
    stage = assessment.stage
    if stage is None or stage.projected is None:
        return _plain("")
    return _plain(format_value(stage.projected, assessment.goal.unit, estimate=True))


def _category_cell(assessment: Assessment) -> Cell:
    return _plain(clean(assessment.goal.category))


PRIMARY = [
    Column("Goal", _goal_cell),
    Column("Latest", _latest_cell, "right"),
    Column("Target", _target_cell, "right"),
    Column("Progress", _progress_cell, no_wrap=True),
    Column("Status", _status_cell),
]
SECONDARY = [
    Column("Left", _time_left_cell, "right", no_wrap=True),
    Column("Ratio", _ratio_cell, "right"),
    Column("Buffer", _buffer_cell, "right", no_wrap=True),
    Column("Needed", _needed_cell, "right"),
    Column("Projected", _projected_cell, "right"),
    Column("Category", _category_cell),
]
# Where each secondary column sits among the primary ones, so a wide table still reads left to right.
_ORDER = [
    "Goal", "Latest", "Target", "Progress", "Left", "Ratio", "Buffer", "Needed", "Projected", "Status", "Category",
]  # fmt: skip


def _new_table(color: bool) -> Table:
    from rich import box
    from rich.table import Table

    return Table(box=box.SIMPLE_HEAD if color else box.SIMPLE, show_edge=False, pad_edge=False, expand=False)


def _ordered(columns: Sequence[Column]) -> list[Column]:
    return sorted(columns, key=lambda column: _ORDER.index(column.header))


def _add_column(table: Table, column: Column, header: str, width: int | None = None) -> None:
    table.add_column(header, justify=column.justify, no_wrap=column.no_wrap, overflow=column.overflow, width=width)  # type: ignore[arg-type]


class _Measured:
    """Each column's cells, built once, and measured once (narrowest and widest it can be).

    Choosing columns used to build and measure the whole table once per optional column, and Rich
    measured every cell again to print it; with 1,000 goals that was most of `status`'s own time.
    How Rich lays out a table depends on its cells only through each column's measurement: the
    largest of the cells' minimum widths (longest word) and of their maximum widths (longest line).
    So a one-row "shape" table, whose cells measure exactly that per column, is laid out the same
    way: it gives the natural width, and the column widths Rich would choose, without the rows.
    """

    def __init__(self, assessments: Sequence[Assessment], console: Console) -> None:
        self.assessments = assessments
        self.console = console
        self.color = console.is_terminal
        self.cells: dict[str, list[RenderableType]] = {}
        self.ranges: dict[str, tuple[int, int]] = {}

    def measure(self, column: Column) -> tuple[int, int]:
        if column.header not in self.ranges:
            from rich.measure import Measurement

            options = self.console.options.update_width(10_000)
            cells = [column.cell(assessment).text() for assessment in self.assessments]
            self.cells[column.header] = cells
            measurements = [Measurement.get(self.console, options, cell) for cell in (tr(column.header), *cells)]
            self.ranges[column.header] = (max(m.minimum for m in measurements), max(m.maximum for m in measurements))
        return self.ranges[column.header]

    def shape(self, columns: Sequence[Column]) -> Table:
        """A one-row table measured and laid out exactly as the real one."""
        from rich.text import Text

        table = _new_table(self.color)
        ordered = _ordered(columns)
        for column in ordered:
            _add_column(table, column, "")
        table.add_row(*(Text(_shaped(*self.measure(column))) for column in ordered))
        return table

    def natural_width(self, columns: Sequence[Column]) -> int:
        return natural_width(self.shape(columns), self.console)

    def table(self, columns: Sequence[Column]) -> Table:
        """The table, its columns given the widths Rich would choose, so it need not measure every cell again."""
        widths = self._column_widths(columns)
        table = _new_table(self.color)
        ordered = _ordered(columns)
        for index, column in enumerate(ordered):
            _add_column(table, column, tr(column.header), None if widths is None else widths[index])
        for row in zip(*(self.cells[column.header] for column in ordered), strict=True):
            table.add_row(*row)
        return table

    def _column_widths(self, columns: Sequence[Column]) -> list[int] | None:
        """Rich's own column widths for the shape table (padding taken off), or None to let Rich measure."""
        shape = self.shape(columns)
        try:
            extra = shape._extra_width
            options = self.console.options.update_width(self.console.width - extra)
            widths = shape._calculate_column_widths(self.console, options)
            content = [width - shape._get_padding_width(index) for index, width in enumerate(widths)]
        except Exception:  # another Rich: it measures the cells itself, which is only slower
            return None
        if sum(widths) + extra > self.console.width or min(content, default=0) < 0:
            return None
        return content


def _shaped(minimum: int, maximum: int) -> str:
    """Text that Rich measures as (minimum, maximum): words of `minimum` cells on a line of `maximum`."""
    if maximum <= 0:
        return ""
    word = "x" * max(minimum, 1) + " "
    return (word * (maximum // len(word) + 1))[:maximum]


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
