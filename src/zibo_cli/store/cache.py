"""A per-user cache of validated goals files, so a large file is parsed once and not on every command.

Where: `$XDG_CACHE_HOME/zibo/` (else `~/.cache/zibo/`), a folder only its owner may open (0700); never
beside the user's file. One cache file per goals file, named after a hash of the file's real path.
Off with `ZIBO_NO_CACHE=1`.

Why it can never serve stale data: an entry is used only when the goals file's device, inode, size
and mtime_ns *and* the digest of the bytes just read (`file_digest`: SHA-256, or BLAKE3 from a
megabyte on) all match, along with zibo's version, the
Python version, the field layout of the model and a fingerprint of the modules that validate. The
validation also depends on "today" (no figure may be dated in the future), so an entry whose latest
figure is after today is not used either.

Format: a magic line, a pickled header (the key, counts, where each blob of the body is, with its
SHA-256, and where the file's pieces of figure tables are and start) preceded by its length and its
own SHA-256, then the body: one blob with the
file's definitions (sources and goals), then blobs of observations, each holding one goal's figures
column by column, each with its piece and its position and line within it (store/spliced.py).
Keeping each goal's figures apart lets `zibo add` read only the goal it adds to (its confirmation shows
that goal's latest figure, progress and status) instead of building every observation of the file.
Pickle is safe here because only this user can write the folder: a cache folder or file owned by
someone else, or writable by group or others, is not read. A damaged file (bad magic, a header or
blob whose hash does not match, anything that fails to unpickle) is ignored and replaced.

Since `zibo add` only appends, extending an entry writes a new header, copies the old body's bytes and
adds one small blob: no re-parse and no re-pickling of what was there. A file that grew by hand is
extended the same way (store/grown.py). The header also records where the file's figure tables can be
cut, with each piece's SHA-256, so that after an edit before the end only the changed bytes are parsed
and only the goals whose figures changed get new blobs (store/spliced.py). What `status` and `report`
computed lives beside the entry (store/results.py).

Writes go to a temp file in the cache folder and are renamed into place; any failure to write the
cache is swallowed: the cache may make a command faster, never make it fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import stat
import sys
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from zibo_cli import __version__
from zibo_cli.core.model import Baseline, Goal, GoalsFile, Observation, Source, Target

MAGIC = b"zibo-cache 5\n"
FREEZE_FROM = 20_000  # observations: past this, what was built is moved out of the collector's sight
# Past this many blobs beyond one per goal, an extension merges each goal's blobs back into one.
MAX_EXTRA_BLOBS = 500
_FIELDS = tuple(f.name for f in fields(Observation))
_STORED = tuple(name for name in _FIELDS if name != "goal")  # a blob is one goal's: its id is the key
_GOAL_FIELDS = tuple(f.name for f in fields(Goal) if f.name not in ("baseline", "targets"))
_BASELINE_FIELDS = tuple(f.name for f in fields(Baseline))
_TARGET_FIELDS = tuple(f.name for f in fields(Target))
_SOURCE_FIELDS = tuple(f.name for f in fields(Source))

T = TypeVar("T")


OPENSSL_FROM = 1 << 20  # bytes
FAST_FROM = 1 << 20  # bytes: from here a goals file's identity is a BLAKE3 digest (see `file_digest`)


def file_digest(size: int) -> Any:
    """A running hash of a goals file of `size` bytes, for its identity: BLAKE3 from a megabyte on.

    Every command on a large file hashes all of it to check it against the cache entry: 15 MB took
    ~8 ms with OpenSSL's SHA-256 (and ~1.6 ms to load OpenSSL), ~2 ms with the blake3 package (0.6 ms
    to load). Below a megabyte the interpreter's own SHA-256 is quicker to load than either. The
    identity records the algorithm's name with the digest, so digests of the two never compare equal;
    without the blake3 package (a platform it has no wheel for), SHA-256 is used throughout.
    """
    if size >= FAST_FROM:
        try:
            from blake3 import blake3
        except ImportError:
            pass
        else:
            return blake3()
    return sha256_for(size)()


def named(digest: Any) -> str:
    """A file digest as an identity records it: the algorithm's name, then the hex digest."""
    return f"{digest.name}:{digest.hexdigest()}"


def sha256_for(size: int) -> Callable[..., Any]:
    """A SHA-256 constructor for hashing about `size` bytes in all (every one gives the same digests).

    hashlib's comes from OpenSSL: 3.5 times faster on 15 MB, but loading it costs ~2.5 ms, more than
    hashing the bundled file takes with the interpreter's own, which is used below a megabyte.
    """
    if size < OPENSSL_FROM:
        try:
            from _sha256 import sha256  # Python 3.11
        except ImportError:
            try:
                from _sha2 import sha256  # Python 3.12 and later
            except ImportError:
                from hashlib import sha256
        return sha256
    from hashlib import sha256

    return sha256


class Damaged(Exception):
    """The cache file does not hold what its header says: it is ignored and rewritten."""


def cache_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CACHE_HOME") or ""
    if not base or not os.path.isabs(base):
        base = str(Path(env.get("HOME") or str(Path.home())) / ".cache")
    return Path(base) / "zibo"


def cache_for(env: Mapping[str, str]) -> Cache | None:
    """The cache a command should use, or None when ZIBO_NO_CACHE is set (to anything but 0 or empty)."""
    if env.get("ZIBO_NO_CACHE", "") not in ("", "0"):
        return None
    return Cache(cache_dir(env))


@dataclass(frozen=True, slots=True)
class Identity:
    """What the file was when it was read: where it is and which bytes it held."""

    real_path: str
    device: int
    inode: int
    size: int
    mtime_ns: int
    digest: str  # "algorithm:hex", see `file_digest`

    @classmethod
    def of(cls, real_path: str, info: os.stat_result, raw: bytes) -> Identity:
        digest = file_digest(len(raw))
        digest.update(raw)
        return cls.hashed(real_path, info, digest)

    @classmethod
    def hashed(cls, real_path: str, info: os.stat_result, digest: Any) -> Identity:
        """From a running `file_digest` of the bytes (`add` extends the old file's instead of hashing 15 MB again)."""
        return cls(real_path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, named(digest))


def _stat_of(identity: Identity) -> tuple[str, int, int, int, int]:
    return identity.real_path, identity.device, identity.inode, identity.size, identity.mtime_ns


def _file_stat(info: os.stat_result | _Stat) -> tuple[int, int, int, int]:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


class _Stat:
    """The parts of an os.stat_result that an identity records."""

    __slots__ = ("st_dev", "st_ino", "st_mtime_ns", "st_size")

    def __init__(self, identity: Identity) -> None:
        self.st_dev = identity.device
        self.st_ino = identity.inode
        self.st_size = identity.size
        self.st_mtime_ns = identity.mtime_ns


# -- building many frozen dataclass objects fast ----------------------------------------------------


def _fast_build_possible(cls: type) -> bool:
    """Slots set one by one are exactly what the generated __init__ sets, if there is nothing more to run."""
    names = [f.name for f in fields(cls)]
    return not hasattr(cls, "__post_init__") and all(
        type(cls.__dict__.get(name)).__name__ == "member_descriptor" for name in names
    )


_FAST = {cls: _fast_build_possible(cls) for cls in (Observation, Goal, Baseline, Target, Source)}


def build(cls: type[T], names: Sequence[str], columns: Sequence[Sequence[Any]]) -> list[T]:
    """Objects of a frozen, slotted dataclass from its fields column by column.

    Equal to `[cls(*row) for row in zip(*columns)]` (every field is given), but the frozen
    dataclass's __init__ sets each field through object.__setattr__ in Python: ~3 µs per
    observation. Setting the slots column by column through their descriptors runs in C (~0.5 µs).
    """
    if len(names) != len(fields(cls)) or len(columns) != len(names):  # type: ignore[arg-type]
        raise Damaged("wrong columns")
    count = len(columns[0]) if columns else 0
    if any(len(column) != count for column in columns):
        raise Damaged("columns of different lengths")
    fast = _FAST.get(cls)
    if fast is None:  # another frozen dataclass (the results memo's): checked once
        fast = _FAST[cls] = _fast_build_possible(cls)
    if not fast:
        return [cls(**dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)]
    objects = list(map(object.__new__, repeat(cls, count)))
    for name, column in zip(names, columns, strict=True):
        deque(map(cls.__dict__[name].__set__, objects, column), maxlen=0)
    return objects


def _columns(objects: Sequence[Any], names: Sequence[str]) -> list[list[Any]]:
    return [_shared(list(map(attrgetter(name), objects))) for name in names]


def _shared(column: list[Any]) -> list[Any]:
    """Equal values as one object: pickle then writes a back-reference, and loading shares them too.

    Only where equal means identical: strings, dates, and date-times with the same tzinfo (equal
    instants with other offsets stay apart); never numbers (1 == 1.0, 0.0 == -0.0).
    Booleans and None are shared already.
    """
    kinds = set(map(type, column))
    if kinds <= _SHAREABLE_BY_VALUE or kinds <= _SHAREABLE_BY_VALUE_TOO:
        seen: dict[Any, Any] = {}
        return list(map(seen.setdefault, column, column))
    if kinds <= {dt.datetime, type(None)}:
        # Equal instants with the same tzinfo object and fold have the same fields, offset and name.
        by_key: dict[Any, Any] = {}
        return [
            value if value is None else by_key.setdefault((value, id(value.tzinfo), value.fold), value)
            for value in column
        ]
    return column


_SHAREABLE_BY_VALUE = {str, type(None)}
_SHAREABLE_BY_VALUE_TOO = {dt.date, type(None)}


# -- the definitions blob: sources and goals ------------------------------------------------------


def _definitions_blob(goals_file: GoalsFile) -> bytes:
    goals = list(goals_file.goals.values())
    baselines = [goal.baseline for goal in goals if goal.baseline is not None]
    targets = [target for goal in goals for target in goal.targets]
    sources = list(goals_file.sources.values())
    document = (
        goals_file.schema,
        goals_file.title,
        list(goals_file.sources),
        _columns(sources, _SOURCE_FIELDS),
        list(goals_file.goals),
        _columns(goals, _GOAL_FIELDS),
        [goal.baseline is not None for goal in goals],
        _columns(baselines, _BASELINE_FIELDS),
        [len(goal.targets) for goal in goals],
        _columns(targets, _TARGET_FIELDS),
    )
    return pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)


def _definitions(blob: bytes) -> GoalsFile:
    """The file without its observations (schema, title, sources, goals)."""
    document = pickle.loads(blob)
    schema, title, source_ids, source_columns, goal_ids, goal_columns = document[:6]
    has_baseline, baseline_columns, target_counts, target_columns = document[6:]
    sources = build(Source, _SOURCE_FIELDS, source_columns)
    baselines = iter(build(Baseline, _BASELINE_FIELDS, baseline_columns))
    targets = build(Target, _TARGET_FIELDS, target_columns)
    if len(source_ids) != len(sources) or len(goal_ids) != len(has_baseline) or len(goal_ids) != len(target_counts):
        raise Damaged("definitions do not add up")
    start = 0
    baseline_column, targets_column = [], []
    for present, count in zip(has_baseline, target_counts, strict=True):
        baseline_column.append(next(baselines) if present else None)
        targets_column.append(tuple(targets[start : start + count]))
        start += count
    if start != len(targets) or next(baselines, None) is not None:
        raise Damaged("definitions do not add up")
    names = [*_GOAL_FIELDS, "baseline", "targets"]
    goals = build(Goal, names, [*goal_columns, baseline_column, targets_column])
    return GoalsFile(
        schema=schema,
        title=title,
        sources=dict(zip(source_ids, sources, strict=True)),
        goals=dict(zip(goal_ids, goals, strict=True)),
        observations=[],
    )


# -- observation blobs: one goal's figures ----------------------------------------------------------

Blob = tuple[str, int, int, bytes]  # goal id, offset in the body, length, SHA-256
# A run of the file's bytes holding only `[[observations]]` tables, from the start of a line: offset in
# the file, length, SHA-256, position of its first figure, line it starts on, id (store/spliced.py).
Chunk = tuple[int, int, bytes, int, int, int]
Chunks = tuple[int, bytes, list[Chunk]]  # the length and SHA-256 of what comes before, then the chunks
# Where each chunk's figures start (position, line), by chunk id. A blob stores each figure's chunk id
# and its position and line within the chunk: an edit that moves a chunk changes its start here, not
# the blobs of every goal with a figure after the edit. A figure's chunk is always the last to start on
# or before its line (HEAD's start is 0): store/results.py finds a remembered line's chunk that way.
Bases = dict[int, tuple[int, int]]
HEAD = 0  # the "chunk" of figures outside any chunk: their positions and lines are the file's own
MAX_CHUNKS = 20_000  # past this (one per `add`), an entry keeps none until the next full parse
_LINE = _STORED.index("line")
_DATE = _STORED.index("date")

Figures = tuple[list[int], list[int], list[list[Any]]]  # chunk ids, positions and columns (lines) within them
Start = tuple[int, int, int]  # position of a chunk's first figure, its first line, its id


def bases_of_chunks(chunks: Chunks | None, kept: Bases | None = None) -> Bases:
    """The starts of these chunks (and of HEAD); without chunks, those kept from before."""
    if chunks is None:
        return dict(kept or {HEAD: (0, 0)})
    return {HEAD: (0, 0), **{chunk_id: (position, line) for *_, position, line, chunk_id in chunks[2]}}


def starts_of(chunks: Sequence[Chunk]) -> list[Start]:
    return [(position, line, chunk_id) for *_, position, line, chunk_id in chunks]


def _last_start(bases: Bases) -> list[Start]:
    """The start of the chunk that starts last (HEAD, without chunks), from the bases alone."""
    return [max((position, line, chunk_id) for chunk_id, (position, line) in bases.items())]


def _relative(observations: Sequence[Observation], positions: Sequence[int], starts: Sequence[Start]) -> Figures:
    """Figures at these positions in the file as a blob stores them: by chunk, within it."""
    firsts = [first for first, _, _ in starts]
    ids: list[int] = []
    within: list[int] = []
    lines: list[int | None] = []
    for observation, position in zip(observations, positions, strict=True):
        index = bisect_right(firsts, position) - 1
        first, first_line, chunk_id = starts[index] if index >= 0 else (0, 0, HEAD)
        ids.append(chunk_id)
        within.append(position - first)
        lines.append(None if observation.line is None else observation.line - first_line)
    columns = _columns(observations, _STORED)
    columns[_LINE] = lines
    return ids, within, columns


Row = tuple[int, int, tuple[Any, ...]]  # chunk id, position within it, the stored fields


def _rows(figures: Figures) -> Iterable[Row]:
    ids, within, columns = figures
    return zip(ids, within, zip(*columns, strict=True), strict=True)


def _placed(figures: Figures, bases: Bases) -> tuple[list[int], list[list[Any]]]:
    """Positions and columns of a blob's figures with the file's own positions and lines. Raises Damaged."""
    ids, within, columns = figures
    if all(chunk_id == HEAD for chunk_id in set(ids)):
        return within, columns
    try:
        starts = [bases[chunk_id] for chunk_id in ids]
    except KeyError:
        raise Damaged("a figure of an unknown chunk") from None
    positions = [first + position for (first, _), position in zip(starts, within, strict=True)]
    lines = [None if line is None else first + line for (_, first), line in zip(starts, columns[_LINE], strict=True)]
    return positions, [*columns[:_LINE], lines, *columns[_LINE + 1 :]]


def _observation_blobs(
    observations: Sequence[Observation], first_position: int, starts: Sequence[Start]
) -> list[tuple[str, bytes]]:
    """Each goal's figures as (goal id, pickled figures), goals in order of first figure."""
    by_goal: dict[str, list[int]] = {}
    for index, observation in enumerate(observations):
        by_goal.setdefault(observation.goal, []).append(index)
    blobs = []
    for goal_id, indexes in by_goal.items():
        mine = [observations[index] for index in indexes]
        blobs.append((goal_id, _pickled(_relative(mine, [first_position + index for index in indexes], starts))))
    return blobs


def _pickled(figures: Figures) -> bytes:
    return pickle.dumps(figures, protocol=pickle.HIGHEST_PROTOCOL)


class Cache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def slot(self, real_path: str) -> Path:
        name = sha256_for(0)(os.fsencode(real_path)).hexdigest()[:32]
        return self.directory / f"{name}.cache"

    # -- reading ------------------------------------------------------------------------------------

    def _trusted(self, path: Path, info: os.stat_result) -> bool:
        """Only unpickle what this user alone could have written."""
        uid = os.geteuid()
        try:
            folder = os.stat(self.directory)
        except OSError:
            return False
        for item in (folder, info):
            if item.st_uid != uid or item.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return False
        return stat.S_ISREG(info.st_mode)

    def get(self, identity: Identity, today: dt.date | None) -> Entry | None:
        """The entry for exactly these bytes, or None; never raises. Observations are read on demand."""
        entry = self.open(identity.real_path, _Stat(identity), today)
        if entry is not None and entry.identity != identity:
            entry.close()
            return None
        return entry

    def open(self, real_path: str, info: os.stat_result | _Stat, today: dt.date | None) -> Entry | None:
        """The entry for the file at this path as it stands (device, inode, size, mtime), or None; never raises.

        Its bytes are NOT checked yet: the caller compares `entry.identity.digest` with the digest of
        the bytes it read before it trusts anything read from the entry.
        """
        try:
            return self._open(real_path, info, today)
        except Exception:
            return None

    def open_previous(self, real_path: str, info: os.stat_result, today: dt.date | None) -> Entry | None:
        """The entry of this path made from other bytes than the file holds now, or None; never raises.

        For a file that may have grown by an append (store/grown.py) or been edited (store/spliced.py):
        the caller checks which of the entry's bytes the file still holds before it trusts anything in it.
        """
        try:
            return self._open(real_path, info, today, grown=True)
        except Exception:
            return None

    def _open(
        self, real_path: str, info: os.stat_result | _Stat, today: dt.date | None, grown: bool = False
    ) -> Entry | None:
        path = self.slot(real_path)
        handle = open(path, "rb")  # noqa: SIM115 - kept open: figures are read from it when asked for
        try:
            stat_info = os.fstat(handle.fileno())
            if not self._trusted(path, stat_info):
                handle.close()
                return None
            header = unsealed(handle, stat_info.st_size)
            if header is None:
                handle.close()
                return None
            fingerprint, identity = header["key"]
            latest = header["latest"]
            if (
                fingerprint != _code_fingerprint()
                or not isinstance(identity, Identity)
                or (
                    not grown
                    and _stat_of(identity) != (real_path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
                )
                or (grown and identity.real_path != real_path)
                or (today is not None and latest is not None and latest > today)  # a full validation must report it
            ):
                handle.close()
                return None
            body = _Body(handle, handle.tell(), header["body"])
            length, digest = header["definitions"]
            if os.fstat(handle.fileno()).st_size != body.start + body.length:
                handle.close()
                return None
            entry = Entry(
                identity=identity,  # as the header says: the caller checks its SHA-256
                definitions=_definitions(body.read(0, length, digest)),
                count=header["count"],
                latest=latest,
                line_count=header["line_count"],
                static_observations=header["static"],
                blobs=list(header["blobs"]),
                body=body,
                definitions_length=length,
                definitions_digest=digest,
                chunks=header["chunks"],
                bases=header["bases"],
            )
        except BaseException:
            handle.close()
            raise
        return entry

    # -- writing ------------------------------------------------------------------------------------

    def put(
        self,
        identity: Identity,
        goals_file: GoalsFile,
        line_count: int,
        static: bool | None = None,
        chunks: Chunks | None = None,
    ) -> None:
        """Store a freshly validated file; never raises. `chunks`: see store/spliced.py."""
        from zibo_cli.store.read import collector_paused

        with contextlib.suppress(Exception), collector_paused():
            definitions = _definitions_blob(goals_file)
            observations = _observation_blobs(goals_file.observations, 0, starts_of(chunks[2]) if chunks else [])
            sha256 = sha256_for(len(definitions) + sum(len(blob) for _, blob in observations))
            pieces = [definitions]
            blobs: list[Blob] = []
            offset = len(definitions)
            for goal_id, blob in observations:
                blobs.append((goal_id, offset, len(blob), sha256(blob).digest()))
                pieces.append(blob)
                offset += len(blob)
            header = {
                "definitions": (len(definitions), sha256(definitions).digest()),
                "count": len(goals_file.observations),
                "latest": max((o.date for o in goals_file.observations), default=None),
                "line_count": line_count,
                "static": static,
                "blobs": blobs,
                "chunks": chunks,
                "bases": bases_of_chunks(chunks),
            }
            self._write(identity, header, pieces)

    def extend(
        self,
        entry: Entry,
        identity: Identity,
        added: Sequence[Observation],
        lines: int,
        static: bool | None,
        tail: tuple[int, int, bytes, int, int] | None = None,
    ) -> None:
        """Record an append: the old body's bytes are copied, the new figures are added as small blobs.

        `tail` is the appended bytes as one more chunk, without its id (store/spliced.py); without it
        the entry keeps no chunks, and the next edit before the end is parsed in full.
        """
        with contextlib.suppress(Exception):
            chunks = None
            if entry.chunks is not None and tail is not None and len(entry.chunks[2]) < MAX_CHUNKS:
                chunks = (*entry.chunks[:2], [*entry.chunks[2], (*tail, max(entry.bases) + 1)])
            blobs = list(entry.blobs)
            pieces: list[bytes | _Body] = [entry.body]
            offset = entry.body.length
            # Without a chunk of their own, the new figures belong to the last chunk there is: a figure's
            # chunk must be the last to start on or before its line, as the results memo finds it.
            starts = starts_of(chunks[2][-1:]) if chunks else _last_start(entry.bases)
            for goal_id, blob in _observation_blobs(added, entry.count, starts):
                blobs.append((goal_id, offset, len(blob), entry.body.sha256(blob).digest()))
                pieces.append(blob)
                offset += len(blob)
            dates = [o.date for o in added]
            if entry.latest is not None:
                dates.append(entry.latest)
            header = {
                "definitions": (entry.definitions_length, entry.definitions_digest),
                "count": entry.count + len(added),
                "latest": max(dates, default=None),
                "line_count": lines,
                "static": static,
                "blobs": blobs,
                "chunks": chunks,
                "bases": bases_of_chunks(chunks, entry.bases),
            }
            if len(blobs) > len(entry.definitions.goals) + MAX_EXTRA_BLOBS:
                body = entry.body.whole() + b"".join(piece for piece in pieces[1:] if isinstance(piece, bytes))
                header["blobs"], pieces = _compacted(body, entry.definitions_length, blobs)
            self._write(identity, header, pieces)

    def splice(
        self,
        entry: Entry,
        identity: Identity,
        removed: set[int],
        added: Sequence[Observation],
        first_position: int,
        lines: int,
        chunks: Chunks,
    ) -> None:
        """Record an edit: the figures of the `removed` chunks replaced by `added` (from `first_position` on).

        `chunks` are the file's chunks now: those before and after the edit as they were (moved), then
        the edited part's, which take the removed chunks' ids first. A goal whose figures in the removed
        chunks are exactly its figures in the new ones keeps its blobs' bytes (and so, in
        store/results.py, its assessment): a figure's blob holds its chunk and its place in it, and
        only the chunk's start moves. Each other goal gets one new blob. Raises Damaged; the caller
        then parses the file.
        """
        body = entry.body.whole()
        sha256 = entry.body.sha256
        unpickled = list(_unpickled(_sliced(body, sha256), entry.blobs))
        fresh = [chunk for chunk in chunks[2] if chunk[5] in removed or chunk[5] > max(entry.bases)]
        replacing: dict[str, list[Row]] = {}
        if added:
            positions = range(first_position, first_position + len(added))
            for observation, row in zip(added, _rows(_relative(added, positions, starts_of(fresh))), strict=True):
                replacing.setdefault(observation.goal, []).append(row)
        replaced: dict[str, list[Row]] = {}
        for (goal_id, *_), figures in zip(entry.blobs, unpickled, strict=True):
            if not removed.isdisjoint(figures[0]):
                replaced.setdefault(goal_id, []).extend(row for row in _rows(figures) if row[0] in removed)
        # Compared as pickles: 1 and 1.0, or 0.0 and -0.0, are equal but not the same figure.
        touched = {
            goal_id
            for goal_id in replaced.keys() | replacing.keys()
            if pickle.dumps(replaced.get(goal_id)) != pickle.dumps(replacing.get(goal_id))
        }
        kept: dict[str, list[Row]] = {}
        for (goal_id, *_), figures in zip(entry.blobs, unpickled, strict=True):
            if goal_id in touched:
                kept.setdefault(goal_id, []).extend(row for row in _rows(figures) if row[0] not in removed)
        bases = bases_of_chunks(chunks)
        pieces: list[bytes] = [body[: entry.definitions_length]]
        blobs: list[Blob] = []
        latest: list[dt.date] = []
        end = entry.definitions_length
        count = 0

        def place(goal_id: str, blob: bytes, digest: bytes, dates: list[dt.date]) -> None:
            nonlocal end, count
            blobs.append((goal_id, end, len(blob), digest))
            pieces.append(blob)
            end += len(blob)
            count += len(dates)
            if dates:
                latest.append(max(dates))

        for (goal_id, offset, length, digest), (_, _, columns) in zip(entry.blobs, unpickled, strict=True):
            if goal_id not in touched:
                place(goal_id, body[offset : offset + length], digest, columns[_DATE])
        for goal_id in touched:
            rows = [*kept.get(goal_id, []), *replacing.get(goal_id, [])]
            if not rows:
                continue  # every figure of the goal was in the edited part
            rows.sort(key=lambda row: bases[row[0]][0] + row[1])
            columns = [_shared(list(column)) for column in zip(*(row[2] for row in rows), strict=True)]
            blob = _pickled(([row[0] for row in rows], [row[1] for row in rows], columns))
            place(goal_id, blob, sha256(blob).digest(), columns[_DATE])
        if count != entry.count - sum(map(len, replaced.values())) + len(added):
            raise Damaged("the splice does not add up")
        header = {
            "definitions": (entry.definitions_length, entry.definitions_digest),
            "count": count,
            "latest": max(latest, default=None),
            "line_count": lines,
            "static": entry.static_observations,
            "blobs": blobs,
            "chunks": chunks,
            "bases": bases,
        }
        self._write(identity, header, pieces)

    def _write(self, identity: Identity, header: dict[str, Any], pieces: Sequence[bytes | _Body]) -> None:
        lengths = [piece.length if isinstance(piece, _Body) else len(piece) for piece in pieces]
        header = {**header, "key": (_code_fingerprint(), identity), "body": sum(lengths)}
        self.replace(self.slot(identity.real_path), [sealed(header), *pieces])

    def replace(self, target: Path, pieces: Sequence[bytes | _Body]) -> None:
        """A temp file in the cache folder, renamed over `target`; only in a folder this user alone can write."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = os.stat(self.directory)
        if folder.st_uid != os.geteuid() or folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return  # a folder others can write is not one to fill with pickles
        from zibo_cli.store.atomic import create_temp  # not tempfile: ~1.2 ms to import

        fd, temp = create_temp(self.directory, ".tmp-")
        try:
            try:
                for piece in pieces:
                    if isinstance(piece, _Body):
                        piece.copy_to(fd)
                    else:
                        _write_all(fd, piece)
            finally:
                os.close(fd)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


_SEAL = 8 + 32  # the header's length and SHA-256, between the magic line and the header


def sealed(header: dict[str, Any], magic: bytes = MAGIC) -> bytes:
    """The magic line and the pickled header, with the header's length and SHA-256 between them."""
    pickled = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
    return magic + len(pickled).to_bytes(8, "little") + sha256_for(len(pickled))(pickled).digest() + pickled


def unsealed(handle: BinaryIO, size: int, magic: bytes = MAGIC) -> Any:
    """The header `sealed` wrote, read from the start of `handle` (left at the body); None if damaged.

    Its bytes are checked before they are unpickled: a damaged header that still unpickles would
    otherwise be trusted (goal ids, chunks and their starts live there, outside any blob's hash), and
    unpickling some damaged bytes makes CPython print a SystemError on stderr. `size`: the file's.
    """
    prefix = handle.read(len(magic) + _SEAL)
    if len(prefix) != len(magic) + _SEAL or not prefix.startswith(magic):
        return None
    length = int.from_bytes(prefix[len(magic) : len(magic) + 8], "little")
    if length > size - len(prefix):
        return None
    pickled = handle.read(length)
    if len(pickled) != length or sha256_for(length)(pickled).digest() != prefix[len(magic) + 8 :]:
        return None
    return pickle.loads(pickled)


def _compacted(body: bytes, definitions_length: int, blobs: Sequence[Blob]) -> tuple[list[Blob], list[bytes | _Body]]:
    """The same body with each goal's blobs merged into one (columns concatenated, no objects built)."""
    merged: dict[str, Figures] = {}
    sha256 = sha256_for(len(body))
    unpickled = _unpickled(_sliced(body, sha256), blobs)
    for goal_id, (ids, positions, columns) in zip((blob[0] for blob in blobs), unpickled, strict=True):
        if goal_id not in merged:
            merged[goal_id] = ([], [], [[] for _ in _STORED])
        merged[goal_id][0].extend(ids)
        merged[goal_id][1].extend(positions)
        for into, column in zip(merged[goal_id][2], columns, strict=True):
            into.extend(column)
    pieces: list[bytes | _Body] = [body[:definitions_length]]
    result: list[Blob] = []
    offset = definitions_length
    for goal_id, (ids, positions, columns) in merged.items():
        blob = _pickled((ids, positions, [_shared(column) for column in columns]))
        result.append((goal_id, offset, len(blob), sha256(blob).digest()))
        pieces.append(blob)
        offset += len(blob)
    return result, pieces


Reader = Callable[[int, int, bytes], bytes]  # (offset, length, SHA-256) -> the checked bytes


def _sliced(body: bytes, sha256: Callable[..., Any]) -> Reader:
    def read(offset: int, length: int, digest: bytes) -> bytes:
        return _checked(body[offset : offset + length], length, digest, sha256)

    return read


def _checked(blob: bytes, length: int, digest: bytes, sha256: Callable[..., Any]) -> bytes:
    if len(blob) != length or sha256(blob).digest() != digest:
        raise Damaged("a blob does not match its hash")
    return blob


def _unpickled(read: Reader, blobs: Iterable[Blob]) -> Iterable[Figures]:
    for _, offset, length, digest in blobs:
        ids, positions, columns = pickle.loads(read(offset, length, digest))
        if (
            len(columns) != len(_STORED)
            or len(ids) != len(positions)
            or any(len(column) != len(positions) for column in columns)
        ):
            raise Damaged("a blob has the wrong shape")
        yield ids, positions, columns


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _Body:
    """The body of a cache file, read from the open file only where needed.

    `add` reads the definitions and one goal's blobs, and copies the rest into the extended entry
    in the kernel (copy_file_range) without reading it: the descriptor stays open, so the bytes
    copied are those of the file whose header was checked.
    """

    def __init__(self, handle: BinaryIO, start: int, length: int) -> None:
        self.handle = handle
        self.start = start
        self.length = length
        # The interpreter's SHA-256 for the few blobs a command reads one by one (loading OpenSSL's costs
        # ~2.5 ms), OpenSSL's once the whole body is read to check every blob (3.5× faster on 6 MB).
        self.sha256 = sha256_for(0)
        self._whole: bytes | None = None

    def read(self, offset: int, length: int, digest: bytes) -> bytes:
        if self._whole is not None:
            return _checked(self._whole[offset : offset + length], length, digest, self.sha256)
        return _checked(os.pread(self.handle.fileno(), length, self.start + offset), length, digest, self.sha256)

    def whole(self) -> bytes:
        if self._whole is None:
            data = os.pread(self.handle.fileno(), self.length, self.start)
            if len(data) != self.length:
                raise Damaged("the body is shorter than its header says")
            self._whole = data
            self.sha256 = sha256_for(self.length)
        return self._whole

    def copy_to(self, fd: int) -> None:
        if self._whole is not None:
            _write_all(fd, self._whole)
            return
        source, offset, left = self.handle.fileno(), self.start, self.length
        try:
            while left:
                copied = os.copy_file_range(source, fd, left, offset)
                if copied <= 0:
                    break
                offset += copied
                left -= copied
        except (AttributeError, OSError):  # no copy_file_range here (not Linux, another file system)
            pass
        while left:
            chunk = os.pread(source, min(left, 1 << 20), offset)
            if not chunk:
                raise Damaged("the body is shorter than its header says")
            _write_all(fd, chunk)
            offset += len(chunk)
            left -= len(chunk)

    def close(self) -> None:
        self.handle.close()


@dataclass(slots=True)
class Entry:
    """A cache hit: the file's definitions at once, its observations when asked (all, or one goal's)."""

    identity: Identity
    definitions: GoalsFile  # schema, title, sources and goals; `observations` is empty, see below
    count: int
    latest: dt.date | None
    line_count: int
    static_observations: bool | None  # whether the file may define a static `observations = [...]`
    blobs: list[Blob]
    body: _Body  # as stored: the definitions blob, then the observation blobs
    definitions_length: int
    definitions_digest: bytes
    chunks: Chunks | None = None  # where the file's bytes were cut, with their hashes: store/spliced.py
    bases: Bases = field(default_factory=lambda: {HEAD: (0, 0)})  # where each chunk's figures start

    def close(self) -> None:
        """Close the cache file; what was read stays usable (and `goals_file` reads all of it)."""
        self.body.close()

    def observations_for(self, goal_id: str) -> list[Observation]:
        """One goal's figures in file order, reading only that goal's blobs. Raises Damaged."""
        mine = [blob for blob in self.blobs if blob[0] == goal_id]
        positions: list[int] = []
        columns: list[list[Any]] = [[] for _ in _STORED]
        for figures in _unpickled(self.body.read, mine):
            blob_positions, blob_columns = _placed(figures, self.bases)
            positions += blob_positions
            for into, column in zip(columns, blob_columns, strict=True):
                into += column
        if positions != sorted(positions):
            raise Damaged("positions out of order")
        return build(Observation, _FIELDS, [[goal_id] * len(positions), *columns])

    def goals_file(self) -> GoalsFile:
        """The whole validated file, every observation in file order. Raises Damaged."""
        from zibo_cli.store.read import collector_paused

        with collector_paused(freeze=self.count >= FREEZE_FROM):
            return self._goals_file()

    def _goals_file(self) -> GoalsFile:
        goal_column: list[str] = []
        positions: list[int] = []
        columns: list[list[Any]] = [[] for _ in _STORED]
        self.body.whole()
        unpickled = _unpickled(self.body.read, self.blobs)
        for (goal_id, *_), figures in zip(self.blobs, unpickled, strict=True):
            blob_positions, blob_columns = _placed(figures, self.bases)
            goal_column += repeat(goal_id, len(blob_positions))
            positions += blob_positions
            for into, column in zip(columns, blob_columns, strict=True):
                into += column
        if len(positions) != self.count:
            raise Damaged("wrong number of observations")
        built = build(Observation, _FIELDS, [goal_column, *columns])
        observations: list[Any] = [None] * self.count
        for position, observation in zip(positions, built, strict=True):
            if position < 0 or observations[position] is not None:
                raise Damaged("positions overlap")
            observations[position] = observation
        definitions = self.definitions
        return GoalsFile(
            schema=definitions.schema,
            title=definitions.title,
            sources=definitions.sources,
            goals=definitions.goals,
            observations=observations,
        )


def _code_fingerprint() -> tuple[Any, ...]:
    """Changes whenever the code that validates changes, even in an editable install without a version bump."""
    modules = (
        "core/model.py",
        "core/schema.py",
        "core/line_index.py",
        "store/read.py",
        "store/cache.py",
        "store/append.py",
        "store/grown.py",
        "store/spliced.py",
    )
    return (__version__, sys.version, _FIELDS, *module_stamps(modules))


def module_stamps(modules: Iterable[str]) -> list[tuple[int, int] | None]:
    """Size and mtime of zibo's own modules (paths inside the package): changed code, another stamp."""
    package = Path(__file__).resolve().parents[1]
    stamps: list[tuple[int, int] | None] = []
    for module in modules:
        try:
            info = os.stat(package / module)
            stamps.append((info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return stamps
