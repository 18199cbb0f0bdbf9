"""Read a goals file: bytes → text → TOML → validated GoalsFile, with every failure located."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from zibo_cli.core.model import GoalsFile, Observation, Problem
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr
from zibo_cli.store.locate import Location, display_path

if TYPE_CHECKING:
    from zibo_cli.core.line_index import LineIndex
    from zibo_cli.store.atomic import CopyingRewrite
    from zibo_cli.store.cache import Cache, Entry, Identity

BOM = "\ufeff"
FREEZE_FROM_BYTES = 3_000_000  # about 20,000 observations
STREAM_FROM = 1 << 20  # bytes: `add` copies and hashes a file this large without reading it (_streamed)
# Only needed to explain a broken file: compiled (and cached by `re`) when first used.
_POSITION = r"\s*\(at line (\d+), column (\d+)\)$"
_END_OF_DOCUMENT = r"\s*\(at end of document\)$"
_DECLARED_TWICE = r"^cannot declare \((.*)\) twice$"
_LONG_NUMBER = r"\d[\d_]{4299,}"


@dataclass(frozen=True, slots=True)
class LoadedFile:
    location: Location
    raw: bytes
    decoded: str | None  # the text, or None until asked for (a cache hit does not need to decode 15 MB)
    goals_file: GoalsFile
    # Set when a cache was used: what `add` needs to extend the cache entry instead of re-parsing.
    identity: Identity | None = None
    line_count: int | None = None
    cache_entry: Entry | None = None

    @property
    def text(self) -> str:
        if self.decoded is None:
            object.__setattr__(self, "decoded", decode(self.raw)[0] or "")
        return self.decoded or ""

    @property
    def label(self) -> str:
        return display_path(self.location.path)


@dataclass(slots=True)
class FileHead:
    """A valid goals file as `add` needs it: its bytes, goals and sources, and one goal's figures on demand.

    From a cache entry nothing else is built (not 100,000 observations to add one); without one, the
    file is loaded in full (`loaded`) and the cache filled for the next time.
    """

    location: Location
    raw: bytes
    info: os.stat_result
    definitions: GoalsFile  # schema, title, sources and goals; its `observations` list is empty
    identity: Identity | None
    hashing: Any  # a _Hashing of `raw` (or the CopyingRewrite) when there is a cache, else None
    entry: Entry | None = None
    loaded: LoadedFile | None = None
    # A large file with a cache entry is not read into `raw` (None): a CopyingRewrite copies it into
    # the temp file and hashes it; `add` needs only its first 4096 and last 4 bytes (`edges`).
    rewrite: CopyingRewrite | None = None
    streamed_edges: tuple[bytes, bytes] | None = None
    source: BinaryIO | None = None  # the open file the rewrite copies from

    @classmethod
    def of(cls, loaded: LoadedFile, info: os.stat_result, hashing: Any) -> FileHead:
        whole = loaded.goals_file
        definitions = GoalsFile(schema=whole.schema, title=whole.title, sources=whole.sources, goals=whole.goals)
        return cls(loaded.location, loaded.raw, info, definitions, loaded.identity, hashing, None, loaded)

    @property
    def label(self) -> str:
        return display_path(self.location.path)

    @property
    def digest(self) -> Any:
        """The running SHA-256 of `raw` (to extend with what is appended), or None without a cache."""
        return None if self.hashing is None else self.hashing.digest()

    @property
    def edges(self) -> tuple[bytes, bytes]:
        """The file's first 4096 bytes and last 4: its line endings and how it ends."""
        if self.raw is None:
            assert self.streamed_edges is not None
            return self.streamed_edges
        return self.raw[:4096], self.raw[-4:]

    @property
    def size(self) -> int:
        if self.raw is None:
            assert self.rewrite is not None
            return self.rewrite.copied
        return len(self.raw)

    def verified(self) -> bool:
        """Whether the cache entry (if any) is for exactly these bytes; if not, it is closed and dropped.

        For a streamed file, also whether the whole file was copied, nothing more (see
        `CopyingRewrite.complete`), and the bytes copied are those the edges were read from.
        """
        if self.entry is None:
            return True
        from zibo_cli.store.cache import named

        matches = self.entry.identity.digest == named(self.digest)
        if matches and self.rewrite is not None:
            copy = self.rewrite
            copied_all = copy.size == self.info.st_size and copy.complete()
            matches = copied_all and (copy.start, copy.end) == self.edges
        if matches:
            return True
        self.entry.close()
        self.entry = None
        return False

    def close(self, in_background: bool = False) -> None:
        """Close the cache entry, remove an unused temp file, close the file; what was read stays usable.

        `in_background`, once the file was replaced: closing the last descriptor of the old file (and of
        the old cache file) frees their pages, ~7 ms for 15 + 6 MB, which a thread can do while the
        confirmation is rendered (close lets go of the GIL). Nothing is read from either any more.
        """
        if self.rewrite is not None:
            self.rewrite.abandon()  # after `finish`, nothing is left to remove
        files: list[Any] = [self.entry, self.source]
        self.entry = self.source = None
        if in_background:
            _close_in_background(files)
        else:
            _close_all(files)

    def release_source(self) -> None:
        """Close the file the rewrite copied from, in a thread, once it has been replaced.

        Its last descriptor frees its 15 MB of pages (~4 ms): started right after the rename, that
        overlaps extending the cache entry and ends before the process does.
        """
        if self.source is not None:
            _close_in_background([self.source])
            self.source = None

    def observations_for(self, goal_id: str) -> list[Observation]:
        """One goal's figures in file order; raises cache.Damaged when the cache entry is damaged."""
        if self.loaded is not None:
            return self.loaded.goals_file.observations_for(goal_id)
        assert self.entry is not None
        return self.entry.observations_for(goal_id)

    def figures_of(self, goal_id: str, today: dt.date | None, cache: Cache | None) -> list[Observation]:
        """One goal's figures, from the file itself when the cache entry turns out damaged (then rewritten)."""
        from zibo_cli.store.cache import Damaged

        try:
            return self.observations_for(goal_id)
        except Damaged:
            raw, info = (self.raw, self.info) if self.raw is not None else read_with_stat(self.location)
            return _load(self.location, raw, info, today, cache).goals_file.observations_for(goal_id)


def _close_in_background(files: list[Any]) -> None:
    import threading

    threading.Thread(target=_close_all, args=(files,), daemon=True).start()


def _close_all(files: list[Any]) -> None:
    for item in files:
        if item is not None:
            item.close()


class FileProblems(ZiboError):
    """The file was read but has problems; `check` lists them, other commands refuse."""

    def __init__(self, label: str, problems: list[Problem]) -> None:
        first = problems[0].located(label)
        more = len(problems) - 1
        hint = None
        if more:
            template = (
                "1 more problem: run `zibo check` to list them all."
                if more == 1
                else ("{count} more problems: run `zibo check` to list them all.")
            )
            hint = tr(template, count=more)
        super().__init__(first, hint)
        self.label = label
        self.problems = problems


# What str.splitlines() ends a line at, as UTF-8 (each sequence can only be that character in UTF-8).
_LINE_BREAKS = (
    b"\n",
    b"\r",
    b"\x0b",
    b"\x0c",
    b"\x1c",
    b"\x1d",
    b"\x1e",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xe2\x80\xa9",
)


def count_lines(data: bytes) -> int:
    """len(text.splitlines()) for the UTF-8 text `data`, without splitting 15 MB into a million strings."""
    if not data:
        return 0
    breaks = sum(data.count(brk) for brk in _LINE_BREAKS) - data.count(b"\r\n")
    return breaks + (0 if data.endswith(_LINE_BREAKS) else 1)


@contextlib.contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection while a large file is parsed, validated or built from the cache.

    Parsed tables and the model hold no reference cycles, yet the collector, triggered every 700
    allocations, walks the growing heap again and again (measured on 100,000 observations: building
    them from the cache 0.17 s with it, 0.075 s without; a first run 2.81 s, 2.58 s without).
    With `freeze`, what exists by then (a large file's objects, kept to the end) is moved out of
    the collector's sight, so later collections do not walk it either.
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


# A root key that could be a static `observations = [...]` array (or a quoted key with escapes that
# might spell it): `[[observations]]` cannot be appended after one, so `add` checks such files whole.
# Compiled (and cached by `re`) on first use. The optional BOM: the first line of a file saved by a
# Windows editor starts with one.
_STATIC_OBSERVATIONS = (
    rb"""^(?:\xef\xbb\xbf)?[ \t]*(?:observations|"observations"|'observations'|"[^"\r\n]*\\[^"\r\n]*")[ \t]*="""
)
_OBSERVATIONS_KEY = rb"""observations["']?[ \t]*="""


def may_define_static_observations(raw: bytes) -> bool:
    """`_STATIC_OBSERVATIONS` matches some line; only the few lines that could match are tried (11 ms on 15 MB)."""
    static = re.compile(_STATIC_OBSERVATIONS, re.MULTILINE)
    starts = [match.start() for match in re.finditer(_OBSERVATIONS_KEY, raw)]
    position = raw.find(b"\\")
    while position != -1:
        starts.append(position)
        position = raw.find(b"\\", raw.find(b"\n", position) + 1 or len(raw))
    for start in starts:
        line_start = raw.rfind(b"\n", 0, start) + 1
        line_end = raw.find(b"\n", start)
        if static.match(raw, line_start, len(raw) if line_end == -1 else line_end):
            return True
    return False


def read_bytes(location: Location) -> bytes:
    return read_with_stat(location)[0]


def read_with_stat(location: Location) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the stat of the very file they came from (for the cache key)."""
    handle, info = _opened(location)
    return _read_rest(location, handle), info


def _opened(location: Location) -> tuple[BinaryIO, os.stat_result]:
    """The file open for reading, and its stat; or a ZiboError that says plainly why not."""
    path = location.path
    label = display_path(path)
    if path.is_char_device() or path.is_block_device() or path.is_socket():
        # /dev/zero or /dev/urandom would be read forever.
        raise ZiboError(tr("{label} is a device, not a goals file.", label=label), tr("Point --file at a .toml file."))
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by _read_rest, or kept open to copy from
    except OSError as error:
        raise _unreadable(label, error) from None
    try:
        return handle, os.fstat(handle.fileno())
    except OSError as error:
        handle.close()
        raise _unreadable(label, error) from None


def _read_rest(location: Location, handle: BinaryIO) -> bytes:
    with handle:
        try:
            return handle.read()
        except OSError as error:
            raise _unreadable(display_path(location.path), error) from None


def _unreadable(label: str, error: OSError) -> ZiboError:
    if isinstance(error, FileNotFoundError):
        return ZiboError(
            tr("{label}: no such file.", label=label),
            tr("Create one with `zibo init`, or point --file or ZIBO_FILE at an existing goals file."),
        )
    if isinstance(error, IsADirectoryError):
        return ZiboError(
            tr("{label} is a directory, not a goals file.", label=label), tr("Point --file at a .toml file.")
        )
    if isinstance(error, PermissionError):
        return ZiboError(
            tr("{label}: permission denied when reading.", label=label), tr("Check the file's permissions.")
        )
    reason = errno.errorcode.get(error.errno or 0, "") and error.strerror
    return ZiboError(tr("{label}: cannot be read ({reason}).", label=label, reason=reason or error))


def decode(raw: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text without its BOM (Windows editors add one; TOML parsers choke on it)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Problem(
            tr("the file is not valid UTF-8 text."), line, column, tr("Save it as UTF-8 (TOML files must be UTF-8).")
        )
    return text.removeprefix(BOM), None


def _fast_loads() -> Callable[[str], dict[str, Any]]:
    """tomli, when installed, is tomllib's own upstream compiled with mypyc: same results, ~2.4× faster."""
    try:
        import tomli
    except ImportError:  # pragma: no cover - tomli is a dependency, this is a safety net
        import tomllib

        return tomllib.loads
    return tomli.loads


def parse_toml(text: str) -> tuple[dict[str, Any] | None, Problem | None]:
    try:
        return _fast_loads()(text), None
    except Exception:
        pass  # the message and its position come from tomllib, exactly as without the fast parser
    import tomllib

    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line = column = None
        position = re.search(_POSITION, message)
        if position:
            line, column = int(position.group(1)), int(position.group(2))
            message = message[: position.start()]
        elif re.search(_END_OF_DOCUMENT, message):
            line = text.count("\n") + 1
            message = re.sub(_END_OF_DOCUMENT, "", message)
        return None, Problem(
            tr("TOML syntax error: {message}.", message=_explained(message[0].lower() + message[1:])),
            line,
            column,
            tr(SYNTAX_HINT),
        )
    except RecursionError:
        # tomllib recurses once per level of nested arrays and inline tables.
        return None, Problem(
            tr("TOML syntax error: arrays or inline tables are nested too deeply to read."),
            hint=tr("A goals file never needs more than a few levels; remove the nesting."),
        )
    except ValueError:
        # An integer beyond Python's digit limit for int(str) escapes tomllib as a plain ValueError.
        long_number = re.search(_LONG_NUMBER, text)
        line = text.count("\n", 0, long_number.start()) + 1 if long_number else None
        return None, Problem(
            tr("TOML value error: a number has too many digits to read."),
            line,
            hint=tr("No real figure needs more than 15 digits."),
        )


SYNTAX_HINT = "Fix the TOML at that line and column; `zibo check` lists every problem."


def _explained(message: str) -> str:
    """tomllib's wording, with what it usually means for a hand-edited file."""
    if message == "illegal character '\\n'":
        return tr("a string is not closed before the end of the line (illegal character '\\n')")
    if message.startswith("unterminated string") or message == 'expected "\'"':
        return tr("a string is never closed ({message})", message=message)
    if message == "cannot overwrite a value":
        return tr("a key is given a value twice (cannot overwrite a value)")
    declared = re.match(_DECLARED_TWICE, message)
    if declared:
        parts = re.findall(r"'((?:[^'\\]|\\.)*)'", declared.group(1))
        return tr("the table [{name}] is declared twice", name=".".join(parts))
    return message


def analyse(
    raw: bytes, today: dt.date | None, keep_text: bool = True
) -> tuple[str | None, GoalsFile | None, list[Problem]]:
    """Everything `check` reports, without raising.

    The text comes back too, unless `keep_text` is false: then it is let go as soon as it is parsed
    (on 15 MB of Chinese text, 30 MB less at the peak) and decoded again only to locate problems.
    """
    return _analysed(raw, today, keep_text)[:3]


def _analysed(
    raw: bytes, today: dt.date | None, keep_text: bool = True
) -> tuple[str | None, GoalsFile | None, list[Problem], LineIndex | None]:
    """`analyse`, and for a valid file the exact header index (`index_headers`) if it could make one."""
    if not raw.strip():
        return (
            "",
            None,
            [Problem(tr("the file is empty."), 1, hint=tr("Run `zibo init --empty` for a commented template."))],
            None,
        )
    text, problem = decode(raw)
    if problem or text is None:
        return None, None, [problem] if problem else [], None
    data, problem = parse_toml(text)
    if problem or data is None:
        return text, None, [problem] if problem else [], None
    from zibo_cli.core.line_index import index_headers, index_lines
    from zibo_cli.core.schema import build_goals_file

    if not keep_text:
        text = None
    headers = index_headers(raw.removeprefix(BOM.encode()))
    if headers is not None:
        goals_file, problems = build_goals_file(data, headers, today)
        if not problems:
            return text, goals_file, problems, headers
    if text is None:
        text = decode(raw)[0] or ""
    goals_file, problems = build_goals_file(data, index_lines(text), today)  # key lines, to locate problems
    return text, goals_file, problems, None


def load(location: Location, today: dt.date | None, cache: Cache | None = None) -> LoadedFile:
    """A valid goals file, or a ZiboError that names the first problem with its file:line.

    With a cache, a file whose exact bytes were validated before is not parsed again.
    """
    raw, info = read_with_stat(location)
    return _load(location, raw, info, today, cache)


class _Hashing:
    """The digest of the file's bytes (`cache.file_digest`), computed in a thread while the caller reads
    the cache entry.

    hashlib and blake3 release the GIL while they hash, so on two cores hashing 15 MB overlaps with
    reading (and building) the cache entry; nothing read is trusted before `digest()` compares them.
    """

    THREADED_FROM = 1 << 20  # below a megabyte a thread costs more than it saves

    def __init__(self, raw: bytes) -> None:
        from zibo_cli.store.cache import file_digest

        self._digest = file_digest(len(raw))
        self._thread = None
        if len(raw) < self.THREADED_FROM:
            self._digest.update(raw)
        else:
            import threading

            self._thread = threading.Thread(target=self._digest.update, args=(raw,), daemon=True)
            self._thread.start()

    def digest(self) -> Any:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return self._digest


class StreamHashing:
    """The digest of an open file (`cache.file_digest`), read in chunks by a thread: nothing else is kept.

    For a large file whose bytes are not needed, only their hash (see `store.results._speculated`).
    `digest()` is None if reading failed or the file was not read to the size it had when opened.
    """

    CHUNK = 1 << 22

    def __init__(self, handle: BinaryIO) -> None:
        import threading

        from zibo_cli.store.cache import file_digest

        self._handle = handle
        self._size = os.fstat(handle.fileno()).st_size
        self._digest = file_digest(self._size)
        self._read = 0
        self._failed = False
        self._stop = False
        self._thread = threading.Thread(target=self._hash, daemon=True)
        self._thread.start()

    def _hash(self) -> None:
        from zibo_cli.store.atomic import read_chunks

        try:
            for chunk in read_chunks(self._handle.fileno(), self.CHUNK, lambda: self._stop):
                self._digest.update(chunk)
                self._read += len(chunk)
        except OSError:
            self._failed = True

    def _join(self) -> None:
        self._thread.join()
        self._handle.close()

    def digest(self) -> Any:
        self._join()
        return None if self._failed or self._read != self._size else self._digest

    def abandon(self) -> None:
        self._stop = True
        self._join()


def _load(
    location: Location,
    raw: bytes,
    info: os.stat_result,
    today: dt.date | None,
    cache: Cache | None,
    digest: Any = None,
    fill: bool = True,
) -> LoadedFile:
    """`load` for bytes already read; `digest`, when given, is their SHA-256 and the cache was already tried.

    Without `fill`, a file that was parsed is not stored in the cache (`add` stores the file after
    the append instead: storing the file before it too cost ~3 ms on the bundled file, for nothing).
    """
    identity = None
    if cache is not None:
        from zibo_cli.store.cache import Identity

        real_path = os.path.realpath(location.path)
        if digest is None:
            from zibo_cli.store.grown import load_grown

            hashing = _Hashing(raw)
            entry = cache.open(real_path, info, today)
            goals_file = None
            if entry is not None:
                try:
                    goals_file = entry.goals_file()  # while the bytes are hashed; used only if they match
                except Exception:  # a damaged entry: parse, and the entry is rewritten below
                    goals_file = None
                finally:
                    entry.close()
            elif (grown := load_grown(location, raw, info, today, cache, hashing.digest)) is not None:
                return grown
            digest = hashing.digest()
            identity = Identity.hashed(real_path, info, digest)
            if entry is not None and goals_file is not None and entry.identity == identity:
                return LoadedFile(location, raw, None, goals_file, identity, entry.line_count, entry)
        else:
            identity = Identity.hashed(real_path, info, digest)
    with collector_paused(freeze=len(raw) >= FREEZE_FROM_BYTES):
        text, goals_file, problems, headers = _analysed(raw, today, keep_text=False)
    if problems or goals_file is None:
        raise FileProblems(display_path(location.path), problems)
    line_count = None
    if cache is not None and identity is not None and fill:
        line_count = count_lines(raw.removeprefix(BOM.encode()))
        static = may_define_static_observations(raw)
        chunks = None
        if headers is not None and static is False:
            from zibo_cli.store.spliced import chunks_of

            chunks = chunks_of(raw, headers)
        cache.put(identity, goals_file, line_count, static, chunks)
    return LoadedFile(location, raw, text, goals_file, identity, line_count)


def load_head(
    location: Location,
    today: dt.date | None,
    cache: Cache | None = None,
    *,
    verify_later: bool = False,
    fill: bool = True,
) -> FileHead:
    """The file's goals and sources, with its figures left in the cache until one goal's are asked for.

    With `verify_later`, a cache entry is returned while the file's bytes are still being hashed:
    the caller may prepare from it, but must call `verified()` before using what it prepared.
    Without `fill`, a file parsed for want of an entry is not stored in the cache (see `_load`).
    With `verify_later`, a large file with an entry is not read at all: see `_streamed`.
    """
    if cache is not None and verify_later:
        handle, info = _opened(location)
        if info.st_size >= STREAM_FROM:
            head = _streamed(location, handle, info, today, cache)
            if head is not None:
                return head
        raw = _read_rest(location, handle)
    else:
        raw, info = read_with_stat(location)
    if cache is not None:
        hashing = _Hashing(raw)
        entry = cache.open(os.path.realpath(location.path), info, today)
        if entry is not None:
            head = FileHead(location, raw, info, entry.definitions, entry.identity, hashing, entry)
            if verify_later or head.verified():
                return head
        else:
            from zibo_cli.store.grown import load_grown

            if (grown := load_grown(location, raw, info, today, cache, hashing.digest)) is not None:
                return FileHead.of(grown, info, hashing)
        digest = hashing.digest()
        loaded = _load(location, raw, info, today, cache, digest, fill)
        return FileHead.of(loaded, info, digest)
    return FileHead.of(_load(location, raw, info, today, None), info, None)


def _streamed(
    location: Location, handle: BinaryIO, info: os.stat_result, today: dt.date | None, cache: Cache
) -> FileHead | None:
    """A large file's head from its cache entry, the file copied and hashed meanwhile; None without an entry.

    The file is never read into memory: a CopyingRewrite copies it into the temp file of the append
    and hashes what it copies, while the caller works from the entry's goals and sources and these
    edges (read first, and compared with the copy's by `verified`).
    """
    from zibo_cli.store.atomic import CopyingRewrite
    from zibo_cli.store.cache import file_digest

    fd = handle.fileno()
    try:
        edges = os.pread(fd, CopyingRewrite.EDGE, 0), os.pread(fd, 4, max(0, info.st_size - 4))
    except OSError:
        return None  # the caller reads the file and says why it cannot
    # Started before the entry is opened (7 ms on 100k), which it overlaps; without an entry the copy is
    # dropped and the file read from its start (a first run after an edit parses for seconds anyway).
    rewrite = CopyingRewrite(location.path, fd, file_digest(info.st_size))
    entry = cache.open(os.path.realpath(location.path), info, today)
    if entry is None:
        rewrite.abandon()
        handle.seek(0)
        return None
    return FileHead(
        location, None, info, entry.definitions, entry.identity, rewrite, entry, None, rewrite, edges, handle
    )
