"""The wheel ships the repository's goals.toml itself as the bundled dataset, and the CLI installs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import BUNDLED, REPO, run_installed


@pytest.mark.slow
def test_wheel_contains_the_root_goals_file(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("zibo_cli-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("zibo_cli/data/goals.toml") == BUNDLED.read_bytes()
        assert "zibo_cli/cli/app.py" in archive.namelist()


def test_installed_command_and_module_entry_point(tmp_path: Path) -> None:
    from conftest import PINNED_ENV

    as_script = run_installed("--version", cwd=tmp_path)
    assert as_script.exit_code == 0
    assert as_script.stdout.startswith("zibo ")
    as_module = subprocess.run(
        [sys.executable, "-m", "zibo_cli", "--version"], capture_output=True, text=True, env={**PINNED_ENV}, timeout=60
    )
    assert as_module.stdout == as_script.stdout


def test_installed_check_of_shipped_dataset_is_silent(tmp_path: Path) -> None:
    result = run_installed("check", "-f", str(BUNDLED), cwd=tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_installed_status_on_bundled_data_outside_any_project(tmp_path: Path) -> None:
    result = run_installed("status", "--as-of", "2026-06-30", cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert result.exit_code == 0
    assert "bundled dataset" in result.stdout


def test_shell_completion_offers_goal_ids_from_the_file(tmp_path: Path) -> None:
    from conftest import SAMPLE

    goals = tmp_path / "goals.toml"
    goals.write_bytes(SAMPLE.read_bytes())
    result = run_installed(
        cwd=tmp_path, env={"_ZIBO_COMPLETE": "complete_bash", "COMP_WORDS": "zibo show g", "COMP_CWORD": "2"}
    )
    assert result.stdout.split() == ["gdp"]
