"""Fuzzing: whatever the bytes, documents, values or dates, the outcome is a result or a clean error.

The loader (store.read.analyse) must return either a GoalsFile or a list of located problems for any
input, and never raise. The parsers of what users type must return a value or raise their ValueError
subclass only. The progress engine must assess any finite history without raising, and what it
produces must render and serialise. Example counts are modest so the suite stays fast; the
hypothesis database (.hypothesis/) replays any failure found; ZIBO_FUZZ_SCALE searches deeper.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import string
from typing import Any

import tomli_w
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from zibo_cli.core.dates import DateError, format_date, parse_iso_date
from zibo_cli.core.model import Baseline, Goal, GoalsFile, Observation, Status, Target
from zibo_cli.core.progress import assess, assess_file, sort_assessments
from zibo_cli.core.schema import LARGEST_VALUE
from zibo_cli.core.values import ValueParseError, parse_value
from zibo_cli.store.read import analyse

# ZIBO_FUZZ_SCALE=50 runs fifty times the examples, for a deeper search by hand (not in CI).
SCALE = int(os.environ.get("ZIBO_FUZZ_SCALE", "1"))
FAST = settings(max_examples=200 * SCALE, deadline=None)
SLOWER = settings(max_examples=80 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = dt.date(2026, 11, 27)


def check_outcome(raw: bytes) -> tuple[GoalsFile | None, list[Any]]:
    """The one contract of the loader: a valid file and no problems, or no file and located problems."""
    goals_file, problems = analyse(raw, TODAY)
    if goals_file is None:
        assert problems, "no file and no problem either"
        for problem in problems:
            assert problem.message
            assert problem.line is None or problem.line >= 1
    else:
        assert problems == []
    return goals_file, problems


# -- the loader over arbitrary bytes ------------------------------------------------------------------

TOML_ALPHABET = [*"[]{}=\"'.,#\n\r\t abcdgx019-_:TZ+e\\", "schema", "goals", "observations", "\ufeff", "é"]


@FAST
@given(st.binary(max_size=3000))
def test_loader_survives_arbitrary_bytes(raw: bytes) -> None:
    check_outcome(raw)


@FAST
@given(st.lists(st.sampled_from(TOML_ALPHABET), max_size=400).map("".join))
def test_loader_survives_toml_shaped_noise(text: str) -> None:
    check_outcome(text.encode("utf-8"))


@FAST
@given(st.data())
def test_loader_survives_a_damaged_valid_file(data: st.DataObject) -> None:
    """Cut, splice or flip bytes of a real goals file: every damage is reported, never raised."""
    from conftest import SAMPLE

    raw = bytearray(SAMPLE.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["cut", "insert", "flip"]))
        if action == "cut":
            del raw[where : where + data.draw(st.integers(1, 40))]
        elif action == "insert":
            raw[where:where] = data.draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b'"', b"[", b"\n", b"="]))
        elif raw:
            raw[min(where, len(raw) - 1)] ^= data.draw(st.integers(1, 255))
    check_outcome(bytes(raw))


# -- the loader over generated TOML documents ---------------------------------------------------------

dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
past = st.dates(dt.date(2000, 1, 1), dt.date(2026, 11, 27))
offsets = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5))])
scalars = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(),  # nan and inf included: TOML can spell them
    st.booleans(),
    dates,
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1), timezones=offsets),
    st.times(),
)
anything = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)


# One wild value in ~40, so that many whole documents come out valid (sampled_from, as hypothesis
# favours the ends of integer ranges).
rarely = st.sampled_from([False] * 40 + [True])


keys = rarely.flatmap(lambda wild: st.text(max_size=8) if wild else ids)  # mostly valid ids


def sometimes(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the right kind of value (so some files are valid), now and then anything at all."""
    return rarely.flatmap(lambda wild: anything if wild else valid)


numbers = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False))
names = st.text(min_size=1, max_size=10).filter(str.strip)
target_table = st.fixed_dictionaries(
    {"value": sometimes(numbers), "by": sometimes(dates)},
    optional={"qualifier": sometimes(st.sampled_from(["approx", "at_least", "at_most"])), "note": sometimes(names)},
)


@st.composite
def goal_tables(draw: st.DrawFn) -> dict[str, Any]:
    table = draw(
        st.fixed_dictionaries(
            {"name": sometimes(names), "unit": sometimes(st.sampled_from(["亿元", "%", "家"]))},
            optional={
                "direction": sometimes(st.sampled_from(["increase", "decrease"])),
                "cadence": sometimes(st.sampled_from(["yearly", "quarterly", "monthly"])),
                "method": sometimes(st.sampled_from(["auto", "cagr", "linear"])),
                "lag": sometimes(st.integers(0, 400)),
                "baseline": sometimes(st.fixed_dictionaries({"value": sometimes(numbers), "date": sometimes(dates)})),
                "source": sometimes(st.sampled_from(["plan", "Free text, not an id"])),
            },
        )
    )
    stages = draw(st.sampled_from(["none", "target", "target", "targets"] * 10 + ["both"]))
    if stages in ("target", "both"):
        table["target"] = draw(sometimes(target_table))
    if stages in ("targets", "both"):
        targets = draw(sometimes(st.lists(target_table, min_size=1, max_size=3)))
        if (
            isinstance(targets, list)
            and all(isinstance(t, dict) and type(t.get("by")) is dt.date for t in targets)
            and not draw(rarely)
        ):
            targets = sorted({t["by"]: t for t in targets}.values(), key=lambda t: t["by"])  # mostly in order
        table["targets"] = targets
    if draw(rarely):
        table[draw(st.text(max_size=6))] = draw(anything)  # often an unknown key
    return table


@st.composite
def goals_documents(draw: st.DrawFn) -> dict[str, Any]:
    goals = draw(st.dictionaries(keys, goal_tables(), min_size=draw(st.sampled_from([1, 1, 1, 0])), max_size=4))
    goal_ids = list(goals) or ["nothing"]
    observation = st.fixed_dictionaries(
        {"goal": sometimes(st.sampled_from(goal_ids)), "date": sometimes(past), "value": sometimes(numbers)},
        optional={
            "precision": sometimes(st.sampled_from(["day", "month", "quarter", "half", "year"])),
            "qualifier": sometimes(st.sampled_from(["approx", "at_least", "at_most"])),
            "preliminary": sometimes(st.booleans()),
            "recorded": sometimes(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2026, 1, 1), timezones=offsets)),
            "source": sometimes(st.sampled_from(["plan", "统计公报 2025"])),
            "note": sometimes(st.text(max_size=20)),
        },
    )
    document: dict[str, Any] = {
        "schema": draw(sometimes(st.just(1))),
        "goals": goals,
        "observations": draw(st.lists(observation, max_size=6)),
    }
    for table in document["observations"]:
        if draw(rarely):
            table["period"] = draw(st.sampled_from(["2024-01/2024-11", "2024-01-01/2024-12-31"]) | anything)
    if not draw(rarely):
        document["sources"] = {"plan": {"title": draw(sometimes(names))}}
        document["sources"].update(
            draw(st.dictionaries(keys, st.fixed_dictionaries({"title": sometimes(names)}), max_size=2))
        )
    if draw(rarely):
        document[draw(st.text(max_size=6))] = draw(anything)
    return document


@SLOWER
@given(goals_documents(), st.booleans())
def test_loader_survives_generated_goals_files(document: dict[str, Any], crlf: bool) -> None:
    text = tomli_w.dumps(document)
    raw = (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    goals_file, _ = check_outcome(raw)
    if goals_file is None:
        return
    # A file the loader accepts is one every command can work with.
    assessments = sort_assessments(assess_file(goals_file, TODAY))
    render_everything(assessments)


@SLOWER
@given(st.dictionaries(st.text(max_size=10), anything, max_size=6))
def test_loader_survives_arbitrary_toml_documents(document: dict[str, Any]) -> None:
    check_outcome(tomli_w.dumps(document).encode("utf-8"))


def render_everything(assessments: list[Any]) -> None:
    from rich.console import Console

    from zibo_cli.render.assessment_json import assessment_json
    from zibo_cli.render.status_view import status_table

    console = Console(file=io.StringIO(), width=100, color_system=None, markup=False)
    if assessments:
        console.print(status_table(assessments, console, wide=True))
    json.dumps([assessment_json(a) for a in assessments], allow_nan=False)


# -- values and dates as users type them ------------------------------------------------------------

UNITS = ["亿元", "万元", "元", "%", "百分点", "家", "个", "万人", "m²", "", "亿"]
value_text = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(list("0123456789.,-+eE%约超余以上亿万千元个 ")), max_size=20).map("".join),
)


@FAST
@given(value_text, st.one_of(st.sampled_from(UNITS), st.text(max_size=5)))
def test_value_parser_returns_a_value_or_a_value_error(text: str, unit: str) -> None:
    try:
        parsed = parse_value(text, unit)
    except ValueParseError as error:  # a ValueError subclass; anything else fails the test
        message = str(error)
        assert message
        return
    assert math.isfinite(parsed.value)
    assert abs(parsed.value) <= LARGEST_VALUE


@FAST
@given(st.floats(-LARGEST_VALUE, LARGEST_VALUE, allow_nan=False), st.sampled_from(["亿元", "%", "家"]))
def test_a_typed_number_is_read_exactly(number: float, unit: str) -> None:
    assert parse_value(repr(number), unit).value == number


@FAST
@given(st.text(max_size=20) | st.from_regex(r"\d{4}(-\d{1,2}(-\d{1,2})?|-?[QqHh]\d)?", fullmatch=True))
def test_date_parser_returns_a_day_or_a_date_error(text: str) -> None:
    try:
        day, precision = parse_iso_date(text)
    except DateError:  # a ValueError subclass; anything else fails the test
        return
    assert isinstance(day, dt.date)
    assert precision in ("day", "month", "quarter", "half", "year")


@FAST
@given(st.dates(dt.date(1000, 1, 1)), st.sampled_from(["day", "month", "quarter", "half", "year"]))
def test_a_formatted_date_reads_back_as_its_period_end(day: dt.date, precision: Any) -> None:
    parsed, parsed_precision = parse_iso_date(format_date(day, precision))
    assert parsed_precision == precision
    if precision == "day":
        assert parsed == day
    else:
        assert parsed >= day
        assert (parsed - day).days < 366


# -- the progress engine over any finite history ----------------------------------------------------

finite = st.floats(-LARGEST_VALUE, LARGEST_VALUE, allow_nan=False, allow_infinity=False)
small = st.one_of(finite, st.floats(-1000, 1000), st.sampled_from([0.0, 1.0, -1.0, 1e-300, 100.0]))
near_dates = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))


@st.composite
def goals_with_history(draw: st.DrawFn) -> tuple[Goal, list[Observation], dt.date]:
    deadlines = sorted(set(draw(st.lists(near_dates, max_size=3))))
    targets = tuple(
        Target(value=draw(small), by=by, qualifier=draw(st.sampled_from([None, "approx", "at_least", "at_most"])))
        for by in deadlines
    )
    baseline = draw(st.none() | st.builds(Baseline, value=small, date=near_dates))
    goal = Goal(
        id="g",
        name="目标",
        unit=draw(st.sampled_from(["亿元", "%"])),
        direction=draw(st.sampled_from(["increase", "decrease"])),
        cadence=draw(st.sampled_from([None, "yearly", "quarterly", "monthly"])),
        lag=draw(st.none() | st.integers(0, 400)),
        method=draw(st.sampled_from(["auto", "cagr", "linear"])),
        baseline=baseline,
        targets=targets,
    )
    observations = [
        Observation(goal="g", date=day, value=value)
        for day, value in draw(st.lists(st.tuples(near_dates, small), max_size=8))
    ]
    return goal, observations, draw(near_dates)


# Found by this test: a halving in one day annualises to -100%, and 1 + rate rounded to 0 (log(0)).
HALVED_IN_A_DAY = (
    Goal(
        id="g",
        name="目标",
        unit="亿元",
        baseline=Baseline(value=1.0, date=dt.date(2015, 1, 1)),
        targets=(Target(value=0.0, by=dt.date(2015, 1, 1)), Target(value=1.0, by=dt.date(2015, 2, 1))),
    ),
    [Observation(goal="g", date=dt.date(2015, 1, 2), value=0.5)],
    dt.date(2015, 1, 2),
)


@settings(max_examples=300 * SCALE, deadline=None)
@example(HALVED_IN_A_DAY)
@given(goals_with_history())
def test_assess_never_raises_for_finite_inputs(case: tuple[Goal, list[Observation], dt.date]) -> None:
    goal, observations, as_of = case
    assessment = assess(goal, observations, as_of)
    assert isinstance(assessment.status, Status)
    assert all(o.date <= as_of for o in assessment.observations)
    if goal.is_fact:
        assert assessment.status is Status.FACT
    else:
        assert assessment.stage is not None
    render_everything([assessment])


@FAST
@given(st.text(alphabet=string.printable + "中文\x1b\x00\u202e", max_size=40))
def test_any_name_survives_the_round_trip_through_add(name: str) -> None:
    """What tomli-w writes for any note, tomllib reads back as the same text."""
    from zibo_cli.store.append import render_observations

    assume(name.strip())
    table = {"goal": "g", "date": dt.date(2025, 1, 1), "value": 1, "note": name}
    text = "schema = 1\n[goals.g]\nname = 'g'\nunit = '个'\n\n" + render_observations([table])
    goals_file, _ = check_outcome(text.encode("utf-8"))
    assert goals_file is not None
    assert goals_file.observations[0].note == name


# -- appending: the fast path (parse only the addition) agrees with a full parse -------------------------


@SLOWER
@given(goals_documents(), st.booleans(), st.booleans(), st.booleans(), st.data())
def test_an_append_gives_what_a_full_parse_of_the_result_gives(
    document: dict[str, Any], bom: bool, crlf: bool, cached: bool, data: st.DataObject
) -> None:
    """Whatever the file (BOM, CRLF, static `observations = [...]` arrays, which tomli-w writes for
    short lists), an append either writes a file whose full parse equals what append returned, lines
    included, or refuses and leaves the file as it was. With the parse cache, the entry append
    extends is what a full parse gives too."""
    import tempfile
    from pathlib import Path

    from zibo_cli.errors import ZiboError
    from zibo_cli.store import cache as cache_module
    from zibo_cli.store.append import append_tables
    from zibo_cli.store.load import load
    from zibo_cli.store.locate import Cache, Location

    document = dict(data.draw(st.permutations(list(document.items()))))  # any key may come first
    text = tomli_w.dumps(document)
    raw = (b"\xef\xbb\xbf" if bom else b"") + (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    goals_file, _ = check_outcome(raw)
    assume(goals_file is not None and goals_file.goals)
    assert goals_file is not None
    table = {
        "goal": data.draw(st.sampled_from(sorted(goals_file.goals))),
        "date": data.draw(past),
        "value": data.draw(numbers),
        "note": data.draw(st.none() | st.text(max_size=12)),
        "recorded": dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC),
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "goals.toml"
        path.write_bytes(raw)
        location = Location(path, "--file")
        cache = Cache(Path(folder) / "cache") if cached else None
        if cache is not None:
            load(location, TODAY, cache)  # the entry the append extends
        try:
            result = append_tables(location, TODAY, cache, lambda _: ([table], []))
        except ZiboError:
            assert path.read_bytes() == raw, "a refused append changed the file"
            return
        written = path.read_bytes()
        from_cache = None
        if cache is not None:
            entry = cache_module.open_entry(cache, os.path.realpath(path))
            assert entry is not None
            assert entry.holds(cache_module.file_digest(written), TODAY), "append did not leave a usable entry"
            from_cache = entry.goals_file()
            entry.close()
    assert written.startswith(raw)
    reparsed, problems = check_outcome(written)
    assert problems == []
    before, _ = check_outcome(raw)
    assert reparsed.observations == [*before.observations, *result.added]
    assert (reparsed.goals, reparsed.sources) == (before.goals, before.sources)
    if from_cache is not None:
        assert from_cache == reparsed


_FIELD_VALUES = {
    "goal": st.sampled_from(["gdp", "share", "nope", "", 3, None]),
    "date": st.sampled_from([dt.date(2024, 12, 31), dt.date(2030, 1, 1), dt.datetime(2024, 1, 1), "2024", None]),
    "value": st.one_of(st.floats(allow_nan=True), st.integers(-(10**17), 10**17), st.booleans(), st.text(max_size=3)),
    "precision": st.sampled_from(["year", "day", "week", 1]),
    "period": st.sampled_from(["2024-01/2024-12", "2024-13/2024-12", "x", 5]),
    "qualifier": st.sampled_from(["approx", "about", None, []]),
    "preliminary": st.sampled_from([True, False, 1, "yes"]),
    "derived": st.sampled_from([True, False, 0]),
    "source": st.sampled_from(["plan", "unknown-id", "淄博日报 2026", 7, []]),
    "quote": st.sampled_from(["…", 1, None]),
    "note": st.sampled_from(["n", ["x"], None]),
    "recorded": st.sampled_from(
        [dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 1), dt.date(2026, 1, 1), "2026"]
    ),
    "extra": st.just(1),
}


@FAST
@given(st.lists(st.dictionaries(st.sampled_from(sorted(_FIELD_VALUES)), st.none()), min_size=1, max_size=4), st.data())
def test_the_quick_column_check_accepts_only_what_the_full_checks_accept(
    shapes: list[dict[str, None]], data: Any
) -> None:
    """quick_observations (the bulk pass) may decline anything, but what it accepts, the full checks accept,
    and as the same figures."""
    from zibo_cli.core.schema import build_goals_file, quick_observations, validate_observation

    tables = [{key: data.draw(_FIELD_VALUES[key]) for key in shape} for shape in shapes]
    head = {"schema": 1, "sources": {"plan": {"title": "P"}}, "goals": {"gdp": {"name": "G", "unit": "亿元"}}}
    head["goals"]["share"] = {"name": "S", "unit": "%"}
    definitions, problems = build_goals_file(head, None, TODAY)
    assert definitions is not None
    assert not problems
    checked = [validate_observation(table, definitions, TODAY) for table in tables]  # the full checks, one by one
    quick = quick_observations(tables, definitions.goals, set(definitions.sources), TODAY, lambda _: None, {})
    if quick is not None:
        assert all(not problems for _, problems in checked)
        assert quick == [observation for observation, _ in checked]


def test_the_quick_column_check_accepts_plain_figures() -> None:
    """The property above is not vacuous: ordinary figures pass the quick check."""
    from zibo_cli.core.schema import quick_observations

    goals = {"gdp": Goal(id="gdp", name="G", unit="亿元")}
    table = {"goal": "gdp", "date": dt.date(2024, 12, 31), "value": 5, "source": "plan", "precision": "year"}
    quick = quick_observations([table], goals, {"plan"}, TODAY, lambda _: None, {})
    assert quick is not None
    assert quick[0].value == 5.0
    assert type(quick[0].value) is float
