"""Appended observations are always `[[observations]]` tables, whatever their length or value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conftest import run
from zibo_cli.store.append import render_observations
from zibo_cli.store.read import analyse

HEADER = """schema = 1
[goals.a]
name = "A"
unit = "家"

[[observations]]
goal = "a"
date = 2020-12-31
value = 1

"""


def test_a_short_figure_can_be_added(sample: Path) -> None:
    """tomli-w writes a short array of tables inline; appended after [[observations]] that is invalid."""
    result = run("add", "robots", "97", "--date", "2025-06-30")
    assert result.exit_code == 0, result.stderr
    assert sample.read_text(encoding="utf-8").rstrip().endswith('[[observations]]\ngoal = "robots"\ndate = '
                                                                 "2025-06-30\nvalue = 97\nrecorded = "
                                                                 "2026-11-27T10:00:00+08:00")  # fmt: skip


def test_a_figure_of_zero_keeps_its_value(sample: Path) -> None:
    result = run("add", "share", "0", "--date", "2025-06")
    assert result.exit_code == 0, result.stderr
    assert "value = 0\n" in sample.read_text(encoding="utf-8")


@given(st.integers(-(10**12), 10**12), st.text(max_size=3) | st.none(), st.booleans())
def test_rendered_observations_read_back(value: int, note: str | None, preliminary: bool) -> None:
    table = {"goal": "a", "date": dt.date(2021, 12, 31), "value": value, "note": note, "preliminary": preliminary}
    text = render_observations([table])
    assert text.startswith("[[observations]]\n")
    goals_file, problems = analyse((HEADER + text).encode("utf-8"), None)
    assert problems == []
    assert goals_file is not None
    added = goals_file.observations[-1]
    assert (added.value, added.note, added.preliminary) == (value, note, preliminary)
