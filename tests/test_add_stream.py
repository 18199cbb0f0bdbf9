"""`zibo add` on a large file with a cache entry copies and hashes the file in a thread (CopyingRewrite).

The streamed path starts at 1 MB (`store.read.STREAM_FROM`); here it is lowered to 0 so the small test
files take it. It must write the same bytes and say the same as an add without any cache, fail on a
disk error with the same message leaving file and folder as they were, and fall back to reading the
file when the copy cannot be trusted (an edit keeping size and mtime, a read error).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE, run
from test_add_cache import ADDS, CACHE_ON, add_all, add_in, twin_files
from test_disk_errors import ADD, FAILURES, failing, folder_listing
from zibo_cli.store import atomic, read


@pytest.fixture
def streaming(monkeypatch: pytest.MonkeyPatch) -> list[atomic.CopyingRewrite]:
    """Every add with a cache entry takes the streamed path; the rewrites started are listed."""
    started: list[atomic.CopyingRewrite] = []
    real_init = atomic.CopyingRewrite.__init__

    def init(self: atomic.CopyingRewrite, *args: Any) -> None:
        started.append(self)
        real_init(self, *args)

    monkeypatch.setattr(read, "STREAM_FROM", 0)
    monkeypatch.setattr(atomic.CopyingRewrite, "__init__", init)
    return started


VARIANTS = ["sample", "crlf, no final newline", "bom"]


def sample_as(variant: str) -> bytes:
    """The sample file as it is, with CRLF line breaks and no final one, or with a BOM."""
    content = SAMPLE.read_bytes()
    if variant.startswith("crlf"):
        return content.replace(b"\n", b"\r\n").rstrip(b"\r\n")
    if variant == "bom":
        return b"\xef\xbb\xbf" + content
    return content


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_streamed_add_writes_and_says_exactly_what_an_add_without_cache_does(
    world: Path, variant: str, streaming: list[atomic.CopyingRewrite]
) -> None:
    content = sample_as(variant)
    plain, cached = twin_files(world, content)
    assert run("-f", str(cached), "status", env=CACHE_ON).exit_code == 0  # warm the cache
    without = add_all(plain, {})
    with_cache = add_all(cached, CACHE_ON)
    assert len(streaming) == len(ADDS), "each add should have taken the streamed path"
    assert with_cache == without
    assert cached.read_bytes() == plain.read_bytes()
    assert sorted(path.name for path in cached.parent.iterdir()) == ["goals.toml"]


def test_a_streamed_add_sees_an_edit_keeping_size_and_mtime(world: Path, streaming: list[Any]) -> None:
    plain, cached = twin_files(world, SAMPLE.read_bytes())
    assert run("-f", str(cached), "status", env=CACHE_ON).exit_code == 0
    for path in (plain, cached):
        info = path.stat()
        edited = path.read_bytes().replace(b"value = 4884.1", b"value = 4884.9")
        with open(path, "r+b") as handle:
            handle.write(edited)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    without = add_in(plain, "gdp", "4950", "--date", "2025-06")
    with_cache = add_in(cached, "gdp", "4950", "--date", "2025-06", env=CACHE_ON)
    assert streaming, "the streamed path was not taken"
    assert "488.49 bn yuan" in without.stdout  # type: ignore[attr-defined]
    assert with_cache.stdout == without.stdout  # type: ignore[attr-defined]
    assert cached.read_bytes() == plain.read_bytes()
    assert sorted(path.name for path in cached.parent.iterdir()) == ["goals.toml"]


def test_a_read_error_while_copying_falls_back_to_reading_the_file(
    world: Path, streaming: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, cached = twin_files(world, SAMPLE.read_bytes())
    assert run("-f", str(cached), "status", env=CACHE_ON).exit_code == 0

    def readv(fd: int, buffers: Any) -> int:
        raise failing(errno.EIO)

    monkeypatch.setattr(atomic.os, "readv", readv)
    without = add_in(plain, "gdp", "4950", "--date", "2025-06")
    with_cache = add_in(cached, "gdp", "4950", "--date", "2025-06", env=CACHE_ON)
    assert streaming, "the streamed path was not taken"
    assert with_cache.exit_code == 0  # type: ignore[attr-defined]
    assert with_cache.stdout == without.stdout  # type: ignore[attr-defined]
    assert cached.read_bytes() == plain.read_bytes()
    assert sorted(path.name for path in cached.parent.iterdir()) == ["goals.toml"]


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_streamed_write_leaves_the_file_intact(
    failure: str, sample: Path, streaming: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    failed_add_leaves_the_file_intact(failure, sample, monkeypatch, ADD)
    assert streaming, "the streamed path was not taken"


def failed_add_leaves_the_file_intact(
    failure: str, sample: Path, monkeypatch: pytest.MonkeyPatch, add: Sequence[str]
) -> None:
    """With a warm cache, `add` under this failure exits 2 with one plain line and leaves every file as it was."""
    install, reason = FAILURES[failure]
    assert run("status", env=CACHE_ON).exit_code == 0
    before = sample.read_bytes()
    listing = folder_listing(sample.parent)
    install(monkeypatch)
    result = run(*add, env=CACHE_ON)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"zibo: could not write goals.toml: {reason}. The file was not changed.\n")
    assert sample.read_bytes() == before
    assert folder_listing(sample.parent) == listing, "the temp file was left behind"
    monkeypatch.undo()
    assert run("check").exit_code == 0


def test_a_refused_streamed_add_writes_nothing_and_leaves_no_temp_file(sample: Path, streaming: list[Any]) -> None:
    assert run("status", env=CACHE_ON).exit_code == 0
    before = sample.read_bytes()
    for args in (["gdp", "4700", "--date", "2099-01-01"], ["gdp", "many"], ["nope", "1"]):
        plain = run("add", *args)
        warm = run("add", *args, env=CACHE_ON)
        assert warm.exit_code == plain.exit_code != 0, args
        assert warm.stderr == plain.stderr
        assert sample.read_bytes() == before
        assert [path.name for path in sample.parent.iterdir()] == ["goals.toml"]
    assert streaming, "the streamed path was not taken"


def test_without_a_cache_entry_the_copy_is_dropped_and_the_file_read(
    sample: Path, streaming: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run after an edit: the copy started before the entry was looked up is abandoned."""
    plain_copy = sample.parent / "plain.toml"
    plain_copy.write_bytes(sample.read_bytes())
    without = run("-f", "plain.toml", "add", "gdp", "4950", "--date", "2025-06")
    with_cache = run("add", "gdp", "4950", "--date", "2025-06", env=CACHE_ON)  # no entry yet
    assert streaming, "the copy was not started"
    assert with_cache.exit_code == 0, with_cache.stderr
    assert with_cache.stdout == without.stdout.replace("plain.toml", "goals.toml")
    assert sample.read_bytes() == plain_copy.read_bytes()
    assert sorted(path.name for path in sample.parent.iterdir()) == ["goals.toml", "plain.toml"]
