"""The Markdown report: GitHub-flavoured tables, safe to publish whatever the goals file says.

Every piece of text goes through `md()`: control characters made visible, HTML's `& < >` written as
entities (so a `<script>` in a note is text, on GitHub and in renderers that pass HTML through),
Markdown's active characters backslash-escaped (so `|` cannot split a table cell and `[x](y)` cannot
become a link), and newlines as `<br>` so a multi-line note stays in its row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from zibo_cli.core.report import ReportData
from zibo_cli.i18n import tr
from zibo_cli.render import report_parts as parts
from zibo_cli.render.text import clean, status_label

if TYPE_CHECKING:
    from zibo_cli.core.model import Goal

_ACTIVE = re.compile(r"([\\`*_\[\]|~$])")


def md(text: str | None) -> str:
    """Text as literal Markdown, fit for a table cell."""
    if not text:
        return ""
    escaped = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _ACTIVE.sub(r"\\\1", escaped)
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[str] = ()) -> list[str]:
    """A GFM table; cells must already be escaped."""
    lines = ["| " + " | ".join(md(header) for header in headers) + " |"]
    lines.append("|" + "|".join("---:" if header in right else "---" for header in headers) + "|")
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def _goal(goal: Goal) -> str:
    return f"{md(parts.name(goal))}<br>{md(goal.id)}"


def _section(lines: list[str], heading: str, body: list[str], count: int | None = None) -> None:
    lines += ["", "## " + md(heading if count is None else parts.counted(heading, count)), ""]
    lines += body if body else [md(parts.none())]


def render_markdown(data: ReportData) -> str:
    lines = [f"# {md(parts.title(data))}", ""]
    for label, value in parts.meta_rows(data):
        lines.append("- " + tr("{label}: {value}", label=f"**{md(label)}**", value=md(value)))

    count_header = tr("Count")
    summary = [(md(label), str(count)) for label, count in parts.summary_rows(data)]
    _section(lines, parts.section_summary(), _table((tr("Status"), count_header), summary, (count_header,)))

    rows = []
    for assessment in data.assessments:
        latest, latest_for = parts.latest_text(assessment)
        target, by = parts.target_text(assessment)
        rows.append(
            (
                _goal(assessment.goal),
                md(latest),
                md(latest_for),
                md(target),
                md(by),
                parts.progress_text(assessment),
                md(parts.left_text(assessment)),
                md(parts.status_words(assessment)),
            )
        )
    latest_h, target_h, progress_h, left_h = tr("Latest"), tr("Target"), tr("Progress"), tr("Left")
    headers = (tr("Goal"), latest_h, tr("For"), target_h, tr("By"), progress_h, left_h, tr("Status"))
    right = (latest_h, target_h, progress_h, left_h)
    _section(lines, parts.section_status(), _table(headers, rows, right) if rows else [])

    rows = []
    for entry in data.recorded:
        recorded, cells = parts.recorded_cells(entry)
        rows.append((md(recorded), _goal(entry.goal), *map(md, cells)))
    figure_h = tr("Figure")
    headers = (tr("Recorded"), tr("Goal"), figure_h, tr("For"), tr("Source"), tr("Flags"), tr("Note"))
    _section(lines, parts.section_recorded(), _table(headers, rows, (figure_h,)) if rows else [], len(rows))

    rows = []
    for change in data.changes:
        latest, latest_for = parts.latest_text(change.after)
        rows.append(
            (
                _goal(change.goal),
                md(status_label(change.before.status)),
                md(status_label(change.after.status)),
                md(latest),
                md(latest_for),
            )
        )
    headers = (tr("Goal"), tr("Before"), tr("Now"), latest_h, tr("For"))
    _section(lines, parts.section_changes(), _table(headers, rows, (latest_h,)) if rows else [], len(rows))

    rows = [
        (
            deadline.target.by.isoformat(),
            _goal(deadline.goal),
            md(parts.deadline_target(deadline)),
            md(parts.deadline_left(deadline)),
            md(status_label(deadline.status)),
        )
        for deadline in data.deadlines
    ]
    headers = (tr("By"), tr("Goal"), target_h, left_h, tr("Status"))
    body = _table(headers, rows, (target_h, left_h)) if rows else []
    _section(lines, parts.section_deadlines(data), body, len(rows))

    rows = [
        (
            _goal(assessment.goal),
            md(parts.stale_latest(assessment)),
            assessment.stale_since.isoformat() if assessment.stale_since else "",
        )
        for assessment in data.stale
    ]
    headers = (tr("Goal"), tr("Latest figure"), tr("Stale since"))
    _section(lines, parts.section_stale(), _table(headers, rows) if rows else [], len(rows))

    rows = [
        (
            md(parts.source_kind(cited)),
            md(parts.source_description(cited)),
            md(cited.source.url if cited.source is not None else ""),
            md(", ".join(cited.goals)),
        )
        for cited in data.sources
    ]
    headers = (tr("Source"), tr("Description"), tr("Link"), tr("Cited by"))
    _section(lines, parts.section_sources(), _table(headers, rows) if rows else [], len(rows))
    return "\n".join(lines) + "\n"
