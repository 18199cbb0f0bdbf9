"""Attacks on the cache's incremental paths (store/spliced.py, store/grown.py, the results memo): each
compares what the cache gives with what a full parse gives, after edits chosen to break a chunk's
assumptions (spellings of headers, line ends, duplicated bytes, files without a final line break,
appends and `zibo add` mixed with edits)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE, run
from loading import TABLE, TODAY, change_value, full_parse, outcome
from zibo_cli.core import progress
from zibo_cli.errors import ZiboError
from zibo_cli.store import read as read_module
from zibo_cli.store.cache import Cache
from zibo_cli.store.locate import Location
from zibo_cli.store.read import load, load_head
from zibo_cli.store.results import load_assessed

AS_OF = dt.date(2026, 6, 30)
pytestmark = pytest.mark.usefixtures("small_chunks")


def figures(goals: list[str], count: int, year: int = 2010, value: int = 1000) -> str:
    return "".join(
        TABLE.format(goal=goals[n % len(goals)], date=f"{year + n // 12}-{n % 12 + 1:02d}-01", value=value + n)
        for n in range(count)
    )


def assessments_agree(path: Path, cache: Cache, as_of: dt.date = AS_OF) -> None:
    """`status`'s assessments through the cache and memo are those of a full parse, `latest.line` included."""
    got = load_assessed(Location(path, "--file"), TODAY, as_of, cache).result
    full = full_parse(path)
    assert not isinstance(full, list), full
    expected = progress.assess_file(full, as_of)
    assert [repr(dataclasses.replace(a, observations=())) for a in got] == [
        repr(dataclasses.replace(a, observations=())) for a in expected
    ]


# -- a header the line index did not resolve --------------------------------------------------------


@pytest.mark.parametrize("where", ["edited", "appended"])
def test_a_header_spelled_with_an_escape(tmp_path: Path, cache: Cache, where: str) -> None:
    """`[["observ\\u0061tions"]]` is an `[[observations]]` table to TOML; the line index must count it as
    one too, or every figure after it is placed one table off (a splice put figures in the wrong order)."""
    path = tmp_path / "goals.toml"
    escaped = '[["observ\\u0061tions"]]\ngoal = "gdp"\ndate = 2001-01-01\nvalue = 1\n\n'
    path.write_text(SAMPLE.read_text(encoding="utf-8") + "\n" + escaped + figures(["gdp", "robots"], 40))
    assert outcome(path, cache) == full_parse(path)
    text = path.read_text(encoding="utf-8")
    if where == "edited":
        path.write_text(change_value(text, 36, "1030.5"), encoding="utf-8")
    else:
        path.write_text(text + TABLE.format(goal="gdp", date="2026-01-01", value=9), encoding="utf-8")
    assert outcome(path, cache) == full_parse(path)
    full = full_parse(path)
    assert not isinstance(full, list)
    assert all(observation.line is not None for observation in full.observations)


# -- the results memo after an entry lost its chunks ------------------------------------------------


def test_a_figure_added_where_no_chunk_could_take_it_keeps_its_line_in_the_memo(tmp_path: Path) -> None:
    """`zibo add` to a file that does not end with a line break stores the figure outside any chunk,
    while the entry keeps the chunks' starts for its other figures. The memo stores each goal's latest
    line by the chunk that starts last on or before it; once the file is parsed again with new chunks
    (here after an empty `[goals]` table and more figures were appended), a goal whose blob is the same
    must get its latest line back as the full parse gives it."""
    path = tmp_path / "goals.toml"
    path.write_text((SAMPLE.read_text(encoding="utf-8") + "\n" + figures(["gdp"], 40)).rstrip("\n"), encoding="utf-8")
    xdg = tmp_path / "xdg"
    env = {"ZIBO_FILE": str(path), "XDG_CACHE_HOME": str(xdg), "ZIBO_NO_CACHE": ""}
    cache = Cache(xdg / "zibo")
    assessments_agree(path, cache)
    added = run("add", "robots", "5", "--date", "2026-03-01", env=env)  # robots had no figure yet
    assert added.exit_code == 0, added.stderr
    assessments_agree(path, cache)  # remembered for these bytes
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n[goals]\n\n" + figures(["gdp"], 80, year=2005, value=1))
    assert outcome(path, cache) == full_parse(path)  # the new entry; the memo is still the one before
    assessments_agree(path, cache)


# -- edits of every kind, in any order, on files written in every way ----------------------------

HEADERS = [
    "[[observations]]",
    "[[ observations ]]",
    '[["observations"]]',
    "[['observations']]",
    "  [[observations]]",
    "[[observations]] # a figure",
    '[["observ\\u0061tions"]]',
]
ANY_HEADER = re.compile(r"""^[ \t]*\[\[[ \t]*["']?observ(?:ations|\\u0061tions)["']?[ \t]*\]\]""", re.MULTILINE)


def table(goal: str, day: str, value: str, style: int) -> str:
    """A figure table, written in one of many ways (its header spelling, comments, a bracketed note)."""
    header = HEADERS[style % len(HEADERS)] if style % 3 == 0 else "[[observations]]"
    lines = [header, f'goal = "{goal}"', f"date = {day}", f"value = {value}"]
    if style % 4 == 1:
        lines.append('note = "see [[observations]] above # not a comment"')
    if style % 5 == 2:
        lines.insert(0, "# [[observations]] checked")
    if style % 7 == 3:
        lines[3] += "  # rounded"
    return "\n".join(lines) + ("\n\n" if style % 2 else "\n")


def starts(text: str) -> list[int]:
    """Where each figure table starts, however its header is spelled."""
    return [match.start() for match in ANY_HEADER.finditer(text)]


def base_file(path: Path, count: int, styles: int, line_end: str, bom: bool) -> None:
    body = (
        SAMPLE.read_text(encoding="utf-8")
        + "\n"
        + "".join(
            table(["gdp", "robots", "water"][n % 3], f"{2010 + n // 12}-{n % 12 + 1:02d}-01", str(1000 + n), styles + n)
            for n in range(count)
        )
    )
    data = body.replace("\n", line_end).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def edited(data: bytes, kind: str, where: int, value: int) -> bytes:
    """`data` with one edit; bytes, so line ends and a BOM stay as they are unless the edit is about them."""
    text = data.decode("utf-8")
    at = starts(text)
    count = len(at)
    k = where % count if count else 0
    new = table("gdp", "2002-03-04", str(value), value)
    if kind == "value" and count:
        start = text.index("value = ", at[k])
        end = text.index("\n", start)
        text = text[:start] + f"value = {value}" + text[end:]
    elif kind == "delete" and count > 1:
        text = text[: at[k]] + text[[*at, len(text)][k + 1] :]
    elif kind == "insert" and count:
        text = text[: at[k]] + new + text[at[k] :]
    elif kind == "duplicate" and count > 1:  # a run of tables again right after itself: hashes match elsewhere
        stop = [*at, len(text)][min(count, k + 1 + value % 4)]
        text = text[:stop] + text[at[k] : stop] + text[stop:]
    elif kind == "swap" and count > 2 and k + 2 <= count:
        ends = [*at, len(text)]
        first, second = text[ends[k] : ends[k + 1]], text[ends[k + 1] : ends[k + 2]]
        text = text[: ends[k]] + second + first + text[ends[k + 2] :]
    elif kind == "comment" and count:
        text = text[: at[k]] + f"# [[observations]] {value}\n" + text[at[k] :]
    elif kind == "cut" and count:
        text = text[: at[k]]  # k == 0: nothing left after the goals but the sample's own figures' head
    elif kind == "no final line break":
        text = text.rstrip("\r\n")
    elif kind == "final line break":
        text = text + "\n"
    elif kind == "crlf line" and count:  # one line's end changed: mixed line ends
        end = text.index("\n", at[k])
        text = text[:end] + ("\n" if text[end - 1 : end] == "\r" else "\r\n") + text[end + 1 :]
        text = text.replace("\r\r\n", "\n", 1)
    elif kind == "bom":
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + data
    elif kind == "late goal" and count:
        text = text[: at[k]] + '[goals.late]\nname = "Late"\nunit = "%"\n\n' + text[at[k] :]
    elif kind == "broken" and count:  # the same error must be reported
        text = text[: at[k]] + text[at[k] :].replace("value = ", "value = = ", 1)
    elif kind == "same length" and count:  # one digit changed: the size does not move
        start = text.index("value = ", at[k]) + len("value = ")
        text = text[:start] + str((int(text[start]) + 1) % 10 if text[start].isdigit() else 7) + text[start + 1 :]
    else:
        separator = "" if text.endswith("\n") or not text else "\n"
        text = text + separator + table("robots", "2026-01-01", str(value), value)
    return text.encode("utf-8")


KINDS = st.sampled_from(
    [
        "value", "delete", "insert", "duplicate", "swap", "comment", "cut", "no final line break",
        "final line break", "crlf line", "bom", "late goal", "broken", "same length", "append",
    ]
)  # fmt: skip
EDITS = st.lists(st.tuples(KINDS, st.integers(0, 10_000), st.integers(0, 5000)), min_size=1, max_size=8)
FILES = st.tuples(st.integers(0, 60), st.integers(0, 100), st.sampled_from(["\n", "\r\n"]), st.booleans())


def same_as_a_full_parse(path: Path, cache: Cache, as_of: dt.date | None = None) -> None:
    """load, load_head (one goal's figures, as `add` and `show` read them), the entry's line count, and
    with `as_of` the assessments through the results memo (read before the file is loaded otherwise)."""
    expected = outcome(path, None)
    if as_of is not None and not isinstance(expected, str):
        assessments_agree(path, cache, as_of)
    assert outcome(path, cache) == expected
    if isinstance(expected, str):
        return
    head = load_head(Location(path, "--file"), TODAY, cache)
    try:
        for goal_id in expected.goals:  # type: ignore[attr-defined]
            assert head.observations_for(goal_id) == expected.observations_for(goal_id)  # type: ignore[attr-defined]
    finally:
        head.close()
    entry = cache.open(os.path.realpath(path), path.stat(), TODAY)
    if entry is not None:
        entry.close()
        raw = path.read_bytes()
        assert entry.line_count == read_module.count_lines(raw.removeprefix(b"\xef\xbb\xbf"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(FILES, EDITS)
def test_edits_of_every_kind_give_what_a_full_parse_gives(
    tmp_path: Path, file: tuple[int, int, str, bool], edits: list[tuple[str, int, int]]
) -> None:
    path = tmp_path / f"goals-{os.urandom(4).hex()}.toml"
    cache = Cache(tmp_path / f"cache-{os.urandom(4).hex()}")
    base_file(path, *file)
    same_as_a_full_parse(path, cache)
    for kind, where, value in edits:
        path.write_bytes(edited(path.read_bytes(), kind, where, value))
        same_as_a_full_parse(path, cache)


DAYS = st.sampled_from([None, AS_OF, AS_OF, dt.date(2015, 3, 1)])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(FILES, st.lists(st.tuples(KINDS, st.integers(0, 10_000), st.integers(0, 5000), DAYS), min_size=1, max_size=8))
def test_remembered_assessments_after_edits_of_every_kind(
    tmp_path: Path, file: tuple[int, int, str, bool], edits: list[tuple[str, int, int, dt.date | None]]
) -> None:
    """The memo's assessments are reused for goals whose figures only moved: as a full parse gives them,
    whichever command (or none) read the file in between and whichever day they were for."""
    path = tmp_path / f"goals-{os.urandom(4).hex()}.toml"
    cache = Cache(tmp_path / f"cache-{os.urandom(4).hex()}")
    base_file(path, *file)
    same_as_a_full_parse(path, cache, AS_OF)
    for kind, where, value, as_of in edits:
        path.write_bytes(edited(path.read_bytes(), kind, where, value))
        same_as_a_full_parse(path, cache, as_of)


# -- commands: what they print with the cache is what they print without ----------------------------

COMMANDS = [
    ("status",),
    ("status", "--json"),
    ("status", "--as-of", "2015-03-01"),
    ("report", "--format", "json"),
    ("report",),
    ("report", "--format", "md", "--since", "2010-01-01"),
    ("show", "robots", "--json"),
    ("show", "gdp"),
    ("goals", "--json"),
]


def same_output(env: dict[str, str], command: tuple[str, ...]) -> None:
    cached = run(*command, env=env)
    uncached = run(*command, env={**env, "ZIBO_NO_CACHE": "1"})
    assert (cached.exit_code, cached.stdout, cached.stderr) == (uncached.exit_code, uncached.stdout, uncached.stderr)


def command_env(tmp_path: Path, path: Path) -> dict[str, str]:
    from conftest import PINNED_ENV

    return {**PINNED_ENV, "ZIBO_FILE": str(path), "XDG_CACHE_HOME": str(tmp_path / "xdg"), "ZIBO_NO_CACHE": ""}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    FILES,
    st.lists(
        st.tuples(st.one_of(KINDS, st.just("zibo add")), st.integers(0, 10_000), st.integers(0, 5000)),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.sampled_from(range(len(COMMANDS))), min_size=6, max_size=6),
)
def test_commands_print_the_same_with_and_without_the_cache(
    tmp_path: Path, file: tuple[int, int, str, bool], edits: list[tuple[str, int, int]], commands: list[int]
) -> None:
    folder = tmp_path / os.urandom(4).hex()
    folder.mkdir()
    path = folder / "goals.toml"
    env = command_env(folder, path)
    base_file(path, *file)
    same_output(env, COMMANDS[commands[0]])
    for (kind, where, value), command in zip(edits, commands, strict=False):
        if kind == "zibo add":
            before = path.read_bytes()
            added = run("add", ["gdp", "robots", "parks"][where % 3], str(value), "--date", "2026-02-01", env=env)
            if added.exit_code != 0:  # an invalid file: refused, and left as it was
                assert path.read_bytes() == before
        else:
            path.write_bytes(edited(path.read_bytes(), kind, where, value))
        same_output(env, COMMANDS[command])


# -- a damaged entry or memo before an edit -----------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from([".cache", ".results"]),
    st.floats(0, 1),
    st.sampled_from(["flip", "truncate", "zero"]),
    st.sampled_from(["value", "delete", "insert", "append", "cut"]),
)
def test_a_damaged_entry_or_memo_is_never_trusted_by_a_splice(
    tmp_path: Path, suffix: str, where: float, damage: str, kind: str
) -> None:
    folder = tmp_path / os.urandom(4).hex()
    folder.mkdir()
    path = folder / "goals.toml"
    base_file(path, 40, 1, "\n", False)
    cache = Cache(folder / "cache")
    same_as_a_full_parse(path, cache, AS_OF)  # the entry, and the memo beside it
    slot = cache.slot(os.path.realpath(path)).with_suffix(suffix)
    data = bytearray(slot.read_bytes())
    at = min(len(data) - 1, int(where * len(data)))
    if damage == "flip":
        data[at] ^= 0x20
    elif damage == "zero":
        data[at : at + 64] = bytes(len(data[at : at + 64]))
    else:
        del data[at:]
    slot.write_bytes(bytes(data))
    path.write_bytes(edited(path.read_bytes(), kind, 17, 4321))
    same_as_a_full_parse(path, cache, AS_OF)
    same_as_a_full_parse(path, cache, AS_OF)  # and what was written for it


def damaged_headers(data: bytes) -> list[tuple[str, bytes]]:
    """The cache file with its header damaged so that it still unpickles, or so that unpickling it
    makes CPython print a SystemError (a memo opcode turned into BYTEARRAY8)."""
    end = data.index(b"\x8c\x0bdefinitions")  # the header's first key: damage after it stays in the header
    damaged = []
    goal = data.index(b"\x8c\x03gdp", end)  # a blob's goal id, outside the blob's hash
    damaged.append(("a goal id", data[: goal + 2] + b"f" + data[goal + 3 :]))
    memo = data.index(b"}\x94")  # the header dict, then MEMOIZE
    damaged.append(("BYTEARRAY8", data[: memo + 1] + b"\x96" + data[memo + 2 :]))
    for at in range(end, min(len(data), end + 1500), 5):
        damaged.append((f"bit at {at}", data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]))
    return damaged


@pytest.mark.parametrize("edit", ["none", "value", "insert"])
def test_a_damaged_header_is_never_trusted(tmp_path: Path, capfd: pytest.CaptureFixture[str], edit: str) -> None:
    path = tmp_path / "goals.toml"
    base_file(path, 40, 1, "\n", False)
    cache = Cache(tmp_path / "cache")
    outcome(path, cache)
    slot = cache.slot(os.path.realpath(path))
    good = slot.read_bytes()
    if edit != "none":  # the damaged entry is the previous one, which a splice reads
        path.write_bytes(edited(path.read_bytes(), edit, 20, 4321))
    expected = full_parse(path)
    capfd.readouterr()
    for what, damaged in damaged_headers(good):
        slot.write_bytes(damaged)
        assert outcome(path, cache) == expected, what
        assert capfd.readouterr() == ("", ""), what


@pytest.mark.parametrize("suffix", [".results", ".reports"])
def test_a_damaged_memo_header_prints_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str], suffix: str) -> None:
    path = tmp_path / "goals.toml"
    base_file(path, 40, 1, "\n", False)
    env = command_env(tmp_path, path)
    for command in (("status",), ("report",)):
        assert run(*command, env=env).exit_code == 0
    memo = Cache(tmp_path / "xdg" / "zibo").slot(os.path.realpath(path)).with_suffix(suffix)
    good = memo.read_bytes()
    at = good.index(b"}\x94")  # the header dict, then MEMOIZE: turned into BYTEARRAY8
    memo.write_bytes(good[: at + 1] + b"\x96" + good[at + 2 :])
    capfd.readouterr()
    for command in (("status",), ("report",)):
        same_output(env, command)
    assert capfd.readouterr() == ("", "")


# -- what a splice leaves for the next edit ------------------------------------------------------------


@pytest.mark.parametrize("where", ["between two chunks", "after the head", "instead of the last chunk"])
def test_a_comment_between_chunks_leaves_the_next_edit_spliced(
    tmp_path: Path, cache: Cache, counted: list[int], where: str
) -> None:
    """A comment-only edit at a chunk's start is spliced; its bytes must stay inside the chunks (the one
    before them, or the head), else every later edit is parsed in full until the chunks are made again."""
    path = tmp_path / "goals.toml"
    base_file(path, 40, 1, "\n", False)
    outcome(path, cache)
    entry = cache.open(os.path.realpath(path), path.stat(), TODAY)
    assert entry is not None
    assert entry.chunks is not None
    entry.close()
    head_length, _, chunks = entry.chunks
    raw = path.read_bytes()
    at = {"between two chunks": chunks[3][0], "after the head": head_length}.get(where, chunks[-1][0])
    rest = b"" if where == "instead of the last chunk" else raw[at:]
    path.write_bytes(raw[:at] + b"# checked against the yearbook\n\n" + rest)
    assert outcome(path, cache) == full_parse(path)
    path.write_bytes(edited(path.read_bytes(), "value", 35, 77))
    assert outcome(path, cache) == full_parse(path)
    path.write_bytes(edited(path.read_bytes(), "delete", 8, 0))
    assert outcome(path, cache) == full_parse(path)
    assert len(counted) == 1, "parsed in full"


# -- chunks' bytes moved whole: a hash that matches where the chunk is not ---------------------------


def chunk_edits(raw: bytes, head_length: int, chunks: list[tuple[int, int, bytes, int, int, int]]) -> dict[str, bytes]:
    piece = [raw[offset : offset + length] for offset, length, *_ in chunks]
    at = [offset for offset, *_ in chunks]
    k = len(chunks) // 2
    return {
        "a chunk deleted (the size changes by its length)": raw[: at[k]] + raw[at[k + 1] :],
        "a chunk doubled": raw[: at[k + 1]] + piece[k] + raw[at[k + 1] :],
        "a chunk replaced by the next one's bytes": raw[: at[k]] + piece[k + 1] + raw[at[k + 1] :],
        "two chunks swapped": raw[: at[k]] + piece[k + 1] + piece[k] + raw[at[k + 2] :],
        "the first chunk moved to the end": raw[: at[0]] + raw[at[1] :] + piece[0],
        "the last chunk moved to the front": raw[: at[0]] + piece[-1] + raw[at[0] : at[-1]],
        "everything after the head deleted": raw[:head_length],
        "everything after the head but one chunk": raw[:head_length] + piece[k],
        "the head's last line break cut": raw[: head_length - 1] + raw[head_length:],
    }


@pytest.mark.parametrize("edit", range(9))
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_chunks_moved_whole(tmp_path: Path, cache: Cache, edit: int, line_end: str) -> None:
    path = tmp_path / "goals.toml"
    base_file(path, 60, 0, line_end, False)
    outcome(path, cache)
    entry = cache.open(os.path.realpath(path), path.stat(), TODAY)
    assert entry is not None
    entry.close()
    assert entry.chunks is not None
    head_length, _, chunks = entry.chunks
    assert len(chunks) > 6
    edits = chunk_edits(path.read_bytes(), head_length, chunks)
    name = list(edits)[edit]
    path.write_bytes(edits[name])
    same_as_a_full_parse(path, cache, AS_OF)
    path.write_bytes(edited(path.read_bytes(), "value", 7, 5))  # and the entry the splice wrote splices again
    same_as_a_full_parse(path, cache, AS_OF)


def test_a_day_before_a_figure_kept_by_a_splice(tmp_path: Path, cache: Cache) -> None:
    """The figures a splice keeps were validated against the day they were read; on an earlier day one of
    them is in the future, which only the full parse reports."""
    path = tmp_path / "goals.toml"
    base_file(path, 60, 0, "\n", False)
    load(Location(path, "--file"), TODAY, cache)
    path.write_bytes(edited(path.read_bytes(), "value", 3, 5))
    earlier = dt.date(2013, 1, 1)  # figures run to 2014
    with pytest.raises(ZiboError) as cached:
        load(Location(path, "--file"), earlier, cache)
    with pytest.raises(ZiboError) as full:
        load(Location(path, "--file"), earlier, None)
    assert str(cached.value) == str(full.value)
    assert "in the future" in str(full.value)
