"""The plain layout is Rich's layout: the same bytes as a Rich table or paragraph on a plain console."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zibo_cli.render.console import plain_console
from zibo_cli.render.plain_layout import PlainColumn, PlainTable, Unsupported, joined, paragraph

PIECES = [
    *"ab xyz-.,:019",
    "  ",
    "\n",
    "淄博",
    "亿元",
    "—",
    "≥",
    "█▊░",
    "é",
    "\u3000",
    "gdp-growth",
    "by 2026",
    "\u2028",
    "e\u0301",
    "\u200b",
    "👍🏽",
    "\ufe0f",
]
texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)
columns = st.builds(PlainColumn, header=texts, justify=st.sampled_from(["left", "right"]), no_wrap=st.booleans())


def rich_table(table_columns: list[PlainColumn], rows: list[list[str]], width: int) -> str:
    from rich import box
    from rich.table import Table

    console = plain_console(width)
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, expand=False)
    for column in table_columns:
        table.add_column(column.header, justify=column.justify, no_wrap=column.no_wrap, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


def rich_paragraph(text: str, width: int) -> str:
    from rich.text import Text

    console = plain_console(width)
    console.print(Text(text))
    return console.file.getvalue()  # type: ignore[attr-defined]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[PlainColumn], list[list[str]], int]:
    chosen = draw(st.lists(columns, min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(texts, min_size=len(chosen), max_size=len(chosen)), max_size=5))
    width = draw(st.integers(min_value=8, max_value=130))
    return chosen, rows, width


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_a_table_is_laid_out_as_rich_lays_it_out(table: tuple[list[PlainColumn], list[list[str]], int]) -> None:
    chosen, rows, width = table
    try:
        ours = joined(PlainTable.of(chosen, rows).lines(width))
    except Unsupported:
        assume(False)
    assert ours == rich_table(chosen, rows, width)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=1, max_value=100))
def test_a_paragraph_is_wrapped_as_rich_wraps_it(text: str, width: int) -> None:
    assert joined(paragraph(text, width)) == rich_paragraph(text, width)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_the_natural_width_is_richs(table: tuple[list[PlainColumn], list[list[str]], int]) -> None:
    from rich import box
    from rich.measure import Measurement
    from rich.table import Table

    chosen, rows, _ = table
    console = plain_console(10_000)
    rich = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, expand=False)
    for column in chosen:
        rich.add_column(column.header, justify=column.justify, no_wrap=column.no_wrap, overflow="fold")
    for row in rows:
        rich.add_row(*row)
    expected = Measurement.get(console, console.options.update_width(10_000), rich).maximum
    assert PlainTable.of(chosen, rows).natural_width() == expected


@pytest.mark.parametrize("text", ["tab\there", "bell\x07", "escape\x1b[31m", "\u200d\u200d🇨🇳.aé"])
def test_control_characters_are_left_to_rich(text: str) -> None:
    with pytest.raises(Unsupported):
        PlainTable.of([PlainColumn("h")], [[text]])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" abc-.", max_size=60), st.integers(min_value=1, max_value=20))
def test_ascii_lines_are_divided_as_rich_divides_them(text: str, width: int) -> None:
    from rich._wrap import divide_line as rich_divide_line

    from zibo_cli.render.plain_layout import _divide_ascii, _divide_cells

    assert _divide_ascii(text, width) == _divide_cells(text, width) == rich_divide_line(text, width)
