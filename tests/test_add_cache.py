"""`zibo add` with a warm cache reads only what it needs, and gives exactly what it gives without one."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, REPO, SAMPLE, cache_files, fresh, run, watch_builds
from zibo_cli.store import atomic
from zibo_cli.store import cache as cache_module
from zibo_cli.store.load import load, load_head
from zibo_cli.store.locate import Cache, Location, cache_for

sys.path.insert(0, str(REPO / "benchmarks"))

TODAY = dt.date(2026, 11, 27)
CACHE_ON = {"ZIBO_NO_CACHE": ""}

# Each add: goal, value, --date, and more options; together they cover a superseded figure, a
# converted value, a note with a line separator, a quote, a source id and a negative figure.
ADDS = [
    ("gdp", "4500", "2025-03", ["--note", "多行\u2028说明"]),
    ("gdp", "5000亿元", "2025-12-31", ["--source", "淄博日报 2026-01-20"]),
    ("gdp", "5001", "2025-12-31", ["--quote", "全年 5001 亿元"]),
    ("robots", "约90", "2025", []),
    ("share", "-2.5", "2025-06-30", ["--note", 'a "quoted" note', "--force"]),
    ("water", "88", "2025-Q2", []),
]


def cache() -> Cache:
    found = cache_for(
        {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], "HOME": os.environ["HOME"], "ZIBO_CACHE_MIN_BYTES": "0"}
    )
    assert found is not None
    return found


def entry_holds(path: Path) -> bool:
    """Whether the cache entry of `path` holds exactly its bytes now (an add keeps it so)."""
    entry = cache_module.open_entry(cache(), os.path.realpath(path))
    if entry is None:
        return False
    with entry:
        return entry.holds(cache_module.file_digest(path.read_bytes()), TODAY)


BUNDLED_IDS = {"robots": "robot-industry", "share": "four-strong-share", "water": "water-quality-index"}


def add_all(path: Path, env: dict[str, str], lang: str = "en", ids: dict[str, str] | None = None) -> list[str]:
    os.chdir(path.parent)  # the confirmation names the file as given: the same name in both folders
    outputs = []
    for goal, value, date, more in ADDS:
        goal_id = (ids or {}).get(goal, goal)
        result = run("--lang", lang, "-f", path.name, "add", goal_id, value, "--date", date, *more, env=env)
        assert result.exit_code == 0, result.stderr
        outputs.append(result.stdout)
    return outputs


def twin_files(world: Path, content: bytes) -> tuple[Path, Path]:
    plain, cached = world / "plain" / "goals.toml", world / "cached" / "goals.toml"
    for path in (plain, cached):
        path.parent.mkdir()
        path.write_bytes(content)
    return plain, cached


def add_in(path: Path, *args: str, env: dict[str, str] | None = None) -> object:
    os.chdir(path.parent)
    return run("-f", path.name, "add", *args, env=env)


@pytest.mark.parametrize(
    "variant",
    ["sample", "crlf, no final newline", "bundled", "zh"],
)
def test_add_with_a_warm_cache_writes_and_says_exactly_what_it_does_without(
    world: Path, variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = BUNDLED.read_bytes() if variant == "bundled" else SAMPLE.read_bytes()
    if variant.startswith("crlf"):
        content = content.replace(b"\n", b"\r\n").rstrip(b"\r\n")
    plain, cached = twin_files(world, content)
    lang = "zh" if variant == "zh" else "en"
    assert run("-f", str(cached), "status", env=CACHE_ON).exit_code == 0  # warm the cache
    assert cache_files()
    ids = BUNDLED_IDS if variant == "bundled" else None
    without = add_all(plain, {}, lang, ids)
    full_loads: list[object] = []
    real_goals_file = cache_module.Entry.goals_file
    monkeypatch.setattr(cache_module.Entry, "goals_file", lambda self: full_loads.append(self) or real_goals_file(self))
    with_cache = add_all(cached, CACHE_ON, lang, ids)
    assert not full_loads, "each add should have read only its goal's figures from the cache"
    monkeypatch.setattr(cache_module.Entry, "goals_file", real_goals_file)
    assert with_cache == without
    assert cached.read_bytes() == plain.read_bytes()
    assert entry_holds(cached), "each add should have extended the cache entry"
    assert load(Location(cached, "--file"), TODAY, cache()).goals_file == fresh(plain)


def test_a_warm_add_builds_no_observation_but_its_goals(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the per-goal blobs: the whole file's figures are never built by `add`."""
    assert run("status", env=CACHE_ON).exit_code == 0

    built = watch_builds(monkeypatch, "add")
    result = run("add", "gdp", "4700", "--date", "2025-06", env=CACHE_ON)
    assert result.exit_code == 0, result.stderr
    assert "488.41 bn yuan (2024)" in result.stdout  # the goal's figures were read: its latest one is shown
    gdp_figures = sum(1 for o in fresh(sample).observations if o.goal == "gdp")  # type: ignore[attr-defined]
    assert built == [gdp_figures - 1]  # that goal's figures before the add, nothing more


def test_a_warm_add_makes_only_its_goals_definition(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored definitions are made goal by goal when looked up: an add on 1,000 goals makes one."""
    from zibo_cli.core import plain

    assert run("status", env=CACHE_ON).exit_code == 0
    made: list[str] = []
    real_goal = plain._goal
    monkeypatch.setattr(plain, "_goal", lambda row: made.append(row[0]) or real_goal(row))
    result = run("add", "gdp", "4700", "--date", "2025-06", env=CACHE_ON)
    assert result.exit_code == 0, result.stderr
    assert made == ["gdp"]
    assert len(fresh(sample).goals) > 1  # type: ignore[attr-defined]


def test_an_edit_keeping_size_and_mtime_is_seen_by_add(world: Path) -> None:
    plain, cached = twin_files(world, SAMPLE.read_bytes())
    assert run("-f", str(cached), "status", env=CACHE_ON).exit_code == 0
    for path in (plain, cached):
        info = path.stat()
        edited = path.read_bytes().replace(b"value = 4884.1", b"value = 4884.9")
        assert len(edited) == info.st_size
        with open(path, "r+b") as handle:
            handle.write(edited)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    without = add_in(plain, "gdp", "4950", "--date", "2025-06")
    with_cache = add_in(cached, "gdp", "4950", "--date", "2025-06", env=CACHE_ON)
    assert "488.49 bn yuan" in without.stdout  # type: ignore[attr-defined]
    assert with_cache.stdout == without.stdout
    assert cached.read_bytes() == plain.read_bytes()


def test_a_foreign_or_damaged_cache_is_not_used_by_add(world: Path) -> None:
    plain, cached = twin_files(world, SAMPLE.read_bytes())
    other = world / "other.toml"
    shutil.copyfile(BUNDLED, other)
    assert run("-f", str(cached), "status", env=CACHE_ON).exit_code == 0
    assert run("-f", str(other), "status", env=CACHE_ON).exit_code == 0
    mine, theirs = (cache_module.database_of(cache(), os.path.realpath(path)) for path in (cached, other))
    good = mine.read_bytes()
    cases = [
        ("another file's entry", theirs.read_bytes(), 0o600),
        ("writable by others", good, 0o666),
        ("a flipped byte", good[:-1] + bytes([good[-1] ^ 1]), 0o600),
        ("truncated", good[: len(good) // 2], 0o600),
    ]
    for number, (what, content, mode) in enumerate(cases):
        mine.write_bytes(content)
        mine.chmod(mode)
        date = f"2025-0{number + 1}"
        without = add_in(plain, "gdp", str(4600 + number), "--date", date)
        with_cache = add_in(cached, "gdp", str(4600 + number), "--date", date, env=CACHE_ON)
        assert with_cache.exit_code == without.exit_code == 0, (what, with_cache.stderr)
        assert with_cache.stdout == without.stdout, what
        assert cached.read_bytes() == plain.read_bytes(), what
    mine.chmod(0o600)
    assert load(Location(cached, "--file"), TODAY, cache()).goals_file == fresh(plain)


def test_a_refused_add_with_a_warm_cache_writes_nothing(sample: Path) -> None:
    assert run("status", env=CACHE_ON).exit_code == 0
    before = sample.read_bytes()
    for args in (["gdp", "4700", "--date", "2099-01-01"], ["gdp", "many"], ["nope", "1"], ["gdp", "1", "-d", ""]):
        plain = run("add", *args)
        warm = run("add", *args, env=CACHE_ON)
        assert warm.exit_code == plain.exit_code != 0, args
        assert warm.stderr == plain.stderr
        assert sample.read_bytes() == before


def test_a_goal_renamed_keeping_size_and_mtime_is_seen_by_add(sample: Path) -> None:
    """The entry is prepared from the cache while the file is hashed: a stale one must not decide anything."""
    assert run("status", env=CACHE_ON).exit_code == 0
    info = sample.stat()
    edited = sample.read_bytes().replace(b"[goals.robots]", b"[goals.robotz]")
    assert len(edited) == info.st_size
    with open(sample, "r+b") as handle:
        handle.write(edited)
    os.utime(sample, ns=(info.st_atime_ns, info.st_mtime_ns))
    gone = run("add", "robots", "3", "--date", "2025", env=CACHE_ON)
    assert gone.exit_code == 2
    assert "no goal 'robots'" in gone.stderr
    assert sample.read_bytes() == edited
    added = run("add", "robotz", "3", "--date", "2025", env=CACHE_ON)
    assert added.exit_code == 0, added.stderr
    assert "(robotz)" in added.stdout
    assert load(Location(sample, "--file"), TODAY, cache()).goals_file == fresh(sample)


BREAKING = ["a", "é", "淄", " ", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_static_observations_array_is_refused_with_a_warm_cache(world: Path, bom: bytes) -> None:
    """Also right after a BOM: the array on the first line of a file saved by a Windows editor."""
    path = world / "goals.toml"
    array = b'observations = [{ goal = "g", date = 2024-12-31, value = 1 }]\n'
    rest = '\nschema = 1\n\n[goals.g]\nname = "G"\nunit = "个"\n'.encode()
    path.write_bytes(bom + array + rest)
    before = path.read_bytes()
    assert run("status", "--all", env=CACHE_ON).exit_code == 0
    head = load_head(Location(path, "--file"), TODAY, cache())
    assert head.entry is not None
    assert head.entry.meta["static"] == 1
    head.close()
    result = run("add", "g", "2", "--date", "2025", env=CACHE_ON)
    assert result.exit_code == 2
    assert "inline" in result.stderr
    assert path.read_bytes() == before


def _failing(name: str, code: int) -> Callable[..., object]:
    real = getattr(atomic.os, name)

    def fail(*args: object, **kwargs: object) -> object:
        raise OSError(code, os.strerror(code))

    assert callable(real)
    return fail


@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [("fsync", errno.EIO, "input/output error"), ("replace", errno.EACCES, "permission denied")],
)
def test_a_failed_write_with_a_warm_cache_says_so_and_leaves_all_as_it_was(
    sample: Path, monkeypatch: pytest.MonkeyPatch, name: str, code: int, reason: str
) -> None:
    """The quick path writes as any other: its failures read the same, nothing is left behind."""
    assert run("status", env=CACHE_ON).exit_code == 0
    before = sample.read_bytes()
    listing = sorted(os.listdir(sample.parent))
    entry_before = cache_files()[0].read_bytes()
    monkeypatch.setattr(atomic.os, name, _failing(name, code))
    result = run("add", "gdp", "5000", "--date", "2025", env=CACHE_ON)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"zibo: could not write goals.toml: {reason}. The file was not changed.\n")
    assert sample.read_bytes() == before
    assert sorted(os.listdir(sample.parent)) == listing, "the temp file was left behind"
    assert cache_files()[0].read_bytes() == entry_before


def test_a_cold_add_leaves_the_entry_of_the_file_after_the_append(sample: Path) -> None:
    result = run("add", "gdp", "4700", "--date", "2025-06", env=CACHE_ON)
    assert result.exit_code == 0, result.stderr
    assert entry_holds(sample), "the entry should be the file after the append"
    assert load(Location(sample, "--file"), TODAY, cache()).goals_file == fresh(sample)
    before = sample.read_bytes()
    refused = run("add", "gdp", "many", env=CACHE_ON)  # nothing written, and the entry still holds the file
    assert refused.exit_code == 2
    assert sample.read_bytes() == before
    assert entry_holds(sample)
