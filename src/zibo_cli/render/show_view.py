"""The `zibo show` page for one goal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zibo_cli.core.model import GoalsFile, Source, Status
from zibo_cli.core.progress import Assessment, Point
from zibo_cli.i18n import is_chinese, tr
from zibo_cli.render.chart import DEADLINE_MARK, PATH_MARK, POINT_MARK, TARGET_MARK, draw_chart
from zibo_cli.render.status_view import status_text
from zibo_cli.render.text import (
    clean,
    display_date,
    display_name,
    format_deadline,
    format_observation,
    format_percent,
    format_ratio,
    format_target,
    format_value,
    observation_date,
    status_label,
    time_left,
)

if TYPE_CHECKING:
    from rich.console import Console

DIRECTIONS = {"increase": "higher is better", "decrease": "lower is better"}
CADENCES = {"yearly": "yearly", "quarterly": "quarterly", "monthly": "monthly"}


def describe_source(reference: str | None, goals_file: GoalsFile) -> str:
    if not reference:
        return ""
    source: Source | None = goals_file.sources.get(reference)
    if source is None:
        return clean(reference)
    parts = [clean(source.title), clean(source.publisher), clean(source.date), clean(source.url)]
    return ", ".join(part for part in parts if part)


def _quoted(text: str | None) -> str:
    return f"“{clean(text)}”" if text else ""


def show_goal(console: Console, assessment: Assessment, goals_file: GoalsFile) -> None:
    from rich.table import Table
    from rich.text import Text

    goal = assessment.goal
    title = Text(display_name(goal), style="bold")
    other = goal.name_en if is_chinese() else goal.name
    if other and clean(other) != display_name(goal):
        title.append(f"  {clean(other)}")
    title.append(f"  [{goal.id}]", style="dim")
    console.print(title)
    cadence = goal.effective_cadence
    facts = [
        (tr("unit"), clean(goal.unit)),
        (tr("category"), clean(goal.category)),
        (tr("direction"), tr(DIRECTIONS[goal.direction])),
        (tr("cadence"), tr(CADENCES[cadence]) if cadence else "—"),
        (tr("stated in"), describe_source(goal.source, goals_file)),
        (tr("quote"), _quoted(goal.quote)),
        (tr("note"), clean(goal.note)),
    ]
    if assessment.baseline:
        baseline_text = tr(
            "{value} ({date})",
            value=format_value(assessment.baseline.value, goal.unit),
            date=display_date(assessment.baseline.date),
        )
        if goal.baseline is None:
            baseline_text += tr(" — the earliest figure, as no baseline is set")
        facts.append((tr("baseline"), baseline_text))
    details = Table.grid(padding=(0, 2))
    details.add_column(style="dim", no_wrap=True)
    details.add_column()
    for label, value in facts:
        if value:
            details.add_row(label, value)
    console.print(details)

    status_line = Text(tr("status: "))
    status_line.append_text(status_text(assessment))
    console.print(status_line)
    if assessment.stages:
        _stages_table(console, assessment)
        for line in _outlook(assessment):
            console.print(line)
    if assessment.stale and assessment.stale_since:
        console.print(
            tr("Stale since {date}: the next figure is overdue.", date=display_date(assessment.stale_since)),
            style="yellow",
        )
    _history_table(console, assessment, goals_file)
    _chart(console, assessment)
    cited = dict.fromkeys(o.source for o in assessment.observations if o.source in goals_file.sources)
    if goal.source in goals_file.sources:
        cited = {goal.source: None, **cited}
    if cited:
        console.print(tr("Sources"), style="bold")
        for reference in cited:
            console.print(f"  {reference}: {describe_source(reference, goals_file)}")


def _stages_table(console: Console, assessment: Assessment) -> None:
    from rich import box
    from rich.table import Table

    goal = assessment.goal
    stages = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, title=tr("Targets"), title_justify="left")
    for header in ("#", "target", "left", "status", "progress", "ratio", "method"):
        stages.add_column(tr(header), justify="left" if header in ("target", "status", "method") else "right")
    for number, stage in enumerate(assessment.stages, start=1):
        marker = "▶" if number - 1 == assessment.current_stage and len(assessment.stages) > 1 else ""
        stages.add_row(
            f"{marker}{number}",
            format_target(stage.target, goal.unit),
            time_left(assessment.as_of, stage.target.by),
            status_label(stage.status) + (tr(" (awaiting final)") if stage.awaiting else ""),
            format_percent(stage.progress),
            format_ratio(stage.ratio),
            tr(stage.method) if stage.method else "",
        )
    console.print(stages)


def _history_table(console: Console, assessment: Assessment, goals_file: GoalsFile) -> None:
    from rich import box
    from rich.table import Table

    if not assessment.observations:
        console.print(tr("No figures yet: nothing has been reported for this goal."), style="dim")
        return
    history = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, title=tr("History"), title_justify="left")
    for header in ("date", "value", "source", "note"):
        history.add_column(tr(header), justify="right" if header == "value" else "left")
    for observation in assessment.observations:
        remarks = [clean(observation.note)]
        if observation.preliminary:
            remarks.insert(0, tr("preliminary"))
        if observation.derived:
            remarks.insert(0, tr("derived"))
        remarks.append(_quoted(observation.quote))
        history.add_row(
            observation_date(observation),
            format_observation(observation, assessment.goal.unit),
            clean(observation.source),
            " · ".join(r for r in remarks if r),
        )
    console.print(history)


def _outlook(assessment: Assessment) -> list[str]:
    """The numbers users ask for most, as sentences: the pace still needed and where the trend leads."""
    stage = assessment.stage
    unit = assessment.goal.unit
    if stage is None or stage.status in (Status.ACHIEVED, Status.MISSED, Status.NO_DATA):
        return []
    lines = []
    deadline = format_deadline(stage.target.by)
    if stage.needed_per_year is not None:
        needed = format_value(stage.needed_per_year, unit, estimate=True)
        lines.append(tr("Needed from the latest figure: {value} a year.", value=needed))
    if stage.projected is not None:
        projected = format_value(stage.projected, unit, estimate=True)
        lines.append(tr("At the current pace: {value} by {deadline}.", value=projected, deadline=deadline))
    if stage.projected_lsq is not None:
        trend = format_value(stage.projected_lsq, unit, estimate=True)
        template = "A least-squares line through all figures: {value} by {deadline}."
        lines.append(tr(template, value=trend, deadline=deadline))
    if stage.projected_date is not None:
        reached = display_date(stage.projected_date)
        lines.append(tr("At the current pace the target is reached on {date}.", date=reached))
    elif stage.projected is not None:
        lines.append(tr("At the current pace the target is never reached."))
    return lines


def _chart(console: Console, assessment: Assessment) -> None:
    points = [Point(o.date, o.value) for o in assessment.observations]
    stage = assessment.stage
    unit = assessment.goal.unit
    target = Point(stage.target.by, stage.target.value) if stage else None
    if len(points) + (1 if target else 0) < 2:
        return
    lines = draw_chart(
        points,
        assessment.baseline if target else None,
        target,
        width=min(console.width, 80),
        value_label=lambda value: format_value(value, unit, estimate=True),
        date_label=display_date,
    )
    console.print("\n".join(lines), highlight=False)
    legend = f"{POINT_MARK} {tr('figures')}"
    if target:
        legend += f"   {PATH_MARK} {tr('required path')}   {TARGET_MARK} {tr('target')}"
        legend += f" {format_value(target.value, unit)}   {DEADLINE_MARK} {tr('deadline')}"
    console.print("  " + legend, style="dim")
