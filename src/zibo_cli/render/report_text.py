"""The plain-text report: what cron mails. No ANSI ever, 80 columns, CJK-aware alignment.

The report is a list of blocks (paragraphs and tables) laid out as Rich lays them out on a console
that is never a terminal and has no colour, so the output depends on nothing but the data and the
language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from zibo_cli.core.report import ReportData
from zibo_cli.i18n import tr
from zibo_cli.render import report_parts as parts
from zibo_cli.render.text import clean, format_observation, status_label

if TYPE_CHECKING:
    from zibo_cli.core.model import Goal
    from zibo_cli.core.progress import Assessment


WIDTH = 80  # the text report's columns, whatever the terminal: cron mails it


class Paragraph(NamedTuple):
    text: str


class Table(NamedTuple):
    headers: tuple[str, ...]
    right: tuple[str, ...]
    rows: list[tuple[str, ...]]


class StatusTable(NamedTuple):
    assessments: Sequence[Assessment]


Block = Paragraph | Table | StatusTable


def _goal(goal: Goal) -> str:
    return f"{parts.name(goal)}\n{goal.id}"


def _underlined(text: str, mark: str) -> list[Block]:
    from rich.cells import cell_len

    return [Paragraph(text), Paragraph(mark * min(WIDTH, cell_len(text)))]


def _section(heading: str, count: int | None = None) -> list[Block]:
    return [Paragraph(""), *_underlined(heading if count is None else parts.counted(heading, count), "-")]


def _table_or_none(headers: tuple[str, ...], rows: list[tuple[str, ...]], right: tuple[str, ...] = ()) -> Block:
    return Table(headers, right, rows) if rows else Paragraph(parts.none())


def report_blocks(data: ReportData) -> list[Block]:
    blocks: list[Block] = [*_underlined(clean(parts.title(data)), "=")]
    for label, value in (
        (tr("File"), clean(data.file)),
        (tr("As of"), data.as_of.isoformat()),
        (tr("Window"), parts.window_text(data.window)),
    ):
        blocks.append(Paragraph(tr("{label}: {value}", label=label, value=value)))

    blocks += _section(parts.section_summary())
    count = tr("Count")
    blocks.append(Table((tr("Status"), count), (count,), [(label, str(n)) for label, n in parts.summary_rows(data)]))

    blocks += _section(parts.section_status())
    blocks.append(StatusTable(data.assessments) if data.assessments else Paragraph(parts.none()))

    blocks += _section(parts.section_recorded(), len(data.recorded))
    figure = tr("Figure")
    recorded = []
    for entry in data.recorded:
        observation = entry.observation
        remarks = [clean(observation.source), parts.entry_flags(entry), clean(observation.note)]
        recorded.append(
            (
                parts.entry_recorded_at(entry).replace(" ", "\n"),
                _goal(entry.goal),
                f"{format_observation(observation, entry.goal.unit)}\n{parts.figure_for(observation)}",
                "\n".join(remark for remark in remarks if remark),
            )
        )
    blocks.append(_table_or_none((tr("Recorded"), tr("Goal"), figure, tr("Source and note")), recorded, (figure,)))

    blocks += _section(parts.section_changes(), len(data.changes))
    changes = []
    for change in data.changes:
        value, day = parts.latest_text(change.after)
        changes.append(
            (
                _goal(change.goal),
                f"{status_label(change.before.status)} → {status_label(change.after.status)}",
                f"{value}\n{tr('for {date}', date=day)}" if day else value,
            )
        )
    blocks.append(_table_or_none((tr("Goal"), tr("Status"), tr("Latest")), changes))

    blocks += _section(parts.section_deadlines(data), len(data.deadlines))
    target, left = tr("Target"), tr("Left")
    deadlines = [
        (
            deadline.target.by.isoformat(),
            _goal(deadline.goal),
            parts.deadline_target(deadline),
            parts.deadline_left(deadline),
            status_label(deadline.status),
        )
        for deadline in data.deadlines
    ]
    blocks.append(_table_or_none((tr("By"), tr("Goal"), target, left, tr("Status")), deadlines, (target, left)))

    blocks += _section(parts.section_stale(), len(data.stale))
    stale = [
        (
            _goal(assessment.goal),
            parts.stale_latest(assessment),
            assessment.stale_since.isoformat() if assessment.stale_since else "",
        )
        for assessment in data.stale
    ]
    blocks.append(_table_or_none((tr("Goal"), tr("Latest figure"), tr("Stale since")), stale))

    blocks += _section(parts.section_sources(), len(data.sources))
    # Blocks rather than a table: a URL gets the whole width, so mail readers can follow it (one
    # longer than 80 columns is folded, as everything is).
    for number, cited in enumerate(data.sources):
        if number:
            blocks.append(Paragraph(""))
        description = clean(parts.source_description(cited))
        if cited.source is not None:
            blocks.append(Paragraph(f"[{clean(cited.reference)}] {description}"))
            if cited.source.url:
                blocks.append(Paragraph(clean(cited.source.url)))
        else:
            blocks.append(Paragraph(clean(parts.free_text(cited))))
        blocks.append(Paragraph(parts.cited_by(cited)))
    if not data.sources:
        blocks.append(Paragraph(parts.none()))
    return blocks


def render_text(data: ReportData) -> str:
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text

    from zibo_cli.render.console import plain_console
    from zibo_cli.render.status_view import status_table

    console = plain_console(WIDTH)
    for block in report_blocks(data):
        if isinstance(block, Paragraph):
            console.print(Text(block.text))
        elif isinstance(block, StatusTable):
            console.print(status_table(block.assessments, console))
        else:
            table = RichTable(box=box.SIMPLE, show_edge=False, pad_edge=False)
            for header in block.headers:
                table.add_column(header, justify="right" if header in block.right else "left", overflow="fold")
            for row in block.rows:
                table.add_row(*row)
            console.print(table)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
