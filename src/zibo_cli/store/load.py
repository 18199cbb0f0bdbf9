"""The one loading path: locate → read bytes → (the cache, for exactly these bytes) → parse → validate → model.

Commands ask for the whole file (`load`) or for its definitions with one goal's figures on demand
(`load_head`); neither ever sees the cache. A file that only grew since it was cached — figures
appended by hand, by a script or by `git pull` — has just the appended tables parsed (`_grown`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from zibo_cli.core.model import GoalsFile, Observation
from zibo_cli.core.refs import ref_number
from zibo_cli.store.locate import Cache, Location, display_path
from zibo_cli.store.read import may_define_static_observations, parse_appended, parse_file, read_with_stat

if TYPE_CHECKING:
    from zibo_cli.store.cache import Entry

T = TypeVar("T")


class LoadedFile(NamedTuple):
    location: Location
    raw: bytes
    goals_file: GoalsFile

    @property
    def label(self) -> str:
        return display_path(self.location.path)


class FileHead:
    """A valid file's definitions (sources and goals), and any goal's figures when asked for.

    From the cache nothing else is built: `show` and `add` on 100,000 figures read one goal's.
    """

    def __init__(
        self,
        location: Location,
        raw: bytes,
        definitions: GoalsFile,
        entry: Entry | None,
        whole: GoalsFile | None,
        hasher: Any = None,
        cache: Cache | None = None,
    ) -> None:
        self._cache, self._built = cache, dict[str, list[Observation]]()
        self.location, self.raw, self.definitions = location, raw, definitions
        self.hasher = hasher  # the running BLAKE3 of `raw`, when there is a cache: `add` extends it
        self.entry = entry  # the cache entry, when it holds exactly `raw`
        self.whole = whole  # the whole file, when it was parsed

    @property
    def digest(self) -> str | None:
        return None if self.hasher is None else self.hasher.hexdigest()

    @property
    def label(self) -> str:
        return display_path(self.location.path)

    def figures(self, goal_id: str) -> list[Observation]:
        if goal_id not in self._built:  # `add` asks twice: for its guard, then its confirmation
            found = self._cached(lambda entry: entry.observations_for(goal_id))
            self._built[goal_id] = self.complete().observations_for(goal_id) if found is None else found
        return self._built[goal_id]

    def refs(self) -> Sequence[int]:
        """Every figure's ref as a number (core/refs.py), for the shortest prefixes `show` prints."""
        found = self._cached(lambda entry: entry.refs())
        return [ref_number(figure) for figure in self.complete().observations] if found is None else found

    def complete(self) -> GoalsFile:
        """The whole file, from the cache entry when it holds it."""
        found = self._cached(lambda entry: entry.goals_file())
        if self.whole is None:  # (a damaged entry: `_cached` parsed the file already)
            self.whole = found or parse_file(self.location, self.raw, None)
        return self.whole

    def _cached(self, read: Callable[[Entry], T]) -> T | None:
        """What `read` gets from the entry; None without one (or once the file was parsed)."""
        if self.whole is None and self.entry is not None:
            from zibo_cli.store.cache import Unusable

            try:
                return read(self.entry)
            except Unusable:  # damaged: the file is read instead, and the entry rewritten
                self.whole = parse_file(self.location, self.raw, None)
                if self._cache is not None and self.digest is not None:
                    fill(self._cache, os.path.realpath(self.location.path), self.digest, self.raw, self.whole)
        return None

    def close(self) -> None:
        if self.entry is not None:
            self.entry.close()


def load(location: Location, today: dt.date | None, cache: Cache | None) -> LoadedFile:
    """The whole valid file, or a ZiboError that names its first problem with file:line."""
    raw, _ = read_with_stat(location)
    if cache is None or len(raw) < cache.smallest:
        return LoadedFile(location, raw, parse_file(location, raw, today))
    from zibo_cli.store.cache import file_digest, open_entry

    real_path, digest = os.path.realpath(location.path), file_digest(raw)
    entry = open_entry(cache, real_path)
    return LoadedFile(location, raw, _goals_file(location, raw, today, cache, real_path, digest, entry))


def load_head(location: Location, today: dt.date | None, cache: Cache | None) -> FileHead:
    """The file's definitions, with its figures left in the cache until one goal's are asked for.

    The caller closes it. Without a usable entry the file is loaded whole (and the cache filled).
    """
    raw, _ = read_with_stat(location)
    if cache is None or len(raw) < cache.smallest:
        whole = parse_file(location, raw, today)
        return FileHead(location, raw, _definitions(whole), None, whole)
    from zibo_cli.store.cache import Unusable, file_hasher, open_entry

    hasher = file_hasher(raw)  # kept: `add` extends it with what it appends instead of hashing 15 MB again
    real_path, digest = os.path.realpath(location.path), hasher.hexdigest()
    entry = open_entry(cache, real_path)
    if entry is not None and entry.holds(digest, today):
        try:
            return FileHead(location, raw, entry.definitions(), entry, None, hasher, cache)
        except Unusable:
            pass
    whole = _goals_file(location, raw, today, cache, real_path, digest, entry)
    return FileHead(location, raw, _definitions(whole), None, whole, hasher)


def _goals_file(
    location: Location,
    raw: bytes,
    today: dt.date | None,
    cache: Cache,
    real_path: str,
    digest: str,
    entry: Entry | None,
) -> GoalsFile:
    """From the entry when it holds these bytes (or their first part), else parsed and stored; closes `entry`."""
    from zibo_cli.store.cache import Unusable

    if entry is not None:
        with entry:
            try:
                if entry.holds(digest, today):
                    return entry.goals_file()
                if (grown := _grown(entry, raw, digest, today)) is not None:
                    return grown
            except Unusable:
                pass
    goals_file = parse_file(location, raw, today)
    fill(cache, real_path, digest, raw, goals_file)
    return goals_file


def _definitions(whole: GoalsFile) -> GoalsFile:
    return GoalsFile(whole.schema, whole.title, whole.sources, whole.goals)


def fill(cache: Cache, real_path: str, digest: str, raw: bytes, goals_file: GoalsFile) -> None:
    """Store a file just validated; a cache that cannot be written is no error."""
    from zibo_cli.store.cache import Unusable, open_entry

    entry = open_entry(cache, real_path, create=True)
    if entry is None:
        return
    with entry:
        try:
            entry.replace(digest, len(raw), goals_file, may_define_static_observations(raw), raw.endswith(b"\n"))
        except Unusable:  # a locked or damaged database, a full disk: the next command parses again
            return


def _grown(entry: Entry, raw: bytes, digest: str, today: dt.date | None) -> GoalsFile | None:
    """The file from an entry made from its first bytes, when what follows is only new figure tables."""
    from zibo_cli.store.cache import file_digest

    meta = entry.meta
    old_size = meta.get("size")
    if not isinstance(old_size, int) or not 0 < old_size < len(raw) or not entry.valid_on(today):
        return None
    if meta.get("static") != 0 or meta.get("ends_with_newline") != 1:
        return None
    if file_digest(memoryview(raw)[:old_size]) != meta.get("digest"):
        return None
    try:
        appended = raw[old_size:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    definitions = entry.definitions()
    added = parse_appended(appended, definitions, today)
    if not added or not entry.extend(digest, len(raw), added, raw.endswith(b"\n")):
        return None
    return entry.goals_file()
