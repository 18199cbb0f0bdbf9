"""The commands run end to end on the sample file."""

from __future__ import annotations

from pathlib import Path

from conftest import run, run_installed


def test_status_runs_on_sample(sample: Path) -> None:
    result = run("status", "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.stderr
    assert "GDP" in result.stdout


def test_installed_zibo_runs(sample: Path) -> None:
    result = run_installed("status", "--as-of", "2025-06-30", cwd=sample.parent)
    assert result.exit_code == 0, result.stderr
    assert "off track" in result.stdout or "on track" in result.stdout
