"""A goals file that only grew since it was cached: parse and validate just the appended tables.

Figures are added at the end of the file: by `zibo add` (which extends its cache entry itself), but also
by hand, by a script's `cat >> goals.toml`, or by a `git pull` that brings a colleague's new figures.
For those the cache entry no longer matches the file, and the whole file (15 MB for 100,000 figures)
would be parsed and validated again: ~3 s. When the file's bytes *begin* with exactly the bytes the
entry was made from (the SHA-256 of that prefix matches) and the rest is only new `[[observations]]`
tables, parsing the rest alone gives what a full parse gives: the old text parsed as a whole and ends
with a line break, so it cannot end inside a string, an array or a table's keys; a new
`[[observations]]` header only adds to that array — unless the file defines `observations` as a static
array, which the entry records. Each new table is validated against the file's goals and sources as a
full load validates it, and gets the line a full parse gives it. An edit before the end goes to
store/spliced.py, which applies the same reasoning at both ends of the changed bytes. Anything else —
a new goal, a problem in the new text, text that is not a table header first — is left to the full
parse, which reports problems with their usual messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from zibo_cli.store.locate import Location

if TYPE_CHECKING:
    from zibo_cli.core.model import GoalsFile, Observation
    from zibo_cli.store.cache import Cache, Entry, Identity
    from zibo_cli.store.read import LoadedFile

T = TypeVar("T")

# Blank lines and comments, then an `[[observations]]` header on a line of its own.
OPENS_WITH_OBSERVATIONS = re.compile(
    r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*\[\[[ \t]*observations[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?\n"
)


def parse_appended(
    text: str, definitions: GoalsFile, first_line: int, today: dt.date | None, count: int | None = None
) -> list[Observation] | None:
    """The figures of `text`, appended to a valid file, validated; None when a full parse must decide.

    `first_line` is the file's line on which `text` begins; `count`, when known, how many tables it holds.
    """
    from zibo_cli.core.line_index import index_lines
    from zibo_cli.core.schema import validate_observation
    from zibo_cli.store.read import parse_toml

    data, problem = parse_toml(text)
    if problem is not None or data is None:
        return None
    tables = data.get("observations")
    if set(data) != {"observations"} or not isinstance(tables, list):
        return None
    if count is not None and len(tables) != count:
        return None
    lines = index_lines(text)
    added: list[Observation] = []
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            return None
        observation, problems = validate_observation(table, definitions, today)
        if problems or observation is None:
            return None
        relative = lines.item("observations", index)
        line = None if relative is None else first_line + relative - 1
        added.append(dataclasses.replace(observation, line=line))
    return added


def load_grown(
    location: Location,
    raw: bytes,
    info: os.stat_result,
    today: dt.date | None,
    cache: Cache,
    digest: Callable[[], Any],
) -> LoadedFile | None:
    """The file loaded from its previous entry and what changed, or None when that cannot be done.

    `digest()` gives the SHA-256 of `raw`, needed only after an edit before the end (store/spliced.py).
    """
    from zibo_cli.store.read import LoadedFile

    def whole(entry: Entry, identity: Identity, line_count: int, added: list[Observation] | None) -> LoadedFile | None:
        if added is None:  # spliced: the new entry holds the file
            spliced = cache.get(identity, today)
            if spliced is None:
                return None
            try:
                return LoadedFile(location, raw, None, spliced.goals_file(), identity, line_count, spliced)
            finally:
                spliced.close()
        old = entry.goals_file()
        goals_file = dataclasses.replace(old, observations=[*old.observations, *added])
        return LoadedFile(location, raw, None, goals_file, identity, line_count)

    return _from_previous(location, raw, info, today, cache, whole, digest)


def extend_grown(
    location: Location,
    raw: bytes,
    info: os.stat_result,
    today: dt.date | None,
    cache: Cache,
    digest: Callable[[], Any],
) -> Identity | None:
    """Store the file's entry from the previous one and what changed (no figure built); its identity, or None.

    For `status` and `report`, which then read the new entry like any other (store/results.py).
    """
    return _from_previous(location, raw, info, today, cache, lambda _entry, identity, *_: identity, digest)


def _from_previous(
    location: Location,
    raw: bytes,
    info: os.stat_result,
    today: dt.date | None,
    cache: Cache,
    then: Callable[[Entry, Identity, int, list[Observation] | None], T | None],
    digest: Callable[[], Any],
) -> T | None:
    """`then(previous entry, new identity, line count, new figures or None if spliced)` once the new entry
    is stored: after an append (here) or an edit before the end (store/spliced.py); or None."""
    from zibo_cli.store.spliced import splice

    real_path = os.path.realpath(location.path)
    entry = cache.open_previous(real_path, info, today)
    if entry is None:
        return None
    try:
        if entry.identity.size < len(raw):
            extension = _extended(raw, info, today, cache, entry, real_path)
            if extension is not None:
                return then(entry, *extension)
        spliced = splice(raw, info, today, cache, entry, real_path, digest)
        return None if spliced is None else then(entry, *spliced, None)
    except Exception:  # a damaged entry: the full parse decides
        return None
    finally:
        entry.close()


def _extended(
    raw: bytes, info: os.stat_result, today: dt.date | None, cache: Cache, entry: Entry, real_path: str
) -> tuple[Identity, int, list[Observation]] | None:
    """Check that `raw` is the entry's bytes and new tables, validate those, and extend the entry with them."""
    from zibo_cli.store.cache import Identity, file_digest, named
    from zibo_cli.store.read import count_lines, may_define_static_observations
    from zibo_cli.store.spliced import tail_chunk

    old_size = entry.identity.size
    if entry.static_observations is not False or raw[old_size - 1 : old_size] != b"\n":
        return None
    view = memoryview(raw)
    digest = file_digest(old_size)  # as the entry's was made; kept going over what was appended
    if digest.name != file_digest(len(raw)).name:
        return None  # grown past the size where the hash changes: parsed in full, once
    digest.update(view[:old_size])
    if named(digest) != entry.identity.digest:
        return None
    appended = raw[old_size:]
    digest.update(appended)
    try:
        text = appended.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not OPENS_WITH_OBSERVATIONS.match(text):
        return None
    added = parse_appended(text, entry.definitions, entry.line_count + 1, today)
    if not added:
        return None
    identity = Identity.hashed(real_path, info, digest)
    line_count = entry.line_count + count_lines(appended)
    static = may_define_static_observations(appended)
    cache.extend(entry, identity, added, line_count, static, tail_chunk(entry, appended, after_line_break=True))
    return identity, line_count, added
