"""Rendered output, compared with golden files at a fixed --as-of and fixed widths."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import BUNDLED, assert_golden, run
from zibo_cli.core.model import Status
from zibo_cli.messages_zh import ZH
from zibo_cli.render.text import STATUS_LABELS

AS_OF = "2026-06-30"


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("width", [80, 120])
def test_status_of_bundled_dataset(world: Path, width: int, language: str) -> None:
    result = run("--lang", language, "status", "-f", str(BUNDLED), "--as-of", AS_OF, env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    text = result.stdout.replace(str(BUNDLED), "goals.toml")
    suffix = "" if language == "en" else f"-{language}"
    assert_golden(f"status-bundled-{width}{suffix}.txt", text)
    assert all(cell_len(line) <= width for line in text.splitlines())


def test_bundled_dataset_shows_a_meaningful_mix(world: Path) -> None:
    import json

    goals = json.loads(run("status", "-f", str(BUNDLED), "--as-of", AS_OF, "--json").stdout)["goals"]
    statuses = {goal["id"]: goal["status"] for goal in goals}
    assert statuses["gdp"] == "off_track"  # 7000亿元 by 2026 against about 5000亿元 in 2025
    assert statuses["robot-industry"] == "no_data"  # the article gives a target, no figure
    assert statuses["four-strong-share"] == "achieved"
    # 2022–2025 averaged about 5.2% a year: 2026 would need about 14.7% for ≈7% over 2022–2026
    assert statuses["gdp-growth"] == "off_track"
    assert statuses["four-new-share-rise"] == statuses["digital-core-growth"] == "no_data"
    assert len(set(statuses.values())) >= 3


def test_cjk_columns_align(world: Path) -> None:
    """Every row of the table has the status column starting at the same cell position."""
    out = run("--lang", "zh", "status", "-f", str(BUNDLED), "--as-of", AS_OF, env={"COLUMNS": "120"}).stdout
    labels = [ZH[STATUS_LABELS[s]] for s in Status]
    positions = set()
    for line in out.splitlines():
        for label in labels:
            index = line.find(label)
            if index > 0 and line.rstrip().endswith(label):
                positions.add(cell_len(line[:index]))
    assert len(positions) == 1


@pytest.mark.parametrize("language", ["en", "zh"])
def test_show_golden(sample: Path, language: str) -> None:
    result = run("--lang", language, "show", "gdp", "--as-of", "2025-06-30")
    assert_golden(f"show-gdp-80-{language}.txt", result.stdout)


def test_show_bundled_gdp_golden(world: Path) -> None:
    text = run("show", "gdp", "-f", str(BUNDLED), "--as-of", AS_OF).stdout.replace(str(BUNDLED), "goals.toml")
    assert_golden("show-bundled-gdp-80.txt", text)


def test_goals_golden(sample: Path) -> None:
    assert_golden("goals-80.txt", run("goals").stdout)


def test_status_sample_golden_120(sample: Path) -> None:
    assert_golden(
        "status-sample-120.txt", run("status", "--all", "--as-of", "2025-06-30", env={"COLUMNS": "120"}).stdout
    )


# --- issue 17: every layout at 80 and 120 columns, English and Chinese, on the bundled dataset --------


def _bundled(language: str, width: int, *args: str) -> str:
    result = run("--lang", language, *args, "-f", str(BUNDLED), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace(str(BUNDLED), "goals.toml")
    assert all(cell_len(line) <= width for line in text.splitlines()), "a line wider than the terminal"
    return text


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("width", [80, 120])
def test_goals_of_bundled_dataset(world: Path, width: int, language: str) -> None:
    text = _bundled(language, width, "goals")
    assert_golden(f"goals-bundled-{width}-{language}.txt", text)
    lines = text.splitlines()
    assert len(lines) == 53 + 4  # one line per goal, header, rule, count and footer
    assert {line.split()[0] for line in lines[2:-2]} >= {"gdp", "new-industrial-internet-platforms"}  # ids whole


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("width", [80, 120])
def test_show_of_bundled_dataset(world: Path, width: int, language: str) -> None:
    for goal in ("gdp", "gdp-growth"):
        text = _bundled(language, width, "show", goal, "--as-of", AS_OF)
        assert_golden(f"show-bundled-{goal}-{width}-{language}.txt", text)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_text_report_of_bundled_dataset(world: Path, language: str) -> None:
    """The text report is 80 columns whatever the terminal (cron mails it): the same at 120."""
    text = _bundled(language, 80, "report", "--as-of", AS_OF)
    assert text == _bundled(language, 120, "report", "--as-of", AS_OF)
    assert_golden(f"report-bundled-80-{language}.txt", text)
    title = "淄博 — report as of 2026-06-30" if language == "en" else "淄博——截至 2026-06-30 的报告"
    assert text.splitlines()[0] == title  # one colon at most, and wholly Chinese in Chinese


@pytest.mark.parametrize("language", ["en", "zh"])
def test_report_header_says_when_it_used_the_bundled_dataset(world: Path, language: str) -> None:
    result = run("--lang", language, "report", "--as-of", AS_OF)  # no goals file anywhere: the bundled one
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[2]
    assert header.endswith("(bundled dataset)" if language == "en" else "（内置数据集）"), header
    assert "(bundled dataset)" not in _bundled(language, 80, "report", "--as-of", AS_OF)  # -f names it


@pytest.mark.parametrize("language", ["en", "zh"])
def test_bundled_status_fits_40_lines_at_80_columns(world: Path, language: str) -> None:
    text = _bundled(language, 80, "status", "--as-of", AS_OF)
    assert len(text.splitlines()) <= 40
    words = {word for line in text.splitlines() for word in line.split()}
    assert {"four-new-share-rise", "hundred-billion-chains", "green-chemicals-cluster"} <= words  # each whole
