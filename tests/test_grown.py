"""A file that only grew since it was cached (figures appended by hand, a `git pull`) is read from the
cache entry and the appended tables alone, and gives exactly what a full parse gives; anything else
is parsed in full."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUNDLED, SAMPLE, run
from loading import TODAY, full_parse, outcome
from zibo_cli.store.load import load_head
from zibo_cli.store.locate import Cache, Location

TABLE = '\n[[observations]]\ngoal = "{goal}"\ndate = {date}\nvalue = {value}\n'
# Appended texts that must be parsed in full: an edit of the last table, a new goal, a static array,
# a key before any header, a header of another kind, a problem in the new table, not UTF-8.
NOT_ONLY_TABLES: list[str | bytes] = [
    "value = 3\n",
    '\n[goals.new]\nname = "New"\nunit = "%"\n',
    '\nobservations = [{ goal = "gdp", date = 2025-01-01, value = 1 }]\n',
    '\n[["observations"]]\ngoal = "gdp"\ndate = 2025-01-01\nvalue = 1\n',
    '\n[[observations]]\ngoal = "no-such-goal"\ndate = 2025-01-01\nvalue = 1\n',
    '\n[[observations]]\ngoal = "gdp"\ndate = 2030-01-01\nvalue = 1\n',
    '\n[[observations]]\ngoal = "gdp"\ndate = 2025-01-01\nvalue = "many"\n',
    '\n[[observations]]\ngoal = "gdp"\ndate = 2025-01-01\n',
    '\n[[observations]]\ngoal = "gdp"\ndate = 2025-01-01\nvalue = 1\n[[observations]]\n',
    '\n[[observations]]\ngoal = "gdp"\ndate = 2025-01-01\nvalue = 1\nunknown = 2\n',
    b'\n[[observations]]\ngoal = "gdp"\ndate = 2025-01-01\nvalue = 1\nnote = "\xff"\n',
]


def append(path: Path, text: str | bytes) -> None:
    with open(path, "ab") as handle:
        handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))


@pytest.mark.parametrize("source", [SAMPLE, BUNDLED])
def test_tables_appended_by_hand_are_read_without_a_full_parse(
    tmp_path: Path, cache: Cache, counted: list[int], source: Path
) -> None:
    path = tmp_path / "goals.toml"
    shutil.copyfile(source, path)
    goal = next(iter(full_parse(path).goals))  # type: ignore[attr-defined]
    outcome(path, cache)
    assert len(counted) == 1
    append(path, TABLE.format(goal=goal, date="2026-10-31", value="12.5"))
    append(path, "# a comment\n" + TABLE.format(goal=goal, date="2026-11-01", value="-3"))
    got = outcome(path, cache)
    assert len(counted) == 1  # no full parse
    assert got == full_parse(path)
    assert outcome(path, cache) == got  # the entry was extended: a plain hit now
    assert len(counted) == 1


@pytest.mark.parametrize("text", NOT_ONLY_TABLES)
def test_anything_but_new_tables_is_parsed_in_full(
    tmp_path: Path, cache: Cache, counted: list[int], text: str | bytes
) -> None:
    path = tmp_path / "goals.toml"
    shutil.copyfile(SAMPLE, path)
    outcome(path, cache)
    append(path, text)
    assert outcome(path, cache) == outcome(path, None)
    assert len(counted) == 3  # the warm-up, then a full parse with the cache and one without


def test_a_file_without_a_final_line_break_is_parsed_in_full(tmp_path: Path, cache: Cache, counted: list[int]) -> None:
    path = tmp_path / "goals.toml"
    path.write_bytes(SAMPLE.read_bytes().rstrip(b"\n"))
    outcome(path, cache)
    append(path, TABLE.format(goal="gdp", date="2025-01-01", value=1))
    assert outcome(path, cache) == full_parse(path)
    assert len(counted) == 2


def test_add_after_a_hand_append(tmp_path: Path, cache: Cache, counted: list[int]) -> None:
    path = tmp_path / "goals.toml"
    shutil.copyfile(SAMPLE, path)
    outcome(path, cache)
    append(path, TABLE.format(goal="gdp", date="2025-01-01", value=1))
    head = load_head(Location(path, "--file"), TODAY, cache)
    assert head.figures("gdp") == full_parse(path).observations_for("gdp")  # type: ignore[attr-defined]
    head.close()
    assert len(counted) == 1


PIECES = [
    TABLE.format(goal="gdp", date="2025-01-01", value=1),
    TABLE.format(goal="gdp", date="2025-02-01", value="2.5"),
    "# comment\n",
    "\n",
    "\r\n",
    '\n[[observations]]\r\ngoal = "gdp"\r\ndate = 2025-03-01\r\nvalue = 3\r\n',
    '\n[[observations]] # trailing\ngoal = "gdp"\ndate = 2025-04-01\nvalue = 4\nnote = """two\nlines"""\n',
    "value = 5\n",
    '[goals.extra]\nname = "Extra"\nunit = "%"\n',
    "\n[[observations]]\n",
    'note = "x"\n',
    "garbage = \n",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4), min_size=1, max_size=3))
def test_appends_in_any_order_give_what_a_full_parse_gives(tmp_path: Path, rounds: list[list[str]]) -> None:
    path = tmp_path / "goals.toml"
    shutil.copyfile(SAMPLE, path)
    cache = Cache(tmp_path / f"cache-{os.urandom(4).hex()}")
    outcome(path, cache)
    for pieces in rounds:
        append(path, "".join(pieces))
        assert outcome(path, cache) == outcome(path, None)


@pytest.mark.parametrize("command", [["status"], ["report", "--since", "30d"], ["show", "gdp"]])
def test_commands_after_a_hand_append_skip_the_full_parse(sample: Path, counted: list[int], command: list[str]) -> None:
    before = run(*command, env={"ZIBO_NO_CACHE": ""})
    assert len(counted) == 1
    append(sample, TABLE.format(goal="gdp", date="2026-10-31", value="5200"))
    with_cache = run(*command, env={"ZIBO_NO_CACHE": ""})
    assert len(counted) == 1  # read from the entry and the new table alone
    without = run(*command, env={"ZIBO_NO_CACHE": "1"})
    assert with_cache.exit_code == without.exit_code == 0
    assert with_cache.stdout == without.stdout
    assert with_cache.stdout != before.stdout  # the new figure shows
