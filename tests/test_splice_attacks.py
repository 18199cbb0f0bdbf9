"""Attacks on the cache's incremental paths (store/spliced.py, store/grown.py, the results memo): each
compares what the cache gives with what a full parse gives, after edits chosen to break a chunk's
assumptions (spellings of headers, line ends, duplicated bytes, files without a final line break,
appends and `zibo add` mixed with edits)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import SAMPLE, run
from zibo_cli.core import progress
from zibo_cli.errors import ZiboError
from zibo_cli.store import read as read_module
from zibo_cli.store import spliced
from zibo_cli.store.cache import Cache
from zibo_cli.store.locate import Location
from zibo_cli.store.read import load
from zibo_cli.store.results import load_assessed

TODAY = dt.date(2026, 11, 27)
AS_OF = dt.date(2026, 6, 30)
TABLE = '[[observations]]\ngoal = "{goal}"\ndate = {date}\nvalue = {value}\n\n'


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few tables, so that the small test files have many."""
    monkeypatch.setattr(spliced, "CHUNK_BYTES", 300)


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many full parses loading did (not counting these tests' own, through `analyse`)."""
    calls: list[int] = []
    real = read_module._analysed

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(read_module, "_analysed", counting)
    monkeypatch.setattr(read_module, "analyse", lambda *args, **kwargs: real(*args, **kwargs)[:3])  # type: ignore[arg-type]
    return calls


def outcome(path: Path, cache: Cache | None) -> object:
    """The goals file, or the error's text: what a command would see."""
    try:
        return load(Location(path, "--file"), TODAY, cache).goals_file
    except ZiboError as error:
        return str(error)


def full_parse(path: Path) -> object:
    _, goals_file, problems = read_module.analyse(path.read_bytes(), TODAY)
    return problems or goals_file


def figures(goals: list[str], count: int, year: int = 2010, value: int = 1000) -> str:
    return "".join(
        TABLE.format(goal=goals[n % len(goals)], date=f"{year + n // 12}-{n % 12 + 1:02d}-01", value=value + n)
        for n in range(count)
    )


def tables(text: str) -> list[int]:
    """Where each literal `[[observations]]` table starts."""
    return [match.start() for match in re.finditer(r"^\[\[observations\]\]", text, re.MULTILINE)]


def change_value(text: str, number: int, value: str) -> str:
    start = text.index("value = ", tables(text)[number])
    end = text.index("\n", start)
    return text[:start] + f"value = {value}" + text[end:]


def assessments_agree(path: Path, cache: Cache) -> None:
    """`status`'s assessments through the cache and memo are those of a full parse, `latest.line` included."""
    got = load_assessed(Location(path, "--file"), TODAY, AS_OF, cache).result
    full = full_parse(path)
    assert not isinstance(full, list), full
    expected = progress.assess_file(full, AS_OF)
    assert [repr(dataclasses.replace(a, observations=())) for a in got] == [
        repr(dataclasses.replace(a, observations=())) for a in expected
    ]


# -- a header the line index did not resolve --------------------------------------------------------


@pytest.mark.parametrize("where", ["edited", "appended"])
def test_a_header_spelled_with_an_escape(tmp_path: Path, cache: Cache, where: str) -> None:
    """`[["observ\\u0061tions"]]` is an `[[observations]]` table to TOML; the line index must count it as
    one too, or every figure after it is placed one table off (a splice put figures in the wrong order)."""
    path = tmp_path / "goals.toml"
    escaped = '[["observ\\u0061tions"]]\ngoal = "gdp"\ndate = 2001-01-01\nvalue = 1\n\n'
    path.write_text(SAMPLE.read_text(encoding="utf-8") + "\n" + escaped + figures(["gdp", "robots"], 40))
    assert outcome(path, cache) == full_parse(path)
    text = path.read_text(encoding="utf-8")
    if where == "edited":
        path.write_text(change_value(text, 36, "1030.5"), encoding="utf-8")
    else:
        path.write_text(text + TABLE.format(goal="gdp", date="2026-01-01", value=9), encoding="utf-8")
    assert outcome(path, cache) == full_parse(path)
    full = full_parse(path)
    assert not isinstance(full, list)
    assert all(observation.line is not None for observation in full.observations)


# -- the results memo after an entry lost its chunks ------------------------------------------------


def test_a_figure_added_where_no_chunk_could_take_it_keeps_its_line_in_the_memo(tmp_path: Path) -> None:
    """`zibo add` to a file that does not end with a line break stores the figure outside any chunk,
    while the entry keeps the chunks' starts for its other figures. The memo stores each goal's latest
    line by the chunk that starts last on or before it; once the file is parsed again with new chunks
    (here after an empty `[goals]` table and more figures were appended), a goal whose blob is the same
    must get its latest line back as the full parse gives it."""
    path = tmp_path / "goals.toml"
    path.write_text((SAMPLE.read_text(encoding="utf-8") + "\n" + figures(["gdp"], 40)).rstrip("\n"), encoding="utf-8")
    xdg = tmp_path / "xdg"
    env = {"ZIBO_FILE": str(path), "XDG_CACHE_HOME": str(xdg), "ZIBO_NO_CACHE": ""}
    cache = Cache(xdg / "zibo")
    assessments_agree(path, cache)
    added = run("add", "robots", "5", "--date", "2026-03-01", env=env)  # robots had no figure yet
    assert added.exit_code == 0, added.stderr
    assessments_agree(path, cache)  # remembered for these bytes
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n[goals]\n\n" + figures(["gdp"], 80, year=2005, value=1))
    assert outcome(path, cache) == full_parse(path)  # the new entry; the memo is still the one before
    assessments_agree(path, cache)
