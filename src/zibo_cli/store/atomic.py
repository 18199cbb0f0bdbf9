"""Atomic, locked writes: a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from zibo_cli.errors import ZiboError
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


def create_temp(directory: Path | str, prefix: str, suffix: str = "", readable: bool = False) -> tuple[int, str]:
    """A new file only this user can read, opened for writing: (descriptor, path). Like tempfile.mkstemp.

    Written out because importing `tempfile` costs ~1.2 ms of every `add`. O_EXCL makes the name ours
    (another name is drawn if it exists), O_NOFOLLOW refuses a planted symlink. `readable` opens it
    for reading too (CopyingRewrite hashes what it copied into it).
    """
    access = os.O_RDWR if readable else os.O_WRONLY
    flags = access | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
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


def _start_writeback(fd: int, offset: int, length: int) -> None:
    """Have the kernel start writing these pages to disk now, so the final fsync finds them written.

    On Linux, POSIX_FADV_DONTNEED starts writeback of a range's dirty pages (and drops only clean
    ones); it is advice, so any failure is ignored, and durability still comes from the fsync before
    the rename. On 15 MB it took that fsync from ~8 ms to ~0.6 ms (the writes overlap the hashing).
    """
    with contextlib.suppress(AttributeError, OSError):
        os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)


class CopyingRewrite:
    """An atomic append begun early: the file's bytes are copied into the temp file and hashed, in a thread.

    For `add` on a large file with a cache entry, while the caller opens the cache entry and prepares
    the figure. What is hashed is always what is in the temp file, so once the hash matches the cache
    entry, what was validated is exactly what will be renamed into place.

    From `IN_KERNEL_FROM` bytes, and with a second CPU to run on, `os.copy_file_range` copies the whole
    file into the temp file in one call inside the kernel, its write-back is started, and the temp file
    is then read back in `HASH_CHUNK` pieces and hashed. After each call a thread waits for the GIL,
    which the main thread holds meanwhile (unpickling the entry, importing, ...): reading, hashing and
    writing 1 MB chunks made ~60 calls, so the copy ran mostly after the main thread's work instead of
    beside it; this makes ~18. Reading the temp file back costs ~2.5 ms more CPU than hashing the
    chunks read to be written; with a single CPU nothing runs beside anything, so it takes the cheaper
    path below.

    Smaller files, a single CPU, and a file the kernel will not copy (not Linux, another file system,
    any error) are copied through memory as before: read in 1 MB chunks, each hashed and written, which
    also tells a read error (the caller reads the file instead) from a write error (reported).

    `finish` appends the new text and renames as `atomic_write` does, with the same failures and
    messages; `abandon` removes the temp file. A failure to create or write the temp file is kept and
    raised by `finish`, so an error in what the user typed is still reported first.
    """

    CHUNK = 1 << 20
    HASH_CHUNK = 2 << 20
    EDGE = 4096  # bytes kept from the start of the file (enough to see its line endings)
    IN_KERNEL_FROM = 1 << 20  # bytes; below, a kernel copy saves nothing worth a second pass

    def __init__(self, path: Path, source: int, digest: Any) -> None:
        import threading

        self.path = path
        self.target = real_target(path)
        self.size = os.fstat(source).st_size  # what the copy must come to
        self.copied = 0
        self.start = b""  # the first EDGE bytes copied
        self.end = b""  # the last 4 bytes copied
        self.read_error: OSError | None = None
        self.write_error: OSError | None = None
        self._source = source
        self._digest = digest
        self._stop = False
        self._fd: int | None = None
        self._temp_name: str | None = None
        try:
            self._fd, self._temp_name = create_temp(
                self.target.parent, _temp_prefix(self.target), TEMP_SUFFIX, readable=True
            )
        except OSError as error:
            self.write_error = error
        self._thread: threading.Thread | None = threading.Thread(target=self._copy, daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        in_kernel = self._fd is not None and self.size >= max(self.IN_KERNEL_FROM, 1) and _cpus() > 1
        if not in_kernel or not self._copy_in_kernel():
            self._copy_through_memory()

    def _copy_in_kernel(self) -> bool:
        """Copy in the kernel, then hash the temp file; False (and nothing kept) if the kernel would not copy."""
        fd = self._fd
        assert fd is not None
        offset = 0
        try:
            while offset < self.size and not self._stop:  # one call, unless the kernel copies less at once
                count = os.copy_file_range(self._source, fd, self.size - offset, offset, offset)
                if not count:
                    break  # the file is shorter than it was: `complete` says no
                offset += count
        except (AttributeError, OSError):  # not Linux, another file system, or a read or write error
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            return False
        if offset != self.size or self._stop:
            self.copied = offset
            return True
        _start_writeback(fd, 0, offset)
        buffer = bytearray(self.HASH_CHUNK)
        view = memoryview(buffer)
        try:
            while self.copied < offset and not self._stop:
                count = os.preadv(fd, [buffer], self.copied)
                if not count:
                    break
                chunk = view[:count]
                self._take(chunk)
        except OSError as error:
            self.read_error = error
        return True

    def _copy_through_memory(self) -> None:
        try:
            for chunk in read_chunks(self._source, self.CHUNK, lambda: self._stop):
                count = len(chunk)
                self._take(chunk)
                if self.write_error is None and self._fd is not None:
                    try:
                        _write_all(self._fd, chunk)
                        _start_writeback(self._fd, self.copied - count, count)
                    except OSError as error:
                        self.write_error = error  # still hashed to the end: the caller decides what to say
        except OSError as error:
            self.read_error = error

    def _take(self, chunk: memoryview) -> None:
        """Hash the next chunk of the copy and keep its edges."""
        self._digest.update(chunk)
        if len(self.start) < self.EDGE:
            self.start += bytes(chunk[: self.EDGE - len(self.start)])
        self.end = (self.end + bytes(chunk[-4:]))[-4:]
        self.copied += len(chunk)

    def complete(self) -> bool:
        """Whether the whole file was copied and hashed: its size when opened, and nothing after that.

        Waits for the copy. A file that grew meanwhile (an append by another program) is not complete:
        the append would drop what was added.
        """
        self._join()
        if self.read_error is not None or self.copied != self.size:
            return False
        try:
            return not os.pread(self._source, 1, self.size)
        except OSError:
            return False

    def digest(self) -> Any:
        """The running SHA-256 of every byte copied (waits for the copy to end)."""
        self._join()
        return self._digest

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def finish(self, tail: bytes) -> None:
        """Append `tail`, then fsync, same mode and owner, rename over the file, fsync the folder."""
        self._join()
        try:
            if self.write_error is not None:
                raise self.write_error
            if self.read_error is not None:
                raise self.read_error
            assert self._fd is not None
            fd, self._fd = self._fd, None
            try:
                # Never rename anything but the bytes copied and the tail (the kernel copy wrote at offsets).
                if os.lseek(fd, 0, os.SEEK_END) != self.copied:
                    raise OSError(errno.EIO, "the copy is not the size it should be")
                _write_all(fd, tail)
                _seal(fd, self.target)
            finally:
                os.close(fd)
            _test_pause_before_rename()
            os.replace(self._temp_name, self.target)  # type: ignore[arg-type]
            self._temp_name = None
        except OSError as error:
            self.abandon()
            raise _write_error(self.path, error) from None
        _fsync_directory(self.target.parent)

    def abandon(self) -> None:
        """Stop copying and remove the temp file (nothing is written); safe to call more than once."""
        self._stop = True
        self._join()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        _discard(self._temp_name)
        self._temp_name = None


def _cpus() -> int:
    """The CPUs this process may run on: the kernel copy pays only beside the main thread, on another one."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def read_chunks(fd: int, size: int, stopped: Callable[[], bool]) -> Iterator[memoryview]:
    """The rest of an open file, in chunks read into one reused buffer: each chunk is valid until the next.

    For hashing (and copying) a large file in a thread without holding it in memory; readv lets go of
    the GIL. Raises OSError as os.readv does.
    """
    buffer = bytearray(size)
    view = memoryview(buffer)
    while not stopped():
        count = os.readv(fd, [buffer])
        if not count:
            return
        yield view[:count]


def _test_pause_before_rename() -> None:
    """TEST-ONLY: ZIBO_TEST_PAUSE_BEFORE_RENAME=SECONDS holds a finished temp file before the rename.

    The crash tests use it to SIGKILL a writer at the one moment a complete temp file and the old
    file both exist. It is not a user setting; without the variable it costs one dictionary lookup.
    """
    pause = os.environ.get("ZIBO_TEST_PAUSE_BEFORE_RENAME")
    if pause:
        with contextlib.suppress(ValueError):
            time.sleep(float(pause))


def plain_reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return tr("the disk is full")
    if error.errno in (errno.EACCES, errno.EPERM):
        return tr("permission denied")
    return (error.strerror or str(error)).lower()


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
