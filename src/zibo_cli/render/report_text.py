"""The plain-text report: what cron mails. No ANSI ever, 80 columns, CJK-aware alignment.

Rich lays out the tables (it measures Chinese as two cells wide) on a Console that is never a
terminal and has no colour, so the output depends on nothing but the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zibo_cli.core.report import ReportData
from zibo_cli.render import report_parts as parts
from zibo_cli.render.text import STATUS_LABELS, clean, format_observation, observation_date

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

WIDTH = 80


def plain_console(width: int = WIDTH) -> Console:
    """A Console writing to memory: never a terminal, no colour, blind to the environment."""
    import io

    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=width,
        force_terminal=False,
        force_jupyter=False,
        force_interactive=False,
        no_color=True,
        color_system=None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        soft_wrap=False,
        _environ={},
    )


def _table(*headers: str, right: tuple[str, ...] = ()) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, justify="right" if header in right else "left", overflow="fold")
    return table


def _goal(name: str, goal_id: str) -> str:
    return f"{clean(name)}\n{goal_id}"


def _heading(console: Console, text: str, underline: str = "-") -> None:
    from rich.cells import cell_len
    from rich.text import Text

    console.print()
    console.print(Text(text))
    console.print(Text(underline * min(WIDTH, cell_len(text))))


def render_text(data: ReportData) -> str:
    from rich.cells import cell_len
    from rich.text import Text

    from zibo_cli.render.status_view import status_table

    console = plain_console()
    title = clean(parts.title(data))
    console.print(Text(title))
    console.print(Text("=" * min(WIDTH, cell_len(title))))
    console.print(Text(f"File:    {clean(data.file)}"))
    console.print(Text(f"As of:   {data.as_of.isoformat()}"))
    console.print(Text(f"Window:  {parts.window_text(data.window)}"))

    _heading(console, parts.SECTION_SUMMARY)
    summary = _table("Status", "Goals", right=("Goals",))
    for label, count in parts.summary_rows(data):
        summary.add_row(label, str(count))
    console.print(summary)

    _heading(console, parts.SECTION_STATUS)
    if data.assessments:
        console.print(status_table(data.assessments, console))
    else:
        console.print(Text(parts.NONE))

    _heading(console, f"{parts.SECTION_RECORDED} ({len(data.recorded)})")
    if data.recorded:
        table = _table("Recorded", "Goal", "Figure", "Source and note", right=("Figure",))
        for entry in data.recorded:
            observation = entry.observation
            figure = f"{format_observation(observation, entry.goal.unit)}\nfor {observation_date(observation)}"
            remarks = [clean(observation.source), parts.observation_flags(observation), clean(observation.note)]
            table.add_row(
                parts.recorded_at(observation).replace(" ", "\n"),
                _goal(entry.goal.name, entry.goal.id),
                figure,
                "\n".join(r for r in remarks if r),
            )
        console.print(table)
    else:
        console.print(Text(parts.NONE))

    _heading(console, f"{parts.SECTION_CHANGES} ({len(data.changes)})")
    if data.changes:
        table = _table("Goal", "Status", "Latest")
        for change in data.changes:
            value, day = parts.latest_text(change.after)
            table.add_row(
                _goal(change.goal.name, change.goal.id),
                parts.change_text(change.before.status, change.after.status),
                f"{value}\nfor {day}" if day else value,
            )
        console.print(table)
    else:
        console.print(Text(parts.NONE))

    _heading(console, f"{parts.horizon_title(data)} ({len(data.deadlines)})")
    if data.deadlines:
        table = _table("By", "Goal", "Target", "Left", "Status", right=("Target", "Left"))
        for deadline in data.deadlines:
            table.add_row(
                deadline.target.by.isoformat(),
                _goal(deadline.goal.name, deadline.goal.id),
                parts.deadline_target(deadline),
                parts.deadline_left(deadline),
                STATUS_LABELS[deadline.status],
            )
        console.print(table)
    else:
        console.print(Text(parts.NONE))

    _heading(console, f"{parts.SECTION_STALE} ({len(data.stale)})")
    if data.stale:
        table = _table("Goal", "Latest figure", "Stale since")
        for assessment in data.stale:
            table.add_row(
                _goal(assessment.goal.name, assessment.goal.id),
                parts.stale_latest(assessment),
                assessment.stale_since.isoformat() if assessment.stale_since else "",
            )
        console.print(table)
    else:
        console.print(Text(parts.NONE))

    _heading(console, f"{parts.SECTION_SOURCES} ({len(data.sources)})")
    if data.sources:
        # Blocks rather than a table: a URL gets the whole width, so mail readers can follow it (one
        # longer than 80 columns is folded, as everything is).
        for number, cited in enumerate(data.sources):
            if number:
                console.print()
            description = clean(parts.source_description(cited))
            heading = f"[{clean(cited.reference)}] {description}" if cited.source else f"{description} (free text)"
            console.print(Text(heading))
            if cited.source is not None and cited.source.url:
                console.print(Text(clean(cited.source.url), overflow="fold"))
            console.print(Text("cited by: " + ", ".join(cited.goals)))
    else:
        console.print(Text(parts.NONE))

    output = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"
