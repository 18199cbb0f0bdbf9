"""Results remembered per goals file, so a repeated `zibo status` or `zibo report` builds no figures.

On a 100,000-observation file a repeated `status` spent ~0.18 s building every `Observation` from
the cache entry and ~0.13 s assessing 1,000 goals, to print a table that depends only on the
assessments; `report` spent as long, and assessed twice. What they compute is a function of the
file's exact bytes (which the cache entry's identity pins down, SHA-256 included), of the as-of day
(and for a report, of its window) and of the code that computes; so it is stored beside the cache
entry (`<slot>.results`, same folder, same owner-only rules) keyed on all of them, and a repeated run
rebuilds it from there: the goals come from the entry's definitions blob, the rest from a few columns.

Never stale: a results file is used only when its identity equals the identity of the bytes just
read (compared after hashing them, like the entry itself), its code fingerprint matches (the cache's,
plus the modules that assess and report) and it holds a record with the very key ("status DAY",
"report DAY FIRST LAST"). `zibo add` changes the bytes, so results of the file before it are never
used again. Only the last `KEEP` records of each kind are kept, for the current bytes only. Anything
damaged or foreign is ignored and replaced; failing to write is swallowed: the memo may make a
command faster, never make it fail.

An assessment rebuilt here has every field of the computed one except `observations` (the visible
figures), which the status table, its JSON and the text, Markdown and JSON reports never read: it
holds `NOT_LOADED`, which refuses to be read, so a caller that needs the figures fails loudly
instead of seeing none. (The HTML report draws them, so it never uses the memo.)

A text, Markdown or JSON report is remembered whole as well (`load_rendered`, "rendered TODAY DAY
FIRST LAST OPTIONS"; a repeated `report` reads it through `recall_rendered`), in a file of its own
beside the results (`<slot>.reports`, same format and rules, so
that writing a status record never copies megabytes of reports): on 100,000 figures a repeated
report still spent ~45 ms laying out its ~8,900 lines and ~20 ms unpacking its findings and
assembling it, to print the same bytes again. Its bytes are a function of the same bytes
of the file, the as-of day and the window, and of nothing else but what OPTIONS spell out: the
format, --horizon, the language, the layout's width and the Unicode version Rich measures cells by
(`render/report_layout.py`), and the file's label as the title block prints it. `--fail-on` reads
only the goals' statuses in the report's order, which are stored with the bytes and checked to be
one per goal of the entry. The code that turns findings into those bytes is in the fingerprint:
every module that composes or renders a report (`_COMPUTING_MODULES`, tested against what a report
imports) and Rich's layout modules (`_RICH_MODULES`); Python's version is in the cache's. So such a
record is correct by the same argument as the findings, and never stale by the same rules: it is
read only from a file for the entry's identity, checked against its own SHA-256, and nothing read
from it is shown before the file's bytes hash to that identity (`Outcome.confirmed`). A report
missing from the memo is composed from the day's remembered findings or computed from the file, and
remembered only for bytes already confirmed (a speculative one once `confirmed` matched).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import pickle
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from zibo_cli.core.model import Goal, GoalsFile, Observation, Status
from zibo_cli.core.progress import Assessment, Point, StageAssessment
from zibo_cli.store.cache import (
    Bases,
    Cache,
    Damaged,
    Entry,
    Identity,
    _code_fingerprint,
    _columns,
    build,
    module_stamps,
    sealed,
    unsealed,
)
from zibo_cli.store.locate import Location, display_path

if TYPE_CHECKING:
    from zibo_cli.core.report import Findings
    from zibo_cli.core.window import Window
    from zibo_cli.store.read import LoadedFile

RESULTS_MAGIC = b"zibo-results 3\n"
KEEP = 3  # records of each kind ("status", "report") remembered for the current bytes of a file
# Printed text (`recall_printed`): a status table and a few goals' `show`, kilobytes each.
KEEP_TEXT = 8
SUFFIX = ".results"
REPORTS_SUFFIX = ".reports"  # rendered reports: see results_path
TEXTS_SUFFIX = ".texts"  # printed text: see recall_printed

_OBSERVATION_FIELDS = tuple(f.name for f in fields(Observation))
_LATEST_LINE = _OBSERVATION_FIELDS.index("line")
_POINT_FIELDS = tuple(f.name for f in fields(Point))
_STAGE_FIELDS = tuple(f.name for f in fields(StageAssessment))
_STAGE_STORED = tuple(name for name in _STAGE_FIELDS if name not in ("target", "status", "settled_by"))
_ASSESSMENT_FIELDS = tuple(f.name for f in fields(Assessment))
_ASSESSMENT_STORED = ("current_stage", "stale", "stale_since")
_LINKED = ("goal", "as_of", "status", "observations", "latest", "baseline", "stages")
assert set(_ASSESSMENT_FIELDS) == {*_LINKED, *_ASSESSMENT_STORED}, "store every field of Assessment"
_STATUSES = {status.value: status for status in Status}
# Modules whose code the results depend on, beyond what the cache's own fingerprint covers: those that
# assess and find, and those that compose and lay out a remembered report (`load_rendered`).
_COMPUTING_MODULES = (
    "core/progress.py",
    "core/dates.py",
    "core/report.py",
    "core/window.py",
    "store/results.py",
    "core/units.py",
    "i18n.py",
    "messages_zh.py",
    "cli/commands/report.py",
    "render/report_text.py",
    "render/report_layout.py",
    "render/report_markdown.py",
    "render/report_json.py",
    "render/report_parts.py",
    "render/plain_layout.py",
    "render/status_view.py",
    "render/text.py",
    "render/assessment_json.py",
    "render/console.py",
    # What prints a remembered status or show text (`recall_printed`), beyond the above.
    "cli/printed.py",
    "cli/common.py",
    "cli/commands/status.py",
    "cli/commands/show.py",
    "cli/goal_lookup.py",
    "core/matching.py",
    "render/show_view.py",
    "render/chart.py",
)
# Rich measures every cell of the text report (`rich.cells`, with its Unicode tables), lays out what
# render/plain_layout.py leaves to it, and lays out `show` whole: every module of Rich's that `show`
# imports to lay text out (tested). An upgrade rewrites these files, so their stamps change.
_RICH_MODULES = (
    "__init__.py",
    "cells.py",
    "_unicode_data/__init__.py",
    "_unicode_data/_versions.py",
    "_wrap.py",
    "_loop.py",
    "_pick.py",
    "_ratio.py",
    "align.py",
    "box.py",
    "console.py",
    "constrain.py",
    "containers.py",
    "control.py",
    "measure.py",
    "padding.py",
    "protocol.py",
    "segment.py",
    "style.py",
    "styled.py",
    "table.py",
    "text.py",
)

T = TypeVar("T")


class _NotLoaded(tuple):  # type: ignore[type-arg]
    """An assessment's figures that were not loaded: any attempt to read them raises."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("this assessment came from the results memo: its figures were not loaded")

    __iter__ = __len__ = __getitem__ = __contains__ = __bool__ = __reversed__ = _refuse  # type: ignore[assignment]
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _refuse  # type: ignore[assignment]
    __add__ = __mul__ = __rmul__ = count = index = __reduce__ = __reduce_ex__ = _refuse  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<figures not loaded>"


NOT_LOADED: tuple[Observation, ...] = _NotLoaded()


class Outcome(Generic[T]):
    """What a command computed from a goals file, and the file it came from.

    `loaded` is the whole file when it had to be loaded (a first run, a new day, no cache); None
    when `result` came from the memo. `definitions` has the file's title, sources and goals; its
    `observations` list is empty unless `loaded` is set. A plain class: generating a dataclass
    costs ~0.7 ms at import, on every `status`.
    """

    __slots__ = ("_check", "definitions", "identity", "loaded", "location", "result")

    def __init__(
        self,
        location: Location,
        definitions: GoalsFile,
        result: T,
        loaded: LoadedFile | None,
        identity: Identity | None,
        check: Callable[[], bool] | None = None,
    ) -> None:
        self.location = location
        self.definitions = definitions
        self.result = result
        self.loaded = loaded
        self.identity = identity  # the bytes `result` is for (once confirmed); None without a cache
        self._check = check

    def confirmed(self) -> bool:
        """Whether `result` is for the file's bytes; False for a speculative one whose bytes did not match.

        A speculative outcome (`speculate=True`) is handed out while the file is still being hashed, so
        the caller can lay its output out meanwhile; it must ask this before it shows anything.
        """
        check, self._check = self._check, None
        return check is None or check()

    @property
    def label(self) -> str:
        return display_path(self.location.path)


def load_assessed(
    location: Location, today: dt.date, as_of: dt.date, cache: Cache | None, *, speculate: bool = False
) -> Outcome[list[Assessment]]:
    """Every goal of the file assessed as of `as_of` (what `status` shows), remembered per day.

    With `speculate`, remembered results may come before the file's bytes are confirmed: see `confirmed`.
    """
    from zibo_cli.core import progress  # looked up when called: tests count the calls

    def compute(goals_file: GoalsFile) -> list[Assessment]:
        return progress.assess_file(goals_file, as_of)

    return _through_memo(
        location,
        today,
        cache,
        f"status {as_of.isoformat()}",
        compute,
        lambda assessments, goals, bases: pack(assessments, goals, as_of, bases),
        lambda document, goals, bases: unpack(document, goals, as_of, bases),
        speculate,
        lambda entry, document, bases: _reassessed(entry, document, bases, as_of),
    )


def _reassessed(entry: Entry, document: Any, earlier: Any, as_of: dt.date) -> list[Assessment] | None:
    """The day's assessments after a change, from those of the bytes before it: goals whose figures'
    blobs are as they were keep theirs, the others (those an append added to, or with a figure changed
    in an edited chunk) are assessed again from their own blobs. None when the goals' definitions
    changed: then everything is assessed again."""
    from zibo_cli.core import progress

    now = bases_of(entry)
    if earlier.get("definitions") != now["definitions"]:
        return None
    goals = entry.definitions.goals
    before = unpack(document, goals, as_of, entry.bases)
    if [a.goal.id for a in before] != list(goals):
        return None
    return [
        assessment
        if earlier["goals"].get(goal_id) == now["goals"].get(goal_id)
        else progress.assess(goals[goal_id], entry.observations_for(goal_id), as_of)
        for goal_id, assessment in zip(goals, before, strict=True)
    ]


def load_findings(
    location: Location,
    today: dt.date,
    as_of: dt.date,
    window: Window,
    cache: Cache | None,
    *,
    speculate: bool = False,
) -> Outcome[Findings]:
    """What a report takes from the figures (core.report.find), remembered per as-of day and window.

    With `speculate`, as for `load_assessed`.
    """
    from zibo_cli.core import report

    def compute(goals_file: GoalsFile) -> Findings:
        return report.find(goals_file, as_of, window)

    return _through_memo(
        location,
        today,
        cache,
        _findings_key(as_of, window),
        compute,
        lambda findings, goals, _bases: pack_findings(findings, goals, as_of, window),
        lambda document, goals, _bases: unpack_findings(document, goals, as_of, window),
        speculate,
    )


def _findings_key(as_of: dt.date, window: Window) -> str:
    return f"report {_day_and_window(as_of, window)}"


def _day_and_window(as_of: dt.date, window: Window) -> str:
    return f"{as_of.isoformat()} {window.first.isoformat()} {window.last.isoformat()}"


class Rendered:
    """A report as written out (`data`), with every goal's id and status in its order, most at risk
    first (`ranked`): all that `zibo report` does with a report once it is rendered."""

    __slots__ = ("data", "ranked")

    def __init__(self, data: bytes, ranked: Sequence[tuple[str, Status]]) -> None:
        self.data = data
        self.ranked = tuple(ranked)

    def at_least_as_bad_as(self, status: Status) -> list[str]:
        """The ids of the goals with this status or a worse one, in the report's order."""
        return [goal_id for goal_id, their in self.ranked if their.at_least_as_bad_as(status)]


def load_rendered(
    location: Location,
    today: dt.date,
    as_of: dt.date,
    window: Window,
    options: tuple[object, ...],
    compose: Callable[[GoalsFile, Findings], Rendered],
    cache: Cache | None,
    *,
    speculate: bool = False,
) -> Outcome[Rendered]:
    """A text, Markdown or JSON report, remembered per as-of day, window and `options`.

    `compose(definitions, findings)` renders it from the file's title, goals and sources and the
    findings (`core.report.find`); `options` must hold everything else the bytes depend on: the
    format, --horizon, the language, what the layout depends on (width, Unicode version) and the file's
    label. Without a record of the report, it is composed from the day's findings when they are
    remembered, else from the file; the findings are then remembered too. With `speculate`, as for
    `load_assessed`.
    """
    findings_key = _findings_key(as_of, window)
    found: list[Findings] = []  # the findings of a computed report, remembered with it

    def compute(goals_file: GoalsFile) -> Rendered:
        from zibo_cli.core import report  # not imported when the report is remembered: ~3 ms

        findings = report.find(goals_file, as_of, window)
        found.append(findings)
        return compose(goals_file, findings)

    def derive(cache: Cache, entry: Entry) -> Rendered | None:
        from zibo_cli.store.read import collector_paused

        document = recall(cache, entry, findings_key)
        if document is None:
            return None
        with collector_paused():
            findings = unpack_findings(document, entry.definitions.goals, as_of, window)
        return compose(entry.definitions, findings)

    def also(rendered: Rendered, goals: Mapping[str, Goal]) -> list[tuple[str, Any]]:
        return [(findings_key, pack_findings(findings, goals, as_of, window)) for findings in found[-1:]]

    return _through_memo(
        location,
        today,
        cache,
        rendered_key(today, as_of, window, options),
        compute,
        lambda rendered, _goals, _bases: pack_rendered(rendered),
        lambda document, goals, _bases: unpack_rendered(document, goals),
        speculate,
        derive=derive,
        also=also,
    )


def rendered_key(today: dt.date, as_of: dt.date, window: Window, options: tuple[object, ...]) -> str:
    """The key of a rendered report. Today is in it, as in `text_key`: `recall_rendered` reads the
    record without the cache entry, which refuses a file with a figure dated after today."""
    return f"rendered {today.isoformat()} {_day_and_window(as_of, window)} {options!r}"


def recall_rendered(
    location: Location, today: dt.date, as_of: dt.date, window: Window, options: tuple[object, ...], cache: Cache
) -> Rendered | None:
    """The report `load_rendered` remembered for the file as it stands, read without opening the cache
    entry (`recall_printed`) and handed out once the file's bytes are confirmed; or None."""
    found = recall_printed(location, rendered_key(today, as_of, window, options), cache, printed_report)
    return found.value if found is not None and found.confirmed() else None


def _through_memo(
    location: Location,
    today: dt.date,
    cache: Cache | None,
    key: str,
    compute: Callable[[GoalsFile], T],
    to_document: Callable[[T, Mapping[str, Goal], Bases], Any],
    from_document: Callable[[Any, Mapping[str, Goal], Bases], T],
    speculate: bool = False,
    reuse: Callable[[Entry, Any, Any], T | None] | None = None,
    derive: Callable[[Cache, Entry], T | None] | None = None,
    also: Callable[[T, Mapping[str, Goal]], Sequence[tuple[str, Any]]] | None = None,
) -> Outcome[T]:
    """`compute(the validated file)`, or what it gave for these very bytes and this key before.

    Validation and the cache behave exactly as `store.read.load`; the memo is used only where the
    cache entry is, and only once the bytes' SHA-256 matches the entry's. Without a record under
    `key`, `reuse` may rebuild the result from the record of the file's bytes before its last change,
    and `derive` from other records of these bytes; either is then remembered under `key`. `also`
    gives further records to remember with a computed result.
    """
    from zibo_cli.store.read import LoadedFile, _Hashing, _load, collector_paused, read_with_stat

    if cache is None:
        loaded = _load(location, *read_with_stat(location), today, None)
        return Outcome(location, loaded.goals_file, compute(loaded.goals_file), loaded, None)
    if speculate:
        early = _speculated(location, today, cache, key, from_document, to_document, derive)
        if early is not None:
            return early
    raw, info = read_with_stat(location)
    real_path = os.path.realpath(location.path)
    hashing = _Hashing(raw)
    entry = cache.open(real_path, info, today)
    grown = None
    if entry is None:
        from zibo_cli.store.grown import extend_grown

        # Figures appended or edited by hand: only what changed is parsed.
        grown = extend_grown(location, raw, info, today, cache, hashing.digest)
        if grown is not None:
            entry = cache.open(real_path, info, today)
    remembered: T | None = None
    partly: T | None = None
    goals_file = None
    if entry is not None:
        # While the bytes are hashed; nothing is used unless the entry's identity matches them.
        try:
            document = recall(cache, entry, key)
            if document is not None:
                with contextlib.suppress(Exception), collector_paused():  # small objects, no cycles
                    remembered = from_document(document, entry.definitions.goals, entry.bases)
            if remembered is None and reuse is not None and (earlier := recall_earlier(cache, entry, key)):
                with contextlib.suppress(Exception), collector_paused():
                    partly = reuse(entry, *earlier)
            if remembered is None and partly is None and derive is not None:
                with contextlib.suppress(Exception):
                    partly = derive(cache, entry)
            if remembered is None and partly is None:
                goals_file = entry.goals_file()
        except Exception:  # a damaged entry: parsed again and rewritten below
            goals_file = None
        finally:
            entry.close()
    # A grown file's bytes were hashed while it was checked against the previous entry.
    identity = grown or Identity.hashed(real_path, info, hashing.digest())
    if entry is not None and entry.identity == identity:
        if remembered is not None:
            return Outcome(location, entry.definitions, remembered, None, identity)
        if partly is not None:
            with contextlib.suppress(Exception):
                document = to_document(partly, entry.definitions.goals, entry.bases)
                remember(cache, identity, key, document, bases_of(entry))
            return Outcome(location, entry.definitions, partly, None, identity)
        if goals_file is not None:
            loaded = LoadedFile(location, raw, None, goals_file, identity, entry.line_count, entry)
            return _computed(cache, key, loaded, compute, to_document, also)
    loaded = _load(location, raw, info, today, cache, hashing.digest())
    return _computed(cache, key, loaded, compute, to_document, also)


def _speculated(
    location: Location,
    today: dt.date,
    cache: Cache,
    key: str,
    from_document: Callable[[Any, Mapping[str, Goal], Bases], T],
    to_document: Callable[[T, Mapping[str, Goal], Bases], Any],
    derive: Callable[[Cache, Entry], T | None] | None = None,
) -> Outcome[T] | None:
    """Remembered results for a large file, while a thread still reads and hashes it; or None.

    Reading 15 MB and hashing them took ~20 ms of a repeated `status` on 100,000 figures, most of it
    before anything else could start. Here a thread reads the file in chunks and hashes them (nothing
    is kept in memory) while the caller lays out its output; `Outcome.confirmed` then waits for the
    hash and compares it, with the file's device, inode, size and mtime, to the cache entry's. A result
    `derive`d from other records of the entry's bytes is remembered under `key` once they are confirmed.
    """
    from zibo_cli.store.read import STREAM_FROM, StreamHashing, _opened, collector_paused

    handle, info = _opened(location)
    if info.st_size < STREAM_FROM:
        handle.close()
        return None
    hashing = StreamHashing(handle)
    real_path = os.path.realpath(location.path)
    remembered: T | None = None
    derived: T | None = None
    entry = cache.open(real_path, info, today)
    if entry is not None:
        with contextlib.suppress(Exception):
            document = recall(cache, entry, key)
            if document is not None:
                with collector_paused():  # small objects, no cycles
                    remembered = from_document(document, entry.definitions.goals, entry.bases)
        if remembered is None and derive is not None:
            with contextlib.suppress(Exception):
                derived = derive(cache, entry)
        entry.close()
    result = remembered if remembered is not None else derived
    if entry is None or result is None:
        hashing.abandon()
        return None
    expected = entry.identity
    goals, bases = entry.definitions.goals, entry.bases

    def check() -> bool:
        digest = hashing.digest()
        matched = digest is not None and Identity.hashed(real_path, info, digest) == expected
        if matched and derived is not None:  # only now: a record is written for bytes known to be these
            with contextlib.suppress(Exception):
                remember(cache, expected, key, to_document(derived, goals, bases))
        return matched

    return Outcome(location, entry.definitions, result, None, expected, check)


def _computed(
    cache: Cache,
    key: str,
    loaded: LoadedFile,
    compute: Callable[[GoalsFile], T],
    to_document: Callable[[T, Mapping[str, Goal], Bases], Any],
    also: Callable[[T, Mapping[str, Goal]], Sequence[tuple[str, Any]]] | None = None,
) -> Outcome[T]:
    goals_file = loaded.goals_file
    result = compute(goals_file)
    if loaded.identity is not None:
        with contextlib.suppress(Exception):
            entry = loaded.cache_entry
            if entry is None and (entry := cache.get(loaded.identity, None)) is not None:
                entry.close()  # the entry just stored for the parsed file: its blobs are the bases
            if entry is not None:  # no entry, no memo: the memo is read only beside one
                more = () if also is None else also(result, goals_file.goals)
                document = to_document(result, goals_file.goals, entry.bases)
                remember(cache, loaded.identity, key, document, bases_of(entry), more)
    return Outcome(loaded.location, goals_file, result, loaded, loaded.identity)


# -- the memo file ----------------------------------------------------------------------------------


def results_path(cache: Cache, real_path: str, key: str = "status") -> Path:
    """The memo file for records of `key`'s kind. Rendered reports (`<slot>.reports`) and printed text
    (`<slot>.texts`) are kept apart: megabytes each on a large file, reports would otherwise be read
    and written again with every status or findings record, and printed text with every report."""
    return cache.slot(real_path).with_suffix(_SUFFIXES.get(_kind(key), SUFFIX))


def fingerprint() -> tuple[Any, ...]:
    """The cache's code fingerprint plus the size and mtime of the modules that compute the results
    (zibo's, and Rich's for a remembered text report)."""
    return (
        _code_fingerprint(),
        _ASSESSMENT_FIELDS,
        _STAGE_FIELDS,
        *module_stamps(_COMPUTING_MODULES),
        *_rich_stamps(),
    )


@functools.cache
def _rich_folder() -> str | None:
    """Where Rich is installed, found without importing it (~0.05 ms)."""
    import importlib.util

    spec = importlib.util.find_spec("rich")
    return None if spec is None or spec.origin is None else os.path.dirname(spec.origin)


def _rich_stamps() -> list[tuple[int, int] | None]:
    folder = _rich_folder()
    stamps: list[tuple[int, int] | None] = []
    for module in _RICH_MODULES:
        try:
            info = os.stat(os.path.join(folder or "", module))
            stamps.append((info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return stamps


Record = tuple[str, int, int, bytes]  # key, offset in the body, length, SHA-256


def _read_header(
    cache: Cache, path: Path, accepts: Callable[[Identity], bool]
) -> tuple[Any, int, list[Record], dict[str, Any]] | None:
    """(open file, where the body starts, its records, its header) if the file is this user's and for
    bytes whose identity it `accepts` (see `_for_exactly`, `_for_any_bytes_of` and `recall_printed`)."""
    handle = open(path, "rb")  # noqa: SIM115 - closed by the caller
    try:
        info = os.fstat(handle.fileno())
        header = unsealed(handle, info.st_size, RESULTS_MAGIC) if cache._trusted(path, info) else None
        if header is None:
            handle.close()
            return None
        stored_fingerprint, stored_identity = header["key"]
        if (
            stored_fingerprint != fingerprint()
            or not isinstance(stored_identity, Identity)
            or not accepts(stored_identity)
        ):
            handle.close()
            return None
        records = [tuple(record) for record in header["records"]]
        start = handle.tell()
        if info.st_size != start + header["body"]:
            handle.close()
            return None
    except BaseException:
        handle.close()
        raise
    return handle, start, records, header  # type: ignore[return-value]


def _for_exactly(identity: Identity) -> Callable[[Identity], bool]:
    return lambda stored: stored == identity


def _for_any_bytes_of(real_path: str) -> Callable[[Identity], bool]:
    """Records of the file at this path, whatever its bytes were: see `recall_earlier`."""
    return lambda stored: stored.real_path == real_path


def recall(cache: Cache, entry: Entry, key: str) -> Any:
    """The document stored for the entry's bytes under `key`, or None; never raises.

    Keyed on `entry.identity` as its header says: the caller must check it against the bytes read.
    """
    found = _recalled(cache, entry, key)
    return None if found is None else found[0]


def recall_earlier(cache: Cache, entry: Entry, key: str) -> tuple[Any, Any] | None:
    """The document stored under `key` for the file's bytes before its last change, with the bases it
    was computed on (see `bases_of`); or None. Never raises."""
    found = _recalled(cache, entry, key, earlier=True)
    if found is None or found[1].get("bases") is None:
        return None
    return found[0], found[1]["bases"]


def _recalled(cache: Cache, entry: Entry, key: str, earlier: bool = False) -> tuple[Any, dict[str, Any]] | None:
    identity = entry.identity
    accepts = _for_any_bytes_of(identity.real_path) if earlier else _for_exactly(identity)
    return _record_in(cache, identity.real_path, key, accepts)


def _record_in(
    cache: Cache, real_path: str, key: str, accepts: Callable[[Identity], bool]
) -> tuple[Any, dict[str, Any]] | None:
    """The document stored under `key` in the memo of the file at `real_path`, if the memo is for bytes
    whose identity it `accepts` and the record's SHA-256 matches; with the memo's header. Never raises."""
    from zibo_cli.store.cache import sha256_for

    with contextlib.suppress(Exception):
        found = _read_header(cache, results_path(cache, real_path, key), accepts)
        if found is None:
            return None
        memo, start, records, header = found
        with memo:
            for name, offset, length, digest in records:
                if name == key:
                    blob = os.pread(memo.fileno(), length, start + offset)
                    if len(blob) != length or sha256_for(length)(blob).digest() != digest:
                        return None
                    return pickle.loads(blob), header
    return None


def bases_of(entry: Entry) -> dict[str, Any]:
    """What each goal's assessment was computed on, as the cache entry records it: the SHA-256 of the
    definitions (every goal and source) and of each blob of that goal's figures. An append adds a blob
    to the goals it adds to and leaves every other goal's blobs as they were."""
    goals: dict[str, list[bytes]] = {}
    for goal_id, _offset, _length, digest in entry.blobs:
        goals.setdefault(goal_id, []).append(digest)
    return {"definitions": entry.definitions_digest, "goals": {goal: tuple(digests) for goal, digests in goals.items()}}


def remember(
    cache: Cache,
    identity: Identity,
    key: str,
    document: Any,
    bases: dict[str, Any] | None = None,
    more: Sequence[tuple[str, Any]] = (),
) -> None:
    """Store a document for these bytes under `key` (and `more` documents under theirs), keeping the
    last few of each kind; never raises.

    `bases`, from `bases_of` the entry of these bytes, lets the next change reuse what it did not touch.
    """
    from zibo_cli.store.cache import sha256_for

    with contextlib.suppress(Exception):
        blobs = [(name, pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)) for name, doc in ((key, document), *more)]
        sha256 = sha256_for(sum(len(blob) for _, blob in blobs))
        files: dict[Path, list[tuple[str, bytes, bytes]]] = {}
        for name, blob in blobs:
            files.setdefault(results_path(cache, identity.real_path, name), []).append(
                (name, blob, sha256(blob).digest())
            )
        for target, new in files.items():
            with contextlib.suppress(Exception):
                _write_records(cache, identity, target, new, bases if target.suffix == SUFFIX else None)


def _write_records(
    cache: Cache, identity: Identity, target: Path, new: list[tuple[str, bytes, bytes]], bases: dict[str, Any] | None
) -> None:
    """Replace `target` with the `new` records, then the last few of each kind it held for these bytes."""
    kept = list(new)
    names = {name for name, _, _ in new}
    with contextlib.suppress(Exception):
        found = _read_header(cache, target, _for_exactly(identity))
        if found is not None:
            handle, start, records, stored = found
            bases = bases or stored.get("bases")
            with handle:
                for name, offset, length, digest in records:
                    same_kind = [kept_name for kept_name, _, _ in kept if _kind(kept_name) == _kind(name)]
                    if name not in names and len(same_kind) < (KEEP_TEXT if _kind(name) == "text" else KEEP):
                        # Kept with the digest it was written with, not hashed again (~3 ms for the few
                        # megabytes of remembered reports): a damaged record stays refused on reading.
                        old = os.pread(handle.fileno(), length, start + offset)
                        if len(old) == length:
                            kept.append((name, old, digest))
    listed: list[Record] = []
    offset = 0
    for name, data, digest in kept:
        listed.append((name, offset, len(data), digest))
        offset += len(data)
    header = {"key": (fingerprint(), identity), "records": listed, "body": offset, "bases": bases}
    cache.replace(target, [sealed(header, RESULTS_MAGIC)] + [data for _, data, _ in kept])


# Kinds kept apart from `<slot>.results`: what was printed.
_SUFFIXES = {"rendered": REPORTS_SUFFIX, "text": TEXTS_SUFFIX}


def _kind(key: str) -> str:
    return key.split(" ", 1)[0]


# -- printed text ---------------------------------------------------------------------------------


def text_key(command: str, today: dt.date, as_of: dt.date, options: tuple[object, ...]) -> str:
    """The key of a command's printed text: `options` must hold everything else the text depends on.

    Today is in it because the cache refuses a file with a figure recorded after today: a record made
    on another day must not stand in for that refusal.
    """
    return f"text {command} {today.isoformat()} {as_of.isoformat()} {options!r}"


class Recalled(Generic[T]):
    """What a command printed before, for a file whose bytes are still being hashed: ask `confirmed()`
    before printing `value`."""

    __slots__ = ("_hashing", "_info", "_real_path", "_stored", "value")

    def __init__(self, value: T, stored: Identity, real_path: str, info: os.stat_result, hashing: Any) -> None:
        self.value = value
        self._stored = stored
        self._real_path = real_path
        self._info = info
        self._hashing = hashing

    def confirmed(self) -> bool:
        """Whether the file's bytes are those it was printed for (their digest, device, inode, size, mtime)."""
        digest = self._hashing.digest()
        return digest is not None and Identity.hashed(self._real_path, self._info, digest) == self._stored


def recall_printed(location: Location, key: str, cache: Cache, accept: Callable[[Any], T | None]) -> Recalled[T] | None:
    """What was remembered under `key` for the file as it stands (`accept`ed: None refuses its shape), or
    None; never raises but for an unreadable file.

    A repeated `status` on 100,000 figures spent ~35 ms laying out its table and ~10 ms reading the
    cache entry and the assessments, to print the same text again. Here neither is opened: the record
    is taken when the memo's identity has the file's path, device, inode, size and mtime, and a thread
    hashes the file; `Recalled.confirmed` then compares the digest as well.
    """
    from zibo_cli.store.read import StreamHashing, _opened

    handle, info = _opened(location)
    real_path = os.path.realpath(location.path)
    found = _printed_record(cache, real_path, info, key, accept)
    if found is None:  # no thread started: after a change the command goes on at once
        handle.close()
        return None
    value, stored = found
    return Recalled(value, stored, real_path, info, StreamHashing(handle))


def _printed_record(
    cache: Cache, real_path: str, info: os.stat_result, key: str, accept: Callable[[Any], T | None]
) -> tuple[T, Identity] | None:
    from zibo_cli.store.cache import _stat_of

    stat = (real_path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    found = _record_in(cache, real_path, key, lambda stored: _stat_of(stored) == stat)
    if found is None:
        return None
    document, header = found
    with contextlib.suppress(Exception):
        value = accept(document)
        return None if value is None else (value, header["key"][1])
    return None


# -- assessments as columns ------------------------------------------------------------------------


def pack(
    assessments: Sequence[Assessment], goals: Mapping[str, Goal], as_of: dt.date, bases: Bases | None = None
) -> tuple[Any, ...]:
    """Assessments of `goals`, one each in their order, as columns; goals and targets by position.

    With `bases` (the cache entry's), each latest figure's line is stored as its chunk and its line in
    it, as the entry stores figures: an edit that only moves a chunk leaves the goals with figures in
    it as they were, and their assessments are used again with the lines moved (store/spliced.py).
    Raises ValueError when they are not exactly one per goal, in order, of these goals, as of that day.
    """
    if [a.goal.id for a in assessments] != list(goals):
        raise ValueError("not one assessment per goal in the file's order")
    for assessment in assessments:
        goal = goals[assessment.goal.id]
        if assessment.goal != goal or assessment.as_of != as_of:
            raise ValueError("an assessment of another goal or day")
        if tuple(stage.target for stage in assessment.stages) != goal.targets:
            raise ValueError("stages that are not the goal's targets")
    latest = [a.latest for a in assessments if a.latest is not None]
    baselines = [a.baseline for a in assessments if a.baseline is not None]
    stages = [stage for a in assessments for stage in a.stages]
    settled = [stage.settled_by for stage in stages if stage.settled_by is not None]
    latest_columns = _columns(latest, _OBSERVATION_FIELDS)
    if bases is not None:
        latest_columns[_LATEST_LINE] = _lines_within(latest_columns[_LATEST_LINE], bases)
    return (
        [a.status.value for a in assessments],
        [a.latest is not None for a in assessments],
        latest_columns,
        [a.baseline is not None for a in assessments],
        _columns(baselines, _POINT_FIELDS),
        [stage.status.value for stage in stages],
        _columns(stages, _STAGE_STORED),
        [stage.settled_by is not None for stage in stages],
        _columns(settled, _POINT_FIELDS),
        _columns(assessments, _ASSESSMENT_STORED),
    )


def unpack(
    document: tuple[Any, ...], goals: Mapping[str, Goal], as_of: dt.date, bases: Bases | None = None
) -> list[Assessment]:
    """The assessments `pack` stored (with the same kind of `bases`), each goal and target the very
    object in `goals`. Raises Damaged."""
    statuses, has_latest, latest_columns, has_baseline, baseline_columns = document[:5]
    if bases is not None:
        latest_columns = [*latest_columns]
        latest_columns[_LATEST_LINE] = _lines_placed(
            _exactly(latest_columns, len(_OBSERVATION_FIELDS))[_LATEST_LINE], bases
        )
    stage_statuses, stage_columns, has_settled, settled_columns, own_columns = document[5:]
    goal_list = list(goals.values())
    count = len(goal_list)
    if len(statuses) != count or len(has_latest) != count or len(has_baseline) != count:
        raise Damaged("results for another number of goals")
    targets = [target for goal in goal_list for target in goal.targets]
    if len(stage_statuses) != len(targets) or len(has_settled) != len(targets):
        raise Damaged("results for other targets")
    try:
        status_column = [_STATUSES[value] for value in statuses]
        stage_status_column = [_STATUSES[value] for value in stage_statuses]
    except (KeyError, TypeError):
        raise Damaged("an unknown status") from None
    latest_column = _optional(has_latest, build(Observation, _OBSERVATION_FIELDS, latest_columns))
    baseline_column = _optional(has_baseline, build(Point, _POINT_FIELDS, baseline_columns))
    settled_column = _optional(has_settled, build(Point, _POINT_FIELDS, settled_columns))
    stages = build(
        StageAssessment, _STAGE_FIELDS, _ordered(_STAGE_FIELDS, {
            "target": targets, "status": stage_status_column, "settled_by": settled_column,
            **dict(zip(_STAGE_STORED, _exactly(stage_columns, len(_STAGE_STORED)), strict=True)),
        }),
    )  # fmt: skip
    stages_column = []
    start = 0
    for goal in goal_list:
        stages_column.append(tuple(stages[start : start + len(goal.targets)]))
        start += len(goal.targets)
    columns = _ordered(_ASSESSMENT_FIELDS, {
        "goal": goal_list, "as_of": [as_of] * count, "status": status_column,
        "observations": [NOT_LOADED] * count, "latest": latest_column, "baseline": baseline_column,
        "stages": stages_column,
        **dict(zip(_ASSESSMENT_STORED, _exactly(own_columns, len(_ASSESSMENT_STORED)), strict=True)),
    })  # fmt: skip
    return build(Assessment, _ASSESSMENT_FIELDS, columns)


def _lines_within(lines: Sequence[int | None], bases: Bases) -> list[tuple[int, int] | None]:
    """Each line as (chunk id, line within the chunk): the chunk is the last to start on or before it."""
    starts = sorted((line, chunk_id) for chunk_id, (_, line) in bases.items())
    firsts = [line for line, _ in starts]
    within: list[tuple[int, int] | None] = []
    for line in lines:
        if line is None:
            within.append(None)
            continue
        first, chunk_id = starts[bisect_right(firsts, line) - 1]
        within.append((chunk_id, line - first))
    return within


def _lines_placed(within: Sequence[Any], bases: Bases) -> list[int | None]:
    try:
        return [None if place is None else bases[place[0]][1] + place[1] for place in within]
    except (KeyError, TypeError, IndexError):
        raise Damaged("a line in a chunk the file does not have") from None


def _exactly(columns: Any, count: int) -> list[Any]:
    if not isinstance(columns, list) or len(columns) != count:
        raise Damaged("results with the wrong columns")
    return columns


def _ordered(names: Sequence[str], columns: Mapping[str, Sequence[Any]]) -> list[Sequence[Any]]:
    return [columns[name] for name in names]


def _optional(present: Sequence[bool], objects: list[Any]) -> list[Any]:
    """`objects` spread over the positions marked present, None elsewhere."""
    if sum(map(bool, present)) != len(objects):
        raise Damaged("results whose parts do not add up")
    found = iter(objects)
    return [next(found) if here else None for here in present]


# -- a report's findings ---------------------------------------------------------------------------


def pack_findings(findings: Findings, goals: Mapping[str, Goal], as_of: dt.date, window: Window) -> tuple[Any, ...]:
    """The current assessments, each change's assessment at the window's start, the recorded figures, the sources."""
    changed = {change.goal.id: goals[change.goal.id] for change in findings.changes}
    if any(change.after is not now for change, now in _afters(findings)):
        raise ValueError("a change whose end is not the current assessment")
    recorded = [entry.observation for entry in findings.recorded]
    if any(goals[entry.observation.goal] != entry.goal for entry in findings.recorded):
        raise ValueError("a recorded figure of another goal")
    return (
        pack(findings.current, goals, as_of),
        list(changed),
        pack([change.before for change in findings.changes], changed, window.start),
        _columns(recorded, _OBSERVATION_FIELDS),
        [list(sources) for sources in findings.figure_sources],
    )


def _afters(findings: Findings) -> list[tuple[Any, Assessment]]:
    current = {a.goal.id: a for a in findings.current}
    return [(change, current[change.goal.id]) for change in findings.changes]


def unpack_findings(document: tuple[Any, ...], goals: Mapping[str, Goal], as_of: dt.date, window: Window) -> Findings:
    """The findings `pack_findings` stored, rebuilt on `goals`. Raises Damaged."""
    from zibo_cli.core.report import Findings, RecordedFigure, StatusChange

    current_document, changed_ids, before_document, recorded_columns, figure_sources = document
    current = unpack(current_document, goals, as_of)
    by_id = {a.goal.id: a for a in current}
    try:
        changed = {goal_id: goals[goal_id] for goal_id in changed_ids}
        recorded = build(Observation, _OBSERVATION_FIELDS, recorded_columns)
        recorded_figures = tuple(RecordedFigure(goals[o.goal], o) for o in recorded)
    except (KeyError, TypeError):
        raise Damaged("findings for goals the file does not have") from None
    if len(changed) != len(changed_ids):
        raise Damaged("a goal changed twice")
    before = unpack(before_document, changed, window.start)
    if len(figure_sources) != len(current) or not all(
        isinstance(sources, list) and all(isinstance(source, str) for source in sources) for sources in figure_sources
    ):
        raise Damaged("sources for another number of goals")
    return Findings(
        current=tuple(current),
        changes=tuple(StatusChange(before=b, after=by_id[b.goal.id]) for b in before),
        recorded=recorded_figures,
        figure_sources=tuple(tuple(sources) for sources in figure_sources),
    )


# -- a rendered report ------------------------------------------------------------------------------


def pack_rendered(rendered: Rendered) -> tuple[bytes, list[str], list[str]]:
    """The report's bytes, and its goals' ids and statuses as two columns."""
    return (
        rendered.data,
        [goal_id for goal_id, _ in rendered.ranked],
        [status.value for _, status in rendered.ranked],
    )


def printed_report(document: Any) -> Rendered | None:
    """A report `pack_rendered` stored, as `recall_rendered` reads it, or None for another shape.

    Its goals are not checked against the file's, which are not read: the record is for the very bytes
    the report was computed from, hence for their goals.
    """
    try:
        data, ids, statuses = document
        if not isinstance(data, bytes) or len(ids) != len(statuses) or not all(isinstance(i, str) for i in ids):
            return None
        return Rendered(data, list(zip(ids, [_STATUSES[value] for value in statuses], strict=True)))
    except (KeyError, TypeError, ValueError):
        return None


def unpack_rendered(document: tuple[Any, ...], goals: Mapping[str, Goal]) -> Rendered:
    """The report `pack_rendered` stored, checked to rank exactly the file's goals. Raises Damaged."""
    data, ids, statuses = document
    if not isinstance(data, bytes) or not isinstance(ids, list) or not isinstance(statuses, list):
        raise Damaged("a rendered report of another shape")
    try:
        if len(ids) != len(goals) or len(statuses) != len(ids) or set(ids) != goals.keys():
            raise Damaged("a rendered report of other goals")
        return Rendered(data, list(zip(ids, [_STATUSES[value] for value in statuses], strict=True)))
    except (KeyError, TypeError):
        raise Damaged("a rendered report with an unknown status or goal") from None
