"""Disk full, I/O errors and permissions: the original survives and the message says so plainly.

CI runs as root, where file modes stop nothing, so failures are injected into store.atomic's calls
in-process, and only for zibo's own temp file, so everything else keeps working.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE, run
from zibo_cli.errors import ZiboError
from zibo_cli.store import atomic
from zibo_cli.store.atomic import TEMP_SUFFIX, write_lock

ADD = ("add", "gdp", "5000", "--date", "2025", "--note", "disk test")


def is_temp_fd(fd: int) -> bool:
    try:
        return os.readlink(f"/proc/self/fd/{fd}").endswith(TEMP_SUFFIX)
    except OSError:
        return False


def failing(error: int) -> OSError:
    return OSError(error, os.strerror(error))


def fail_write(error: int, after_bytes: int = 0) -> Callable[[pytest.MonkeyPatch], None]:
    """os.write on the temp file: the first `after_bytes` go through (a partial write), then `error`."""

    def install(monkeypatch: pytest.MonkeyPatch) -> None:
        real = os.write
        written = {"total": 0}

        def write(fd: int, data: Any) -> int:
            if not is_temp_fd(fd):
                return real(fd, data)
            room = after_bytes - written["total"]
            if room <= 0:
                raise failing(error)
            count = real(fd, bytes(data)[:room])
            written["total"] += count
            return count

        monkeypatch.setattr(atomic.os, "write", write)

    return install


def fail_fsync(error: int) -> Callable[[pytest.MonkeyPatch], None]:
    def install(monkeypatch: pytest.MonkeyPatch) -> None:
        real = os.fsync

        def fsync(fd: int) -> None:
            if is_temp_fd(fd):
                raise failing(error)
            real(fd)

        monkeypatch.setattr(atomic.os, "fsync", fsync)

    return install


def fail_replace(error: int) -> Callable[[pytest.MonkeyPatch], None]:
    def install(monkeypatch: pytest.MonkeyPatch) -> None:
        real = os.replace

        def replace(source: Any, target: Any, **kwargs: Any) -> None:
            if str(source).endswith(TEMP_SUFFIX):
                raise failing(error)
            real(source, target, **kwargs)

        monkeypatch.setattr(atomic.os, "replace", replace)

    return install


def fail_create(error: int) -> Callable[[pytest.MonkeyPatch], None]:
    """os.open of zibo's temp file (the folder refuses a new file)."""

    def install(monkeypatch: pytest.MonkeyPatch) -> None:
        real = os.open

        def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if str(path).endswith(TEMP_SUFFIX) and flags & os.O_CREAT:
                raise failing(error)
            return real(path, flags, *args, **kwargs)

        monkeypatch.setattr(atomic.os, "open", open_)

    return install


FAILURES = {
    "disk-full-at-once": (fail_write(errno.ENOSPC), "the disk is full"),
    "disk-full-half-way": (fail_write(errno.ENOSPC, after_bytes=700), "the disk is full"),
    "quota-exceeded": (fail_write(errno.EDQUOT), "disk quota exceeded"),
    "io-error-on-fsync": (fail_fsync(errno.EIO), "input/output error"),
    "disk-full-on-fsync": (fail_fsync(errno.ENOSPC), "the disk is full"),
    "rename-denied": (fail_replace(errno.EACCES), "permission denied"),
    "rename-across-devices": (fail_replace(errno.EXDEV), "invalid cross-device link"),
    "folder-not-writable": (fail_create(errno.EACCES), "permission denied"),
    "read-only-filesystem": (fail_create(errno.EROFS), "read-only file system"),
    "no-inodes-left": (fail_create(errno.ENOSPC), "the disk is full"),
}


def folder_listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_write_leaves_the_file_intact(failure: str, sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install, reason = FAILURES[failure]
    before = sample.read_bytes()
    listing = folder_listing(sample.parent)
    install(monkeypatch)
    result = run(*ADD)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"zibo: could not write goals.toml: {reason}. The file was not changed.\n")
    assert "Free some space or fix the permissions" in result.stderr
    assert sample.read_bytes() == before
    assert folder_listing(sample.parent) == listing, "the temp file was left behind"
    monkeypatch.undo()
    assert run("check").exit_code == 0


def test_a_failed_init_creates_nothing(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_write(errno.ENOSPC, after_bytes=100)(monkeypatch)
    result = run("init", "--empty")
    assert result.exit_code == 2
    assert "the disk is full" in result.stderr
    assert list(world.iterdir()) == []


EDITOR_SCRIPT = "import sys; p = sys.argv[-1]; open(p, 'a').write('# edited\\n')"

# Every command that writes a file, each over an existing file it must leave intact.
WRITERS = {
    "add": ("add", "gdp", "5000", "--date", "2025"),
    "import": ("import", "figures.csv"),
    "report-output": ("report", "--as-of", "2025-06-30", "--format", "md", "--output", "week.md"),
    "export-output": ("export", "--output", "all.csv"),
    "edit": ("edit",),
}


@pytest.mark.parametrize("command", WRITERS)
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES], ids=["disk-full", "permission-denied"])
def test_every_writer_fails_plainly_and_changes_nothing(
    command: str, error: int, sample: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shlex
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where edit keeps its copy

    folder = sample.parent
    (folder / "figures.csv").write_text("goal,date,value\ngdp,2025-06-30,5100\n", encoding="utf-8")
    (folder / "week.md").write_text("last week's report\n", encoding="utf-8")
    (folder / "all.csv").write_text("last export\n", encoding="utf-8")
    (folder / "edit.py").write_text(EDITOR_SCRIPT, encoding="utf-8")
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    if error == errno.ENOSPC:
        fail_write(error, after_bytes=50)(monkeypatch)
    else:
        fail_replace(error)(monkeypatch)
    editor = {"EDITOR": shlex.join([sys.executable, str(folder / "edit.py")]), "VISUAL": ""}
    result = run(*WRITERS[command], env=editor)
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr
    reason = "the disk is full" if error == errno.ENOSPC else "permission denied"
    assert f"{reason}. The file was not changed." in result.stderr
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    if command == "edit":
        kept = Path(result.stderr.split("Your edited copy is kept at ", 1)[1].split("\n", 1)[0])
        assert kept.read_bytes().endswith(b"# edited\n"), "the user's edit was lost"


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o644, 0o660])
def test_the_mode_survives_a_write(mode: int, sample: Path) -> None:
    sample.chmod(mode)
    assert run(*ADD).exit_code == 0
    assert stat.S_IMODE(sample.stat().st_mode) == mode


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_the_owner_survives_a_write_by_root(sample: Path) -> None:
    os.chown(sample, 12345, 23456)
    sample.chmod(0o640)
    before = sample.stat()
    assert run(*ADD).exit_code == 0
    after = sample.stat()
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (12345, 23456, 0o640)
    assert after.st_ino != before.st_ino, "the file was replaced by rename, not rewritten in place"


def test_a_symlinked_file_is_written_through_its_link(world: Path) -> None:
    real_folder = world / "repo" / "data"
    real_folder.mkdir(parents=True)
    real = real_folder / "zibo-goals.toml"
    real.write_bytes(SAMPLE.read_bytes())
    middle = world / "repo" / "current.toml"
    middle.symlink_to(Path("data") / "zibo-goals.toml")  # relative, as people write them
    link = world / "goals.toml"
    link.symlink_to(middle)  # a chain of two links
    assert run(*ADD).exit_code == 0
    assert link.is_symlink()
    assert os.readlink(link) == str(middle)
    assert middle.is_symlink()
    assert os.readlink(middle) == str(Path("data") / "zibo-goals.toml")
    assert real.read_bytes().startswith(SAMPLE.read_bytes())
    assert b"disk test" in real.read_bytes()
    assert sorted(p.name for p in real_folder.iterdir()) == ["zibo-goals.toml"]
    assert sorted(p.name for p in world.iterdir()) == ["goals.toml", "repo"]


def test_a_dangling_symlink_is_refused(world: Path) -> None:
    link = world / "goals.toml"
    link.symlink_to(world / "gone.toml")
    result = run(*ADD)
    assert result.exit_code == 2
    assert "goals.toml: no such file" in result.stderr
    assert link.is_symlink()
    assert not (world / "gone.toml").exists()


def test_stale_temp_files_are_removed_by_the_next_writer(sample: Path) -> None:
    folder = sample.parent
    stale = [folder / f".goals.toml.{name}{TEMP_SUFFIX}" for name in ("k1ll3d", "x_y_z")]
    for path in stale:
        path.write_bytes(b"half a file")
    unrelated = [folder / f".other.toml.k1ll3d{TEMP_SUFFIX}", folder / ".goals.toml.notes"]
    for path in unrelated:
        path.write_bytes(b"not ours")
    assert run("status").exit_code == 0  # readers never delete anything
    assert all(path.exists() for path in stale)
    assert run(*ADD).exit_code == 0
    assert not any(path.exists() for path in stale)
    assert all(path.read_bytes() == b"not ours" for path in unrelated)


def test_a_writer_waits_for_the_lock_then_gives_up_plainly(sample: Path) -> None:
    # flock conflicts between two open descriptions even within one process.
    with write_lock(sample), pytest.raises(ZiboError, match="another zibo has been writing"), write_lock(sample, 0.05):
        pass
    with write_lock(sample, timeout=0.05):
        pass  # released: free again


def test_temp_files_are_new_private_files_with_fresh_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """create_temp (tempfile.mkstemp without importing tempfile): O_EXCL, 0600, another name when taken."""
    draws = iter([b"\x00" * 6, b"\x00" * 6, b"\x01" * 6])
    monkeypatch.setattr(atomic.os, "urandom", lambda count: next(draws))
    fd, first = atomic.create_temp(tmp_path, ".goals.toml.", TEMP_SUFFIX)
    os.close(fd)
    fd, second = atomic.create_temp(tmp_path, ".goals.toml.", TEMP_SUFFIX)  # the first draw is taken
    os.close(fd)
    assert Path(first).name == f".goals.toml.000000000000{TEMP_SUFFIX}"
    assert Path(second).name == f".goals.toml.010101010101{TEMP_SUFFIX}"
    assert stat.S_IMODE(os.stat(second).st_mode) == 0o600
    monkeypatch.undo()
    planted = tmp_path / "planted"
    monkeypatch.setattr(atomic.os, "urandom", lambda count: b"\x02" * count)
    (tmp_path / f".goals.toml.020202020202{TEMP_SUFFIX}").symlink_to(planted)
    with pytest.raises(FileExistsError):
        atomic.create_temp(tmp_path, ".goals.toml.", TEMP_SUFFIX)
    assert not planted.exists(), "a planted symlink was followed"
