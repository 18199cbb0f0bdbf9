"""Append observations to the end of a goals file, never rewriting a byte the user wrote.

Under the lock: read the file, validate the new tables against it, check that the appended text reads back
as exactly those figures, let the caller compute what it will print, then write old bytes + new text to a
temp file, fsync and rename. Nothing after the rename can fail: the cache is brought up to date last,
and a cache that cannot be written is ignored.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zibo_cli.core.model import Goal, GoalsFile, Observation
from zibo_cli.core.retractions import ORDER as RETRACTION_ORDER
from zibo_cli.core.schema import OBSERVATION_KEYS, validate_observation
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr
from zibo_cli.store.atomic import atomic_write, ensure_writable, write_lock
from zibo_cli.store.load import FileHead, fill, load_head
from zibo_cli.store.locate import Cache, Location, display_path
from zibo_cli.store.read import analyse, may_define_static_observations, parse_appended

# Keys in the order a person reads an observation.
KEY_ORDER = [
    "goal", "date", "value", "precision", "period", "qualifier", "preliminary", "derived",
    "source", "quote", "note", "recorded",
]  # fmt: skip
assert set(KEY_ORDER) == OBSERVATION_KEYS

_SPACED_DATETIME = re.compile(r"^(recorded = \d{4}-\d{2}-\d{2}) ", re.MULTILINE)
_INVALID = "If the file lists observations = [...] inline, convert them to [[observations]] tables."


@dataclass(frozen=True, slots=True)
class AppendResult:
    label: str
    added: list[Observation]  # the figures appended, in file order


@dataclass(frozen=True, slots=True)
class FigureAdded:
    """What `zibo add` reports: the goal, its figures before the append (file order), and the new one."""

    label: str
    goal: Goal
    before: list[Observation]
    added: Observation


def render_observations(tables: Sequence[Mapping[str, Any]], array: str = "observations") -> str:
    """TOML for `[[observations]]` (or `[[retractions]]`) entries; tomli-w quotes and escapes each value.

    The header is written here: tomli-w inlines a short array of tables (`observations = [{…}]`),
    which cannot follow `[[observations]]` tables already in the file.
    """
    import tomli_w

    blocks, order = [], KEY_ORDER if array == "observations" else RETRACTION_ORDER
    for table in tables:
        # `is`, not `in (None, False)`: 0 == False, and a figure of 0 must keep its value.
        ordered = {key: table[key] for key in order if table.get(key) is not None and table.get(key) is not False}
        # tomli-w separates date and time with a space; people write (and RFC 3339 prefers) a "T".
        blocks.append(f"[[{array}]]\n" + _SPACED_DATETIME.sub(r"\1T", tomli_w.dumps(ordered)))
    return "\n".join(blocks)


def _tail(raw: bytes, addition: str) -> bytes:
    """The bytes appended: a blank line after what is there, then the addition in the file's own newlines."""
    newline = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    end = raw[-2:]
    separator = b"" if end == b"\n\n" or not raw else (b"\n" if end.endswith(b"\n") else b"\n\n")
    return separator.replace(b"\n", newline) + addition.encode("utf-8").replace(b"\n", newline)


def check_appendable(location: Location) -> None:
    """Refuse up front a file zibo must not write: the bundled dataset, a read-only file, a missing one."""
    if location.read_only:
        raise ZiboError(
            tr("{label} is the bundled dataset, which is read-only.", label=display_path(location.path)),
            tr("Run `zibo init` to copy it to ./goals.toml (or `zibo init --user`), then add to that copy."),
        )
    ensure_writable(location.path)


def _check_new(tables: Sequence[Mapping[str, Any]], definitions: GoalsFile, today: dt.date | None) -> None:
    """Each entry, validated against the file's goals and sources before anything is written."""
    for table in tables:
        _, problems = validate_observation(table, definitions, today)
        if problems:
            raise ZiboError(problems[0].message[0].upper() + problems[0].message[1:], problems[0].hint)


def _read_back(
    head: FileHead, tail: bytes, count: int, today: dt.date | None
) -> tuple[list[Observation], GoalsFile | None]:
    """The figures the new bytes hold, as a full parse of the file would give them, and the whole new file
    when it had to be parsed: a file that may define a static `observations` array is (only that can tell)."""
    static = head.entry.meta.get("static") != 0 if head.entry is not None else may_define_static_observations(head.raw)
    if not static:
        added = parse_appended(tail.decode("utf-8"), head.definitions, today)
        if added is not None and len(added) == count:
            return added, None
    after, problems = analyse(head.raw + tail, today)
    if problems or after is None:
        label = head.label
        located = problems[0].located(label) if problems else tr("{label}: could not be read back.", label=label)
        raise ZiboError(
            tr("appending would leave an invalid file ({first}); nothing was written.", first=located), tr(_INVALID)
        )
    return after.observations[len(after.observations) - count :], after


def _append(
    head: FileHead,
    tables: Sequence[Mapping[str, Any]],
    today: dt.date | None,
    cache: Cache | None,
    before_write: Callable[[list[Observation]], None] = lambda _: None,
    retractions: Sequence[Mapping[str, Any]] = (),
) -> list[Observation]:
    """Validate, read back, let `before_write` prepare what will be printed, write; the figures added
    (`retractions` are checked by the read-back, a full parse then)."""
    _check_new(tables, head.definitions, today)
    texts = [render_observations(tables), render_observations(retractions, "retractions")]
    tail = _tail(head.raw, "\n".join(text for text in texts if text))
    added, after = _read_back(head, tail, len(tables), today)
    before_write(added)
    atomic_write(head.location.path, [head.raw, tail])
    if cache is not None and len(head.raw) + len(tail) >= cache.smallest:
        # After the rename nothing may fail: the figure is in the file, and a retry would add it twice.
        # The cache is only ever a shortcut; if it cannot follow, the next command parses the file.
        with contextlib.suppress(Exception):
            _update_cache(head, tail, added, after, cache)
    return added


def _update_cache(head: FileHead, tail: bytes, added: list[Observation], after: GoalsFile | None, cache: Cache) -> None:
    """Bring the cache to the new bytes: extend the entry of the old ones, else store the new file if known."""
    from zibo_cli.store.cache import file_digest, open_entry

    real_path = os.path.realpath(head.location.path)
    if head.hasher is not None:
        hasher = head.hasher.copy()
        hasher.update(tail)
        digest = hasher.hexdigest()
    else:
        digest = file_digest(head.raw, tail)
    entry = head.entry or open_entry(cache, real_path)
    held = entry is not None and head.digest is not None and entry.meta.get("digest") == head.digest
    if after is None and held and entry.extend(digest, len(head.raw) + len(tail), added, tail.endswith(b"\n")):
        return
    if after is None and head.whole is not None:
        after = dataclasses.replace(head.whole, observations=[*head.whole.observations, *added])
    if after is not None:
        fill(cache, real_path, digest, head.raw + tail, after)


def append_figure(
    location: Location,
    today: dt.date | None,
    cache: Cache | None,
    entry_for: Callable[[FileHead], Mapping[str, Any]],
    confirm: Callable[[FigureAdded], str],
) -> str:
    """Append one figure and return `confirm`'s text about it, computed before the file is replaced.

    `entry_for` gets the file as it is under the lock (it resolves the goal and reads the value in its
    unit) and may raise a ZiboError: nothing is written then. With a cache entry for these exact bytes,
    only the target goal's figures are built, for the confirmation.
    """
    check_appendable(location)
    text: list[str] = []
    with write_lock(location.path):
        head = load_head(location, today, cache)
        try:
            table = entry_for(head)
            goal = head.definitions.goals[table["goal"]]

            def prepare(added: list[Observation]) -> None:
                text.append(confirm(FigureAdded(head.label, goal, head.figures(goal.id), added[-1])))

            _append(head, [table], today, cache, prepare)
        finally:
            head.close()
    return text[0]


Tables = Sequence[Mapping[str, Any]]
Plan = Callable[[GoalsFile], tuple[Tables, Tables]]


def append_tables(location: Location, today: dt.date | None, cache: Cache | None, plan: Plan) -> AppendResult:
    """Append what `plan` makes of the whole file as it is under the lock: `[[observations]]` tables and
    `[[retractions]]` records (import leaves out figures already there, so concurrent or repeated imports
    never add one twice; retract makes its record). `plan` may raise a ZiboError; either way, when it
    leaves nothing to append, nothing is written.
    """
    check_appendable(location)
    with write_lock(location.path):
        head = load_head(location, today, cache)
        try:
            tables, retractions = plan(head.complete())
            added = _append(head, tables, today, cache, retractions=retractions) if tables or retractions else []
        finally:
            head.close()
    return AppendResult(head.label, added)
