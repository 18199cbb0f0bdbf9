"""A file edited before its end since it was cached (a figure corrected by hand, a table inserted or
deleted) is read from the cache entry and the changed bytes alone, and gives exactly what a full parse
gives; anything else is parsed in full."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUNDLED, SAMPLE, run
from loading import TABLE, TODAY, change_value, count_goals_assessed, full_parse, outcome, tables
from zibo_cli.core import progress
from zibo_cli.errors import ZiboError
from zibo_cli.store.cache import Cache
from zibo_cli.store.locate import Location
from zibo_cli.store.results import load_assessed

pytestmark = pytest.mark.usefixtures("small_chunks")


def with_many_figures(path: Path) -> Path:
    """The sample file and 60 more figures of its goals, in date order as a real log is."""
    goals = ["gdp", "gdp", "robots"]
    tables = [
        TABLE.format(goal=goals[n % 3], date=f"{2010 + n // 12}-{n % 12 + 1:02d}-01", value=1000 + n) for n in range(60)
    ]
    path.write_text(SAMPLE.read_text(encoding="utf-8") + "\n" + "".join(tables), encoding="utf-8")
    return path


def entry_chunks(cache: Cache, path: Path) -> object:
    entry = cache.open(os.path.realpath(path), path.stat(), TODAY)
    assert entry is not None
    entry.close()
    return entry.chunks


def change_date(text: str, number: int, day: str) -> str:
    start = text.index("date = ", tables(text)[number]) + len("date = ")
    return text[:start] + day + text[start + len(day) :]


def delete_table(text: str, number: int) -> str:
    starts = [*tables(text), len(text)]
    return text[: starts[number]] + text[starts[number + 1] :]


def insert_table(text: str, number: int, table: str) -> str:
    start = tables(text)[number]
    return text[:start] + table + text[start:]


EDITS = {
    "a value corrected": lambda text: change_value(text, 30, "1234.5"),
    "a value corrected in the first table": lambda text: change_value(text, 0, "7"),
    "a value rewritten the same": lambda text: change_value(text, 30, "1030"),
    "a longer value": lambda text: change_value(text, 30, "1030.000001"),
    "a table deleted": lambda text: delete_table(text, 25),
    "the last table deleted": lambda text: delete_table(text, len(tables(text)) - 1),
    "a table inserted": lambda text: insert_table(text, 40, TABLE.format(goal="gdp", date="2001-01-01", value=5)),
    "a comment inserted": lambda text: insert_table(text, 40, "# checked against the yearbook\n"),
    "two edits far apart": lambda text: change_value(change_value(text, 5, "1"), 50, "2"),
    "an edit and an append": lambda text: (
        change_value(text, 20, "3") + TABLE.format(goal="gdp", date="2026-01-01", value=9)
    ),
    "the end cut off": lambda text: text[: tables(text)[45]],
    "a value corrected, with Windows line ends": lambda text: change_value(text, 30, "8").replace("\n", "\r\n"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_before_the_end_is_spliced(tmp_path: Path, cache: Cache, counted: list[int], edit: str) -> None:
    path = with_many_figures(tmp_path / "goals.toml")
    outcome(path, cache)
    assert entry_chunks(cache, path) is not None
    before = path.read_text(encoding="utf-8")
    path.write_bytes(EDITS[edit](before).encode("utf-8"))
    assert outcome(path, cache) == full_parse(path)
    expected = 2 if edit.endswith("line ends") else 1  # every line changed: not one chunk is the same
    assert len(counted) == expected, "parsed in full"
    assert outcome(path, cache) == full_parse(path)  # and the entry written for it is right
    assert len(counted) == expected


# Edits that must be parsed in full: a goal changed, a table of another kind among the figures, a
# problem in the edited table (the full parse words it), a multi-line string, an unusual line break.
NOT_SPLICED = {
    "a goal renamed": lambda text: text.replace('name = "', 'name = "Renamed ', 1),
    "a goal among the figures": lambda text: insert_table(text, 40, '[goals.extra]\nname = "Extra"\nunit = "%"\n\n'),
    "an unknown goal": lambda text: insert_table(text, 40, TABLE.format(goal="nope", date="2001-01-01", value=5)),
    "a figure in the future": lambda text: change_date(text, 30, "2030-01-01"),
    "a broken value": lambda text: change_value(text, 30, "many"),
    "a header removed": lambda text: text[: tables(text)[30]] + text[tables(text)[30] + len("[[observations]]\n") :],
    "a multi-line note": lambda text: change_value(text, 30, '1\nnote = """two\nlines"""'),
    "a line separator": lambda text: change_value(text, 30, '1\nnote = "a\u2028b"'),
    "a control character in a comment": lambda text: insert_table(text, 40, "# bad \x01\n"),
    "a key before the header": lambda text: text[: tables(text)[30]] + "x = 1\n" + text[tables(text)[30] :],
}


@pytest.mark.parametrize("edit", list(NOT_SPLICED))
def test_other_edits_are_parsed_in_full(tmp_path: Path, cache: Cache, counted: list[int], edit: str) -> None:
    path = with_many_figures(tmp_path / "goals.toml")
    outcome(path, cache)
    edited = NOT_SPLICED[edit](path.read_text(encoding="utf-8"))
    assert edited != path.read_text(encoding="utf-8")
    path.write_bytes(edited.encode("utf-8"))
    assert outcome(path, cache) == outcome(path, None)
    assert len(counted) == 3  # the warm-up, then a full parse with the cache and one without


def test_files_with_multi_line_strings_keep_no_chunks(tmp_path: Path, cache: Cache) -> None:
    path = with_many_figures(tmp_path / "goals.toml")
    path.write_text(path.read_text(encoding="utf-8").replace("value = 1030\n", 'value = 1030\nnote = """a\nb"""\n'))
    outcome(path, cache)
    assert entry_chunks(cache, path) is None


def test_chunks_cover_only_the_figures_after_every_other_table(tmp_path: Path, cache: Cache) -> None:
    path = with_many_figures(tmp_path / "goals.toml")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + '\n[goals.late]\nname = "Late"\nunit = "%"\n\n' + TABLE.format(goal="late", date="2020-01-01", value=1)
    )
    outcome(path, cache)
    chunks = entry_chunks(cache, path)
    assert chunks is not None
    head_length, _, table = chunks  # type: ignore[misc]
    assert head_length > len(text.encode())  # nothing before the late goal is in a chunk
    assert len(table) == 1


def test_appends_keep_the_chunks(tmp_path: Path, counted: list[int]) -> None:
    path = with_many_figures(tmp_path / "goals.toml")
    cache = Cache(tmp_path / "xdg" / "zibo")  # the one `zibo add` uses with this XDG_CACHE_HOME
    outcome(path, cache)
    with open(path, "a", encoding="utf-8") as handle:  # by hand
        handle.write(TABLE.format(goal="gdp", date="2026-02-01", value=1))
    outcome(path, cache)
    env = {"ZIBO_FILE": str(path), "XDG_CACHE_HOME": str(tmp_path / "xdg"), "ZIBO_NO_CACHE": ""}
    added = run("add", "gdp", "6900", "--date", "2026-03-01", env=env)  # by `zibo add`
    assert added.exit_code == 0, added.stderr
    path.write_text(change_value(path.read_text(encoding="utf-8"), 10, "42"), encoding="utf-8")
    assert outcome(path, cache) == full_parse(path)
    assert len(counted) == 1


@pytest.mark.parametrize("source", [SAMPLE, BUNDLED], ids=["sample", "bundled"])
def test_real_files_are_spliced(tmp_path: Path, cache: Cache, counted: list[int], source: Path) -> None:
    path = tmp_path / "goals.toml"
    shutil.copyfile(source, path)
    outcome(path, cache)
    text = path.read_text(encoding="utf-8")
    path.write_text(delete_table(text, len(tables(text)) // 2), encoding="utf-8")
    assert outcome(path, cache) == full_parse(path)
    assert len(counted) == 1


def test_only_the_goal_whose_figure_changed_is_assessed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = with_many_figures(tmp_path / "goals.toml")
    env = {"ZIBO_FILE": str(path), "XDG_CACHE_HOME": str(tmp_path / "xdg"), "ZIBO_NO_CACHE": ""}
    before = run("status", "--json", env=env)
    assert before.exit_code == 0, before.stderr
    assessed = count_goals_assessed(monkeypatch)
    text = path.read_text(encoding="utf-8")
    number = len(tables(text)) - 20
    goal = re.search(r'goal = "([^"]+)"', text[tables(text)[number] :]).group(1)  # type: ignore[union-attr]
    path.write_text(change_value(text, number, "99999"), encoding="utf-8")
    after = run("status", "--json", env=env)
    assert assessed == [goal]
    assert after.stdout != before.stdout
    assert after.stdout == run("status", "--json", env={**env, "ZIBO_NO_CACHE": "1"}).stdout


KINDS = st.sampled_from(["value", "delete", "insert", "comment", "append", "cut"])
EDIT_LISTS = st.lists(st.tuples(KINDS, st.integers(0, 10_000), st.integers(-5, 5000)), min_size=1, max_size=6)


def apply_edit(path: Path, kind: str, where: int, value: int, goal: str = "gdp") -> None:
    text = path.read_text(encoding="utf-8")
    count = len(tables(text))
    number = where % count if count else 0
    if kind == "value" and count:
        text = change_value(text, number, str(value))
    elif kind == "delete" and count > 1:
        text = delete_table(text, number)
    elif kind == "insert" and count:
        text = insert_table(text, number, TABLE.format(goal=goal, date="2002-03-04", value=value))
    elif kind == "comment" and count:
        text = insert_table(text, number, f"# {value}\n")
    elif kind == "cut" and count > 1:
        text = text[: tables(text)[max(1, number)]]
    else:
        text += TABLE.format(goal="robots", date="2026-01-01", value=value)
    path.write_text(text, encoding="utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDIT_LISTS)
def test_edits_in_any_order_give_what_a_full_parse_gives(tmp_path: Path, edits: list[tuple[str, int, int]]) -> None:
    path = with_many_figures(tmp_path / f"goals-{os.urandom(4).hex()}.toml")
    cache = Cache(tmp_path / f"cache-{os.urandom(4).hex()}")
    outcome(path, cache)
    for edit in edits:
        apply_edit(path, *edit)
        assert outcome(path, cache) == outcome(path, None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDIT_LISTS)
def test_assessments_after_edits_are_those_of_a_full_parse(tmp_path: Path, edits: list[tuple[str, int, int]]) -> None:
    """Remembered ones included: a goal whose figures only moved keeps its assessment, lines moved."""
    path = with_many_figures(tmp_path / f"goals-{os.urandom(4).hex()}.toml")
    cache = Cache(tmp_path / f"cache-{os.urandom(4).hex()}")
    location = Location(path, "--file")
    as_of = dt.date(2026, 6, 30)
    load_assessed(location, TODAY, as_of, cache)
    for edit in edits:
        apply_edit(path, *edit)
        try:
            full = full_parse(path)
            expected = progress.assess_file(full, as_of) if not isinstance(full, list) else None
            got = load_assessed(location, TODAY, as_of, cache).result
        except ZiboError:
            continue  # an invalid file: the tests above compare the errors
        assert expected is not None
        assert [repr(dataclasses.replace(a, observations=())) for a in got] == [
            repr(dataclasses.replace(a, observations=())) for a in expected
        ]


def many_goals(path: Path, goals: int = 20, figures: int = 200) -> Path:
    """A log of many goals' figures in date order, as the province-wide file of the benchmark is."""
    lines = ["schema = 1", ""]
    for number in range(goals):
        target = "{ value = 500, by = 2027-12-31 }"
        lines += [f"[goals.g{number}]", f'name = "Goal {number}"', 'unit = "%"', f"target = {target}", ""]
    tables = [
        TABLE.format(goal=f"g{n % goals}", date=f"{2010 + n // 24}-{n // 2 % 12 + 1:02d}-01", value=100 + n)
        for n in range(figures)
    ]
    path.write_text("\n".join(lines) + "\n" + "".join(tables), encoding="utf-8")
    return path


@pytest.mark.parametrize("edit", ["insert", "delete", "comment"])
def test_goals_whose_figures_only_moved_are_not_assessed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    path = many_goals(tmp_path / "goals.toml")
    env = {"ZIBO_FILE": str(path), "XDG_CACHE_HOME": str(tmp_path / "xdg"), "ZIBO_NO_CACHE": ""}
    assert run("status", "--json", env=env).exit_code == 0
    assessed = count_goals_assessed(monkeypatch)
    apply_edit(path, edit, 41, 7, goal="g3")  # near the start: every later line and position moves
    after = run("status", "--json", env=env)
    assert after.exit_code == 0, after.stderr
    assert 0 < len(assessed) <= 6, assessed  # only those with a figure in the edited chunk (~4 tables)
    assert after.stdout == run("status", "--json", env={**env, "ZIBO_NO_CACHE": "1"}).stdout
