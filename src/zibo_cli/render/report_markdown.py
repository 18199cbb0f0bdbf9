"""The Markdown report: GitHub-flavoured tables, safe to publish whatever the goals file says.

Every piece of user text goes through `md()`: control characters made visible, HTML's `& < >`
written as entities (so a `<script>` in a note is text, on GitHub and in renderers that pass HTML
through), Markdown's active characters backslash-escaped (so `|` cannot split a table cell and `[x](y)`
cannot become a link), and newlines as `<br>` so a multi-line note stays in its row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from zibo_cli.core.report import ReportData
from zibo_cli.render import report_parts as parts
from zibo_cli.render.text import STATUS_LABELS, clean, format_observation, observation_date

_ACTIVE = re.compile(r"([\\`*_\[\]|~$])")


def md(text: str | None) -> str:
    """User text as literal Markdown, fit for a table cell."""
    if not text:
        return ""
    escaped = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _ACTIVE.sub(r"\\\1", escaped)
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[str] = ()) -> list[str]:
    """A GFM table; headers are ours, cells must already be escaped."""
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---:" if header in right else "---" for header in headers) + "|")
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def _goal(name: str, goal_id: str) -> str:
    return f"{md(name)}<br>{md(goal_id)}"


def _section(lines: list[str], heading: str, body: list[str]) -> None:
    lines += ["", f"## {heading}", ""]
    lines += body if body else [parts.NONE]


def render_markdown(data: ReportData) -> str:
    lines = [f"# {md(parts.title(data))}", ""]
    lines.append(f"- **File:** {md(data.file)}")
    lines.append(f"- **As of:** {data.as_of.isoformat()}")
    lines.append(f"- **Window:** {md(parts.window_text(data.window))}")

    _section(
        lines,
        parts.SECTION_SUMMARY,
        _table(("Status", "Goals"), [(md(label), str(count)) for label, count in parts.summary_rows(data)], ("Goals",)),
    )

    status_rows = []
    for assessment in data.assessments:
        latest, latest_for = parts.latest_text(assessment)
        target, by = parts.target_text(assessment)
        status_rows.append(
            (
                _goal(assessment.goal.name, assessment.goal.id),
                md(latest),
                md(latest_for),
                md(target),
                md(by),
                parts.progress_text(assessment),
                md(parts.left_text(assessment)),
                md(parts.status_label(assessment)),
            )
        )
    headers = ("Goal", "Latest", "For", "Target", "By", "Progress", "Left", "Status")
    _section(
        lines,
        parts.SECTION_STATUS,
        _table(headers, status_rows, ("Latest", "Target", "Progress", "Left")) if status_rows else [],
    )

    recorded_rows = []
    for entry in data.recorded:
        observation = entry.observation
        recorded_rows.append(
            (
                md(parts.recorded_at(observation)),
                _goal(entry.goal.name, entry.goal.id),
                md(format_observation(observation, entry.goal.unit)),
                md(observation_date(observation)),
                md(observation.source),
                md(parts.observation_flags(observation)),
                md(observation.note),
            )
        )
    headers = ("Recorded", "Goal", "Figure", "For", "Source", "Flags", "Note")
    _section(
        lines,
        f"{parts.SECTION_RECORDED} ({len(data.recorded)})",
        _table(headers, recorded_rows, ("Figure",)) if recorded_rows else [],
    )

    change_rows = []
    for change in data.changes:
        latest, latest_for = parts.latest_text(change.after)
        change_rows.append(
            (
                _goal(change.goal.name, change.goal.id),
                md(STATUS_LABELS[change.before.status]),
                md(STATUS_LABELS[change.after.status]),
                md(latest),
                md(latest_for),
            )
        )
    _section(
        lines,
        f"{parts.SECTION_CHANGES} ({len(data.changes)})",
        _table(("Goal", "Before", "Now", "Latest", "For"), change_rows, ("Latest",)) if change_rows else [],
    )

    deadline_rows = [
        (
            deadline.target.by.isoformat(),
            _goal(deadline.goal.name, deadline.goal.id),
            md(parts.deadline_target(deadline)),
            md(parts.deadline_left(deadline)),
            md(STATUS_LABELS[deadline.status]),
        )
        for deadline in data.deadlines
    ]
    _section(
        lines,
        f"{parts.horizon_title(data)} ({len(data.deadlines)})",
        _table(("By", "Goal", "Target", "Left", "Status"), deadline_rows, ("Target", "Left")) if deadline_rows else [],
    )

    stale_rows = [
        (
            _goal(assessment.goal.name, assessment.goal.id),
            md(parts.stale_latest(assessment)),
            assessment.stale_since.isoformat() if assessment.stale_since else "",
        )
        for assessment in data.stale
    ]
    _section(
        lines,
        f"{parts.SECTION_STALE} ({len(data.stale)})",
        _table(("Goal", "Latest figure", "Stale since"), stale_rows) if stale_rows else [],
    )

    source_rows = [
        (
            md(parts.source_kind(cited)),
            md(parts.source_description(cited)),
            md(cited.source.url if cited.source is not None else ""),
            md(", ".join(cited.goals)),
        )
        for cited in data.sources
    ]
    _section(
        lines,
        f"{parts.SECTION_SOURCES} ({len(data.sources)})",
        _table(("Source", "Description", "Link", "Cited by"), source_rows) if source_rows else [],
    )
    return "\n".join(lines) + "\n"
