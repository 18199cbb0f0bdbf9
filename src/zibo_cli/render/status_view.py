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
    category_label,
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
    from rich.console import Console, Group
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
    """Name and id at their natural width; the table fits the name to its column (`goal_cell`)."""
    return _cell((display_name(assessment.goal), None), ("\n" + assessment.goal.id, "dim"))


NAME_LINES = 2  # a goal's name takes at most two lines of the table; `show` has it in full


def fitted_name(name: str, width: int, lines: int = NAME_LINES) -> list[str]:
    """The name wrapped to `width` cells in at most `lines` lines, the last cut with "…" if it goes on."""
    from rich.cells import cell_len

    words = name.split()
    wrapped: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            wrapped.append(line)
        while cell_len(word) > width:  # a word longer than the column (CJK text has no spaces): cut it
            cut = 1
            while cut < len(word) and cell_len(word[: cut + 1]) <= width:
                cut += 1
            wrapped.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        wrapped.append(line)
    if len(wrapped) <= lines:
        return wrapped or [""]
    last = " ".join(wrapped[lines - 1 :])  # the last line filled with what follows, then cut
    while last and cell_len(last + "…") > width:
        last = last[:-1]
    return [*wrapped[: lines - 1], last.rstrip(" ,;:(") + "…"]


def goal_cell(assessment: Assessment, width: int, with_id: bool = True) -> Cell:
    """The name fitted to the column and the id whole on its own line: the id is what users copy."""
    name = "\n".join(fitted_name(display_name(assessment.goal), width))
    return _cell((name, None), ("\n" + assessment.goal.id, "dim")) if with_id else _cell((name, None))


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


def _progress_cell(assessment: Assessment, bar_width: int = 10) -> Cell:
    stage = assessment.stage
    trend = assessment.trend
    if trend is not None:  # a fact: which way its yearly figures go
        return _cell((trend_words(trend.word), None), style=STATUS_STYLES[assessment.status])
    if stage is None or stage.progress is None:
        return _plain("")
    bar = progress_bar(stage.progress, bar_width)
    return _cell((bar, None), (" " + format_percent(stage.progress), None), style=STATUS_STYLES[assessment.status])


def _short_progress_cell(assessment: Assessment) -> Cell:
    """The bar at half length, for narrow terminals: the per cent says the rest."""
    return _progress_cell(assessment, 5)


SPARK = "▁▂▃▄▅▆▇█"
SPARK_POINTS = 8


def sparkline(values: Sequence[float]) -> str:
    """The last few figures as bars of eight heights, lowest to highest of them."""
    import math

    recent = [value for value in values if math.isfinite(value)][-SPARK_POINTS:]
    if len(recent) < 2:
        return ""
    low, high = min(recent), max(recent)
    if high == low:
        return SPARK[3] * len(recent)
    return "".join(SPARK[round((value - low) / (high - low) * (len(SPARK) - 1))] for value in recent)


def _recent_cell(assessment: Assessment) -> Cell:
    from zibo_cli.core.series import charted_points

    return _plain(sparkline([point.value for point in charted_points(assessment)]))


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
    return _plain(category_label(assessment.goal.category))


GOAL = Column("Goal", _goal_cell)
PROGRESS = Column("Progress", _progress_cell, no_wrap=True)
SHORT_PROGRESS = Column("Progress", _short_progress_cell, no_wrap=True)
PRIMARY = [
    GOAL,
    Column("Latest", _latest_cell, "right"),
    Column("Target", _target_cell, "right"),
    PROGRESS,
    Column("Status", _status_cell),
]
# By value to the reader, most first: the table takes them in this order while they fit, before the
# goal's name gets more than the width of its id (the README's "Which columns appear" says so too).
SECONDARY = [
    Column("Left", _time_left_cell, "right", no_wrap=True),
    Column("Recent", _recent_cell, no_wrap=True),
    Column("Buffer", _buffer_cell, "right", no_wrap=True),
    Column("Needed", _needed_cell, "right"),
    Column("Projected", _projected_cell, "right"),
    Column("Ratio", _ratio_cell, "right"),
    Column("Category", _category_cell),
]
# Where each secondary column sits among the primary ones, so a wide table still reads left to right.
_ORDER = [
    "Goal", "Latest", "Target", "Progress", "Left", "Recent", "Ratio", "Buffer", "Needed", "Projected", "Status",
    "Category",
]  # fmt: skip
STATUS_WIDTH = 12  # "insufficient data" takes two lines rather than five more cells for every row
GOAL_MIN = 16  # the goal column is never narrower, however short the ids are, while the terminal allows
NARROWEST_GOAL = 8  # below GOAL_MIN names are cut shorter and every longer id stands on a line of its own
ID_CAP = 24  # the goal column keeps ids up to this long beside their row; a longer one gets a line of its own


def _new_table(color: bool) -> Table:
    from rich import box
    from rich.table import Table

    # Two cells between columns (one of padding, one of rule): 80 columns have none to spare.
    return Table(
        box=box.SIMPLE_HEAD if color else box.SIMPLE,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        expand=False,
    )


def _ordered(columns: Sequence[Column]) -> list[Column]:
    return sorted(columns, key=lambda column: _ORDER.index(column.header))


def _add_column(table: Table, column: Column, header: str, width: int | None = None) -> None:
    table.add_column(header, justify=column.justify, no_wrap=column.no_wrap, overflow=column.overflow, width=width)  # type: ignore[arg-type]


class _Measured:
    """Each column's cells, built once, and measured once (the widest line of its cells and header).

    Every column but the goal's gets the width of its widest line (Status at most STATUS_WIDTH), so
    nothing but the name ever wraps; the goal column gets what is left, at least its longest id, and
    its names are fitted to it (two lines, then "…"). Widths are given to Rich, so it does not
    measure the cells again (with 1,000 goals that was most of `status`'s own time).
    """

    def __init__(self, assessments: Sequence[Assessment], console: Console) -> None:
        from rich.cells import cell_len

        self.assessments = assessments
        self.console = console
        self.color = console.is_terminal
        self.cells: dict[Column, list[Cell]] = {}
        self.widths: dict[Column, int] = {}
        ids = max((cell_len(a.goal.id) for a in assessments), default=0)
        self.goal_min = max(GOAL_MIN, min(ids, ID_CAP), cell_len(tr(GOAL.header)))
        names = max((cell_len(display_name(a.goal)) for a in assessments), default=0)
        self.goal_max = max(self.goal_min, names)

    def width(self, column: Column) -> int:
        if column not in self.widths:
            from rich.cells import cell_len

            cells = [column.cell(assessment) for assessment in self.assessments]
            self.cells[column] = cells
            lines = [line for cell in cells for line in cell.plain.split("\n")]
            widest = max((cell_len(line) for line in [tr(column.header), *lines]), default=0)
            if column.header == "Status":
                longest_word = max((cell_len(word) for line in lines for word in line.split()), default=0)
                widest = min(widest, max(STATUS_WIDTH, longest_word, cell_len(tr(column.header))))
            self.widths[column] = widest
        return self.widths[column]

    def room_for_goal(self, columns: Sequence[Column]) -> int:
        """The cells left for the goal column once the others have their widths."""
        others = [column for column in columns if column is not GOAL]
        gaps = 2 * (len(others))  # SIMPLE box, right padding only: two cells after every column but the last
        return self.console.width - gaps - sum(self.width(column) for column in others)

    def fits(self, columns: Sequence[Column]) -> bool:
        return self.room_for_goal(columns) >= self.goal_min

    def table(self, columns: Sequence[Column]) -> Table:
        """A Rich table, for a console too narrow for these widths: Rich squeezes every column (ids fold)."""
        table = _new_table(self.color)
        ordered = _ordered(columns)
        for column in ordered:
            _add_column(table, column, tr(column.header))
        for row in zip(*(self.cells_of(column) for column in ordered), strict=True):
            table.add_row(*(cell.text() for cell in row))
        return table

    def cells_of(self, column: Column) -> list[Cell]:
        if column is GOAL:
            return [_goal_cell(assessment) for assessment in self.assessments]
        self.width(column)
        return self.cells[column]

    def laid_out(self, columns: Sequence[Column], goal_width: int) -> Group:
        """Rich tables at the widths chosen, given to Rich so it measures no cell again; an id longer than
        the goal column stands whole on a line of its own below its row, between tables of these widths."""
        from rich.cells import cell_len
        from rich.console import Group
        from rich.text import Text

        ordered = _ordered(columns)
        cells = [None if column is GOAL else self.cells_of(column) for column in ordered]
        parts: list[Table | Text] = []
        table: Table | None = None
        for row, assessment in enumerate(self.assessments):
            if table is None:
                table = self._fixed_table(ordered, goal_width, header=not parts)
                parts.append(table)
            long_id = cell_len(assessment.goal.id) > goal_width
            goal = goal_cell(assessment, goal_width, with_id=not long_id)
            table.add_row(*((goal if column_cells is None else column_cells[row]).text() for column_cells in cells))
            if long_id:
                parts.append(Text(assessment.goal.id, style="dim"))
                table = None
        return Group(*(parts or [self._fixed_table(ordered, goal_width, header=True)]))

    def _fixed_table(self, columns: Sequence[Column], goal_width: int, header: bool) -> Table:
        table = _new_table(self.color)
        table.show_header = header
        for column in columns:
            _add_column(table, column, tr(column.header), goal_width if column is GOAL else self.width(column))
        return table


def status_table(assessments: Sequence[Assessment], console: Console, wide: bool = False) -> Group | Table:
    """The primary columns, then secondary ones by value while the goal column keeps its longest id."""
    measured = _Measured(assessments, console)
    if wide:
        # --wide asks for every column with names in full, even past the terminal's edge.
        columns = PRIMARY + SECONDARY
        console.width = max(console.width, console.width - measured.room_for_goal(columns) + measured.goal_max)
        return measured.laid_out(columns, measured.goal_max)
    primary = PRIMARY if measured.fits(PRIMARY) else [SHORT_PROGRESS if c is PROGRESS else c for c in PRIMARY]
    chosen = list(primary)
    for column in SECONDARY:
        if not measured.fits([*chosen, column]):
            break
        chosen.append(column)
    room = measured.room_for_goal(chosen)
    if room < NARROWEST_GOAL:  # a console narrower than the primary columns: Rich squeezes them all (ids fold)
        return measured.table(chosen)
    return measured.laid_out(chosen, min(measured.goal_max, room))


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
