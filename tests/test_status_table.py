"""`status_table` at every width: lines never wider than the console, ids whole, names fitted with "…",
and the secondary columns taken in their order of value while the goal column keeps its longest id."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from collections.abc import Sequence

import pytest
from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table

from conftest import BUNDLED, REPO, SAMPLE
from zibo_cli.core.progress import Assessment, assess_file, sort_assessments
from zibo_cli.i18n import set_language, tr
from zibo_cli.render import status_view
from zibo_cli.store.read import analyse

sys.path.insert(0, str(REPO / "benchmarks"))
import datasets

AS_OF = dt.date(2026, 11, 27)


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


def first_table(laid_out: Group | Table) -> Table:
    """The table `status_table` laid out (the first of its tables when a long id split it)."""
    table = laid_out.renderables[0] if isinstance(laid_out, Group) else laid_out
    assert isinstance(table, Table)
    return table


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_status_table_fits_and_keeps_ids_whole(name: str, language: str) -> None:
    set_language(language)
    try:
        for facts in (False, True):
            assessments = assessments_of(FILES[name], facts)
            for width in (30, 40, 60, 80, 100, 120, 150, 220):
                for color in (False, True):
                    out = printed(status_view.status_table, assessments, width, False, color)
                    lines = re.sub(r"\x1b\[[0-9;]*m", "", out).splitlines()  # colours take no cells
                    assert all(cell_len(line) <= width for line in lines), (name, width)
                    if width >= 80:  # the design size (below, Rich squeezes the columns as it can)
                        words = {word for line in lines for word in line.split()}
                        assert all(a.goal.id in words for a in assessments), (name, language, facts, width)
    finally:
        set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_secondary_columns_come_in_their_order_of_value(language: str) -> None:
    """The secondary columns shown are a prefix of SECONDARY (Left first), and the first one left out
    would have squeezed the goal column below its longest id (or GOAL_MIN): it was left out for the ids."""
    set_language(language)
    try:
        assessments = assessments_of(FILES["bundled"], False)
        secondary = [tr(column.header) for column in status_view.SECONDARY]  # as the table shows them
        wide = Console(file=io.StringIO(), width=80, no_color=True, _environ={})
        every = first_table(status_view.status_table(assessments, wide, wide=True)).columns
        widths = {str(column.header): column.width for column in every}
        longest = max(cell_len(a.goal.id) for a in assessments)
        goal_min = max(status_view.GOAL_MIN, min(longest, status_view.ID_CAP), cell_len(tr("Goal")))
        left_out = 0
        for width in range(80, 260, 7):
            console = Console(file=io.StringIO(), width=width, no_color=True, _environ={})
            table = first_table(status_view.status_table(assessments, console))
            shown = [str(column.header) for column in table.columns]
            taken = [header for header in secondary if header in shown]
            assert taken == secondary[: len(taken)], (width, taken)  # a prefix: Left first
            if len(taken) < len(secondary):
                others = table.columns[1:]
                assert all(column.width is not None for column in table.columns)
                room = width - sum(column.width or 0 for column in others) - 2 * len(others)
                assert room - 2 - (widths[secondary[len(taken)]] or 0) < goal_min, (width, taken)
                left_out += 1
        assert 0 < left_out < len(range(80, 260, 7)), left_out  # both cases come up
    finally:
        set_language("en")


def test_names_are_cut_with_an_ellipsis_and_never_lose_a_line() -> None:
    assert status_view.fitted_name("GDP (gross regional product)", 40) == ["GDP (gross regional product)"]
    assert status_view.fitted_name("GDP (gross regional product)", 12) == ["GDP (gross", "regional pr…"]
    assert status_view.fitted_name("高新技术产业产值占规模以上工业总产值比重", 10) == ["高新技术产", "业产值占…"]
    for width in range(2, 30):
        for line in status_view.fitted_name("“Four new” economy value added: yearly rise of its share of GDP", width):
            assert cell_len(line) <= width


def test_wide_shows_every_column() -> None:
    assessments = assessments_of(FILES["bundled"], False)
    console = Console(file=io.StringIO(), width=80, no_color=True, _environ={})
    table = first_table(status_view.status_table(assessments, console, wide=True))
    assert [column.header for column in table.columns] == [
        column.header for column in status_view._ordered(status_view.PRIMARY + status_view.SECONDARY)
    ]


def test_sparkline_scales_the_recent_figures() -> None:
    assert status_view.sparkline([1, 2, 3]) == "▁▅█"
    assert status_view.sparkline([5, 5]) == "▄▄"
    assert status_view.sparkline([1]) == ""
    assert len(status_view.sparkline(list(range(20)))) == status_view.SPARK_POINTS


def test_the_widths_chosen_differ_across_these_cases() -> None:
    """The widths a status table is drawn at matter: at these the bundled goals get different columns."""
    assessments = assessments_of(FILES["bundled"], False)
    headers = set()
    for width in (60, 100, 170, 220):  # the bundled status column is wide: it says what an average needs
        console = Console(file=io.StringIO(), width=width, no_color=True, _environ={})
        table = first_table(status_view.status_table(assessments, console))
        headers.add(tuple(str(column.header) for column in table.columns))
    assert len(headers) >= 3
