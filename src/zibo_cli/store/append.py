"""Append observations to the end of a goals file, never rewriting a byte the user wrote."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zibo_cli.core.model import Goal, GoalsFile, Observation
from zibo_cli.core.schema import OBSERVATION_KEYS, validate_observation
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr
from zibo_cli.store.atomic import atomic_write, ensure_writable, real_target, write_lock
from zibo_cli.store.grown import parse_appended
from zibo_cli.store.locate import Location, display_path
from zibo_cli.store.read import (
    BOM,
    FileHead,
    LoadedFile,
    analyse,
    count_lines,
    load,
    load_head,
    may_define_static_observations,
    read_bytes,
)

if TYPE_CHECKING:
    from zibo_cli.store.cache import Cache, Entry

# Keys in the order a person reads an observation.
KEY_ORDER = [
    "goal", "date", "value", "precision", "period", "qualifier", "preliminary", "derived",
    "source", "quote", "note", "recorded",
]  # fmt: skip
assert set(KEY_ORDER) == OBSERVATION_KEYS


@dataclass(frozen=True, slots=True)
class AppendResult:
    before: GoalsFile
    after: GoalsFile
    label: str
    added: int = 0


_SPACED_DATETIME = re.compile(r"^(recorded = \d{4}-\d{2}-\d{2}) ", re.MULTILINE)
_INVALID = "If the file lists observations = [...] inline, convert them to [[observations]] tables."


def render_observations(tables: Sequence[Mapping[str, Any]]) -> str:
    """TOML for `[[observations]]` entries; tomli-w does the quoting and escaping of each value.

    The header is written here: tomli-w inlines a short array of tables (`observations = [{…}]`),
    which cannot follow `[[observations]]` tables already in the file.
    """
    import tomli_w

    blocks = []
    for table in tables:
        # `is`, not `in (None, False)`: 0 == False, and a figure of 0 must keep its value.
        ordered = {key: table[key] for key in KEY_ORDER if table.get(key) is not None and table.get(key) is not False}
        # tomli-w separates date and time with a space; people write (and RFC 3339 prefers) a "T".
        blocks.append("[[observations]]\n" + _SPACED_DATETIME.sub(r"\1T", tomli_w.dumps(ordered)))
    return "\n".join(blocks)


def _separator(start: bytes, end: bytes) -> tuple[bytes, str]:
    """What goes between the file and the addition (a blank line), and the file's newline.

    `start` and `end` are the file's first 4096 bytes and its last 4 (all a large file needs read).
    """
    newline = "\r\n" if b"\r\n" in start[:4096] else "\n"
    separator = b"" if end.endswith(b"\n\n") or not end else (b"\n" if end.endswith(b"\n") else b"\n\n")
    if newline == "\r\n":
        separator = separator.replace(b"\n", b"\r\n")
    return separator, newline


def check_appendable(location: Location) -> None:
    """Refuse up front a file zibo must not write: the bundled dataset, a read-only file, a missing one."""
    if location.read_only:
        raise ZiboError(
            tr("{label} is the bundled dataset, which is read-only.", label=display_path(location.path)),
            tr("Run `zibo init` to copy it to ./goals.toml (or `zibo init --user`), then add to that copy."),
        )
    ensure_writable(location.path)


Keep = Callable[[GoalsFile, Sequence[Mapping[str, Any]]], Sequence[Mapping[str, Any]]]


def _tail(start: bytes, end: bytes, addition: str) -> bytes:
    """The bytes appended to the file: a separator, then the addition with the file's newlines."""
    separator, newline = _separator(start, end)
    return separator + addition.replace("\n", newline).encode("utf-8")


def _last_character(end: bytes) -> str:
    """The last character of the file's text, from its last 4 bytes (the file is valid UTF-8)."""
    return end[-4:].decode("utf-8", errors="ignore")[-1:]


def _first_line_of_addition(start: bytes, end: bytes, line_count: int) -> int:
    """The line number, as `index_lines` counts lines (str.splitlines), at which the appended text starts."""
    separator, _ = _separator(start, end)
    ends_with_break = _last_character(end) in _BREAKS
    return line_count + separator.count(b"\n") + (1 if ends_with_break else 0)


def _line_count(loaded: LoadedFile) -> int:
    return loaded.line_count if loaded.line_count is not None else count_lines(loaded.raw.removeprefix(BOM.encode()))


# What str.splitlines() takes for the end of a line.
_BREAKS = {"\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}


def _check_new(tables: Sequence[Mapping[str, Any]], definitions: GoalsFile, today: dt.date | None) -> None:
    """Each entry, validated against the file's goals and sources before anything is written."""
    for table in tables:
        _, problems = validate_observation(table, definitions, today)
        if problems:
            raise ZiboError(problems[0].message[0].upper() + problems[0].message[1:], problems[0].hint)


def append_observations(
    location: Location,
    tables: Sequence[Mapping[str, Any]],
    today: dt.date | None,
    cache: Cache | None = None,
    loaded: LoadedFile | None = None,
    keep: Keep | None = None,
) -> AppendResult:
    """Validate the new entries against the file as it is under the lock, then write it atomically.

    `loaded` is the file as the caller read it before taking the lock: it is reused if the bytes
    under the lock are still the same. The result is not parsed a second time either: the appended
    text is parsed and validated on its own (see `store.grown.parse_appended`), and a cache entry is extended.
    `keep` picks, under the lock, which entries to append given the file as it is then (import uses
    it to skip figures already there, so concurrent or repeated imports never add one twice). When
    nothing is left, nothing is written.
    """
    label = display_path(location.path)
    check_appendable(location)
    with write_lock(location.path):
        if loaded is None or read_bytes(location) != loaded.raw:
            loaded = load(location, today, cache)
        if keep is not None:
            tables = keep(loaded.goals_file, tables)
            if not tables:
                return AppendResult(before=loaded.goals_file, after=loaded.goals_file, label=label, added=0)
        after, _ = _append_locked(location, tables, today, cache, loaded)
    return AppendResult(before=loaded.goals_file, after=after, label=label, added=len(tables))


def _append_locked(
    location: Location,
    tables: Sequence[Mapping[str, Any]],
    today: dt.date | None,
    cache: Cache | None,
    loaded: LoadedFile,
) -> tuple[GoalsFile, list[Observation]]:
    """Append to the file as `loaded` holds it (the caller holds the lock): the file after, and the added figures."""
    label = display_path(location.path)
    before = loaded.goals_file
    _check_new(tables, before, today)
    addition = render_observations(tables)
    edges = loaded.raw[:4096], loaded.raw[-4:]
    tail = _tail(*edges, addition)
    new_raw = loaded.raw + tail
    first = _first_line_of_addition(*edges, _line_count(loaded))
    static = may_define_static_observations(loaded.raw)
    quick = None if static else parse_appended(addition, before, first, today, count=len(tables))
    if quick is None:
        _, after, problems = analyse(new_raw, today)
        if problems or after is None:
            located = problems[0].located(label) if problems else tr("{label}: could not be read back.", label=label)
            raise ZiboError(
                tr("appending would leave an invalid file ({first}); nothing was written.", first=located),
                tr(_INVALID),
            )
        added = after.observations[len(before.observations) :]
    else:
        added = quick
        after = GoalsFile(
            schema=before.schema,
            title=before.title,
            sources=before.sources,
            goals=before.goals,
            observations=[*before.observations, *added],
        )
    atomic_write(location.path, new_raw)
    if cache is not None:
        from zibo_cli.store.cache import file_digest

        lines = first - 1 + len(addition.splitlines())
        digest = file_digest(len(new_raw))
        digest.update(new_raw)
        appended = (tail, edges[1].endswith(b"\n"))
        _record(cache, loaded.cache_entry, location, len(new_raw), digest, after, added, lines, static, appended)
    return after, added


@dataclass(frozen=True, slots=True)
class FigureAdded:
    """What `zibo add` reports: the goal, its figures before the append (file order), and the new one."""

    label: str
    goal: Goal
    before: list[Observation]
    added: Observation


def append_figure(
    location: Location,
    today: dt.date | None,
    cache: Cache | None,
    entry_for: Callable[[FileHead], Mapping[str, Any]],
) -> FigureAdded:
    """Append one figure: read the file under the lock, let `entry_for` make the entry, validate, write.

    `entry_for` gets the file's goals and sources (it resolves the goal and reads the value in its
    unit) and may raise a ZiboError: nothing is written then. The file is read once, under the lock.
    With a cache entry for these exact bytes nothing of the file's 100,000 figures is built: the new
    figure is validated against the goals, sources and today, the appended text is parsed on its own
    and checked as above, and only the target goal's figures are read (for the confirmation). The
    write is the same atomic rewrite of the whole file as any other append.
    """
    label = display_path(location.path)
    check_appendable(location)
    with write_lock(location.path):
        # Not filled on a miss: the cache gets the file as it is after the append (_record).
        head = load_head(location, today, cache, verify_later=True, fill=False)
        try:
            # With a cache entry, the file's bytes are hashed in a thread meanwhile (see load_head):
            # the entry is made and checked from the entry's goals, and all of it is used only once
            # the hash matches; otherwise it is all done again from the file itself.
            try:
                table = entry_for(head)
                prepared = _prepared(head, table, today)
            except ZiboError:
                if head.verified():
                    raise
                table = None
            if table is None or not head.verified():
                head.close()
                head = load_head(location, today, cache, fill=False)
                table = entry_for(head)
                prepared = _prepared(head, table, today)
            if prepared is not None:
                return _write_prepared(location, head, prepared, cache)
        finally:
            head.close()
        loaded = head.loaded or load(location, today, cache)
        after, added = _append_locked(location, [table], today, cache, loaded)
    new = added[-1]
    return FigureAdded(label, after.goals[new.goal], loaded.goals_file.observations_for(new.goal), new)


class _Prepared:
    """An append made ready from a cache entry (a plain class: a dataclass costs ~0.6 ms to define)."""

    __slots__ = ("added", "addition", "before", "first_line", "goal")

    def __init__(
        self, goal: Goal, addition: str, first_line: int, added: Observation, before: list[Observation]
    ) -> None:
        self.goal = goal
        self.addition = addition
        self.first_line = first_line
        self.added = added
        self.before = before


def _prepared(head: FileHead, table: Mapping[str, Any], today: dt.date | None) -> _Prepared | None:
    """Everything an append from a cache entry needs before writing; None when the full path must decide.

    Nothing of the file's other figures is built: the new figure is validated against the goals,
    sources and today, the appended text is parsed on its own, and only its goal's figures are read.
    """
    entry = head.entry
    goal = head.definitions.goals.get(table.get("goal"))  # type: ignore[arg-type]
    if entry is None or goal is None:
        return None
    static = entry.static_observations
    if static is None:
        if head.raw is None:
            return None  # an entry from before this was stored: the full path checks the file
        static = may_define_static_observations(head.raw)
    if static:
        return None
    _check_new([table], head.definitions, today)
    addition = render_observations([table])
    first = _first_line_of_addition(*head.edges, entry.line_count)
    added = parse_appended(addition, head.definitions, first, today, count=1)
    if added is None:
        return None
    try:
        before = entry.observations_for(goal.id)
    except Exception:  # a damaged cache entry: the full path parses the file and rewrites it
        return None
    return _Prepared(goal, addition, first, added[0], before)


def _write_prepared(location: Location, head: FileHead, prepared: _Prepared, cache: Cache | None) -> FigureAdded:
    tail = _tail(*head.edges, prepared.addition)
    if head.rewrite is not None:
        head.rewrite.finish(tail)  # the file's bytes are in the temp file already
        head.release_source()  # the old file's pages are freed in a thread while the entry is extended
    else:
        assert head.raw is not None
        atomic_write(location.path, [head.raw, tail])
    if cache is not None and head.entry is not None:
        digest = head.digest.copy()
        digest.update(tail)
        lines = prepared.first_line - 1 + len(prepared.addition.splitlines())
        appended = (tail, head.edges[1].endswith(b"\n"))
        _record(
            cache, head.entry, location, head.size + len(tail), digest, None, [prepared.added], lines, False, appended
        )
    head.close(in_background=True)
    return FigureAdded(display_path(location.path), prepared.goal, prepared.before, prepared.added)


def _record(
    cache: Cache,
    entry: Entry | None,
    location: Location,
    size: int,
    digest: Any,
    after: GoalsFile | None,
    added: list[Observation],
    lines: int,
    static: bool | None,
    appended: tuple[bytes, bool],
) -> None:
    """Extend the cache entry with the appended figures; a cache that cannot be written is no error.

    `size` and `digest` (a running `file_digest`) are those of the bytes written; `after` is the whole file,
    needed only when there is no entry to extend; `appended`, the bytes appended and whether the file
    ended with a line break before them (store/spliced.py).
    """
    from zibo_cli.store.cache import Identity, file_digest

    if digest.name != file_digest(size).name:
        return  # grown past the size where the hash changes: the next command parses it, once
    try:
        info = os.stat(real_target(location.path))
    except OSError:
        return
    if info.st_size != size:
        return  # replaced in between by something that does not take the lock: read it afresh next time
    identity = Identity.hashed(os.path.realpath(location.path), info, digest)
    if entry is not None:
        from zibo_cli.store.spliced import tail_chunk

        cache.extend(entry, identity, added, lines, static, tail_chunk(entry, *appended))
    elif after is not None:
        cache.put(identity, after, lines, static)
