"""Concurrent writers: 16 processes × 25 `zibo add` on one file lose nothing and duplicate nothing.

Each writer is its own Python process running zibo's command line 25 times (a driver script, so
the 400 adds do not pay 400 interpreter start-ups); all start together on a signal. Readers poll
the file meanwhile and must never see a half-written one. The second run adds importers: each
imports its own CSV of 25 rows, then imports it again, which must add nothing and skip all 25.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from conftest import PINNED_ENV, SAMPLE, run_installed
from zibo_cli.store.read import analyse

WRITERS = 16
ADDS_PER_WRITER = 25
READERS = 2
IMPORTERS = 4
ROWS_PER_IMPORT = 25

WRITER = textwrap.dedent(
    """
    import sys
    from zibo_cli.cli.app import app

    path, writer, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sys.stdin.readline()  # wait for the start signal, so every writer runs at once
    failed = []
    for number in range(count):
        args = ["add", "-f", path, "parks", str(writer * 1000 + number), "--date", "2025-06-30",
                "--note", f"writer {writer:02d} add {number:02d}", "--force"]  # 0 to 15024 parks: no guard
        try:
            app(args, prog_name="zibo")
        except SystemExit as done:
            if done.code:
                failed.append((number, done.code))
    print("FAILED", failed, file=sys.stderr) if failed else None
    sys.exit(1 if failed else 0)
    """
)

IMPORTER = textwrap.dedent(
    """
    import sys
    from zibo_cli.cli.app import app

    path, csv = sys.argv[1], sys.argv[2]
    sys.stdin.readline()
    for attempt in (1, 2):  # the second run is a cron job re-running the same import
        try:
            app(["import", "-f", path, csv], prog_name="zibo")
        except SystemExit as done:
            if done.code:
                sys.exit(f"import {attempt} failed with {done.code}")
    """
)

READER = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path
    from zibo_cli.store.read import analyse

    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    sys.stdin.readline()
    reads = bad = 0
    while not stop.exists():
        goals_file, problems = analyse(path.read_bytes(), None)
        reads += 1
        if problems or goals_file is None:
            bad += 1
            print("INVALID READ", problems[:1], file=sys.stderr)
        time.sleep(0.01)  # pacing only: leave the CPU to the writers
    print(reads)
    sys.exit(1 if bad or not reads else 0)
    """
)


def spawn(script: Path, logs: Path, name: str, *args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Output goes to files: pipes left unread could fill up and stall a writer."""
    with (logs / f"{name}.out").open("wb") as out, (logs / f"{name}.err").open("wb") as err:
        command = [sys.executable, str(script), *args]
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=err, env=env)


def import_csv(importer: int) -> str:
    """Values far from the adds' (w * 1000 + n), since an import skips a figure already in the file."""
    rows = [f"parks,2025-06-30,{100_000 + importer * 1000 + row},import {importer} row {row:02d}"
            for row in range(ROWS_PER_IMPORT)]  # fmt: skip
    return "goal,date,value,note\n" + "\n".join(rows) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("importers", [0, IMPORTERS], ids=["adds", "adds-and-imports"])
def test_sixteen_writers_lose_nothing(importers: int, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    logs = tmp_path / "logs"
    folder.mkdir()
    logs.mkdir()
    goals = folder / "goals.toml"
    goals.write_bytes(SAMPLE.read_bytes())
    original = goals.read_bytes()
    scripts = {name: tmp_path / f"{name}.py" for name in ("writer", "reader", "importer")}
    for name, text in (("writer", WRITER), ("reader", READER), ("importer", IMPORTER)):
        scripts[name].write_text(text)
    stop = tmp_path / "stop"
    env = {**os.environ, **PINNED_ENV}

    processes = {
        f"writer{n}": spawn(scripts["writer"], logs, f"writer{n}", str(goals), str(n), str(ADDS_PER_WRITER), env=env)
        for n in range(WRITERS)
    }
    for n in range(importers):
        csv = tmp_path / f"import{n}.csv"
        csv.write_text(import_csv(n), encoding="utf-8")
        processes[f"importer{n}"] = spawn(scripts["importer"], logs, f"importer{n}", str(goals), str(csv), env=env)
    readers = {f"reader{n}": spawn(scripts["reader"], logs, f"reader{n}", str(goals), str(stop), env=env)
               for n in range(READERS)}  # fmt: skip
    for process in [*processes.values(), *readers.values()]:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        process.stdin.close()
    for name, process in processes.items():
        process.wait(timeout=600)
        err = (logs / f"{name}.err").read_text()
        assert process.returncode == 0, err
        assert err == ""
    stop.touch()
    for name, process in readers.items():
        process.wait(timeout=120)
        assert process.returncode == 0, (logs / f"{name}.err").read_text()
        assert int((logs / f"{name}.out").read_text()) > 0
    for n in range(importers):
        first, second = (logs / f"importer{n}.out").read_text().splitlines()
        assert first.startswith(f"Imported {ROWS_PER_IMPORT} figures into")
        assert second.startswith("Nothing new to import")
        assert f"Skipped {ROWS_PER_IMPORT} figures already in the file" in second

    data = goals.read_bytes()
    assert data.startswith(original), "a writer rewrote what was already there"
    goals_file, problems = analyse(data, None)
    assert not problems
    assert goals_file is not None
    notes = Counter(o.note for o in goals_file.observations if o.note and o.note.startswith(("writer ", "import ")))
    expected = {f"writer {w:02d} add {n:02d}" for w in range(WRITERS) for n in range(ADDS_PER_WRITER)}
    expected |= {f"import {i} row {r:02d}" for i in range(importers) for r in range(ROWS_PER_IMPORT)}
    assert set(notes) == expected, f"missing: {sorted(expected - set(notes))[:5]}"
    assert all(count == 1 for count in notes.values()), [note for note, count in notes.items() if count > 1]
    values = {o.note: o.value for o in goals_file.observations if o.note in expected}
    assert all(values[f"writer {w:02d} add {n:02d}"] == w * 1000 + n for w in range(WRITERS) for n in range(20))

    checked = run_installed("check", "-f", str(goals))
    assert (checked.exit_code, checked.stdout, checked.stderr) == (0, "", "")
    assert [p.name for p in folder.iterdir()] == ["goals.toml"], "temp files were left behind"
