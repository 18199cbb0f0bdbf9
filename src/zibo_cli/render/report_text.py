"""The plain-text report: what cron mails. No ANSI ever, 80 columns, CJK-aware alignment.

Rich lays out the tables (it measures Chinese as two cells wide) on a Console that is never a
terminal and has no colour, so the output depends on nothing but the data and the language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zibo_cli.core.report import ReportData
from zibo_cli.i18n import tr
from zibo_cli.render import report_parts as parts
from zibo_cli.render.console import plain_console
from zibo_cli.render.text import clean, format_observation, status_label

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from zibo_cli.core.model import Goal

WIDTH = 80


def _table(*headers: str, right: tuple[str, ...] = ()) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, justify="right" if header in right else "left", overflow="fold")
    return table


def _goal(goal: Goal) -> str:
    return f"{parts.name(goal)}\n{goal.id}"


def _underlined(console: Console, text: str, mark: str) -> None:
    from rich.cells import cell_len
    from rich.text import Text

    console.print(Text(text))
    console.print(Text(mark * min(WIDTH, cell_len(text))))


def _section(console: Console, heading: str, count: int | None = None) -> None:
    console.print()
    _underlined(console, heading if count is None else parts.counted(heading, count), "-")


def render_text(data: ReportData) -> str:
    from rich.text import Text

    from zibo_cli.render.status_view import status_table

    console = plain_console(WIDTH)
    nothing = Text(parts.none())
    _underlined(console, clean(parts.title(data)), "=")
    for label, value in (
        (tr("File"), clean(data.file)),
        (tr("As of"), data.as_of.isoformat()),
        (tr("Window"), parts.window_text(data.window)),
    ):
        console.print(Text(tr("{label}: {value}", label=label, value=value)))

    _section(console, parts.section_summary())
    summary = _table(tr("Status"), tr("Count"), right=(tr("Count"),))
    for label, count in parts.summary_rows(data):
        summary.add_row(label, str(count))
    console.print(summary)

    _section(console, parts.section_status())
    console.print(status_table(data.assessments, console) if data.assessments else nothing)

    _section(console, parts.section_recorded(), len(data.recorded))
    if data.recorded:
        figure = tr("Figure")
        table = _table(tr("Recorded"), tr("Goal"), figure, tr("Source and note"), right=(figure,))
        for entry in data.recorded:
            observation = entry.observation
            remarks = [clean(observation.source), parts.observation_flags(observation), clean(observation.note)]
            table.add_row(
                parts.recorded_at(observation).replace(" ", "\n"),
                _goal(entry.goal),
                f"{format_observation(observation, entry.goal.unit)}\n{parts.figure_for(observation)}",
                "\n".join(remark for remark in remarks if remark),
            )
        console.print(table)
    else:
        console.print(nothing)

    _section(console, parts.section_changes(), len(data.changes))
    if data.changes:
        table = _table(tr("Goal"), tr("Status"), tr("Latest"))
        for change in data.changes:
            value, day = parts.latest_text(change.after)
            table.add_row(
                _goal(change.goal),
                f"{status_label(change.before.status)} → {status_label(change.after.status)}",
                f"{value}\n{tr('for {date}', date=day)}" if day else value,
            )
        console.print(table)
    else:
        console.print(nothing)

    _section(console, parts.section_deadlines(data), len(data.deadlines))
    if data.deadlines:
        target, left = tr("Target"), tr("Left")
        table = _table(tr("By"), tr("Goal"), target, left, tr("Status"), right=(target, left))
        for deadline in data.deadlines:
            table.add_row(
                deadline.target.by.isoformat(),
                _goal(deadline.goal),
                parts.deadline_target(deadline),
                parts.deadline_left(deadline),
                status_label(deadline.status),
            )
        console.print(table)
    else:
        console.print(nothing)

    _section(console, parts.section_stale(), len(data.stale))
    if data.stale:
        table = _table(tr("Goal"), tr("Latest figure"), tr("Stale since"))
        for assessment in data.stale:
            table.add_row(
                _goal(assessment.goal),
                parts.stale_latest(assessment),
                assessment.stale_since.isoformat() if assessment.stale_since else "",
            )
        console.print(table)
    else:
        console.print(nothing)

    _section(console, parts.section_sources(), len(data.sources))
    # Blocks rather than a table: a URL gets the whole width, so mail readers can follow it (one
    # longer than 80 columns is folded, as everything is).
    for number, cited in enumerate(data.sources):
        if number:
            console.print()
        description = clean(parts.source_description(cited))
        if cited.source is not None:
            console.print(Text(f"[{clean(cited.reference)}] {description}"))
            if cited.source.url:
                console.print(Text(clean(cited.source.url), overflow="fold"))
        else:
            console.print(Text(clean(parts.free_text(cited))))
        console.print(Text(parts.cited_by(cited)))
    if not data.sources:
        console.print(nothing)

    output = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"
