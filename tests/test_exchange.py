"""`zibo export` and `zibo import`: formula-safe CSV, an exact round trip, all-or-nothing imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PINNED_ENV, TESTS, run
from zibo_cli.core.exchange import (
    CSV_BOM,
    EXPORT_COLUMNS,
    FORMULA_STARTS,
    export_records,
    neutralise,
    plan_import,
    restore,
    to_csv,
)
from zibo_cli.core.model import Goal, GoalsFile, Observation, Source
from zibo_cli.core.schema import is_id_shaped
from zibo_cli.store.append import render_observations
from zibo_cli.store.read import analyse

REPORT_DATA = TESTS / "data" / "report.toml"
NOW = dt.datetime.fromisoformat(PINNED_ENV["ZIBO_NOW"])
TODAY = NOW.date()


def without_observations(text: str) -> str:
    return text[: text.index("[[observations]]")]


@pytest.fixture
def goals(world: Path) -> Path:
    path = world / "goals.toml"
    shutil.copyfile(REPORT_DATA, path)
    return path


@pytest.fixture
def empty_copy(world: Path) -> Path:
    """The report dataset's sources and goals, no figures: what an import fills."""
    path = world / "empty.toml"
    path.write_text(without_observations(REPORT_DATA.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def load_file(path: Path) -> GoalsFile:
    goals_file, problems = analyse(path.read_bytes(), TODAY)
    assert problems == []
    assert goals_file is not None
    return goals_file


def comparable(observation: Observation) -> tuple[object, ...]:
    """Every field but the line it sits on."""
    return (
        observation.goal, observation.date, observation.value, observation.precision, observation.period,
        observation.qualifier, observation.preliminary, observation.derived, observation.source, observation.quote,
        observation.note, observation.recorded,
    )  # fmt: skip


def csv_rows(text: str) -> list[dict[str, str]]:
    """Rows of CSV exported to stdout, which has no byte-order mark (files have one, for Excel)."""
    assert not text.startswith(CSV_BOM)
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- formula neutralisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+8613800000000", "'+8613800000000"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("'=already quoted", "''=already quoted"),
        ("''", "'''"),
        ("'plain quote", "'plain quote"),
        ("'", "'"),
        ("", ""),
        ("淄博日报 =1", "淄博日报 =1"),
    ],
)
def test_neutralise(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe
    assert restore(safe) == cell


@given(st.text())
def test_neutralise_is_reversible_and_safe(text: str) -> None:
    safe = neutralise(text)
    assert restore(safe) == text
    assert not safe.startswith(FORMULA_STARTS)


def test_export_csv_neutralises_text_but_keeps_numbers(world: Path) -> None:
    (world / "goals.toml").write_text(
        """schema = 1
[goals.balance]
name = "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"
unit = "亿元"

[[observations]]
goal = "balance"
date = 2025-12-31
value = -3.5
source = "@evil +cmd"
quote = "-2+3"
note = "\\tTabbed; =1+1 later in the cell is fine"
""",
        encoding="utf-8",
    )
    result = run("export")
    assert result.exit_code == 0, result.stderr
    (row,) = csv_rows(result.stdout)
    assert row["value"] == "-3.5"  # a number stays a number, sign and all
    assert row["name"].startswith("'=HYPERLINK")
    assert row["source"] == "'@evil +cmd"
    assert row["quote"] == "'-2+3"
    assert row["note"].startswith("'\t")
    for column, cell in row.items():
        if column != "value":
            assert not cell.startswith(FORMULA_STARTS), column


def test_export_csv_shape(goals: Path) -> None:
    assert run("export", "--output", "figures.csv").exit_code == 0
    raw = (goals.parent / "figures.csv").read_bytes()
    assert raw.startswith((CSV_BOM + ",".join(EXPORT_COLUMNS) + "\r\n").encode("utf-8"))  # Excel-friendly
    result = run("export")
    # The same text, without the byte-order mark: on stdout it is a stray character in a pipe.
    assert result.stdout == raw.decode("utf-8").removeprefix(CSV_BOM).replace("\r\n", "\n")  # (CRLF folded)
    rows = csv_rows(result.stdout)
    assert len(rows) == len(load_file(goals).observations) == 13
    gdp_2024 = rows[1]
    assert gdp_2024 == {
        "goal": "gdp", "name": "地区生产总值", "unit": "亿元", "date": "2024-12-31", "value": "4884.1",
        "precision": "year", "period": "", "qualifier": "", "preliminary": "false", "derived": "false",
        "source": "plan", "quote": "", "note": "", "recorded": "2025-03-21T09:00:00+08:00",
        "ref": "207ce3906cfc6db6", "retracted": "",
    }  # fmt: skip


def test_export_json(goals: Path) -> None:
    result = run("export", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [list(r) for r in records] == [list(EXPORT_COLUMNS)] * 13
    assert records[4]["value"] == 4.5456
    assert records[-2]["note"] is None
    robots = next(r for r in records if r["goal"] == "robots")
    assert robots["note"] == "Read from table 2 | 表2, row “机器人”.\nSecond line of the note."


def test_export_output_file_and_refusals(goals: Path) -> None:
    before = goals.read_bytes()
    assert run("export", "--output", "figures.json").exit_code == 0
    assert json.loads((goals.parent / "figures.json").read_text(encoding="utf-8"))[0]["goal"] == "gdp"
    assert run("export", "--output", "figures.csv").exit_code == 0
    assert (goals.parent / "figures.csv").read_bytes().startswith(CSV_BOM.encode("utf-8") + b"goal,")
    assert run("export", "--output", "goals.toml").exit_code == 2
    assert run("export", "--output", "nowhere/figures.csv").exit_code == 2
    assert run("export", "--format", "xlsx").exit_code == 2
    refused = run("export", "--output", "figures.xlsx")  # an extension zibo cannot write
    assert refused.exit_code == 2
    assert "cannot write .xlsx files" in refused.stderr
    assert not (goals.parent / "figures.xlsx").exists()
    assert goals.read_bytes() == before


# --- the round trip -------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_copy_round_trips_every_figure(goals: Path, empty_copy: Path) -> None:
    assert run("export", "--output", "figures.csv").exit_code == 0
    result = run("--file", str(empty_copy), "import", "figures.csv")
    assert result.exit_code == 0, result.stderr
    assert "Imported 13 figures" in result.stdout
    original = load_file(goals).observations
    imported = load_file(empty_copy).observations
    assert len(imported) == len(original)
    for before, after in zip(original, imported, strict=True):
        # Decision: a recorded time in the CSV is kept; a figure without one is recorded by the import.
        expected = before.recorded if before.recorded is not None else NOW
        assert comparable(after) == (*comparable(before)[:-1], expected)
    # And the figures come out again exactly as they went in (recorded aside where it was empty).
    again = csv_rows(run("--file", str(empty_copy), "export").stdout)
    first = csv_rows(run("export").stdout)
    for row_before, row_after in zip(first, again, strict=True):
        # A ref hashes the recorded time: it is kept exactly where the recorded time was.
        assert {k: v for k, v in row_before.items() if k not in ("recorded", "ref")} == {
            k: v for k, v in row_after.items() if k not in ("recorded", "ref")
        }
        assert row_before["recorded"] in ("", row_after["recorded"])
        assert row_before["recorded"] == "" or row_before["ref"] == row_after["ref"]


texts = st.none() | st.text(st.characters(exclude_categories=("Cs",)), min_size=1)


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    day = draw(st.dates(dt.date(1990, 1, 1), TODAY))
    precision = draw(st.sampled_from(["day", "month", "quarter", "half", "year"]))
    source = draw(st.sampled_from([None, "plan"]) | texts.filter(lambda t: t is None or not is_id_shaped(t.strip())))
    recorded = draw(
        st.none()
        | st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2026, 1, 1), timezones=st.just(dt.UTC)).map(
            lambda moment: moment.replace(microsecond=0)
        )
    )
    return Observation(
        goal=draw(st.sampled_from(["a", "b"])),
        date=day,
        value=draw(st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False)),
        precision=precision,
        qualifier=draw(st.sampled_from([None, "approx", "at_least", "at_most"])),
        preliminary=draw(st.booleans()),
        derived=draw(st.booleans()),
        source=source,
        quote=draw(texts),
        note=draw(texts),
        recorded=recorded,
    )


HEADER = """schema = 1
[sources.plan]
title = "Plan"
[goals.a]
name = "甲"
unit = "亿元"
[goals.b]
name = "=乙"
unit = "%"
"""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(observations(), min_size=1, max_size=6))
def test_round_trip_property(figures: list[Observation]) -> None:
    """Any figures, any text: CSV out, validated back in, written as TOML, read again — all unchanged."""
    goals_file = GoalsFile(
        schema=1,
        sources={"plan": Source("plan", "Plan")},
        goals={"a": Goal("a", "甲", "亿元"), "b": Goal("b", "=乙", "%")},
        observations=figures,
    )
    text = to_csv(export_records(goals_file))
    empty = GoalsFile(schema=1, sources=goals_file.sources, goals=goals_file.goals)
    plan = plan_import(text, empty, TODAY, NOW)
    assert plan.problems == []
    written = HEADER + "\n" + render_observations([row.table for row in plan.rows])
    back, problems = analyse(written.encode("utf-8"), TODAY)
    assert problems == []
    assert back is not None
    assert [comparable(o)[:-1] for o in back.observations] == [comparable(o)[:-1] for o in figures]
    assert [o.recorded for o in back.observations] == [o.recorded or NOW for o in figures]


# --- import: the good cases -----------------------------------------------------------------------


def test_minimal_columns_like_a_spreadsheet(goals: Path) -> None:
    before = goals.read_bytes()
    (goals.parent / "new.csv").write_text(
        "goal,date,value,source,note\nrobots,2026-06,约95亿元,plan,half-year estimate\nshare,2026-Q2,61.2%,,\n",
        encoding="utf-8",
    )
    result = run("import", "new.csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Imported 2 figures into goals.toml (2 goals).\n"
    after = goals.read_bytes()
    assert after.startswith(before)  # appended: comments and layout above untouched
    robots, share = load_file(goals).observations[-2:]
    assert (robots.date, robots.precision, robots.value, robots.qualifier) == (
        dt.date(2026, 6, 30),
        "month",
        95,
        "approx",
    )
    assert (robots.source, robots.note, robots.recorded) == ("plan", "half-year estimate", NOW)
    assert (share.date, share.precision, share.value, share.source, share.note) == (
        dt.date(2026, 6, 30), "quarter", 61.2, None, None,
    )  # fmt: skip


def test_reimport_is_skipped_and_leaves_the_file_unchanged(goals: Path) -> None:
    (goals.parent / "new.csv").write_text(
        "goal,date,value,source\nrobots,2026-06,97,plan\nrobots,2026-06,97,plan\nrobots,2026-06,97,other source\n",
        encoding="utf-8",
    )
    first = run("import", "new.csv")
    assert first.exit_code == 0
    assert "Imported 2 figures" in first.stdout
    assert "Skipped 1 figure already in the file" in first.stdout
    snapshot = goals.read_bytes()
    second = run("import", "new.csv")
    assert second.exit_code == 0
    assert "Nothing new to import into goals.toml" in second.stdout
    assert "Skipped 3" in second.stdout
    assert goals.read_bytes() == snapshot


def test_import_from_stdin_excel_style(goals: Path) -> None:
    """Excel's 'CSV UTF-8' with a BOM, semicolons, CRLF, a unit column and blank trailing rows."""
    data = "\ufeffGoal;Date;Value;Unit\r\nrobots;2026-06-30;9500;万元\r\n;;;\r\n"
    result = run("import", "-", input=data)
    assert result.exit_code == 0, result.stderr
    assert load_file(goals).observations[-1].value == 0.95


def test_spreadsheet_dates_with_slashes(goals: Path) -> None:
    (goals.parent / "new.csv").write_text("goal,date,value\nrobots,2026/6/30,96\nshare,2026/06,61\n", encoding="utf-8")
    assert run("import", "new.csv").exit_code == 0
    robots, share = load_file(goals).observations[-2:]
    assert (robots.date, robots.precision) == (dt.date(2026, 6, 30), "day")
    assert (share.date, share.precision) == (dt.date(2026, 6, 30), "month")


def test_dry_run_writes_nothing(goals: Path) -> None:
    before = goals.read_bytes()
    (goals.parent / "new.csv").write_text(
        "goal,date,value,source\nrobots,2026-06,97,\ngdp,2024,4884.1,plan\n", encoding="utf-8"
    )
    result = run("import", "--dry-run", "new.csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("Would import 1 figure into goals.toml (1 goal). Skipped 1")
    assert goals.read_bytes() == before


def test_header_only_imports_nothing(goals: Path) -> None:
    before = goals.read_bytes()
    (goals.parent / "new.csv").write_text("goal,date,value\n", encoding="utf-8")
    result = run("import", "new.csv")
    assert result.exit_code == 0
    assert "Nothing to import" in result.stdout
    assert goals.read_bytes() == before


# --- import: every refusal leaves the file byte for byte --------------------------------------------

BAD_CSVS = {
    "unknown goal": ("goal,date,value\nrobot,2025,1\n", ["row 2: no goal 'robot'", "Did you mean 'robots'?"]),
    "no such day": ("goal,date,value\nrobots,2025-02-30,1\n", ["row 2: date:", "not a real date"]),
    "future date": ("goal,date,value\nrobots,2027-01-01,1\n", ["row 2: the figure is dated 2027-01-01"]),
    "not a number": ("goal,date,value\nrobots,2025,lots\n", ["row 2: value: 'lots' is not a number"]),
    "wrong unit": ("goal,date,value\nrobots,2025,90%\n", ["row 2: value:", "does not convert"]),
    "nan": ("goal,date,value\nrobots,2025,nan\n", ["row 2: value:"]),
    "infinite": ("goal,date,value\nrobots,2025,1e999\n", ["row 2: value:", "too large"]),
    "huge": ("goal,date,value\nrobots,2025,1e300\n", ["row 2: value:", "too large"]),
    "empty goal": ("goal,date,value\n,2025,1\n", ["row 2: the goal is empty"]),
    "empty date": ("goal,date,value\nrobots,,1\n", ["row 2: the date is empty"]),
    "empty value": ("goal,date,value\nrobots,2025,\n", ["row 2: value:", "empty"]),
    "bad qualifier": ("goal,date,value,qualifier\nrobots,2025,1,about\n", ["row 2: qualifier 'about'"]),
    "clashing qualifier": ("goal,date,value,qualifier\nrobots,2025,约1,at_least\n", ["row 2: the value says approx"]),
    "bad precision": ("goal,date,value,precision\nrobots,2025,1,decade\n", ["row 2: precision 'decade'"]),
    "bad flag": ("goal,date,value,preliminary\nrobots,2025,1,maybe\n", ["row 2: preliminary is 'maybe'"]),
    "recorded without offset": (
        "goal,date,value,recorded\nrobots,2025,1,2026-01-05T09:30:00\n",
        ["row 2: recorded '2026-01-05T09:30:00' has no UTC offset"],
    ),
    "recorded garbage": ("goal,date,value,recorded\nrobots,2025,1,yesterday\n", ["row 2: recorded 'yesterday'"]),
    "unknown source id": ("goal,date,value,source\nrobots,2025,1,plam\n", ["row 2:", "'plam'", "Did you mean 'plan'?"]),
    "period mismatch": ("goal,date,value,period\nrobots,2025-11-30,1,2025-01/2025-10\n", ["row 2: 'period'"]),
    "too many cells": ("goal,date,value\nrobots,2025,1,extra\n", ["row 2: it has 4 cells"]),
    "several bad rows": (
        "goal,date,value\nrobots,2025,1\nnope,2025,1\nrobots,2025,1\nrobots,soon,1\n",
        ["2 rows have problems", "row 3: no goal 'nope'", "row 5: date:"],
    ),
    "row numbers count a multi-line cell once": (
        'goal,date,value,note\nrobots,2025,1,"two\nlines"\nrobots,2025,x,\n',
        ["row 3: value: 'x'"],
    ),
    "missing column": ("goal,date,amount\nrobots,2025,1\n", ["header has no column value"]),
    "unknown column": ("goal,date,value,sorce\nrobots,2025,1,plan\n", ["unknown column 'sorce'", "'source'"]),
    "duplicate column": ("goal,date,value,note,note\nrobots,2025,1,a,b\n", ["names the column 'note' twice"]),
    "no header": ("robots,2025,1\n", ["header has no column goal, date, value"]),
    "empty file": ("", ["it is empty"]),
    "blank file": ("\n\n", ["it is empty"]),
    "unclosed quote": ('goal,date,value,note\nrobots,2025,1,"never closed\n', ["not readable as CSV"]),
    "nul byte": ("goal,date,value\nrobots,2025,1\x00\n", ["row 2: value:"]),
}


@pytest.mark.parametrize("case", list(BAD_CSVS))
def test_bad_imports_change_nothing(goals: Path, case: str) -> None:
    data, expected = BAD_CSVS[case]
    (goals.parent / "bad.csv").write_text(data, encoding="utf-8")
    before = goals.read_bytes()
    result = run("import", "bad.csv")
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("zibo: cannot import bad.csv")
    for fragment in expected:
        assert fragment in result.stderr
    assert "nothing was written" in result.stderr.lower() or "Nothing was written" in result.stderr
    assert goals.read_bytes() == before
    assert sorted(p.name for p in goals.parent.iterdir()) == ["bad.csv", "goals.toml"]


def test_many_bad_rows_are_listed_up_to_a_limit(goals: Path) -> None:
    rows = "".join(f"nope{i},2025,1\n" for i in range(30))
    (goals.parent / "bad.csv").write_text("goal,date,value\n" + rows, encoding="utf-8")
    result = run("import", "bad.csv")
    assert result.exit_code == 2
    assert "30 rows have problems" in result.stderr
    assert result.stderr.count("row ") == 20
    assert "… and 10 more." in result.stderr


@pytest.mark.parametrize(
    ("setup", "argument", "message"),
    [
        ("missing", "absent.csv", "absent.csv: no such file"),
        ("folder", "adir", "adir is a folder"),
        ("latin1", "latin1.csv", "is not UTF-8 text"),
    ],
)
def test_unreadable_csv(goals: Path, setup: str, argument: str, message: str) -> None:
    if setup == "folder":
        (goals.parent / "adir").mkdir()
    if setup == "latin1":
        (goals.parent / "latin1.csv").write_bytes("goal,date,value,note\nrobots,2025,1,café\n".encode("latin-1"))
    before = goals.read_bytes()
    result = run("import", argument)
    assert result.exit_code == 2
    assert message in result.stderr
    assert goals.read_bytes() == before


def test_import_refuses_the_bundled_dataset(world: Path) -> None:
    (world / "new.csv").write_text("goal,date,value\ngdp,2025,1\n", encoding="utf-8")
    result = run("import", "new.csv")
    assert result.exit_code == 2
    assert "read-only" in result.stderr


def test_import_into_a_read_only_file(goals: Path) -> None:
    goals.chmod(0o444)  # zibo honours a read-only mode even when run as root
    before = goals.read_bytes()
    (goals.parent / "new.csv").write_text("goal,date,value\nrobots,2026-06,97\n", encoding="utf-8")
    result = run("import", "new.csv")
    assert result.exit_code == 2
    assert "read-only" in result.stderr
    assert goals.read_bytes() == before


def test_messages_follow_the_language(goals: Path) -> None:
    (goals.parent / "bad.csv").write_text("goal,date,value\nrobots,2025,lots\n", encoding="utf-8")
    result = run("--lang", "zh", "import", "bad.csv")
    assert result.exit_code == 2
    assert "无法导入 bad.csv：有1行存在问题" in result.stderr
    assert "第2行：数值：" in result.stderr
    (goals.parent / "new.csv").write_text("goal,date,value\nrobots,2026-06,97\n", encoding="utf-8")
    result = run("--lang", "zh", "import", "new.csv")
    assert result.stdout == "已将1条数据导入 goals.toml（1个目标）。\n"
