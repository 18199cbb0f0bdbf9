"""A per-user cache of validated goals files, so a large file is parsed once and not on every command.

Where: `$XDG_CACHE_HOME/zibo/` (else `~/.cache/zibo/`), a folder only its owner may open (0700); never
beside the user's file. One cache file per goals file, named after a hash of the file's real path.
Off with `ZIBO_NO_CACHE=1`.

Why it can never serve stale data: an entry is used only when the goals file's device, inode, size
and mtime_ns *and* the SHA-256 of the bytes just read all match, along with zibo's version, the
Python version, the field layout of the model and a fingerprint of the modules that validate. The
validation also depends on "today" (no figure may be dated in the future), so an entry whose latest
figure is after today is not used either.

Format: a magic line, a pickled header (key, sources, goals and the list of observation segments
with their SHA-256), then the segments, each a pickle of the observations' fields column by column.
Pickle is safe here because only this user can write the folder: a cache folder or file owned by
someone else, or writable by group or others, is not read. A damaged file (bad magic, a segment whose
hash does not match, anything that fails to unpickle) is ignored and replaced.

Since `zibo add` only appends, extending an entry writes a new header, copies the old segments'
bytes and adds one small segment: no re-parse and no re-pickling of what was there.

Writes go to a temp file in the cache folder and are renamed into place; any failure to write the
cache is swallowed: the cache may make a command faster, never make it fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from zibo_cli import __version__
from zibo_cli.core.model import GoalsFile, Observation

MAGIC = b"zibo-cache 1\n"
MAX_SEGMENTS = 200  # past this, an extension re-writes the observations as one segment
_FIELDS = tuple(f.name for f in fields(Observation))


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
    sha256: str

    @classmethod
    def of(cls, real_path: str, info: os.stat_result, raw: bytes) -> Identity:
        return cls(real_path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, hashlib.sha256(raw).hexdigest())


@dataclass(slots=True)
class Entry:
    """A cache hit: the validated file, and what is needed to extend the entry after an append."""

    goals_file: GoalsFile
    identity: Identity
    line_count: int
    segments: list[tuple[int, str]]
    segment_bytes: bytes


def _code_fingerprint() -> tuple[Any, ...]:
    """Changes whenever the code that validates changes, even in an editable install without a version bump."""
    package = Path(__file__).resolve().parents[1]
    parts: list[Any] = [__version__, sys.version, _FIELDS]
    for module in ("core/model.py", "core/schema.py", "core/line_index.py", "store/read.py", "store/cache.py"):
        try:
            info = os.stat(package / module)
            parts.append((info.st_size, info.st_mtime_ns))
        except OSError:
            parts.append(None)
    return tuple(parts)


def _latest_date(observations: Sequence[Observation]) -> dt.date | None:
    return max((o.date for o in observations), default=None)


def _shared(column: list[Any]) -> list[Any]:
    """Equal values as one object: pickle then writes a back-reference, and loading shares them too.

    Only where equal means identical: strings, dates, booleans, and date-times with the same offset
    and zone name (equal instants with other offsets stay apart); never floats (0.0 == -0.0).
    """
    seen: dict[Any, Any] = {}
    shared = []
    for value in column:
        if isinstance(value, dt.datetime):
            key: Any = (dt.datetime, value, value.utcoffset(), value.tzname(), value.fold)
        elif value is None or isinstance(value, (str, bool, dt.date)):
            key = (type(value), value)
        else:
            return column
        shared.append(seen.setdefault(key, value))
    return shared


def _segment(observations: Sequence[Observation]) -> bytes:
    columns = [_shared([getattr(o, name) for o in observations]) for name in _FIELDS]
    return pickle.dumps(columns, protocol=pickle.HIGHEST_PROTOCOL)


def _observations(segment: bytes) -> list[Observation]:
    columns = pickle.loads(segment)
    if len(columns) != len(_FIELDS):
        raise ValueError("segment has the wrong columns")
    return list(map(Observation, *columns))


class Cache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def slot(self, real_path: str) -> Path:
        name = hashlib.sha256(os.fsencode(real_path)).hexdigest()[:32]
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
        """The validated file for exactly these bytes, or None; never raises."""
        try:
            return self._get(identity, today)
        except Exception:
            return None

    def _get(self, identity: Identity, today: dt.date | None) -> Entry | None:
        path = self.slot(identity.real_path)
        with open(path, "rb") as handle:
            if not self._trusted(path, os.fstat(handle.fileno())) or handle.read(len(MAGIC)) != MAGIC:
                return None
            header = pickle.load(handle)
            if header["key"] != (_code_fingerprint(), identity):
                return None
            latest = header["latest"]
            if today is not None and latest is not None and latest > today:
                return None  # a figure dated after today: a full validation must report it
            rest = handle.read()
        observations: list[Observation] = []
        offset = 0
        for length, digest in header["segments"]:
            segment = rest[offset : offset + length]
            if len(segment) != length or hashlib.sha256(segment).hexdigest() != digest:
                return None
            observations.extend(_observations(segment))
            offset += length
        if offset != len(rest) or len(observations) != header["count"]:
            return None
        schema, title, sources, goals = header["head"]
        goals_file = GoalsFile(schema=schema, title=title, sources=sources, goals=goals, observations=observations)
        return Entry(goals_file, identity, header["line_count"], list(header["segments"]), rest)

    # -- writing ------------------------------------------------------------------------------------

    def put(self, identity: Identity, goals_file: GoalsFile, line_count: int) -> None:
        """Store a freshly validated file; never raises."""
        with contextlib.suppress(Exception):
            segment = _segment(goals_file.observations)
            segments = [(len(segment), hashlib.sha256(segment).hexdigest())]
            self._write(identity, goals_file, line_count, segments, [segment])

    def extend(
        self, entry: Entry, identity: Identity, after: GoalsFile, added: Sequence[Observation], lines: int
    ) -> None:
        """Record an append: the old segments' bytes are copied, the new figures form one more segment."""
        with contextlib.suppress(Exception):
            if len(entry.segments) >= MAX_SEGMENTS:
                self.put(identity, after, lines)
                return
            segment = _segment(added)
            segments = [*entry.segments, (len(segment), hashlib.sha256(segment).hexdigest())]
            self._write(identity, after, lines, segments, [entry.segment_bytes, segment])

    def _write(
        self, identity: Identity, goals_file: GoalsFile, lines: int, segments: list[tuple[int, str]], blobs: list[bytes]
    ) -> None:
        header = {
            "key": (_code_fingerprint(), identity),
            "latest": _latest_date(goals_file.observations),
            "line_count": lines,
            "count": len(goals_file.observations),
            "segments": segments,
            "head": (goals_file.schema, goals_file.title, goals_file.sources, goals_file.goals),
        }
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = os.stat(self.directory)
        if folder.st_uid != os.geteuid() or folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return  # a folder others can write is not one to fill with pickles
        import tempfile

        target = self.slot(identity.real_path)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC)
                pickle.dump(header, handle, protocol=pickle.HIGHEST_PROTOCOL)
                for blob in blobs:
                    handle.write(blob)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
