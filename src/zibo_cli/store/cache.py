"""One cache of validated goals files, so a large file is not parsed on every command (as beancount keeps one).

Where: `$XDG_CACHE_HOME/zibo/` (else `~/.cache/zibo/`), a folder only its owner may open; one SQLite
database per goals file, named after a hash of its real path. Off with `ZIBO_NO_CACHE=1`. It holds the
file as validated: its definitions, and one row per goal with its figures column by column and their refs.

Never stale: an entry is used only for the exact bytes it was made from (a BLAKE3 digest of every byte,
compared on every command), made by this zibo (its version and the validating modules), and only while
its latest day is not after today (validation refuses figures dated or published later). SQLite cannot
run code; a database this user does not own, or in a folder others may write, is not opened; anything
that fails — a damaged or locked database, a full disk — is ignored: the cache may make a command
faster, never make it fail or change what it prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sqlite3
import stat
from array import array
from collections.abc import Sequence
from itertools import repeat
from pathlib import Path
from typing import Any

from zibo_cli import __version__
from zibo_cli.core import dates, model, plain, refs, retractions, schema
from zibo_cli.core.model import GoalsFile, Observation
from zibo_cli.core.plain import definitions_from_json, definitions_json
from zibo_cli.store.locate import Cache

FORMAT = "zibo-cache 12"
_COLUMNS = Observation._fields[1:]  # a row is one goal's: its id is the key
_TEXT_COLUMNS = _COLUMNS[2:]  # all but date and value
_DAYS = tuple(name for name in _TEXT_COLUMNS if name.endswith("published"))  # optional days, kept as day numbers
_DEFAULTS = {"precision": "day", "preliminary": False, "derived": False}
_new_observation = functools.partial(tuple.__new__, Observation)
_ALL_ROWS = "SELECT goal, seq, dates, vals, texts, codes, refs FROM figures"
_ONE_ROW = _ALL_ROWS + " WHERE goal = ?"


class Unusable(Exception):
    """The database does not hold what it should: it is ignored (and rewritten by the next fill)."""


def file_digest(*parts: bytes | memoryview) -> str:
    return file_hasher(*parts).hexdigest()


def file_hasher(*parts: bytes | memoryview) -> Any:
    """The running BLAKE3 of `parts`, to extend with what is appended; threads pay from 4 MB (15 MB: 5→2.6 ms)."""
    import blake3

    hasher = blake3.blake3(max_threads=blake3.blake3.AUTO if sum(map(len, parts)) >= 1 << 22 else 1)
    for part in parts:
        hasher.update(part)
    return hasher


def _fingerprint() -> str:
    """This zibo: its version, and the modules that decide what a valid file holds and how it is stored."""
    stats = [os.stat(module.__file__ or "") for module in (dates, model, plain, refs, retractions, schema)]
    return " ".join([FORMAT, __version__, *(f"{info.st_size}:{info.st_mtime_ns}" for info in stats)])


def _private(path: Path, kind: int) -> bool:
    """Whether `path` is a `kind` (directory or regular file) that only this user owns and may write."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_IFMT(info.st_mode) == kind and info.st_uid == os.geteuid() and not info.st_mode & 0o077


def open_entry(cache: Cache, real_path: str, create: bool = False) -> Entry | None:
    """The entry for the goals file at `real_path` (empty if new, with `create`); None if unusable."""
    folder, path = cache.folder, database_of(cache, real_path)
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder, stat.S_IFDIR):  # a symlink, a shared or a stranger's folder: nothing is touched
            return None
        if create:
            _remove_leftovers(folder)
        if os.path.lexists(path) and not _private(path, stat.S_IFREG):  # a FIFO, a stranger's: never opened
            if not create:
                return None
            path.unlink()
        if not os.path.lexists(path):  # private from the start: SQLite gives its journals the database's mode
            if not create:
                return None
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        entry = Entry(path, _fingerprint())
        if create and not entry.readable:  # not a database (any more): start again
            entry.close()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{path}{suffix}")
            return open_entry(cache, real_path, create)
        return entry
    except (OSError, sqlite3.Error, Unusable, ValueError):
        return None


def database_of(cache: Cache, real_path: str) -> Path:
    return cache.folder / (file_digest(os.fsencode(real_path))[:32] + ".sqlite")


def _remove_leftovers(folder: Path) -> None:
    """Files no zibo of today reads (an earlier version's entries, a killed writer's temp files)."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.endswith((".sqlite", ".sqlite-wal", ".sqlite-shm")) and entry.is_file():
                with contextlib.suppress(OSError):  # gone already (another zibo cleaning): on to the next
                    os.unlink(entry.path)


class Entry:
    """One goals file's database: what it was made from (`meta`), and reads and writes of its figures."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self._connection = sqlite3.connect(path, timeout=2, isolation_level=None, check_same_thread=False)
        # No fsync: a database lost or torn by a crash is caught by its digests and rebuilt; the default
        # synced every commit and every checkpoint (~20 ms of each `add` on a large file).
        self._connection.execute("PRAGMA synchronous = OFF")
        self._fingerprint = fingerprint
        self._digests: dict[str, str] | None = None
        self.meta: dict[str, Any] = {}
        try:
            self.meta, self.readable = dict(self._connection.execute("SELECT key, value FROM meta")), True
        except (sqlite3.Error, ValueError) as error:  # a new, empty database has no table yet: that is readable
            self.readable = isinstance(error, sqlite3.OperationalError) and "no such table" in str(error)
        if self.meta.get("format") != fingerprint or not self._sealed():
            self.meta = {}

    def _sealed(self) -> bool:
        """Whether the meta is as written, all of it sealed by `check`: SQLite checks no page's content."""
        meta, ints, texts = (
            self.meta,
            ("size", "count", "static", "ends_with_newline"),
            ("definitions", "rows", "digest"),
        )
        typed = all(type(meta.get(key)) is int for key in ints) and type(meta.get("latest")) in (int, type(None))
        return typed and all(isinstance(meta.get(key), str) for key in texts) and _seal(meta) == meta.get("check")

    def __enter__(self) -> Entry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._connection.close()

    def holds(self, digest: str, today: dt.date | None) -> bool:
        """Whether the entry is for exactly these bytes and still valid today."""
        return self.meta.get("digest") == digest and self.valid_on(today)

    def valid_on(self, today: dt.date | None) -> bool:
        latest = self.meta.get("latest")
        return bool(self.meta) and (today is None or latest is None or latest <= today.toordinal())

    def definitions(self) -> GoalsFile:
        """Schema, title, sources and goals; no observations."""
        try:
            return GoalsFile(schema.SCHEMA_VERSION, *definitions_from_json(self.meta["definitions"]))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as error:
            raise Unusable from error

    def goals_file(self) -> GoalsFile:
        """The whole file: definitions, and every figure in the order the file lists them."""
        from zibo_cli.store.read import building_in_bulk

        goals_file = self.definitions()
        ordered: list[Any] = [None] * self.meta["count"]
        rows = self._every_row()
        with building_in_bulk():  # 100,000 new tuples and no cycle among them: the collector would only walk them
            by_goal = {}
            for goal, seq, stored in rows:
                figures = by_goal[goal] = _figures(goal, *stored)
                try:
                    for position, figure in zip(seq, figures, strict=True):
                        ordered[position] = figure
                except (IndexError, ValueError) as error:  # positions that do not fit the count
                    raise Unusable from error
        if None in ordered:
            raise Unusable
        goals_file.observations, goals_file.by_goal = ordered, by_goal
        return goals_file

    def observations_for(self, goal_id: str) -> list[Observation]:
        """One goal's figures in file order, without building anyone else's."""
        rows = self._rows(_ONE_ROW, (goal_id,))
        if not rows and goal_id in self._row_digests():  # its row is gone
            raise Unusable
        return [figure for goal, _, figures in rows for figure in _figures(goal, *figures)]

    def refs(self) -> array[int]:
        """Every figure's ref (core/refs.py `ref_number`), for `show` to shorten its goal's: no figure is built."""
        return array("Q", b"".join(stored[-1] for _, _, stored in self._every_row()))

    def _every_row(self) -> list[tuple[str, array[int], tuple[Any, ...]]]:
        rows = self._rows(_ALL_ROWS, ())
        if len(rows) != len(self._row_digests()):
            raise Unusable
        return rows

    def _row_digests(self) -> dict[str, str]:
        """Each goal's row digest, as stored with the definitions: SQLite checks no page's content."""
        if self._digests is None:
            try:
                self._digests = dict(json.loads(self.meta["rows"]))
            except (KeyError, TypeError, ValueError) as error:
                raise Unusable from error
        return self._digests

    def _rows(self, query: str, parameters: tuple[str, ...]) -> list[tuple[str, array[int], tuple[Any, ...]]]:
        """(goal, positions in the file, its encoded columns) of each row asked for, each checked against its digest."""
        try:
            rows = self._connection.execute(query, parameters).fetchall()
        except (sqlite3.Error, ValueError) as error:  # ValueError: damaged text that is not UTF-8
            raise Unusable from error
        digests = self._row_digests()
        for goal, *columns in rows:
            if digests.get(goal) != _row_digest(*columns):
                raise Unusable
        return [(goal, array("q", seq), tuple(columns)) for goal, seq, *columns in rows]

    def replace(self, digest: str, size: int, goals_file: GoalsFile, static: bool, ends_with_newline: bool) -> None:
        """Make the entry hold this file, in one transaction; a failure leaves it as it was (or unusable)."""
        grouped: dict[str, tuple[array[int], list[Observation]]] = {}
        for position, figure in enumerate(goals_file.observations):
            seq, figures = grouped.setdefault(figure.goal, (array("q"), []))
            seq.append(position)
            figures.append(figure)
        definitions = definitions_json(goals_file.title, goals_file.sources, goals_file.goals)
        rows = [
            (goal, seq.tobytes(), *_encoded(_lists(figures)), _refs(figures))
            for goal, (seq, figures) in grouped.items()
        ]
        latest = _latest(goals_file.observations)
        self._digests = {}
        self._write(
            {"definitions": definitions, "latest": latest},
            (digest, size, len(goals_file.observations), static, ends_with_newline),
            rows,
            replace=True,
        )

    def extend(self, digest: str, size: int, added: Sequence[Observation], ends_with_newline: bool) -> bool:
        """The entry's file with `added` appended, now with this digest; False if it held other bytes meanwhile."""
        before, count = self.meta.get("digest"), int(self.meta.get("count", 0))
        try:
            self._connection.execute("BEGIN IMMEDIATE")
            now = dict(self._connection.execute("SELECT key, value FROM meta WHERE key IN ('digest', 'count')"))
            if now != {"digest": before, "count": count}:
                self._connection.execute("ROLLBACK")
                return False
            rows = []
            for goal in dict.fromkeys(figure.goal for figure in added):
                new = [(count + index, figure) for index, figure in enumerate(added) if figure.goal == goal]
                [(_, seq, stored)] = self._rows(_ONE_ROW, (goal,)) or [("", array("q"), (*_encoded(_lists([])), b""))]
                columns, more = _decoded(*stored), _lists([figure for _, figure in new])
                seq.extend(position for position, _ in new)
                encoded = _encoded({name: columns[name] + more[name] for name in columns})
                rows.append((goal, seq.tobytes(), *encoded, stored[-1] + _refs([figure for _, figure in new])))
            latest = max(self.meta.get("latest") or 0, _latest(added) or 0)
            identity = (digest, size, count + len(added), self.meta.get("static") == 1, ends_with_newline)
            self._write({"definitions": self.meta["definitions"], "latest": latest}, identity, rows, replace=False)
        except (sqlite3.Error, Unusable, KeyError, ValueError):
            with contextlib.suppress(sqlite3.Error):
                self._connection.execute("ROLLBACK")
            return False
        return True

    def _write(
        self, meta: dict[str, Any], identity: tuple[str, int, int, bool, bool], rows: list[Any], replace: bool
    ) -> None:
        """Store `rows` and the meta: what the entry is (`identity`: digest, size, count, static, ends with a
        newline), its definitions and each row's digest, sealed together by `check`."""
        digests = {**self._row_digests(), **{row[0]: _row_digest(*row[1:]) for row in rows}}
        digest, size, count, static, ends_with_newline = identity
        meta |= {"format": self._fingerprint, "digest": digest, "size": size, "count": count}
        meta |= {"static": int(static), "ends_with_newline": int(ends_with_newline), "rows": json.dumps(digests)}
        meta["check"] = _seal(meta)
        connection = self._connection
        try:
            if replace:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("DROP TABLE IF EXISTS meta")
                connection.execute("DROP TABLE IF EXISTS figures")
                connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
                connection.execute(
                    "CREATE TABLE figures"
                    " (goal TEXT PRIMARY KEY, seq BLOB, dates BLOB, vals BLOB, texts TEXT, codes BLOB, refs BLOB)"
                )
            connection.executemany("INSERT OR REPLACE INTO figures VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            changed = meta.items() - (set() if replace else self.meta.items())  # not the same 1 MB of definitions
            connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", changed)
            connection.execute("COMMIT")
        except (sqlite3.Error, OSError) as error:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise Unusable from error
        self.meta = meta if replace else {**self.meta, **meta}
        self._digests = digests


def _seal(meta: dict[str, Any]) -> str:
    keys = ("format", "digest", "size", "count", "latest", "static", "ends_with_newline")
    identity = json.dumps([meta.get(key) for key in keys]).encode()
    return file_digest(str(meta["definitions"]).encode(), str(meta["rows"]).encode(), identity)


def _latest(figures: Sequence[Observation]) -> int | None:
    """The latest date or `published` day, as a day number: an entry is good only until then."""
    days = [figure.date for figure in figures] + [figure.published for figure in figures if figure.published]
    return max(days).toordinal() if days else None


def _row_digest(seq: bytes, dates: bytes, values: bytes, texts: str, codes: bytes, refs: bytes) -> str:
    if not isinstance(texts, str) or not all(isinstance(part, bytes) for part in (seq, dates, values, codes, refs)):
        raise Unusable  # a damaged row: a NULL or a number where the columns should be
    return file_digest(seq, dates, values, texts.encode(), codes, refs)[:32]


def _refs(figures: Sequence[Observation]) -> bytes:
    return array("Q", map(refs.ref_number, figures)).tobytes()


def _lists(figures: Sequence[Observation]) -> dict[str, list[Any]]:
    """One goal's figures as a list per field (recorded times as ISO text)."""
    columns = {name: [getattr(figure, name) for figure in figures] for name in _COLUMNS}
    columns["recorded"] = [None if moment is None else moment.isoformat() for moment in columns["recorded"]]
    for name in _DAYS:
        columns[name] = [None if day is None else day.toordinal() for day in columns[name]]
    return columns


def _encoded(columns: dict[str, list[Any]]) -> tuple[bytes, bytes, str, bytes]:
    """Columns stored: dates (day numbers) and values as machine arrays; every other field as its distinct
    values (JSON) and, when it has more than one, each figure's index into them (an array).

    Decoding then costs a lookup per value, not a JSON value each: a goal's precision, source and recorded
    time are mostly one or a few values repeated.
    """
    dates = array("i", (day.toordinal() for day in columns["date"])).tobytes()
    values = array("d", columns["value"]).tobytes()
    distinct: dict[str, list[Any]] = {}
    codes = array("I")
    for name in _TEXT_COLUMNS:
        index: dict[tuple[type, Any], int] = {}
        for value in columns[name]:
            index.setdefault((type(value), value), len(index))
        if list(index) != [(type(_DEFAULTS.get(name)), _DEFAULTS.get(name))]:
            distinct[name] = [value for _, value in index]
            if len(index) > 1:
                codes.extend(index[type(value), value] for value in columns[name])
    return dates, values, json.dumps(distinct, ensure_ascii=False), codes.tobytes()


def _decoded(dates: bytes, values: bytes, texts: str, codes: bytes, *_ref_numbers: bytes) -> dict[str, list[Any]]:
    """What `_encoded` stored, as a list per field (the refs, if given, are for `Entry.refs`)."""
    days = array("i", dates)
    count = len(days)
    distinct = json.loads(texts)
    indices = array("I", codes)
    columns: dict[str, list[Any]] = {"date": list(map(dt.date.fromordinal, days)), "value": list(array("d", values))}
    offset = 0
    for name in _TEXT_COLUMNS:
        known = distinct.get(name, [_DEFAULTS.get(name)])
        if len(known) == 1:
            columns[name] = known * count
        else:
            columns[name] = list(map(known.__getitem__, indices[offset : offset + count]))
            offset += count
    if offset != len(indices) or len(columns["value"]) != count:
        raise Unusable
    return columns


def _figures(goal: str, *stored: Any) -> list[Observation]:
    """The Observations of one row, built in bulk (a map over columns, no Python call per field)."""
    try:
        columns = _decoded(*stored)
        times = {text: dt.datetime.fromisoformat(text) for text in set(columns["recorded"]) if text is not None}
        columns["recorded"] = [None if text is None else times[text] for text in columns["recorded"]]
        for name in _DAYS:
            if any(columns[name]):
                columns[name] = [None if day is None else dt.date.fromordinal(day) for day in columns[name]]
        rows = zip(repeat(goal), *(columns[name] for name in _COLUMNS))
        return list(map(_new_observation, rows))
    except (TypeError, ValueError, KeyError, OverflowError, IndexError) as error:
        raise Unusable from error
