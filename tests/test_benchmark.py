"""The benchmark script runs end to end on a tiny dataset (its timings are not checked: no timed tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_benchmark_runs_quick_and_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    names = {measure["name"] for measure in results["measures"]}
    expected = {"floor (argparse + Rich), terminal", "bundled: zibo status, terminal", "bundled: zibo add"}
    assert (
        expected | {"bundled: zibo status, piped", "100 obs: zibo add", "100 obs: zibo status --json, no cache"}
        <= names
    )
    # Two runs a case; ledger, measured in turns beside every group of its size, keeps each group's two.
    assert all(len(measure["seconds"]) % 2 == 0 and measure["seconds"] for measure in results["measures"])
    assert any(measure["name"].startswith("bundled: zibo add, in turns with") for measure in results["measures"])
    assert all(measure["peak_kb"] and min(measure["peak_kb"]) > 0 for measure in results["measures"])
    assert results["machine"]["nproc"] >= 1
    assert any(target["label"].startswith("4. add") for target in results["targets"])
    assert any(target["label"].startswith("6. src/zibo_cli/store/") and target["met"] for target in results["targets"])
    assert "Targets" in done.stdout
    assert (out / "goals-tiny.toml").exists()
    assert (out / "goals-tiny.ledger").exists()
    assert not list(out.glob("zibo-bench-*")), "the scratch folder is removed"


def test_benchmark_dataset_is_a_valid_goals_file_and_deterministic(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import datasets
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    from zibo_cli.store.read import analyse

    text = datasets.goals_toml(30, 4)
    assert text == datasets.goals_toml(30, 4)
    goals_file, problems = analyse(text.encode("utf-8"), None)
    assert not problems
    assert goals_file is not None
    assert len(goals_file.goals) == 30
    assert len(goals_file.observations) == 120
    journal = datasets.ledger_journal(30, 4)
    assert journal.count("\n    (Goals:") == 120
