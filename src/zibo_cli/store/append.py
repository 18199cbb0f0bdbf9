"""Append observations to the end of a goals file, never rewriting a byte the user wrote."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tomli_w

from zibo_cli.core.model import GoalsFile
from zibo_cli.core.schema import OBSERVATION_KEYS, validate_observation
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr
from zibo_cli.store.atomic import atomic_write, ensure_writable, write_lock
from zibo_cli.store.locate import Location, display_path
from zibo_cli.store.read import LoadedFile, analyse, load

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


def render_observations(tables: Sequence[Mapping[str, Any]]) -> str:
    """TOML for `[[observations]]` entries; tomli-w does the quoting and escaping of each value.

    The header is written here: tomli-w inlines a short array of tables (`observations = [{…}]`),
    which cannot follow `[[observations]]` tables already in the file.
    """
    blocks = []
    for table in tables:
        # `is`, not `in (None, False)`: 0 == False, and a figure of 0 must keep its value.
        ordered = {key: table[key] for key in KEY_ORDER if table.get(key) is not None and table.get(key) is not False}
        # tomli-w separates date and time with a space; people write (and RFC 3339 prefers) a "T".
        blocks.append("[[observations]]\n" + _SPACED_DATETIME.sub(r"\1T", tomli_w.dumps(ordered)))
    return "\n".join(blocks)


def _joined(loaded: LoadedFile, addition: str) -> bytes:
    newline = "\r\n" if b"\r\n" in loaded.raw[:4096] else "\n"
    raw = loaded.raw
    separator = b"" if raw.endswith(b"\n\n") or not raw else (b"\n" if raw.endswith(b"\n") else b"\n\n")
    if newline == "\r\n":
        separator = separator.replace(b"\n", b"\r\n")
    return raw + separator + addition.replace("\n", newline).encode("utf-8")


def check_appendable(location: Location) -> None:
    """Refuse up front a file zibo must not write: the bundled dataset, a read-only file, a missing one."""
    if location.read_only:
        raise ZiboError(
            tr("{label} is the bundled dataset, which is read-only.", label=display_path(location.path)),
            tr("Run `zibo init` to copy it to ./goals.toml (or `zibo init --user`), then add to that copy."),
        )
    ensure_writable(location.path)


Keep = Callable[[GoalsFile, Sequence[Mapping[str, Any]]], Sequence[Mapping[str, Any]]]


def append_observations(
    location: Location, tables: Sequence[Mapping[str, Any]], today: dt.date | None, keep: Keep | None = None
) -> AppendResult:
    """Validate the new entries against the file as it is under the lock, then write it atomically.

    `keep` picks, under the lock, which entries to append given the file as it is then (import uses
    it to skip figures already there, so concurrent or repeated imports never add one twice). When
    nothing is left, nothing is written.
    """
    label = display_path(location.path)
    check_appendable(location)
    with write_lock(location.path):
        loaded = load(location, today)
        if keep is not None:
            tables = keep(loaded.goals_file, tables)
            if not tables:
                return AppendResult(before=loaded.goals_file, after=loaded.goals_file, label=label, added=0)
        for table in tables:
            _, problems = validate_observation(table, loaded.goals_file, today)
            if problems:
                raise ZiboError(problems[0].message[0].upper() + problems[0].message[1:], problems[0].hint)
        new_raw = _joined(loaded, render_observations(tables))
        _, after, problems = analyse(new_raw, today)
        if problems or after is None:
            first = problems[0].located(label) if problems else tr("{label}: could not be read back.", label=label)
            raise ZiboError(
                tr("appending would leave an invalid file ({first}); nothing was written.", first=first),
                tr("If the file lists observations = [...] inline, convert them to [[observations]] tables."),
            )
        atomic_write(location.path, new_raw)
    return AppendResult(before=loaded.goals_file, after=after, label=label, added=len(tables))
