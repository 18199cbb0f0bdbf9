"""The commands run end to end on the sample file."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run, run_installed


def test_status_runs_on_sample(sample: Path) -> None:
    result = run("status", "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.stderr
    assert "GDP" in result.stdout


def test_installed_zibo_runs(sample: Path) -> None:
    result = run_installed("status", "--as-of", "2025-06-30", cwd=sample.parent)
    assert result.exit_code == 0, result.stderr
    assert "off track" in result.stdout or "on track" in result.stdout


def test_the_installed_zibo_keeps_its_exit_codes(sample: Path) -> None:
    """The console script ends with os._exit once output is flushed: codes 0, 1 and 2 survive it."""
    assert run_installed("status").exit_code == 0
    sample.write_text(sample.read_text() + '\n[[observations]]\ngoal = "nope"\ndate = 2025-01-01\nvalue = 1\n')
    checked = run_installed("check")
    assert checked.exit_code == 1
    assert "nope" in checked.stdout + checked.stderr
    refused = run_installed("status", "--sort", "sideways")
    assert refused.exit_code == 2
    assert "--sort" in refused.stderr


def test_a_reader_that_stops_early_gets_no_traceback(world: Path) -> None:
    """`zibo status | head -1` on a long table: the closed pipe ends zibo quietly."""
    import os
    import subprocess
    import sys

    from conftest import PINNED_ENV, REPO, zibo_command

    sys.path.insert(0, str(REPO / "benchmarks"))
    import datasets

    path = world / "long.toml"
    path.write_text(datasets.goals_toml(600, 2))
    process = subprocess.Popen(
        [*zibo_command(), "-f", str(path), "status", "--all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **PINNED_ENV},
    )
    assert process.stdout is not None
    assert process.stdout.readline()
    process.stdout.close()  # like `head -1`
    _, error = process.communicate(timeout=120)
    assert b"Traceback" not in error
    assert b"Exception ignored" not in error


@pytest.mark.parametrize("args", [["status"], ["status", "--json"], ["report"], ["goals"], ["show", "gdp"], ["--help"]])
def test_output_the_disk_has_no_room_for_is_one_plain_error(sample: Path, args: list[str]) -> None:
    """`zibo status > /dev/full`: exit 2 and one line on stderr, never a traceback."""
    import os
    import subprocess

    from conftest import PINNED_ENV, zibo_command

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*zibo_command(), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **PINNED_ENV},
            cwd=sample.parent,
            timeout=120,
        )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "could not be written" in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2
