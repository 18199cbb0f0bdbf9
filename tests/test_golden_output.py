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
