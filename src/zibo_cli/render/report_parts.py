"""Wording every report format shares, so text, Markdown and HTML say the same thing the same way.

Returns raw strings (user text included as is); each format escapes them its own way.
"""

from __future__ import annotations

from zibo_cli.core.model import Observation, Status
from zibo_cli.core.progress import Assessment
from zibo_cli.core.report import CitedSource, Deadline, ReportData
from zibo_cli.core.window import Window
from zibo_cli.render.text import (
    STATUS_LABELS,
    format_deadline,
    format_observation,
    format_percent,
    format_value,
    observation_date,
    time_left,
)

SECTION_SUMMARY = "Summary"
SECTION_STATUS = "Status"
SECTION_RECORDED = "Figures recorded in the window"
SECTION_CHANGES = "Status changes in the window"
SECTION_DEADLINES = "Deadlines in the next {days} days"
SECTION_STALE = "Stale goals"
SECTION_SOURCES = "Sources cited"
SECTION_CHARTS = "Charts"
NONE = "None."


def title(data: ReportData) -> str:
    return f"{data.title or 'Goals'}: report as of {data.as_of.isoformat()}"


def window_text(window: Window) -> str:
    days = f"{window.days} day{'s' if window.days != 1 else ''}"
    return f"{window.first.isoformat()} to {window.last.isoformat()} ({days}, by the day figures were recorded)"


def summary_rows(data: ReportData) -> list[tuple[str, int]]:
    """(label, goals) for each status that occurs, most at risk first, then stale and the total."""
    rows = [(STATUS_LABELS[status], count) for status, count in data.counts.items() if count]
    if data.stale:
        rows.append(("stale (of the above)", len(data.stale)))
    rows.append(("total", len(data.assessments)))
    return rows


def status_label(assessment: Assessment) -> str:
    """The status with its qualifiers, on one line: 'at risk, stale'."""
    words = [STATUS_LABELS[assessment.status]]
    stage = assessment.stage
    if stage is not None and stage.awaiting:
        words.append("awaiting final")
    if assessment.stale:
        words.append("stale")
    return ", ".join(words)


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
    by = f"by {format_deadline(stage.target.by)}"
    if len(assessment.stages) > 1 and assessment.current_stage is not None:
        by += f" ({assessment.current_stage + 1}/{len(assessment.stages)})"
    return value, by


def progress_text(assessment: Assessment) -> str:
    stage = assessment.stage
    return format_percent(stage.progress) if stage is not None and stage.progress is not None else ""


def left_text(assessment: Assessment) -> str:
    stage = assessment.stage
    return time_left(assessment.as_of, stage.target.by) if stage is not None else ""


def recorded_at(observation: Observation) -> str:
    """When a figure was recorded, to the minute, in the offset the file gives."""
    return observation.recorded.strftime("%Y-%m-%d %H:%M") if observation.recorded else ""


def observation_flags(observation: Observation) -> str:
    flags = [word for word, on in (("preliminary", observation.preliminary), ("derived", observation.derived)) if on]
    return ", ".join(flags)


def change_text(before: Status, after: Status) -> str:
    return f"{STATUS_LABELS[before]} → {STATUS_LABELS[after]}"


def deadline_target(deadline: Deadline) -> str:
    text = format_value(deadline.target.value, deadline.goal.unit, deadline.target.qualifier)
    stages = len(deadline.assessment.stages)
    return f"{text} (stage {deadline.stage + 1}/{stages})" if stages > 1 else text


def deadline_left(deadline: Deadline) -> str:
    days = deadline.days_left
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''}"


def stale_latest(assessment: Assessment) -> str:
    latest = assessment.latest
    return f"{format_observation(latest, assessment.goal.unit)} for {observation_date(latest)}" if latest else "—"


def source_description(cited: CitedSource) -> str:
    """Title, publisher, author and date of a [sources] entry; free-text sources as written."""
    source = cited.source
    if source is None:
        return cited.reference
    parts = [source.title, source.publisher, source.author, source.date]
    return ", ".join(part for part in parts if part)


def source_kind(cited: CitedSource) -> str:
    return cited.reference if cited.source is not None else "(free text)"


def horizon_title(data: ReportData) -> str:
    return SECTION_DEADLINES.format(days=data.horizon_days)
