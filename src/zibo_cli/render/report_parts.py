"""Wording every report format shares, so text, Markdown and HTML say the same thing the same way.

Returns raw strings in the reader's language (user text included as is); each format escapes them
its own way. JSON has none of this: it is the same in every language.
"""

from __future__ import annotations

from zibo_cli.core.model import Goal, Observation
from zibo_cli.core.progress import Assessment
from zibo_cli.core.report import CitedSource, Deadline, RecordedFigure, ReportData
from zibo_cli.core.window import Window
from zibo_cli.i18n import tr
from zibo_cli.render.text import (
    clean,
    display_name,
    format_observation,
    format_percent,
    format_value,
    needs_text,
    observation_date,
    status_label,
    target_when,
    time_left,
    trend_words,
)


def section_summary() -> str:
    return tr("Summary")


def section_status() -> str:
    return tr("Status")


def section_charts() -> str:
    return tr("Charts")


def section_facts() -> str:
    return tr("Facts")


def section_recorded() -> str:
    return tr("Figures recorded in the window")


def section_changes() -> str:
    return tr("Status changes in the window")


def section_deadlines(data: ReportData) -> str:
    return tr("Deadlines in the next {days} days", days=data.horizon_days)


def section_stale() -> str:
    return tr("Stale goals")


def section_sources() -> str:
    return tr("Sources cited")


def counted(heading: str, count: int) -> str:
    """'Stale goals (1)' / '数据过期的目标（1）'."""
    return tr("{heading} ({count})", heading=heading, count=count)


def none() -> str:
    return tr("None.")


def title(data: ReportData) -> str:
    """'淄博 — report as of 2026-06-30': a dash, as the file's own title may end in a colon or hold one."""
    if not data.title:
        return tr("Report as of {date}", date=data.as_of.isoformat())
    return tr("{title} — report as of {date}", title=data.title.strip().rstrip(":："), date=data.as_of.isoformat())


def file_text(data: ReportData) -> str:
    """The goals file's name, and "(bundled dataset)" when the report is of the one zibo ships."""
    return f"{data.file} {tr('(bundled dataset)')}" if data.bundled else data.file


def window_text(window: Window) -> str:
    first, last = window.first.isoformat(), window.last.isoformat()
    if window.days == 1:
        return tr("{first} to {last} (1 day, by the day figures were recorded)", first=first, last=last)
    return tr(
        "{first} to {last} ({days} days, by the day figures were recorded)", first=first, last=last, days=window.days
    )


def meta_rows(data: ReportData) -> list[tuple[str, str]]:
    """The report's heading facts as (label, value), plain: each format escapes them its own way."""
    return [
        (tr("File"), file_text(data)),
        (tr("As of"), data.as_of.isoformat()),
        (tr("Window"), window_text(data.window)),
    ]


def name(goal: Goal) -> str:
    """The goal's name in the reader's language where the file gives one (control characters made visible)."""
    return display_name(goal)


def summary_rows(data: ReportData) -> list[tuple[str, int]]:
    """(label, goals) for each status that occurs, most at risk first, then stale and the total."""
    rows = [(status_label(status), count) for status, count in data.counts.items() if count]
    if data.stale:
        rows.append((tr("stale (of the above)"), len(data.stale)))
    rows.append((tr("total"), len(data.assessments)))
    return rows


def status_words(assessment: Assessment) -> str:
    """The status with its qualifiers, on one line: 'at risk, stale'."""
    words = [status_label(assessment.status)]
    stage = assessment.stage
    if stage is not None and stage.awaiting:
        words.append(tr("awaiting final"))
    if assessment.provisional:
        words.append(tr("provisional"))
    if needs_text(assessment):
        words.append(needs_text(assessment))
    if assessment.stale:
        words.append(tr("stale"))
    return tr(", ").join(words)


def latest_text(assessment: Assessment) -> tuple[str, str]:
    """(value, the date it is for), or ('—', '') when nothing is reported yet."""
    latest = assessment.latest
    if latest is None:
        return "—", ""
    return format_observation(latest, assessment.goal.unit), observation_date(latest)


def target_text(assessment: Assessment) -> tuple[str, str]:
    """(target value, 'by 2026' with the stage number when staged), or ('', '') for a fact."""
    stage = assessment.stage
    if stage is None:
        return "", ""
    value = format_value(stage.target.value, assessment.goal.unit, stage.target.qualifier)
    by = target_when(stage.target)
    if len(assessment.stages) > 1 and assessment.current_stage is not None:
        by += f" ({assessment.current_stage + 1}/{len(assessment.stages)})"
    return value, by


def progress_text(assessment: Assessment) -> str:
    """The progress in per cent; for a fact with a trend, which way it goes."""
    if assessment.trend is not None:
        return trend_words(assessment.trend.word)
    stage = assessment.stage
    return format_percent(stage.progress) if stage is not None and stage.progress is not None else ""


def left_text(assessment: Assessment) -> str:
    stage = assessment.stage
    return time_left(assessment.as_of, stage.target.by) if stage is not None else ""


def entry_flags(entry: RecordedFigure) -> str:
    """A recorded entry's flags; a retraction recorded in the window says so, with its reason."""
    if entry.retraction is None:
        return observation_flags(entry.observation)
    if entry.retraction.undo:
        return tr("retraction undone: it counts again")
    return tr("retracted: {reason}", reason=clean(entry.retraction.reason))


def entry_recorded_at(entry: RecordedFigure) -> str:
    """When the entry was recorded: the figure, or its retraction."""
    return entry.recorded.strftime("%Y-%m-%d %H:%M") if entry.recorded else ""


def recorded_cells(entry: RecordedFigure) -> tuple[str, tuple[str, str, str, str, str]]:
    """A recorded entry's cells but its goal's, plain: when it was recorded (the first column), then
    (after the goal) the figure, the period it is for, its source, flags and note."""
    observation = entry.observation
    return entry_recorded_at(entry), (
        format_observation(observation, entry.goal.unit),
        observation_date(observation),
        observation.source or "",
        entry_flags(entry),
        observation.note or "",
    )


def observation_flags(observation: Observation) -> str:
    flags = []
    if observation.preliminary:
        flags.append(tr("preliminary"))
    if observation.derived:
        flags.append(tr("derived"))
    return tr(", ").join(flags)


def deadline_target(deadline: Deadline) -> str:
    text = format_value(deadline.target.value, deadline.goal.unit, deadline.target.qualifier)
    stages = len(deadline.assessment.stages)
    if stages > 1:
        return tr("{value} (stage {stage}/{stages})", value=text, stage=deadline.stage + 1, stages=stages)
    return text


def deadline_left(deadline: Deadline) -> str:
    days = deadline.days_left
    if days == 0:
        return tr("today")
    return tr("1 day") if days == 1 else tr("{count} days", count=days)


def stale_latest(assessment: Assessment) -> str:
    latest = assessment.latest
    if latest is None:
        return "—"
    return tr(
        "{value} for {date}", value=format_observation(latest, assessment.goal.unit), date=observation_date(latest)
    )


def source_description(cited: CitedSource) -> str:
    """Title, publisher, author and date of a [sources] entry; free-text sources as written."""
    source = cited.source
    if source is None:
        return cited.reference
    parts = [source.title, source.publisher, source.author, source.date]
    return ", ".join(part for part in parts if part)  # the file's own words, in whatever language


def free_text(cited: CitedSource) -> str:
    return tr("{source} (free text)", source=cited.reference)


def source_kind(cited: CitedSource) -> str:
    return cited.reference if cited.source is not None else tr("(free text)")


def cited_by(cited: CitedSource) -> str:
    return tr("cited by: {ids}", ids=", ".join(cited.goals))
