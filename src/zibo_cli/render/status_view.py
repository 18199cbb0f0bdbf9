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


def _build(assessments: Sequence[Assessment], columns: Sequence[Column], color: bool) -> Table:
    from rich import box
    from rich.table import Table

    ordered = sorted(columns, key=lambda column: _ORDER.index(column.header))
    table = Table(box=box.SIMPLE_HEAD if color else box.SIMPLE, show_edge=False, pad_edge=False, expand=False)
    for column in ordered:
        table.add_column(tr(column.header), justify=column.justify, no_wrap=column.no_wrap, overflow=column.overflow)  # type: ignore[arg-type]
    for assessment in assessments:
        table.add_row(*(column.cell(assessment) for column in ordered))
    return table


def status_table(assessments: Sequence[Assessment], console: Console, wide: bool = False) -> Table:
    """The widest table that fits: secondary columns are added in order while they fit the console."""
    if wide:
        table = _build(assessments, PRIMARY + SECONDARY, console.is_terminal)
        # --wide asks for every column unsqueezed, even past the terminal's edge.
        console.width = max(console.width, natural_width(table, console))
        return table
    chosen: list[Column] = []
    for column in SECONDARY:
        candidate = _build(assessments, PRIMARY + chosen + [column], console.is_terminal)
        if natural_width(candidate, console) > console.width:
            break
        chosen.append(column)
    return _build(assessments, PRIMARY + chosen, console.is_terminal)


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
