"""Atomic, locked writes: a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from zibo_cli.errors import ZiboError, plain_reason
from zibo_cli.i18n import tr
from zibo_cli.store.locate import display_path

TEMP_SUFFIX = ".zibo-tmp"
LOCK_TIMEOUT_SECONDS = 60.0


def real_target(path: Path) -> Path:
    """Write through symlinks: the link stays a link and its target gets the new content."""
    return Path(os.path.realpath(path))


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


@contextlib.contextmanager
def write_lock(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """An exclusive flock on the file's directory.

    Locking the directory rather than the file means the lock survives the rename that replaces
    the file's inode, and leaves no lock file behind in the user's folder.
    """
    directory = real_target(path).parent
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise ZiboError(
            tr(
                "{folder}: cannot open the folder to lock it ({reason}).",
                folder=display_path(directory),
                reason=error.strerror,
            )
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ZiboError(
                        tr(
                            "another zibo has been writing {path} for over {timeout:.0f} seconds.",
                            path=display_path(path),
                            timeout=timeout,
                        ),
                        tr("Try again once it has finished."),
                    ) from None
                time.sleep(0.005)
        _remove_stale_temp_files(real_target(path))
        yield
    finally:
        os.close(fd)


def _remove_stale_temp_files(target: Path) -> None:
    """Temp files are only ever left by a killed writer; under the lock no live writer owns one."""
    prefix = _temp_prefix(target)
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(prefix) and name.endswith(TEMP_SUFFIX) and len(name) >= len(prefix) + len(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def create_temp(directory: Path | str, prefix: str, suffix: str = "") -> tuple[int, str]:
    """A new file only this user can read, opened for writing: (descriptor, path), like tempfile.mkstemp.
    O_EXCL makes the name ours (another name is drawn if it exists), O_NOFOLLOW refuses a planted symlink."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        path = os.path.join(directory, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no usable temporary file name found")


def ensure_writable(path: Path) -> None:
    target = real_target(path)
    label = display_path(path)
    try:
        info = target.stat()
    except FileNotFoundError:
        raise ZiboError(tr("{label}: no such file.", label=label), tr("Create one with `zibo init`.")) from None
    if not stat.S_ISREG(info.st_mode):
        raise ZiboError(tr("{label} is not a regular file.", label=label))
    # Honour a read-only mode even for root: chmod a-w is how people say "don't touch this file".
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ZiboError(
            tr("{label} is read-only; nothing was written.", label=label),
            tr("Make it writable (chmod u+w {label}).", label=label),
        )
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise ZiboError(
            tr("cannot write in the folder {folder}; nothing was written.", folder=display_path(target.parent)),
            tr("zibo replaces the file atomically, so it needs to create a file beside it."),
        )


def atomic_write(path: Path, data: bytes | Sequence[bytes]) -> None:
    """Replace the file's content: temp file, fsync, same mode and owner, rename, fsync the folder.

    `data` may come in pieces (an append writes the old 15 MB and the new text without joining them).
    """
    target = real_target(path)
    temp_name: str | None = None
    try:
        fd, temp_name = create_temp(target.parent, _temp_prefix(target), TEMP_SUFFIX)
        try:
            for piece in [data] if isinstance(data, bytes) else data:
                _write_all(fd, piece)
            _seal(fd, target)
        finally:
            os.close(fd)
        _test_pause_before_rename()
        os.replace(temp_name, target)
    except OSError as error:
        _discard(temp_name)
        raise _write_error(path, error) from None
    _fsync_directory(target.parent)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _seal(fd: int, target: Path) -> None:
    """The temp file gets the target's mode and owner (a new file: the umask's mode), then reaches the disk."""
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    if info is not None:
        os.fchmod(fd, stat.S_IMODE(info.st_mode))
        if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(PermissionError):
                os.fchown(fd, info.st_uid, info.st_gid)
    else:
        os.fchmod(fd, 0o666 & ~_umask())
    os.fsync(fd)


def _discard(temp_name: str | None) -> None:
    if temp_name is not None:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)


def _write_error(path: Path, error: OSError) -> ZiboError:
    return ZiboError(
        tr(
            "could not write {path}: {reason}. The file was not changed.",
            path=display_path(path),
            reason=plain_reason(error),
        ),
        tr("Free some space or fix the permissions, then run the command again."),
    )


def _test_pause_before_rename() -> None:
    """TEST-ONLY (not a user setting): ZIBO_TEST_PAUSE_BEFORE_RENAME=SECONDS holds a finished temp file
    before the rename, so the crash tests can SIGKILL a writer when a complete temp file and the old both exist."""
    pause = os.environ.get("ZIBO_TEST_PAUSE_BEFORE_RENAME")
    if pause:
        with contextlib.suppress(ValueError):
            time.sleep(float(pause))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet; refuse rather than overwrite."""
    if path.exists() or path.is_symlink():
        raise ZiboError(
            tr("{path} already exists; zibo never overwrites it.", path=display_path(path)), tr("Choose another path.")
        )
    if not path.parent.is_dir():
        raise ZiboError(
            tr("the folder {folder} does not exist.", folder=display_path(path.parent)), tr("Create it first.")
        )
    with write_lock(path):
        if path.exists():
            raise ZiboError(tr("{path} already exists; zibo never overwrites it.", path=display_path(path)))
        atomic_write(path, data)
