"""The copy of a large file into the temp file of an append, in the kernel (CopyingRewrite).

From `CopyingRewrite.IN_KERNEL_FROM` bytes, with two CPUs, the file is copied with `os.copy_file_range`
and the temp file is then read back and hashed; smaller files, one CPU, or a kernel that will not copy
take the path through memory. Here the threshold is lowered to 0 and the hash chunks shrunk so that
small files go through the kernel path in many pieces. What is checked: the temp file holds exactly
the bytes hashed, the result is the old bytes and the appended text with the file's mode, a kernel
that cannot copy falls back to the memory path, and a file changed, grown or shrunk under the copy is
never written over (the add is made again from the file as it is, as without a cache).
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE, run, run_installed
from test_add_cache import CACHE_ON, add_in, twin_files
from test_add_stream import VARIANTS, failed_add_leaves_the_file_intact, sample_as
from test_crashes import ADD as CRASH_ADD
from test_crashes import WRITER, Trials, kill_a_warm_add_before_its_rename, new_bytes  # noqa: F401
from test_disk_errors import fail_write, failing
from zibo_cli.errors import ZiboError
from zibo_cli.store import atomic, read

CONTENT = bytes(range(256)) * 7 + "淄博 goals\n".encode() * 31 + b"the end\n"  # 2,160 bytes
EDIT = (b"value = 4884.1", b"value = 4884.9")  # an edit of the sample that keeps its size


def temp_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(atomic.TEMP_SUFFIX))


@pytest.fixture
def in_kernel(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every copy takes the kernel path, hashed back in 7-byte pieces; lists the bytes each copy_file_range copied."""
    monkeypatch.setattr(atomic.CopyingRewrite, "IN_KERNEL_FROM", 0)
    monkeypatch.setattr(atomic.CopyingRewrite, "HASH_CHUNK", 7)
    monkeypatch.setattr(atomic, "_cpus", lambda: 2)
    calls: list[int] = []
    real = os.copy_file_range

    def copy_file_range(*args: Any) -> int:
        count = real(*args)
        calls.append(count)
        return count

    monkeypatch.setattr(atomic.os, "copy_file_range", copy_file_range)
    return calls


def rewrite_of(path: Path) -> tuple[atomic.CopyingRewrite, int]:
    fd = os.open(path, os.O_RDONLY)
    return atomic.CopyingRewrite(path, fd, hashlib.sha256()), fd


def check_copy(path: Path, content: bytes, tail: bytes = b"\n[[observations]]\n") -> None:
    rewrite, fd = rewrite_of(path)
    try:
        assert rewrite.digest().hexdigest() == hashlib.sha256(content).hexdigest()
        assert (rewrite.start, rewrite.end) == (content[: atomic.CopyingRewrite.EDGE], content[-4:])
        assert rewrite.complete()
        rewrite.finish(tail)
    finally:
        os.close(fd)
    assert path.read_bytes() == content + tail
    assert temp_files(path.parent) == []


@pytest.mark.parametrize("hash_chunk", [1, 7, 4096, 2 << 20])
def test_the_kernel_copy_holds_exactly_the_bytes_hashed_then_the_tail_and_keeps_the_mode(
    tmp_path: Path, in_kernel: list[int], hash_chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic.CopyingRewrite, "HASH_CHUNK", hash_chunk)
    path = tmp_path / "goals.toml"
    path.write_bytes(CONTENT)
    path.chmod(0o640)
    check_copy(path, CONTENT)
    assert in_kernel == [len(CONTENT)], "the kernel did not copy the file"
    assert path.stat().st_mode & 0o777 == 0o640


def test_small_files_and_a_single_cpu_are_copied_through_memory(tmp_path: Path, in_kernel: list[int]) -> None:
    path = tmp_path / "goals.toml"
    for make_it_small in (True, False):
        path.write_bytes(CONTENT)
        with pytest.MonkeyPatch.context() as patch:
            if make_it_small:
                patch.setattr(atomic.CopyingRewrite, "IN_KERNEL_FROM", len(CONTENT) + 1)
            else:
                patch.setattr(atomic, "_cpus", lambda: 1)
            check_copy(path, CONTENT)
    assert in_kernel == []


@pytest.mark.parametrize(
    "failure",
    ["no copy_file_range", "another file system", "an I/O error half-way", "disk full half-way"],
)
def test_a_kernel_that_will_not_copy_falls_back_to_copying_through_memory(
    tmp_path: Path, in_kernel: list[int], failure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.toml"
    path.write_bytes(CONTENT)
    real = os.copy_file_range
    if failure == "no copy_file_range":
        monkeypatch.delattr(atomic.os, "copy_file_range")
    else:
        code = {"another file system": errno.EXDEV, "an I/O error half-way": errno.EIO}.get(failure, errno.ENOSPC)

        def copy_file_range(source: int, target: int, count: int, *offsets: Any) -> int:
            if code != errno.EXDEV and offsets[0] == 0:
                return real(source, target, 100, *offsets)  # part of it, before failing
            raise failing(code)

        monkeypatch.setattr(atomic.os, "copy_file_range", copy_file_range)
    check_copy(path, CONTENT)


def test_disk_full_in_the_kernel_and_through_memory_is_reported_and_changes_nothing(
    tmp_path: Path, in_kernel: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.toml"
    path.write_bytes(CONTENT)

    def copy_file_range(*args: Any) -> int:
        raise failing(errno.ENOSPC)

    monkeypatch.setattr(atomic.os, "copy_file_range", copy_file_range)
    fail_write(errno.ENOSPC, after_bytes=700)(monkeypatch)
    rewrite, fd = rewrite_of(path)
    try:
        with pytest.raises(ZiboError, match="the disk is full"):
            rewrite.finish(b"tail")
    finally:
        os.close(fd)
    assert path.read_bytes() == CONTENT
    assert temp_files(tmp_path) == []


def test_a_read_error_while_hashing_the_copy_makes_it_incomplete(
    tmp_path: Path, in_kernel: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.toml"
    path.write_bytes(CONTENT)

    def preadv(*args: Any) -> int:
        raise failing(errno.EIO)

    monkeypatch.setattr(atomic.os, "preadv", preadv)
    rewrite, fd = rewrite_of(path)
    try:
        assert not rewrite.complete()
        with pytest.raises(ZiboError, match="input/output error"):
            rewrite.finish(b"tail")
    finally:
        os.close(fd)
    assert path.read_bytes() == CONTENT
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("change", ["grew", "shrank"])
def test_a_file_that_changed_size_under_the_copy_is_not_complete(
    tmp_path: Path, in_kernel: list[int], change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.toml"
    path.write_bytes(CONTENT)
    real = os.copy_file_range

    def copy_file_range(*args: Any) -> int:
        if change == "grew":
            count = real(*args)
            with open(path, "ab") as handle:
                handle.write(b"# appended meanwhile\n")
            return count
        os.truncate(path, 1000)
        return real(*args)

    monkeypatch.setattr(atomic.os, "copy_file_range", copy_file_range)
    rewrite, fd = rewrite_of(path)
    try:
        assert not rewrite.complete()
    finally:
        rewrite.abandon()
        os.close(fd)
    assert temp_files(tmp_path) == []


def test_finish_never_renames_a_temp_file_of_the_wrong_size(
    tmp_path: Path, in_kernel: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.toml"
    path.write_bytes(CONTENT)
    rewrite, fd = rewrite_of(path)
    try:
        assert rewrite.complete()
        assert rewrite._fd is not None
        os.pwrite(rewrite._fd, b"stray", len(CONTENT))  # as if something wrote past the copy
        with pytest.raises(ZiboError, match="the copy is not the size it should be"):
            rewrite.finish(b"tail")
    finally:
        os.close(fd)
    assert path.read_bytes() == CONTENT
    assert temp_files(tmp_path) == []


def test_abandoning_removes_the_temp_file(tmp_path: Path, in_kernel: list[int]) -> None:
    path = tmp_path / "goals.toml"
    path.write_bytes(CONTENT)
    rewrite, fd = rewrite_of(path)
    try:
        rewrite.abandon()
        rewrite.abandon()
    finally:
        os.close(fd)
    assert path.read_bytes() == CONTENT
    assert temp_files(tmp_path) == []


# -- through `zibo add` ------------------------------------------------------------------------------


@pytest.fixture
def streaming(in_kernel: list[int], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every add with a cache entry takes the streamed path, and copies in the kernel."""
    monkeypatch.setattr(read, "STREAM_FROM", 0)
    return in_kernel


@pytest.mark.parametrize("variant", VARIANTS)
def test_an_add_copied_in_the_kernel_writes_and_says_exactly_what_an_add_without_cache_does(
    world: Path, streaming: list[int], variant: str
) -> None:
    content = sample_as(variant)
    plain, cached = twin_files(world, content)
    cached.chmod(0o640)
    assert run("-f", str(cached), "status", env=CACHE_ON).exit_code == 0
    for args in (["gdp", "4950", "--date", "2025-06", "--note", "内核"], ["robots", "约90", "--date", "2025"]):
        without = add_in(plain, *args)
        with_cache = add_in(cached, *args, env=CACHE_ON)
        assert with_cache.exit_code == 0, with_cache.stderr  # type: ignore[attr-defined]
        assert with_cache.stdout == without.stdout  # type: ignore[attr-defined]
    assert streaming, "the kernel did not copy the file"
    assert cached.read_bytes() == plain.read_bytes()
    assert cached.read_bytes().startswith(content)
    assert cached.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in cached.parent.iterdir()) == ["goals.toml"]
    assert run("-f", str(cached), "check", env=CACHE_ON).exit_code == 0


@pytest.mark.parametrize("change", ["edited in place", "appended to", "cut short"])
def test_a_file_changed_under_the_kernel_copy_is_seen_and_read_afresh(
    world: Path, streaming: list[int], change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change by another program while the add copies: the add is made from the file as it now is."""
    plain, cached = twin_files(world, SAMPLE.read_bytes())
    assert run("-f", str(cached), "status", env=CACHE_ON).exit_code == 0

    def change_it(path: Path) -> None:
        info = path.stat()
        data = path.read_bytes()
        if change == "edited in place":
            data = data.replace(*EDIT)
        elif change == "appended to":
            data += b"\n# a note added by hand\n"
        else:
            data = data[: data.rindex(b"[[observations]]")]
        with open(path, "r+b") as handle:
            handle.write(data)
            handle.truncate()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))

    real = os.copy_file_range
    changed: list[bool] = []

    def copy_file_range(source: int, target: int, count: int, *offsets: Any) -> int:
        if changed:
            return real(source, target, count, *offsets)
        done = real(source, target, min(count, 500), *offsets)  # the start is in the temp file already
        change_it(cached)
        changed.append(True)
        return done

    change_it(plain)
    without = add_in(plain, "gdp", "4950", "--date", "2025-06")
    monkeypatch.setattr(atomic.os, "copy_file_range", copy_file_range)
    with_cache = add_in(cached, "gdp", "4950", "--date", "2025-06", env=CACHE_ON)
    assert changed, "the kernel copy was not taken"
    assert with_cache.exit_code == without.exit_code == 0, with_cache.stderr  # type: ignore[attr-defined]
    assert with_cache.stdout == without.stdout  # type: ignore[attr-defined]
    assert cached.read_bytes() == plain.read_bytes()
    assert sorted(path.name for path in cached.parent.iterdir()) == ["goals.toml"]


@pytest.mark.parametrize("failure", ["disk-full-at-once", "io-error-on-fsync", "rename-denied", "folder-not-writable"])
def test_a_failed_add_copied_in_the_kernel_leaves_the_file_intact(
    failure: str, sample: Path, streaming: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    failed_add_leaves_the_file_intact(failure, sample, monkeypatch, ["add", "gdp", "5000", "--date", "2025"])


KERNEL_WRITER = WRITER.replace(
    "    read.STREAM_FROM = 0\n",
    "    read.STREAM_FROM = 0\n"
    "    from zibo_cli.store import atomic\n"
    "    atomic.CopyingRewrite.IN_KERNEL_FROM = 0\n"
    "    atomic._cpus = lambda: 2\n",
)


@pytest.mark.slow
def test_a_kill_before_the_rename_of_an_add_copied_in_the_kernel_keeps_the_old_file(
    tmp_path: Path,
    new_bytes: bytes,  # noqa: F811
) -> None:
    assert KERNEL_WRITER != WRITER
    trials = Trials(tmp_path, new_bytes)
    trials.script.write_text(KERNEL_WRITER)
    kill_a_warm_add_before_its_rename(trials)
    done = run_installed(*CRASH_ADD, "-f", str(trials.goals), env=trials.cache_env)
    assert done.exit_code == 0, done.stderr
    assert trials.goals.read_bytes() == trials.new
    assert [path.name for path in trials.folder.iterdir()] == ["goals.toml"]


def test_a_large_file_is_identified_by_blake3_a_small_one_or_one_without_blake3_by_sha256(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from blake3 import blake3

    from zibo_cli.store.cache import FAST_FROM, file_digest, named

    large = file_digest(FAST_FROM)
    large.update(CONTENT)
    assert named(large) == "blake3:" + blake3(CONTENT).hexdigest()
    small = file_digest(FAST_FROM - 1)
    small.update(CONTENT)
    assert named(small) == "sha256:" + hashlib.sha256(CONTENT).hexdigest()
    monkeypatch.setitem(sys.modules, "blake3", None)  # a platform the package has no wheel for
    fallback = file_digest(FAST_FROM)
    fallback.update(CONTENT)
    assert named(fallback) == "sha256:" + hashlib.sha256(CONTENT).hexdigest()
