"""The `zibo extract` command: table, --json, --format csv → `zibo import --dry-run`, and clean refusals."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED, run, run_installed
from extract_corpus import CORPUS

SEED = CORPUS / "seed.txt"
PLAN = CORPUS / "plan-style.txt"


@pytest.fixture
def goals(world: Path) -> Path:
    """A writable copy of the bundled dataset in the test's own folder."""
    path = world / "goals.toml"
    shutil.copyfile(BUNDLED, path)
    return path


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_table_lists_matched_figures_first(goals: Path) -> None:
    result = run("extract", str(SEED), "--published", "2025-01")
    assert result.exit_code == 0, result.stderr
    flat = "".join(result.stdout.split())  # cells wrap at 80 columns
    assert "morning-star-factories(alreadyinthefile)" in flat
    assert flat.index("state-council-incentives") < flat.index("achange,butgood-air-daysmeasuresalevel")
    assert "28figures,26matchedtoagoal(0new,25alreadyinthefile,1target(s))" in flat


def test_json_has_every_key(goals: Path) -> None:
    result = run("extract", str(SEED), "--published", "2025-01", "--json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    keys = {"value", "unit", "kind", "qualifier", "preliminary", "date", "period", "place", "quote", "line"}
    keys |= {"goal", "alternatives", "in_file"}
    assert all(keys <= set(record) for record in records)
    robot = next(r for r in records if r["goal"] == "robot-industry")
    assert (robot["kind"], robot["by"], robot["value"], robot["unit"]) == ("target", "2026-12-31", 100, "亿元")


def test_seed_figures_are_all_in_the_file_so_the_csv_is_empty(goals: Path) -> None:
    result = run("extract", str(SEED), "--published", "2025-01", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert rows(result.stdout) == []
    assert result.stdout.removeprefix("\ufeff").startswith("goal,date,value,unit,precision,period,qualifier")


def test_csv_holds_new_matched_observations_only(goals: Path) -> None:
    result = run("extract", str(PLAN), "--published", "2026-03-20", "--format", "csv", "--source", "plan-2025")
    assert result.exit_code == 0, result.stderr
    table = rows(result.stdout)
    assert [row["goal"] for row in table] == [
        "gdp", "gdp-growth", "budget-revenue", "budget-revenue-growth", "industrial-va-growth", "four-strong-share",
        "single-champions", "fixed-asset-investment-growth", "major-projects", "major-projects-investment",
    ]  # fmt: skip
    first = table[0]
    assert (first["date"], first["value"], first["unit"], first["precision"], first["preliminary"]) == (
        "2025",
        "5012.3",
        "亿元",
        "year",
        "true",
    )
    assert all(row["source"] == "plan-2025" for row in table)


def test_csv_then_import_dry_run_end_to_end(goals: Path, world: Path) -> None:
    """The installed zibo: extract → CSV → import --dry-run → import → extract finds them in the file."""
    csv_path = world / "new.csv"
    extracted = run_installed(
        "-f", str(goals), "extract", str(PLAN), "--published", "2026-03-20", "--output", str(csv_path), cwd=world
    )
    assert extracted.exit_code == 0, extracted.stderr
    count = len(rows(csv_path.read_text(encoding="utf-8")))
    assert count == 10
    before = goals.read_bytes()
    dry = run_installed("-f", str(goals), "import", "--dry-run", "--source", "plan-2025", str(csv_path), cwd=world)
    assert dry.exit_code == 0, dry.stderr
    assert f"Would import {count} figures" in dry.stdout
    assert goals.read_bytes() == before
    done = run_installed("-f", str(goals), "import", "--source", "plan-2025", str(csv_path), cwd=world)
    assert done.exit_code == 0, done.stderr
    assert run_installed("-f", str(goals), "check", cwd=world).exit_code == 0
    again = run_installed("-f", str(goals), "extract", str(PLAN), "--published", "2026-03-20", "--json", cwd=world)
    records = json.loads(again.stdout)
    assert sum(1 for r in records if r["in_file"]) == count  # every imported figure is now known
    imported = goals.read_text(encoding="utf-8")[len(before.decode("utf-8")) :]
    assert 'source = "plan-2025"' in imported
    assert 'quote = "全市地区生产总值实现5012.3亿元"' in imported


def test_rows_without_a_date_are_kept_flagged_and_refused_by_import(goals: Path, world: Path) -> None:
    text = world / "undated.txt"
    text.write_text("全市晨星工厂累计达到320家。\n", encoding="utf-8")
    result = run("extract", str(text), "--published", "2026-01-12", "--format", "csv")
    assert result.exit_code == 0
    table = rows(result.stdout)
    assert [(row["goal"], row["date"]) for row in table] == [("morning-star-factories", "")]
    assert "1 rows have no date (rows 2)" in result.stderr
    csv_path = world / "undated.csv"
    csv_path.write_text(result.stdout, encoding="utf-8")
    refused = run("import", "--dry-run", str(csv_path))
    assert refused.exit_code == 2
    assert "row 2: the date is empty; fill in" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_import_source_fills_rows_without_one(goals: Path, world: Path) -> None:
    csv_path = world / "figures.csv"
    csv_path.write_text("goal,date,value,source\ngdp,2025,5012.3,\ngdp-growth,2025,5.6,plan-2024\n", encoding="utf-8")
    before = goals.read_text(encoding="utf-8")
    result = run("import", "--source", "plan-2025", str(csv_path))
    assert result.exit_code == 0, result.stderr
    added = goals.read_text(encoding="utf-8")[len(before) :]
    assert added.count('source = "plan-2025"') == 1
    assert added.count('source = "plan-2024"') == 1


def test_reads_standard_input(goals: Path) -> None:
    result = run(
        "extract", "-", "--published", "2025-01-31", "--json", input="截至2024年年底，淄博氢能相关企业现存54家。\n"
    )
    assert result.exit_code == 0, result.stderr
    [record] = json.loads(result.stdout)
    assert (record["goal"], record["date"], record["in_file"]) == ("hydrogen-firms", "2024-12-31", True)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing.txt", "--published", "2025-01"], "missing.txt: no such file."),
        (["{seed}", "--published", "yesterday"], "--published: "),
        (["{seed}", "--published", "2025-01", "--format", "xml"], "is not an extract format"),
        (["{seed}", "--json", "--format", "csv"], "ask for two formats"),
        (["{gbk}", "--published", "2025-01"], "line 1 is not UTF-8 text"),
        (["{folder}", "--published", "2025-01"], "is a folder, not a text file"),
    ],
)
def test_refusals_are_plain(goals: Path, world: Path, arguments: list[str], message: str) -> None:
    gbk = world / "gbk.txt"
    gbk.write_bytes("全市地区生产总值实现4200.6亿元".encode("gbk"))
    paths = {"seed": str(SEED), "gbk": str(gbk), "folder": str(world)}
    before = goals.read_bytes()
    result = run("extract", *[argument.format(**paths) for argument in arguments])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert goals.read_bytes() == before


def test_help_leads_with_an_example() -> None:
    result = run("extract", "--help")
    assert result.exit_code == 0
    assert "Example: zibo extract" in result.stdout


def test_readme_example_is_the_real_output(goals: Path, world: Path) -> None:
    shutil.copyfile(CORPUS / "readme-excerpt.txt", world / "plan-excerpt.txt")
    result = run("extract", "plan-excerpt.txt", "--published", "2025-03-21", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    shown = "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert shown in readme
