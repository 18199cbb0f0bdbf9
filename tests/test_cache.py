"""The parse cache (store/cache.py): used when it may be, never when it could be stale, never a failure."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED, SAMPLE, cache_files, fresh, run
from zibo_cli.store.load import load
from zibo_cli.store.locate import Cache, Location, cache_dir, cache_for
from zibo_cli.store.read import FileProblems

TODAY = dt.date(2026, 11, 27)
CACHE_ON = {"ZIBO_NO_CACHE": ""}


@pytest.fixture
def cache(world: Path) -> Cache:
    found = cache_for(
        {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], "HOME": os.environ["HOME"], "ZIBO_CACHE_MIN_BYTES": "0"}
    )
    assert found is not None
    return found


def served(location: Location, cache: Cache, counted: list[int], today: dt.date = TODAY) -> tuple[object, bool]:
    """The file as loaded, and whether it came from the cache (no full parse was done)."""
    parses = len(counted)
    loaded = load(location, today, cache)
    return loaded.goals_file, len(counted) == parses


def test_second_load_comes_from_the_cache_and_equals_a_parse(sample: Path, cache: Cache, counted: list[int]) -> None:
    location = Location(sample, "--file")
    first, cached = served(location, cache, counted)
    assert not cached
    second, cached = served(location, cache, counted)
    assert cached
    assert second == first == fresh(sample)


def test_cache_lives_in_the_xdg_cache_folder_only(sample: Path, cache: Cache) -> None:
    before = sorted(os.listdir(sample.parent))
    load(Location(sample, "--file"), TODAY, cache)
    assert sorted(os.listdir(sample.parent)) == before
    [entry] = cache_files()
    assert entry.parent == Path(os.environ["XDG_CACHE_HOME"]) / "zibo"
    assert entry.parent.stat().st_mode & 0o777 == 0o700
    assert entry.stat().st_mode & 0o077 == 0


def test_cache_dir_falls_back_to_home() -> None:
    assert cache_dir({"HOME": "/home/someone"}) == Path("/home/someone/.cache/zibo")
    assert cache_dir({"HOME": "/h", "XDG_CACHE_HOME": "relative"}) == Path("/h/.cache/zibo")
    assert cache_for({"ZIBO_NO_CACHE": "1"}) is None
    assert cache_for({"ZIBO_NO_CACHE": "0", "HOME": "/h"}) is not None


def test_edit_keeping_size_and_mtime_is_not_served_stale(sample: Path, cache: Cache, counted: list[int]) -> None:
    location = Location(sample, "--file")
    load(location, TODAY, cache)
    info = sample.stat()
    text = sample.read_text(encoding="utf-8")
    assert "value = 4000," in text
    edited = text.replace("value = 4000,", "value = 4100,", 1)
    assert len(edited.encode()) == info.st_size
    with open(sample, "r+b") as handle:  # same inode, same size
        handle.write(edited.encode())
    os.utime(sample, ns=(info.st_atime_ns, info.st_mtime_ns))  # same mtime
    assert sample.stat().st_mtime_ns == info.st_mtime_ns
    again, cached = served(location, cache, counted)
    assert not cached
    assert again.goals["gdp"].baseline is not None  # type: ignore[attr-defined]
    assert again.goals["gdp"].baseline.value == 4100  # type: ignore[attr-defined]


def test_replaced_file_is_not_served_stale(sample: Path, cache: Cache, counted: list[int]) -> None:
    location = Location(sample, "--file")
    load(location, TODAY, cache)
    replacement = sample.parent / "other.toml"
    shutil.copyfile(BUNDLED, replacement)
    os.replace(replacement, sample)
    again, cached = served(location, cache, counted)
    assert not cached
    assert again == fresh(sample)
    assert "gdp-growth" in again.goals  # type: ignore[attr-defined]


def test_corrupt_or_foreign_cache_files_are_ignored(sample: Path, cache: Cache, counted: list[int]) -> None:
    location = Location(sample, "--file")
    load(location, TODAY, cache)
    [entry] = cache_files()
    good = entry.read_bytes()
    flipped = [good[:at] + bytes([good[at] ^ 1]) + good[at + 1 :] for at in range(100, len(good), 997)]
    for damaged in (b"", b"garbage", b"SQLite format 3\x00garbage", good[:-10], good[: len(good) // 2], *flipped):
        entry.write_bytes(damaged)
        result, _ = served(location, cache, counted)
        assert result == fresh(sample)
    # Rewritten by a load: valid again, but not if others could have written it.
    entry.write_bytes(b"garbage")
    load(location, TODAY, cache)
    assert served(location, cache, counted)[1]
    entry.chmod(0o666)
    assert not served(location, cache, counted)[1]


def test_an_entry_with_figures_after_today_is_not_used(sample: Path, cache: Cache, counted: list[int]) -> None:
    location = Location(sample, "--file")
    load(location, TODAY, cache)
    assert served(location, cache, counted)[1]
    latest = max(o.date for o in fresh(sample).observations)  # type: ignore[attr-defined]
    with pytest.raises(FileProblems, match="in the future"):  # validated again, not served from the cache
        load(location, latest - dt.timedelta(days=1), cache)


def test_unwritable_cache_never_fails_a_command(sample: Path, world: Path) -> None:
    blocker = Path(os.environ["XDG_CACHE_HOME"])
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    result = run("status", "--as-of", "2025-06-30", env=CACHE_ON)
    assert result.exit_code == 0, result.stderr
    assert "GDP" in result.stdout


def test_commands_give_the_same_output_with_and_without_the_cache(sample: Path) -> None:
    for args in (["status", "--as-of", "2025-06-30"], ["show", "gdp", "--as-of", "2025-06-30"], ["goals"]):
        plain = run(*args)
        cold = run(*args, env=CACHE_ON)
        warm = run(*args, env=CACHE_ON)
        assert plain.exit_code == cold.exit_code == warm.exit_code == 0
        assert plain.stdout == cold.stdout == warm.stdout
    assert cache_files()


def test_add_extends_the_cache_exactly_as_a_full_parse_would(sample: Path, cache: Cache, counted: list[int]) -> None:
    location = Location(sample, "--file")
    for number, value in enumerate(("4500", "4600亿元", "4700"), start=1):
        result = run("add", "gdp", value, "--date", f"2025-0{number}", "--note", "多行\u2028说明", env=CACHE_ON)
        assert result.exit_code == 0, result.stderr
        loaded, cached = served(location, cache, counted)
        assert cached, "the add should have left a valid cache entry"
        assert loaded == fresh(sample)
        assert loaded.observations[-1].value == float(value.removesuffix("亿元"))  # type: ignore[attr-defined]
    stale = run("status", "--as-of", "2025-06-30", env=CACHE_ON)
    assert stale.stdout == run("status", "--as-of", "2025-06-30").stdout


def test_append_line_numbers_match_a_full_parse_on_crlf_files(world: Path, cache: Cache) -> None:
    path = world / "goals.toml"
    path.write_bytes(SAMPLE.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n"))  # no final newline
    result = run("add", "gdp", "4800", "--date", "2025-05", env=CACHE_ON)
    assert result.exit_code == 0, result.stderr
    assert b"\r\n[[observations]]\r\n" in path.read_bytes()
    loaded = load(Location(path, "--file"), TODAY, cache)
    assert loaded.goals_file == fresh(path)


def test_appending_after_a_static_observations_array_is_refused(world: Path) -> None:
    path = world / "goals.toml"
    path.write_text(
        'schema = 1\nobservations = [{ goal = "g", date = 2024-12-31, value = 1 }]\n\n'
        '[goals.g]\nname = "G"\nunit = "个"\n',
        encoding="utf-8",
    )
    before = path.read_bytes()
    for env in (CACHE_ON, {}):
        result = run("add", "g", "2", "--date", "2025", env=env)
        assert result.exit_code == 2
        assert "inline" in result.stderr
        assert path.read_bytes() == before


def test_hand_edit_after_add_is_seen(sample: Path) -> None:
    assert run("add", "gdp", "4500", "--date", "2025-03", env=CACHE_ON).exit_code == 0
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace("value = 4500", "value = 4999"), encoding="utf-8")
    shown = run("show", "gdp", "--as-of", "2025-06-30", "--json", env=CACHE_ON)
    assert '"value": 4999' in shown.stdout


def test_a_small_file_is_not_cached_by_default(sample: Path) -> None:
    """Below SMALLEST_CACHED bytes parsing is as quick as opening a database: no database is made."""
    from zibo_cli.store.locate import SMALLEST_CACHED

    assert sample.stat().st_size < SMALLEST_CACHED
    result = run("status", env={"ZIBO_NO_CACHE": "", "ZIBO_CACHE_MIN_BYTES": ""})
    assert result.exit_code == 0, result.stderr
    assert not cache_files()
    assert cache_for({"HOME": "/h", "ZIBO_CACHE_MIN_BYTES": "12"}).smallest == 12  # type: ignore[union-attr]


PUBLISHED_LATER = """schema = 1

[goals.g]
name = "G"
unit = "x"

[[observations]]
goal = "g"
date = 2026-01-01
value = 1
published = 2026-06-01
"""


def test_an_entry_is_not_used_before_a_figure_was_published(world: Path, cache: Cache) -> None:
    """Validation refuses a `published` day after today: an entry made later is no good earlier."""
    path = world / "goals.toml"
    path.write_text(PUBLISHED_LATER, encoding="utf-8")
    location = Location(path, "--file")
    load(location, TODAY, cache)
    with pytest.raises(FileProblems, match="in the future"):
        load(location, dt.date(2026, 3, 1), cache)


@pytest.mark.parametrize(
    ("key", "value"), [("count", 0), ("count", "x"), ("latest", "z"), ("latest", 0), ("size", None)]
)
def test_a_damaged_meta_value_is_never_believed(sample: Path, cache: Cache, key: str, value: object) -> None:
    import sqlite3

    location = Location(sample, "--file")
    load(location, TODAY, cache)
    [database] = cache_files()
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    assert load(location, TODAY, cache).goals_file == fresh(sample)
    if key == "latest":  # a day before the file's latest figure: refused, whatever the entry says
        latest = max(o.date for o in fresh(sample).observations)  # type: ignore[attr-defined]
        with pytest.raises(FileProblems, match="in the future"):
            load(location, latest - dt.timedelta(days=1), cache)


@pytest.mark.parametrize("kind", ["shared", "symlink"])
def test_a_cache_folder_that_is_not_private_is_left_untouched(
    sample: Path, cache: Cache, world: Path, kind: str
) -> None:
    """Leftovers are removed only from the cache's own private folder: never a user's files elsewhere."""
    folder = cache.folder
    if kind == "shared":
        folder.mkdir(parents=True)
        folder.chmod(0o755)
        keep = folder / "notes.txt"
    else:
        elsewhere = world / "thesis"
        elsewhere.mkdir(mode=0o700)
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.symlink_to(elsewhere)
        keep = elsewhere / "thesis.txt"
    keep.write_text("mine", encoding="utf-8")
    assert load(Location(sample, "--file"), TODAY, cache).goals_file == fresh(sample)
    assert keep.read_text(encoding="utf-8") == "mine"
    assert sorted(os.listdir(keep.parent)) == ["notes.txt" if kind == "shared" else "thesis.txt"]
