"""The `zibo show` page for one goal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zibo_cli.core.model import GoalsFile, Source, Status
from zibo_cli.core.progress import Assessment, Point
from zibo_cli.render.chart import DEADLINE_MARK, PATH_MARK, POINT_MARK, TARGET_MARK, draw_chart
from zibo_cli.render.status_view import status_text
from zibo_cli.render.text import (
    STATUS_LABELS,
    clean,
    format_deadline,
    format_number,
    format_observation,
    format_percent,
    format_ratio,
    format_target,
    format_value,
    observation_date,
    time_left,
)

if TYPE_CHECKING:
    from rich.console import Console


def describe_source(reference: str | None, goals_file: GoalsFile) -> str:
    if not reference:
        return ""
    source: Source | None = goals_file.sources.get(reference)
    if source is None:
        return clean(reference)
    parts = [clean(source.title), clean(source.publisher), clean(source.date), clean(source.url)]
    return ", ".join(part for part in parts if part)


def show_goal(console: Console, assessment: Assessment, goals_file: GoalsFile) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    goal = assessment.goal
    title = Text(clean(goal.name), style="bold")
    if goal.name_en:
        title.append(f"  {clean(goal.name_en)}")
    title.append(f"  [{goal.id}]", style="dim")
    console.print(title)
    facts = [
        ("unit", clean(goal.unit)),
        ("category", clean(goal.category)),
        ("direction", goal.direction),
        ("cadence", goal.effective_cadence or "—"),
        ("stated in", describe_source(goal.source, goals_file)),
        ("quote", f"“{clean(goal.quote)}”" if goal.quote else ""),
        ("note", clean(goal.note)),
    ]
    if assessment.baseline:
        baseline_text = f"{format_value(assessment.baseline.value, goal.unit)} ({assessment.baseline.date.isoformat()})"
        if goal.baseline is None:
            baseline_text += " — the earliest figure, as no baseline is set"
        facts.append(("baseline", baseline_text))
    details = Table.grid(padding=(0, 2))
    details.add_column(style="dim", no_wrap=True)
    details.add_column()
    for label, value in facts:
        if value:
            details.add_row(label, value)
    console.print(details)

    status_line = Text("status: ")
    status_line.append_text(status_text(assessment))
    console.print(status_line)
    if assessment.stages:
        stages = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, title="Targets", title_justify="left")
        for header in ("#", "target", "left", "status", "progress", "ratio", "method"):
            stages.add_column(header, justify="left" if header in ("target", "status", "method") else "right")
        for number, stage in enumerate(assessment.stages, start=1):
            marker = "▶" if number - 1 == assessment.current_stage and len(assessment.stages) > 1 else ""
            stages.add_row(
                f"{marker}{number}",
                format_target(stage.target, goal.unit),
                time_left(assessment.as_of, stage.target.by),
                STATUS_LABELS[stage.status] + (" (awaiting final)" if stage.awaiting else ""),
                format_percent(stage.progress),
                format_ratio(stage.ratio),
                stage.method or "",
            )
        console.print(stages)
        for line in _outlook(assessment):
            console.print(line)
    if assessment.stale and assessment.stale_since:
        console.print(f"Stale since {assessment.stale_since.isoformat()}: the next figure is overdue.", style="yellow")

    history = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, title="History", title_justify="left")
    for header in ("date", "value", "source", "note"):
        history.add_column(header, justify="right" if header == "value" else "left")
    if not assessment.observations:
        console.print("No figures yet: nothing has been reported for this goal.", style="dim")
    for observation in assessment.observations:
        remarks = [clean(observation.note)]
        if observation.preliminary:
            remarks.insert(0, "preliminary")
        if observation.derived:
            remarks.insert(0, "derived")
        if observation.quote:
            remarks.append(f"“{clean(observation.quote)}”")
        history.add_row(
            observation_date(observation),
            format_observation(observation, goal.unit),
            clean(observation.source),
            " · ".join(r for r in remarks if r),
        )
    if assessment.observations:
        console.print(history)
    _chart(console, assessment)
    cited = dict.fromkeys(o.source for o in assessment.observations if o.source in goals_file.sources)
    if cited:
        console.print("Sources", style="bold")
        for reference in cited:
            console.print(f"  {reference}: {describe_source(reference, goals_file)}")


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
        lines.append(f"Needed from the latest figure: {needed} a year.")
    if stage.projected is not None:
        lines.append(f"At the current pace: {format_value(stage.projected, unit, estimate=True)} by {deadline}.")
    if stage.projected_lsq is not None:
        trend = format_value(stage.projected_lsq, unit, estimate=True)
        lines.append(f"A least-squares line through all figures: {trend} by {deadline}.")
    if stage.projected_date is not None:
        lines.append(f"At the current pace the target is reached on {stage.projected_date.isoformat()}.")
    elif stage.projected is not None:
        lines.append("At the current pace the target is never reached.")
    return lines


def _chart(console: Console, assessment: Assessment) -> None:
    points = [Point(o.date, o.value) for o in assessment.observations]
    stage = assessment.stage
    target = Point(stage.target.by, stage.target.value) if stage else None
    if len(points) + (1 if target else 0) < 2:
        return
    lines = draw_chart(points, assessment.baseline if target else None, target, width=min(console.width, 80))
    console.print("\n".join(lines), highlight=False)
    legend = f"{POINT_MARK} figures"
    if target:
        legend += f"   {PATH_MARK} required path   {TARGET_MARK} target {format_number(target.value)}"
        legend += f"   {DEADLINE_MARK} deadline"
    console.print(" " * 12 + legend, style="dim")
