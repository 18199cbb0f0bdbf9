"""`status_table` measures each column once; its tables are exactly those of building one per candidate."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Sequence

import pytest
from rich import box
from rich.console import Console
from rich.table import Table

from conftest import BUNDLED, REPO, SAMPLE
from zibo_cli.core.progress import Assessment, assess_file, sort_assessments
from zibo_cli.i18n import set_language, tr
from zibo_cli.render import status_view
from zibo_cli.store.read import analyse

sys.path.insert(0, str(REPO / "benchmarks"))
import datasets

AS_OF = dt.date(2026, 11, 27)


def reference_table(assessments: Sequence[Assessment], console: Console, wide: bool) -> Table:
    """The algorithm status_table replaced: build and measure the whole table for each candidate column."""

    def build(columns: Sequence[status_view.Column]) -> Table:
        ordered = sorted(columns, key=lambda column: status_view._ORDER.index(column.header))
        table = Table(
            box=box.SIMPLE_HEAD if console.is_terminal else box.SIMPLE, show_edge=False, pad_edge=False, expand=False
        )
        for column in ordered:
            table.add_column(
                tr(column.header), justify=column.justify, no_wrap=column.no_wrap, overflow=column.overflow
            )  # type: ignore[arg-type]
        for assessment in assessments:
            table.add_row(*(column.cell(assessment).text() for column in ordered))
        return table

    if wide:
        table = build(status_view.PRIMARY + status_view.SECONDARY)
        console.width = max(console.width, status_view.natural_width(table, console))
        return table
    chosen: list[status_view.Column] = []
    for column in status_view.SECONDARY:
        if status_view.natural_width(build(status_view.PRIMARY + chosen + [column]), console) > console.width:
            break
        chosen.append(column)
    return build(status_view.PRIMARY + chosen)


def printed(make: object, assessments: Sequence[Assessment], width: int, wide: bool, color: bool) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        soft_wrap=False,
        _environ={},
    )
    console.print(make(assessments, console, wide))  # type: ignore[operator]
    console.print("after")  # a --wide table widens the console for what follows, too
    return out.getvalue()


def assessments_of(text: bytes, facts: bool) -> list[Assessment]:
    goals_file, problems = analyse(text, AS_OF)
    assert goals_file is not None
    assert not problems
    return sort_assessments([a for a in assess_file(goals_file, AS_OF) if facts or not a.goal.is_fact])


FILES = {
    "sample": SAMPLE.read_bytes(),
    "bundled": BUNDLED.read_bytes(),
    "synthetic": datasets.goals_toml(48, 4).encode(),
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_status_table_equals_building_a_table_per_candidate(name: str, language: str) -> None:
    set_language(language)
    try:
        for facts in (False, True):
            assessments = assessments_of(FILES[name], facts)
            for width in (20, 60, 80, 100, 120, 150, 220):
                for wide, color in ((False, False), (False, True), (True, facts)):
                    expected = printed(reference_table, assessments, width, wide, color)
                    got = printed(status_view.status_table, assessments, width, wide, color)
                    assert got == expected, (name, language, facts, width, wide, color)
    finally:
        set_language("en")


def test_the_widths_chosen_differ_across_these_cases() -> None:
    """The comparison above is not vacuous: the widths it covers pick different columns."""
    assessments = assessments_of(FILES["bundled"], False)
    headers = set()
    for width in (60, 100, 170, 220):  # the bundled status column is wide: it says what an average needs
        console = Console(file=io.StringIO(), width=width, no_color=True, _environ={})
        table = status_view.status_table(assessments, console)
        headers.add(tuple(str(column.header) for column in table.columns))
    assert len(headers) >= 3
