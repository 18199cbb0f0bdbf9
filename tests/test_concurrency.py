"""Concurrent writers: 16 processes × 25 `zibo add` on one file lose nothing and duplicate nothing.

Each writer is its own Python process running zibo's command line 25 times (a driver script, so
the 400 adds do not pay 400 interpreter start-ups); all start together on a signal. Readers poll
the file meanwhile and must never see a half-written one.
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

WRITER = textwrap.dedent(
    """
    import sys
    from zibo_cli.cli.app import app

    path, writer, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sys.stdin.readline()  # wait for the start signal, so every writer runs at once
    failed = []
    for number in range(count):
        args = ["add", "-f", path, "parks", str(writer * 1000 + number), "--date", "2025-06-30",
                "--note", f"writer {writer:02d} add {number:02d}"]
        try:
            app(args, prog_name="zibo")
        except SystemExit as done:
            if done.code:
                failed.append((number, done.code))
    print("FAILED", failed, file=sys.stderr) if failed else None
    sys.exit(1 if failed else 0)
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
        _, goals_file, problems = analyse(path.read_bytes(), None)
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
        return subprocess.Popen(
            [sys.executable, str(script), *args], stdin=subprocess.PIPE, stdout=out, stderr=err, env=env
        )


@pytest.mark.slow
def test_sixteen_writers_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    logs = tmp_path / "logs"
    folder.mkdir()
    logs.mkdir()
    goals = folder / "goals.toml"
    goals.write_bytes(SAMPLE.read_bytes())
    original = goals.read_bytes()
    writer_script = tmp_path / "writer.py"
    writer_script.write_text(WRITER)
    reader_script = tmp_path / "reader.py"
    reader_script.write_text(READER)
    stop = tmp_path / "stop"
    env = {**os.environ, **PINNED_ENV}

    writers = [
        spawn(writer_script, logs, f"writer{n}", str(goals), str(n), str(ADDS_PER_WRITER), env=env)
        for n in range(WRITERS)
    ]
    readers = [spawn(reader_script, logs, f"reader{n}", str(goals), str(stop), env=env) for n in range(READERS)]
    for process in writers + readers:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        process.stdin.close()
    for number, process in enumerate(writers):
        process.wait(timeout=600)
        err = (logs / f"writer{number}.err").read_text()
        assert process.returncode == 0, err
        assert err == ""
    stop.touch()
    for number, process in enumerate(readers):
        process.wait(timeout=120)
        assert process.returncode == 0, (logs / f"reader{number}.err").read_text()
        assert int((logs / f"reader{number}.out").read_text()) > 0

    data = goals.read_bytes()
    assert data.startswith(original), "a writer rewrote what was already there"
    _, goals_file, problems = analyse(data, None)
    assert not problems
    assert goals_file is not None
    notes = Counter(o.note for o in goals_file.observations if o.note and o.note.startswith("writer "))
    expected = {f"writer {w:02d} add {n:02d}" for w in range(WRITERS) for n in range(ADDS_PER_WRITER)}
    assert set(notes) == expected, f"missing: {sorted(expected - set(notes))[:5]}"
    assert all(count == 1 for count in notes.values()), [note for note, count in notes.items() if count > 1]
    values = {o.note: o.value for o in goals_file.observations if o.note in expected}
    assert all(values[f"writer {w:02d} add {n:02d}"] == w * 1000 + n for w in range(WRITERS) for n in range(20))

    checked = run_installed("check", "-f", str(goals))
    assert (checked.exit_code, checked.stdout, checked.stderr) == (0, "", "")
    assert [p.name for p in folder.iterdir()] == ["goals.toml"], "temp files were left behind"
