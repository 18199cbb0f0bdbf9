"""`zibo show` with the parse cache: it reads the file's figures from the entry (a ref is shown as the
shortest prefix unique in the whole file, so every figure's ref is needed), never stale."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED, cache_files, fresh, run

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


def test_a_warm_show_reads_the_entry_not_the_toml(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zibo_cli.store import load as load_module

    path = world / "goals.toml"
    shutil.copyfile(BUNDLED, path)
    assert run("goals", env=CACHE_ON).exit_code == 0  # fills the cache
    expected = run("show", "gdp", "--json")

    def refuse(*_: object) -> None:
        raise AssertionError("show parsed the file although the cache holds it")

    monkeypatch.setattr(load_module, "parse_file", refuse)
    result = run("show", "gdp", "--json", env=CACHE_ON)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected.stdout
    assert len(fresh(path).observations) > 1  # type: ignore[attr-defined]


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
    # Show reads every row (each checked against its digest) by a table scan: the damaged index page is
    # never consulted, so what it prints is right without rewriting the entry.
    assert run("show", "gdp", "--json", env=CACHE_ON).stdout == expected
