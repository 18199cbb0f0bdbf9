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
from zibo_cli.render.text import (
    GAP,
    ID_WIDTH,
    TREND_ARROWS,
    clean,
    format_observation,
    observation_date,
    pad,
    status_label,
)

if TYPE_CHECKING:
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


class Lines(NamedTuple):
    """One line per row, already laid out (see `one_line_rows`)."""

    lines: list[str]


Block = Paragraph | Table | StatusTable | Lines


def one_line_rows(
    headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: tuple[int, ...] = (), width: int = WIDTH
) -> list[str]:
    """A header, a rule and one line per row, the first column an id, never broken.

    Columns take their widest cell; the id column at most ID_WIDTH, a longer id standing whole on a
    line of its own with its row below it. The last column gets the rest of the line, cut with "…"
    when it is longer (`zibo show ID` has it in full).
    """
    from rich.cells import cell_len

    from zibo_cli.render.status_view import fitted_name

    table = [headers, *rows]
    widths = [max(cell_len(row[index]) for row in table) for index in range(len(headers))]
    widths[0] = min(widths[0], ID_WIDTH)
    lines = []
    for number, row in enumerate(table):
        if cell_len(row[0]) > widths[0]:
            lines.append(row[0])
            row = ("", *row[1:])
        cells = [pad(cell, widths[index], index in right) for index, cell in enumerate(row[:-1])]
        head = GAP.join(cells) + GAP
        room = width - cell_len(head)
        last = row[-1] if cell_len(row[-1]) <= room else fitted_name(row[-1], max(1, room), lines=1)[0]
        lines.append((head + last).rstrip())
        if number == 0:
            lines.append("─" * min(width, cell_len(head) + widths[-1]))
    return lines


def _lines_or_none(headers: tuple[str, ...], rows: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> Block:
    return Lines(one_line_rows(headers, rows, right)) if rows else Paragraph(parts.none())


def _underlined(text: str, mark: str) -> list[Block]:
    from rich.cells import cell_len

    return [Paragraph(text), Paragraph(mark * min(WIDTH, cell_len(text)))]


def _section(heading: str, count: int | None = None) -> list[Block]:
    return [Paragraph(""), *_underlined(heading if count is None else parts.counted(heading, count), "-")]


def report_blocks(data: ReportData) -> list[Block]:
    blocks: list[Block] = [*_underlined(clean(parts.title(data)), "=")]
    for label, value in parts.meta_rows(data):
        blocks.append(Paragraph(tr("{label}: {value}", label=label, value=clean(value))))

    blocks += _section(parts.section_summary())
    count = tr("Count")
    blocks.append(Table((tr("Status"), count), (count,), [(label, str(n)) for label, n in parts.summary_rows(data)]))

    targeted = [a for a in data.assessments if not a.goal.is_fact]
    facts = [a for a in data.assessments if a.goal.is_fact]
    blocks += _section(parts.section_status())
    blocks.append(StatusTable(targeted) if targeted else Paragraph(parts.none()))
    if facts:
        blocks += _section(parts.section_facts(), len(facts))
        rows = []
        for assessment in facts:
            value, day = parts.latest_text(assessment)
            trend = assessment.trend
            if trend is not None:
                value += " " + TREND_ARROWS[trend.word]
            rows.append((assessment.goal.id, value, day, parts.name(assessment.goal)))
        blocks.append(Lines(one_line_rows((tr("ID"), tr("Latest"), tr("For"), tr("Name")), rows, (1,))))

    blocks += _section(parts.section_recorded(), len(data.recorded))
    by_day: dict[str, list[tuple[str, ...]]] = {}
    for entry in data.recorded:  # by the day they were recorded: the window is a few days
        observation = entry.observation
        remarks = [clean(observation.source), parts.entry_flags(entry)]
        by_day.setdefault(parts.entry_recorded_at(entry)[:10], []).append(
            (
                entry.goal.id,
                format_observation(observation, entry.goal.unit),
                observation_date(observation),
                tr(", ").join(remark for remark in remarks if remark),
            )
        )
    if not by_day:
        blocks.append(Paragraph(parts.none()))
    for day, rows in by_day.items():
        blocks.append(Paragraph(tr("Recorded {date}:", date=day) if day else tr("Recorded on no given day:")))
        blocks.append(Lines(one_line_rows((tr("ID"), tr("Figure"), tr("For"), tr("Source")), rows, (1,))))

    blocks += _section(parts.section_changes(), len(data.changes))
    changes = []
    for change in data.changes:
        value, day = parts.latest_text(change.after)
        changes.append(
            (
                change.goal.id,
                f"{status_label(change.before.status)} → {status_label(change.after.status)}",
                f"{value} ({day})" if day else value,
            )
        )
    blocks.append(_lines_or_none((tr("ID"), tr("Status"), tr("Latest")), changes))

    blocks += _section(parts.section_deadlines(data), len(data.deadlines))
    deadlines = [
        (
            deadline.goal.id,
            deadline.target.by.isoformat(),
            parts.deadline_target(deadline),
            parts.deadline_left(deadline),
            status_label(deadline.status),
        )
        for deadline in data.deadlines
    ]
    headers = (tr("ID"), tr("By"), tr("Target"), tr("Left"), tr("Status"))
    blocks.append(_lines_or_none(headers, deadlines, (2, 3)))

    blocks += _section(parts.section_stale(), len(data.stale))
    stale = [
        (
            assessment.goal.id,
            assessment.stale_since.isoformat() if assessment.stale_since else "",
            parts.stale_latest(assessment),
        )
        for assessment in data.stale
    ]
    blocks.append(_lines_or_none((tr("ID"), tr("Stale since"), tr("Latest figure")), stale))

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
        elif isinstance(block, Lines):
            for line in block.lines:
                console.print(Text(line, no_wrap=True, overflow="ignore"), crop=False)
        elif isinstance(block, StatusTable):
            console.print(status_table(block.assessments, console))
        else:
            table = RichTable(box=box.SIMPLE, show_edge=False, pad_edge=False)
            for header in block.headers:
                table.add_column(header, justify="right" if header in block.right else "left", overflow="fold")
            for row in block.rows:
                table.add_row(*row)
            console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]
