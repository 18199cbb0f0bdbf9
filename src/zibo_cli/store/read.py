"""Read a goals file: open it safely, bytes → text → TOML → validated GoalsFile, every failure located."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import itertools
import os
import re
import stat
from collections.abc import Iterator
from typing import Any

from zibo_cli.core.model import GoalsFile, Observation, Problem
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr
from zibo_cli.store.locate import Location, display_path

BOM = "\ufeff"


class FileProblems(ZiboError):
    """The file was read but has problems; `check` lists them, other commands refuse."""

    def __init__(self, label: str, problems: list[Problem]) -> None:
        more = len(problems) - 1
        each = "1 more problem" if more == 1 else "{count} more problems"
        hint = tr(each + ": run `zibo check` to list them all.", count=more) if more else None
        super().__init__(problems[0].located(label), hint)
        self.label = label
        self.problems = problems


def read_bytes(location: Location) -> bytes:
    return read_with_stat(location)[0]


def read_with_stat(location: Location) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the stat of the very file they came from.

    Opened without blocking and checked on the open descriptor: a FIFO, a device or a socket named as
    the goals file is refused instead of being waited on (or read forever, as /dev/zero would be).
    """
    path = location.path
    label = display_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _unreadable(label, error) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _unreadable(label, IsADirectoryError(errno.EISDIR, "is a directory"))
        if not stat.S_ISREG(info.st_mode):
            raise ZiboError(
                tr("{label} is not a regular file (a device, pipe or socket).", label=label),
                tr("Point --file at a .toml file."),
            )
        os.set_blocking(fd, True)
        with open(fd, "rb", closefd=False) as handle:
            return handle.read(), info
    except OSError as error:
        raise _unreadable(label, error) from None
    finally:
        os.close(fd)


def _unreadable(label: str, error: OSError) -> ZiboError:
    if isinstance(error, FileNotFoundError):
        return ZiboError(
            tr("{label}: no such file.", label=label),
            tr("Create one with `zibo init`, or point --file or ZIBO_FILE at an existing goals file."),
        )
    if isinstance(error, IsADirectoryError):
        return ZiboError(
            tr("{label} is a directory, not a goals file.", label=label), tr("Point --file at a .toml file.")
        )
    if isinstance(error, PermissionError):
        return ZiboError(
            tr("{label}: permission denied when reading.", label=label), tr("Check the file's permissions.")
        )
    reason = errno.errorcode.get(error.errno or 0, "") and error.strerror
    return ZiboError(tr("{label}: cannot be read ({reason}).", label=label, reason=reason or error))


def decode(raw: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text without its BOM (Windows editors add one; TOML parsers choke on it)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Problem(
            tr("the file is not valid UTF-8 text."), line, column, tr("Save it as UTF-8 (TOML files must be UTF-8).")
        )
    return text.removeprefix(BOM), None


def parse_toml(text: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """TOML 1.0, parsed by toml-rs (Rust, ~4× tomli); a document it refuses is read again by the standard
    library's tomllib, whose verdict and wording (line and column) are the ones reported."""
    import toml_rs

    try:
        return toml_rs.loads(text, toml_version="1.0.0"), None
    except Exception:
        pass
    import tomllib

    try:
        return tomllib.loads(text), None
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as error:
        from zibo_cli.core.toml_errors import explained

        return None, explained(error, text)


def analyse(raw: bytes, today: dt.date | None) -> tuple[GoalsFile | None, list[Problem]]:
    """Everything `check` reports, without raising: the file when valid, and its problems.

    A valid file is read in slices (`_sliced`). Anything else is parsed whole and validated without line
    numbers; only a file with problems has its lines indexed and is validated again, so that every problem
    carries its line.
    """
    from zibo_cli.core.schema import build_goals_file

    if not raw.strip():
        problem = Problem(tr("the file is empty."), 1, hint=tr("Run `zibo init --empty` for a commented template."))
        return None, [problem]
    with building_in_bulk():
        if (sliced := _sliced(raw, today)) is not None:
            return sliced, []
        text, problem = decode(raw)
        if problem or text is None:
            return None, [problem] if problem else []
        data, problem = parse_toml(text)
        if problem or data is None:
            return None, [problem] if problem else []
        goals_file, problems = build_goals_file(data, None, today)
        del data
        if problems:
            from zibo_cli.core.line_index import index_lines

            goals_file, problems = build_goals_file(parse_toml(text)[0] or {}, index_lines(text), today)
    return goals_file, problems


@contextlib.contextmanager
def building_in_bulk() -> Iterator[None]:
    """No cyclic garbage collection while a file's figures are built, and none of them looked at after.

    Parsed tables and figures hold no reference cycles, yet the collector, triggered every 700
    allocations, walks the growing heap again and again (toml-rs on 15 MB: 0.69 s, 0.23 s without), and
    every later full collection walks the 100,000 figures kept to the end of the command (~0.15 s of
    `status` on 100k). `gc.freeze` moves what exists by then out of its sight.
    """
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


SLICE_BYTES = 256 * 1024  # about 1,700 figure tables
_HEADER = re.compile(rb"\n\[\[observations\]\]\r?\n")


def _sliced(raw: bytes, today: dt.date | None) -> GoalsFile | None:
    """A valid file parsed a slice of figure tables at a time; None when only a whole parse can say.

    For memory, not speed: parsed whole, 100,000 figures exist as 100,000 dicts and 100,000 Observations
    at once (314 MB for 15 MB of TOML); a slice's dicts are let go once its figures are built (~120 MB).
    The file is cut before `[[observations]]` lines. Without multi-line strings such a line is a header,
    so the slices parse as the whole does — as long as each parses on its own, the part before the first
    header defines no `observations`, and every later slice holds nothing but figure tables that pass
    the quick check. Anything else (or any problem) is left to the whole parse, with its messages.
    """
    from zibo_cli.core.retractions import with_retractions
    from zibo_cli.core.schema import build_goals_file, quick_observations, source_days, validate_observation

    if b'"""' in raw or b"'''" in raw:
        return None
    # Cut before canonical headers on a line of their own, one every SLICE_BYTES or so: each cut is one
    # literal search (memchr). Other headers (with spaces or a comment) just stay inside a slice.
    first = _HEADER.search(raw)
    cuts = [first.start() + 1 if first else len(raw)]
    while cuts[-1] < len(raw):
        found = _HEADER.search(raw, cuts[-1] + SLICE_BYTES)
        cuts.append(found.start() + 1 if found else len(raw))
    try:
        head, problem = parse_toml(raw[: cuts[0]].decode("utf-8").removeprefix(BOM))
        if problem or head is None or "observations" in head or not isinstance(head.get("retractions", []), list):
            return None
        # Checked with the later slices' at the end. Before the first figure they may be a static array that
        # `[[retractions]]` tables below cannot extend: only the whole parse can tell, so it is left to it.
        in_head, retractions = "retractions" in head, head.pop("retractions", [])
        goals_file, problems = build_goals_file(head, None, today)
        if problems or goals_file is None:
            return None

        def one_by_one(table: dict[str, Any]) -> Observation | None:
            observation, problems = validate_observation(table, goals_file, today)
            return None if problems else observation

        sources, dates = set(goals_file.sources), source_days(goals_file.sources)
        for start, end in itertools.pairwise(cuts):
            data, problem = parse_toml(raw[start:end].decode("utf-8"))
            if problem or not data or set(data) - {"observations", "retractions"}:
                return None
            if not isinstance(later := data.get("retractions", []), list) or (later and in_head):
                return None
            retractions += later
            tables = data.get("observations", [])
            figures = quick_observations(tables, goals_file.goals, sources, today, one_by_one, dates)
            if figures is None:
                return None
            goals_file.observations += figures
    except UnicodeDecodeError:
        return None
    if retractions:
        if (goals := with_retractions(retractions, goals_file.goals)) is None:
            return None  # a retraction has a problem, which the whole parse reports
        goals_file.goals = goals
    return goals_file


def parse_file(location: Location, raw: bytes, today: dt.date | None) -> GoalsFile:
    """A valid goals file from its bytes, or FileProblems naming the first problem with its file:line."""
    goals_file, problems = analyse(raw, today)
    if problems or goals_file is None:
        raise FileProblems(display_path(location.path), problems)
    return goals_file


# Blank lines and comments, then an `[[observations]]` header on a line of its own.
OPENS_WITH_OBSERVATIONS = r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*\[\[[ \t]*observations[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?\n"
# A root key that could be a static `observations = [...]` array (or a quoted key with escapes that might
# spell it): `[[observations]]` tables cannot follow one. The optional BOM: a Windows editor's first line.
_STATIC_OBSERVATIONS = (
    rb"""^(?:\xef\xbb\xbf)?[ \t]*(?:observations|"observations"|'observations'|"[^"\r\n]*\\[^"\r\n]*")[ \t]*="""
)


def may_define_static_observations(raw: bytes) -> bool:
    """Whether some line could define `observations` as a static array, so appending tables would break it.

    Only lines that could match are tried — those with `observations =` or a backslash — not every line
    of the file (10 ms on 15 MB instead of 150).
    """
    static = re.compile(_STATIC_OBSERVATIONS, re.MULTILINE)
    starts = [match.start() for match in re.finditer(rb"""observations["']?[ \t]*=""", raw)]
    starts += [match.start() for match in re.finditer(rb"\\", raw)]
    for start in starts:
        line_start = raw.rfind(b"\n", 0, start) + 1
        line_end = raw.find(b"\n", start)
        if static.match(raw, line_start, len(raw) if line_end == -1 else line_end):
            return True
    return False


def parse_appended(text: str, definitions: GoalsFile, today: dt.date | None) -> list[Observation] | None:
    """The figures of `text` appended to a valid file, validated; None when only a full parse can decide.

    Parsing the appended text alone gives what a full parse gives when the file before it is valid TOML
    ending with a line break, defines no static `observations` array, and `text` opens with an
    `[[observations]]` header and holds nothing but such tables: each only adds to that array.
    """
    from zibo_cli.core.schema import validate_observation

    if not re.match(OPENS_WITH_OBSERVATIONS, text):
        return None
    data, problem = parse_toml(text)
    tables = None if data is None else data.get("observations")
    if problem is not None or data is None or set(data) != {"observations"} or not isinstance(tables, list):
        return None
    added: list[Observation] = []
    for table in tables:
        observation, problems = (
            validate_observation(table, definitions, today) if isinstance(table, dict) else (None, [])
        )
        if problems or observation is None:
            return None
        added.append(observation)
    return added
