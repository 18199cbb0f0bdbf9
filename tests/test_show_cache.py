"""`zibo show` with the parse cache: it reads one goal's figures from the entry, never all of them, never stale."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED, cache_files, fresh, run, watch_builds

CACHE_ON = {"ZIBO_NO_CACHE": ""}
SHOWS = (
    ["show", "gdp"],
    ["show", "gdp", "--json"],
    ["show", "share", "--as-of", "2025-06-30"],
    ["show", "parks", "--json", "--as-of", "2024-12-31"],
    ["show", "water"],
    ["show", "robots", "--json"],
    ["--lang", "zh", "show", "Water-quality"],
    ["show", "nothing-like-this"],
    ["show", "o"],  # ambiguous
)


def test_show_prints_the_same_with_and_without_the_cache(sample: Path) -> None:
    for args in SHOWS:
        plain = run(*args)
        for _ in range(2):  # the first fills the cache, the second reads the goal's figures from it
            cached = run(*args, env=CACHE_ON)
            assert (cached.exit_code, cached.stdout, cached.stderr) == (plain.exit_code, plain.stdout, plain.stderr), (
                args
            )
    assert cache_files()


def test_a_warm_show_builds_no_observation_but_its_goals(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = world / "goals.toml"
    shutil.copyfile(BUNDLED, path)
    assert run("goals", env=CACHE_ON).exit_code == 0  # fills the cache
    expected = run("show", "gdp", "--json")

    built = watch_builds(monkeypatch, "show")
    result = run("show", "gdp", "--json", env=CACHE_ON)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected.stdout
    gdp_figures = sum(1 for o in fresh(path).observations if o.goal == "gdp")  # type: ignore[attr-defined]
    assert gdp_figures > 1
    assert built == [gdp_figures]


def test_an_edit_keeping_size_and_mtime_is_seen_by_show(sample: Path) -> None:
    assert run("show", "gdp", env=CACHE_ON).exit_code == 0
    info = sample.stat()
    text = sample.read_text(encoding="utf-8")
    edited = text.replace("value = 4884.1", "value = 4884.7", 1)
    assert edited != text
    with open(sample, "r+b") as handle:  # same inode, same size
        handle.write(edited.encode())
    os.utime(sample, ns=(info.st_atime_ns, info.st_mtime_ns))  # same mtime
    cached = run("show", "gdp", "--json", env=CACHE_ON)
    assert cached.stdout == run("show", "gdp", "--json").stdout
    assert "4884.7" in cached.stdout


def test_a_damaged_blob_makes_show_read_the_file(sample: Path) -> None:
    expected = run("show", "gdp", "--json").stdout
    assert run("show", "gdp", env=CACHE_ON).exit_code == 0
    [entry] = cache_files()
    good = entry.read_bytes()
    damaged = good[:-1] + bytes([good[-1] ^ 1])  # the last page: some goal's figures
    entry.write_bytes(damaged)
    for goal in ("gdp", "share", "water", "parks", "robots"):
        result = run("show", goal, "--json", env=CACHE_ON)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == run("show", goal, "--json").stdout
    assert run("show", "gdp", "--json", env=CACHE_ON).stdout == expected
    assert entry.read_bytes() != damaged, "the damaged entry was not rewritten"
