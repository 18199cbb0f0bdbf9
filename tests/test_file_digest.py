"""A goals file's identity is a BLAKE3 digest from a megabyte on, SHA-256 below: every way the cache
follows a file (unchanged, added to, appended to by hand, edited, grown past that size) gives what a
run without the cache gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from zibo_cli.store import cache as cache_module

CACHE_ON = {"ZIBO_NO_CACHE": ""}
COMMANDS = (["status", "--json"], ["status"], ["show", "gdp"], ["report", "--since", "30d"])
TABLE = '\n[[observations]]\ngoal = "gdp"\ndate = {date}\nvalue = {value}\n'


def same_with_and_without_cache() -> None:
    for command in COMMANDS:
        cached = run(*command, env=CACHE_ON)
        plain = run(*command, env={"ZIBO_NO_CACHE": "1"})
        assert cached.exit_code == plain.exit_code == 0, cached.stderr
        assert cached.stdout == plain.stdout, command


def identity_algorithm(path: Path) -> str:
    import datetime as dt
    import os

    found = cache_module.cache_for({**os.environ, **CACHE_ON})
    assert found is not None
    entry = found.open(os.path.realpath(path), path.stat(), dt.date(2026, 11, 27))
    assert entry is not None, "no cache entry for the file"
    entry.close()
    return entry.identity.digest.split(":")[0]


def changes(sample: Path) -> None:
    """Unchanged, an add, a hand append, a figure corrected before the end: each checked."""
    same_with_and_without_cache()
    added = run("add", "gdp", "6100", "--date", "2025-06-30", env=CACHE_ON)
    assert added.exit_code == 0, added.stderr
    same_with_and_without_cache()
    with open(sample, "a", encoding="utf-8") as handle:
        handle.write(TABLE.format(date="2025-09-30", value=6200))
    same_with_and_without_cache()
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace("value = 6100", "value = 6150", 1), encoding="utf-8")
    same_with_and_without_cache()


def test_every_change_with_blake3(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "FAST_FROM", 0)
    changes(sample)
    assert identity_algorithm(sample) == "blake3"


def test_every_change_with_sha256(sample: Path) -> None:
    changes(sample)
    assert identity_algorithm(sample) == "sha256"


@pytest.mark.parametrize("how", ["add", "by hand"])
def test_a_file_growing_past_the_size_where_the_hash_changes(
    sample: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setattr(cache_module, "FAST_FROM", sample.stat().st_size + 10)
    same_with_and_without_cache()
    assert identity_algorithm(sample) == "sha256"
    if how == "add":
        added = run("add", "gdp", "6100", "--date", "2025-06-30", "--note", "a note to cross the line", env=CACHE_ON)
        assert added.exit_code == 0, added.stderr
    else:
        with open(sample, "a", encoding="utf-8") as handle:
            handle.write(TABLE.format(date="2025-09-30", value=6200))
    same_with_and_without_cache()
    assert identity_algorithm(sample) == "blake3"
