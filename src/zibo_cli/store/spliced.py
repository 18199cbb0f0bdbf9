"""A goals file edited before its end since it was cached: parse and validate only the part that changed.

A figure corrected by hand, a table deleted or inserted in the middle, a `git pull` that fixes an old
figure: the cache entry no longer matches, and parsing and validating the whole file again takes ~2 s
on 100,000 figures. So each entry also records where the file's bytes can be cut (its "chunks"): the
part holding only `[[observations]]` tables, after every other table, cut at about every 16 KB at the
start of a table's header line, with the SHA-256 of each piece and of what comes before them.

For the file as it is now, the chunks still there from the start (same bytes at the same offsets)
and from the end (same bytes, moved by the change in size) are taken from the entry as they were;
the bytes between them, the only ones that changed, are parsed and validated alone. That gives what
a full parse gives, by the reasoning of store/grown.py applied at both ends: the text before them is
exactly the old text up to the start of a header line, so it ends outside any string, array or
table; the new text must begin, after blank lines and comments, with an `[[observations]]` header
and parse alone as nothing but such tables, each validated against the (unchanged) goals and
sources as a full load validates it; it ends with a line break, and what follows is the old text
from the start of a header line, which only ever adds tables to that array. Lines are counted as
`core.line_index.index_headers` counts them, so only files it indexes exactly (no multi-line string,
no line break but \\n and \\r\\n) get chunks, and the new text must be such text too. Anything else —
a changed goal or source, text that is not only figure tables, any problem — goes to the full parse,
which reports problems with their usual messages.

The figures before and after the change keep their positions and lines (moved by what the change
added or removed). A blob holds each figure's place within its chunk, so a chunk that only moved
changes its start in the header, not the blobs: `Cache.splice` rewrites the blobs of only the goals
whose figures in the edited chunks changed, and store/results.py assesses only those again.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zibo_cli.core.line_index import LineIndex
    from zibo_cli.store.cache import Cache, Chunk, Chunks, Entry, Identity

CHUNK_BYTES = 1 << 14  # about 100 figures: an edit parses ~3 ms of text; 15 MB make ~920 chunks
_HEADER = b"[[observations]]"
_NEWLINE = 0x0A
# Line breaks that str.splitlines() honours besides \n and \r\n, as UTF-8 (see index_headers).
_UNUSUAL_BREAKS = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")

Cut = tuple[int, int, int]  # offset in the file, line, position of the figure whose header starts there


def plain(data: bytes) -> bool:
    """Text whose lines `index_headers` counts exactly: its lines are then those of a full parse."""
    return (
        b'"""' not in data
        and b"'''" not in data
        and not any(brk in data for brk in _UNUSUAL_BREAKS)
        and data.count(b"\r") == data.count(b"\r\n")
    )


def chunks_of(raw: bytes, index: LineIndex) -> Chunks | None:
    """Where a freshly parsed file can be cut, from the header index of its full parse; None if nowhere.

    `index` must come from `index_headers` (exact); the figures' positions are their order in it.
    """
    lines = index.array_items.get("observations", [])
    last_definition = max(
        (line for path, line in index.tables.items() if not path.startswith("observations#")), default=0
    )
    positions = {line: position for position, line in enumerate(lines) if line > last_definition}
    cuts = _cuts(raw, 0, len(raw), 1, positions, 0)
    if not cuts:
        return None
    from zibo_cli.store.cache import HEAD

    sha256 = _sha256_for(len(raw))
    ids = range(HEAD + 1, HEAD + 1 + len(cuts))
    return cuts[0][0], sha256(memoryview(raw)[: cuts[0][0]]).digest(), _hashed(raw, cuts, len(raw), ids)


def _cuts(data: bytes, start: int, end: int, line: int, positions: Mapping[int, int], step_from: int) -> list[Cut]:
    """Header lines of figures in data[start:end] about CHUNK_BYTES apart; `line` is the line at `start`.

    Only a header at the very start of a line that the index places a figure on is taken: never one
    inside a string or a comment. The first is the first such header at or after `step_from`.
    """
    cuts: list[Cut] = []
    counted = start
    search = step_from
    while (found := data.find(_HEADER, search, end)) >= 0:
        line += data.count(b"\n", counted, found)
        counted = found
        if (found == 0 or data[found - 1] == _NEWLINE) and line in positions:
            cuts.append((found, line, positions[line]))
            search = found + CHUNK_BYTES
        else:
            search = found + 1
    return cuts


def _hashed(raw: bytes, cuts: list[Cut], end: int, ids: Iterable[int]) -> list[Chunk]:
    sha256 = _sha256_for(end - cuts[0][0])
    view = memoryview(raw)
    ends = [offset for offset, _, _ in cuts[1:]] + [end]
    return [
        (offset, stop - offset, sha256(view[offset:stop]).digest(), position, line, chunk_id)
        for (offset, line, position), stop, chunk_id in zip(cuts, ends, ids, strict=False)
    ]


def _sha256_for(size: int) -> Callable[..., Any]:
    from zibo_cli.store.cache import sha256_for

    return sha256_for(size)


def tail_chunk(entry: Entry, tail: bytes, after_line_break: bool) -> tuple[int, int, bytes, int, int] | None:
    """The bytes appended after the entry's file as one more chunk (its id is the cache's to give), when
    they start a line and their lines count exactly. They hold only figure tables (`parse_appended`)."""
    if entry.chunks is None or not after_line_break or not plain(tail):
        return None
    digest = _sha256_for(len(tail))(tail).digest()
    return entry.identity.size, len(tail), digest, entry.count, entry.line_count + 1


def splice(
    raw: bytes,
    info: os.stat_result,
    today: dt.date | None,
    cache: Cache,
    entry: Entry,
    real_path: str,
    digest: Callable[[], Any],
) -> tuple[Identity, int] | None:
    """Store `raw` as the entry's file with only its changed part parsed: (identity, line count), or None.

    `digest()` gives the `cache.file_digest` of all of `raw`. None when the change is not one this can take;
    then the caller parses the file. Raises Damaged for a damaged entry.
    """
    from zibo_cli.store.cache import Identity
    from zibo_cli.store.grown import OPENS_WITH_OBSERVATIONS, parse_appended
    from zibo_cli.store.read import parse_toml

    if entry.chunks is None or entry.static_observations is not False:
        return None
    head_length, head_digest, chunks = entry.chunks
    ends = [head_length] + [offset + length for offset, length, *_ in chunks]
    if [offset for offset, *_ in chunks] != ends[:-1] or ends[-1] != entry.identity.size:
        return None  # not the contiguous cuts this module writes
    sha256 = _sha256_for(len(raw))
    view = memoryview(raw)

    def holds(offset: int, length: int, chunk_digest: bytes) -> bool:
        return (
            offset >= 0
            and offset + length <= len(raw)
            and sha256(view[offset : offset + length]).digest() == chunk_digest
        )

    if not holds(0, head_length, head_digest):
        return None  # a goal, a source or the title changed: everything is checked again
    count = len(chunks)
    first = 0
    while first < count and holds(*chunks[first][:3]):
        first += 1
    if first == count:
        return None  # every old byte is still there: store/grown.py's case, or the same file
    moved = len(raw) - entry.identity.size
    start = chunks[first][0]
    end = count
    while (
        end > first and chunks[end - 1][0] + moved >= start and holds(chunks[end - 1][0] + moved, *chunks[end - 1][1:3])
    ):
        end -= 1
    stop = (chunks[end][0] if end < count else entry.identity.size) + moved
    middle = raw[start:stop]
    if (start and raw[start - 1] != _NEWLINE) or (end < count and raw[stop - 1] != _NEWLINE) or not plain(middle):
        return None
    first_position, first_line = chunks[first][3], chunks[first][4]
    end_position = chunks[end][3] if end < count else entry.count
    added = []
    if middle:
        try:
            text = middle.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if OPENS_WITH_OBSERVATIONS.match(text):
            added = parse_appended(text, entry.definitions, first_line, today) or []
            if not added or any(observation.line is None for observation in added):
                return None
        elif parse_toml(text) != ({}, None):  # nothing but blank lines and comments is fine too
            return None
    new_lines = middle.count(b"\n")
    if end < count:
        line_shift = first_line + new_lines - chunks[end][4]
        line_count = entry.line_count + line_shift
    else:
        line_shift = 0
        line_count = first_line - 1 + new_lines + (0 if middle.endswith(b"\n") or not middle else 1)
    position_shift = len(added) - (end_position - first_position)
    positions = {observation.line: position for position, observation in enumerate(added, start=first_position)}
    middle_cuts = _cuts(raw, start, stop, first_line, positions, start + CHUNK_BYTES)
    if added:
        middle_cuts.insert(0, (start, first_line, first_position))
    removed = [chunk[5] for chunk in chunks[first:end]]  # their ids go to the new chunks first
    ids = [*removed, *range(max(entry.bases) + 1, max(entry.bases) + 1 + len(middle_cuts))]
    before = chunks[:first]
    if middle and not middle_cuts:
        # Only comments and blank lines: they join the chunk before them (or the head), so that the
        # chunks still cover every byte after the head and the next edit can be spliced too.
        if before:
            offset, _, _, position, line, chunk_id = before[-1]
            before[-1] = (offset, stop - offset, sha256(view[offset:stop]).digest(), position, line, chunk_id)
        else:
            head_length, head_digest = stop, sha256(view[:stop]).digest()
    table = [
        *before,
        *(_hashed(raw, middle_cuts, stop, ids) if middle_cuts else []),
        *(
            (offset + moved, length, chunk_digest, position + position_shift, line + line_shift, chunk_id)
            for offset, length, chunk_digest, position, line, chunk_id in chunks[end:]
        ),
    ]
    identity = Identity.hashed(real_path, info, digest())
    cache.splice(entry, identity, set(removed), added, first_position, line_count, (head_length, head_digest, table))
    return identity, line_count
