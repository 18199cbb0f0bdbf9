"""The `zibo extract` table: matched figures first, each with its goal, date and the reason for the match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zibo_cli.core.extract import Figure, plain
from zibo_cli.core.extract_dates import When
from zibo_cli.core.model import QUALIFIER_SYMBOLS, GoalsFile
from zibo_cli.i18n import tr
from zibo_cli.render.text import clean

if TYPE_CHECKING:
    from rich.table import Table

KIND_LABELS = {"level": "level", "change": "change", "target": "target"}


def figure_text(figure: Figure) -> str:
    """≈90%, ≥100亿元, -68.66%, 第2位: the figure as a reader expects it."""
    symbol = QUALIFIER_SYMBOLS.get(figure.qualifier or "", "")
    value = plain(figure.value)
    if figure.rank:
        return f"{symbol}第{value}位"
    sign = "+" if figure.kind == "change" and figure.value > 0 else ""
    return f"{symbol}{sign}{value}{figure.unit}"  # as the text writes it: 4884.1亿元, not 4,884.1亿元


def when_text(figure: Figure) -> str:
    if figure.kind == "target":
        return f"by {figure.by.year}" if figure.by else "—"
    if figure.when is None:
        return "—"
    period = figure.when.period
    if not period:
        return figure.when.text()
    first, last = period.split("/")
    return f"{first}–{last[5:]}" if first[:4] == last[:4] else f"{first[:4]}–{last[:4]}"


def goal_text(figure: Figure) -> str:
    """The goal (or —), the clause it was read from, and why it was matched or not."""
    head = figure.goal or "—"
    if figure.goal and figure.in_file:
        head += " " + tr("(already in the file)")
    lines = [head]
    if figure.alternatives:
        lines.append(tr("or: {ids}", ids=", ".join(figure.alternatives)))
    lines.append("“" + clean(figure.quote) + "”")
    lines.append(clean(figure.reason))
    return "\n".join(lines)


def kind_text(figure: Figure) -> str:
    lines = [tr(KIND_LABELS[figure.kind])]
    if figure.preliminary:
        lines.append(tr("prelim."))
    if figure.place and not figure.place.home:
        lines.append(clean(figure.place.name))
    return "\n".join(lines)


def extract_table(figures: Sequence[Figure], goals_file: GoalsFile, color: bool) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD if color else box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column(tr("Line"), justify="right", no_wrap=True)
    table.add_column(tr("Figure"), justify="right", no_wrap=True)
    table.add_column(tr("Kind"), no_wrap=True)
    table.add_column(tr("Date"), no_wrap=True)
    table.add_column(tr("Goal, clause and reason"), overflow="fold", ratio=1)
    for figure in figures:
        table.add_row(
            str(figure.line),
            figure_text(figure),
            kind_text(figure),
            when_text(figure),
            goal_text(figure),
            style=None if figure.goal else ("dim" if color else None),
        )
    return table


def extract_summary(figures: Sequence[Figure], name: str, published: When) -> str:
    matched = [f for f in figures if f.goal]
    known = sum(1 for f in matched if f.in_file)
    targets = sum(1 for f in matched if f.kind == "target")
    new = len(matched) - known - targets
    return tr(
        "{name}: {count} figures, {matched} matched to a goal ({new} new, {known} already in the file, "
        "{targets} target(s)), {unmatched} not matched · published {published}",
        name=name,
        count=len(figures),
        matched=len(matched),
        new=new,
        known=known,
        targets=targets,
        unmatched=len(figures) - len(matched),
        published=published.text(),
    )
