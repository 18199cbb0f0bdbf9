"""Two or more `zibo add` at once: every figure lands, none twice, the file stays valid."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import PINNED_ENV, SAMPLE, run_installed, zibo_command


def test_parallel_adds_all_land(tmp_path: Path) -> None:
    goals = tmp_path / "goals.toml"
    shutil.copyfile(SAMPLE, goals)
    env = {**PINNED_ENV, "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    processes = [
        subprocess.Popen(
            [*zibo_command(), "add", "gdp", str(5000 + n), "--date", "2025", "--note", f"writer {n}", "-f", str(goals)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(8)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    text = goals.read_text()
    for n in range(8):
        assert text.count(f'note = "writer {n}"') == 1
    assert run_installed("check", "-f", str(goals)).exit_code == 0
    assert not list(tmp_path.glob(".*zibo-tmp"))
