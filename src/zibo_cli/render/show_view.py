"""The `zibo show` page for one goal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from zibo_cli.core.model import GoalsFile, Source, Status
from zibo_cli.core.progress import TREND_THRESHOLD, Assessment, Point, running_averages
from zibo_cli.i18n import is_chinese, tr
from zibo_cli.render.chart import DEADLINE_MARK, PATH_MARK, POINT_MARK, TARGET_MARK, draw_chart
from zibo_cli.render.status_view import status_text
from zibo_cli.render.text import (
    category_label,
    clean,
    display_date,
    display_name,
    format_buffer,
    format_deadline,
    format_observation,
    format_percent,
    format_ratio,
    format_target,
    format_value,
    observation_date,
    status_label,
    time_left,
    trend_words,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

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


def show_goal(
    console: Console, assessment: Assessment, goals_file: GoalsFile, refs: Mapping[str, str] | None = None
) -> None:
    """`refs`: each full ref → the prefix shown (core/refs.py); without it, the first six characters."""
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
        (tr("category"), category_label(goal.category)),
        (tr("direction"), tr(DIRECTIONS[goal.direction])),
        (tr("cadence"), tr(CADENCES[cadence]) if cadence else "—"),
        (tr("stated in"), describe_source(goal.source, goals_file)),
        (tr("quote"), _quoted(goal.quote)),
        (tr("note"), clean(goal.note)),
    ]
    uses_baseline = not goal.targets or any(target.average_over is None for target in goal.targets)
    if assessment.baseline and uses_baseline:  # an average target compares years, not a baseline
        baseline_text = tr(
            "{value} ({date})",
            value=format_value(assessment.baseline.value, goal.unit),
            date=display_date(assessment.baseline.date),
        )
        if goal.baseline is None and assessment.trend is not None:
            baseline_text += tr(" — the first yearly figure, where its trend starts")
        elif goal.baseline is None:
            baseline_text += tr(" — the earliest figure, as no baseline is set")
        facts.append((tr("baseline"), baseline_text))
    details = Table.grid(padding=(0, 2))
    details.add_column(style="dim", no_wrap=True)
    details.add_column(overflow="fold")
    for label, value in facts:
        if value:
            details.add_row(label, value)
    console.print(details)

    status_line = Text(tr("status: "))
    status_line.append_text(status_text(assessment))
    console.print(status_line)
    if assessment.provisional:
        console.print(
            tr("Provisional: the verdict rests on a preliminary, approximate or bounded figure."), style="dim"
        )
    trend = assessment.trend
    if trend is not None:
        console.print(
            tr(
                "Trend: {words}, {rate} a year from {first} to {last} (flat within ±{threshold} a year).",
                words=trend_words(trend.word),
                rate=format_percent(trend.rate, 1),
                first=display_date(trend.start.date, "year"),
                last=display_date(trend.end.date, "year"),
                threshold=format_percent(TREND_THRESHOLD, 1),
            )
        )
    if assessment.stages:
        _stages_table(console, assessment)
        _years_table(console, assessment)
        for line in _outlook(assessment):
            console.print(line)
    if assessment.stale and assessment.stale_since:
        console.print(
            tr("Stale since {date}: the next figure is overdue.", date=display_date(assessment.stale_since)),
            style="yellow",
        )
    _history_table(console, assessment, refs or {})
    _chart(console, assessment)
    cited = dict.fromkeys(o.source for o in assessment.history if o.source in goals_file.sources)
    if goal.source in goals_file.sources:
        cited = {goal.source: None, **cited}
    if cited:
        console.print(tr("Sources"), style="bold")
        for reference in cited:
            console.print(_hanging(f"{clean(reference)}: {describe_source(reference, goals_file)}", console))


def _hanging(text: str, console: Console, indent: int = 2, hang: int = 6) -> Text:
    """Text indented by `indent`, its wrapped lines by `hang`, every character kept (long URLs fold)."""
    from rich.text import Text

    lines = Text(text).wrap(console, max(10, console.width - hang), overflow="fold")
    result = Text()
    for number, line in enumerate(lines):
        result.append(("\n" + " " * hang) if number else " " * indent)
        result.append_text(line)
    return result


def _stages_table(console: Console, assessment: Assessment) -> None:
    from rich import box
    from rich.table import Table

    goal = assessment.goal
    stages = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, title=tr("Targets"), title_justify="left")
    for header in ("#", "target", "left", "status", "progress", "ratio", "buffer", "method"):
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
            format_buffer(stage.buffer_days),
            tr(stage.method) if stage.method else "",
        )
    console.print(stages)


def _years_table(console: Console, assessment: Assessment) -> None:
    """An average target's years: each year's figure as reported or derived, or not known yet."""
    from rich import box
    from rich.table import Table

    stage = assessment.stage
    if stage is None or not stage.years:
        return
    unit = assessment.goal.unit
    years = Table(
        box=box.SIMPLE, show_edge=False, pad_edge=False, title=tr("Years of the average"), title_justify="left"
    )
    for header in ("year", "value", "note"):
        years.add_column(tr(header), justify="right" if header == "value" else "left")
    for year in stage.years:
        remarks = []
        if year.derived:
            remarks.append(tr("derived from a stated average over several years"))
        if year.provisional:
            remarks.append(tr("provisional"))
        value = "—" if year.value is None else format_value(year.value, unit, estimate=year.derived)
        years.add_row(display_date(dt.date(year.year, 12, 31), "year"), value, tr(", ").join(remarks))
    console.print(years)


def _history_table(console: Console, assessment: Assessment, refs: Mapping[str, str]) -> None:
    """Every figure, each with its ref; one that does not count says why (core/counting.py)."""
    from rich import box
    from rich.table import Table

    from zibo_cli.core.counting import active_retractions, standing
    from zibo_cli.core.refs import MIN_SHOWN, figure_ref

    if not assessment.history:
        console.print(tr("No figures yet: nothing has been reported for this goal."), style="dim")
        return
    history = Table(
        box=box.SIMPLE, show_edge=False, pad_edge=False, title=tr("History"), title_justify="left", expand=True
    )
    for header in ("ref", "date", "value", "source", "note"):  # notes fold: every character kept, CJK included
        history.add_column(
            tr(header),
            justify="right" if header == "value" else "left",
            overflow="fold",
            no_wrap=header == "ref",
            ratio=1 if header == "note" else None,  # the note takes the room the others leave
        )
    active = active_retractions(assessment.goal.retractions)
    for observation, why in standing(assessment.goal, assessment.history):
        ref = figure_ref(observation)
        remarks = [clean(observation.note)]
        if why == "retracted":
            remarks.insert(0, tr("retracted: {reason}", reason=clean(active[ref].reason)))
        elif why == "superseded":
            remarks.insert(0, tr("superseded by a later record"))
        if observation.preliminary:
            remarks.insert(0, tr("preliminary"))
        if observation.derived:
            remarks.insert(0, tr("derived"))
        remarks.append(_quoted(observation.quote))
        history.add_row(
            refs.get(ref, ref[:MIN_SHOWN]),
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
    if stage is None or stage.status in (Status.NO_DATA,):
        return []
    lines = _buffer_line(assessment)
    if stage.years:
        return lines + _average_outlook(assessment)
    if stage.status in (Status.ACHIEVED, Status.MISSED):
        return lines
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


def _buffer_line(assessment: Assessment) -> list[str]:
    stage = assessment.stage
    if stage is None or stage.buffer_days is None:
        return []
    days = stage.buffer_days
    template = "Ahead of the required path by {days} days." if days >= 0 else "Behind the required path by {days} days."
    return [tr(template, days=abs(days))]


def _average_outlook(assessment: Assessment) -> list[str]:
    """An average target in sentences: the average so far, and the average the remaining years need."""
    stage = assessment.stage
    if stage is None or stage.average_achieved is None:
        if stage is not None and stage.average_needed is not None:
            needed = format_value(stage.average_needed, assessment.goal.unit, estimate=True)
            return [tr("No year of the span is known yet: every year needs {value}.", value=needed)]
        return []
    unit = assessment.goal.unit
    known = [year for year in stage.years if year.value is not None]
    first, last = stage.years[0].year, stage.years[-1].year
    lines = [
        tr(
            "Average so far: {value} a year ({known} of {count} years of {first}–{last}).",
            value=format_value(stage.average_achieved, unit, estimate=True),
            known=len(known),
            count=len(stage.years),
            first=first,
            last=last,
        )
    ]
    if stage.average_needed is not None and stage.status not in (Status.ACHIEVED, Status.MISSED):
        remaining = len(stage.years) - len(known)
        template = (
            "Needed in the remaining year: {value}, for {target} a year over {first}–{last}."
            if remaining == 1
            else "Needed in the {count} remaining years: {value} a year on average, for {target} over {first}–{last}."
        )
        lines.append(
            tr(
                template,
                count=remaining,
                value=format_value(stage.average_needed, unit, estimate=True),
                target=format_value(stage.target.value, unit, stage.target.qualifier),
                first=first,
                last=last,
            )
        )
    return lines


def _chart(console: Console, assessment: Assessment) -> None:
    from zibo_cli.core.series import charted_points

    points = charted_points(assessment)  # only the figures that count: none superseded or retracted
    stage = assessment.stage
    unit = assessment.goal.unit
    target = Point(stage.target.by, stage.target.value) if stage else None
    baseline = assessment.baseline if target else None
    if stage is not None and stage.years:  # an average target: the average so far against the target average
        points = running_averages(stage)
        baseline = Point(dt.date(stage.years[0].year - 1, 12, 31), stage.target.value)
    if len(points) + (1 if target else 0) < 2:
        return
    lines = draw_chart(
        points,
        baseline,
        target,
        width=min(console.width, 80),
        value_label=lambda value: format_value(value, unit, estimate=True),
    )
    console.print("\n".join(lines), highlight=False)
    averaged = stage is not None and bool(stage.years)
    legend = f"{POINT_MARK} {tr('average so far') if averaged else tr('figures')}"
    if target:
        legend += f"   {PATH_MARK} {tr('required path')}   {TARGET_MARK} {tr('target')}"
        legend += f" {format_value(target.value, unit)}   {DEADLINE_MARK} {tr('deadline')}"
    console.print("  " + legend, style="dim")
