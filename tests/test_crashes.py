"""Crashes: a writer killed with SIGKILL at any moment leaves the old file or the new one, never a mix.

Random trials kill `zibo add` at random delays after it starts its work; in half of them the test-only
ZIBO_TEST_PAUSE_BEFORE_RENAME hook widens the moment between the finished temp file and the rename, so
that moment is hit often. Deterministic trials wait until the temp file is complete and kill the
writer right then. After every trial the file is exactly the old or the new bytes and parses; temp
files a killed writer leaves hold only (part of) the new bytes, never confuse a reader, and the next
writer removes them.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import PINNED_ENV, SAMPLE, run_installed, zibo_command
from zibo_cli.store.atomic import TEMP_SUFFIX
from zibo_cli.store.read import analyse

RANDOM_TRIALS = 100
HOOKED_TRIALS = 10
ADD = ["add", "gdp", "5000", "--date", "2025", "--note", "crash trial"]

# Imports zibo, says it is ready, waits for "go", then runs one add: the kill delay counts from "go".
WRITER = textwrap.dedent(
    """
    import os
    import sys
    from zibo_cli.cli.app import app
    from zibo_cli.store import read

    if os.environ.get("WRITER_STREAMS"):  # large-file path (copy and hash in a thread) for a small file
        read.STREAM_FROM = 0

    print("ready", flush=True)
    sys.stdin.readline()
    try:
        app(sys.argv[1:], prog_name="zibo")
    except SystemExit as done:
        sys.exit(done.code)
    """
)


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f".goals.toml.*{TEMP_SUFFIX}"))


@pytest.fixture(scope="module")
def new_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """What one uninterrupted add writes (the clock is pinned, so it is the same every time)."""
    goals = tmp_path_factory.mktemp("calibration") / "goals.toml"
    goals.write_bytes(SAMPLE.read_bytes())
    done = run_installed(*ADD, "-f", str(goals))
    assert done.exit_code == 0, done.stderr
    new = goals.read_bytes()
    assert new.startswith(SAMPLE.read_bytes())
    assert len(new) > len(SAMPLE.read_bytes())
    return new


class Trials:
    """One goals file in its own folder, reset to OLD before each trial."""

    def __init__(self, tmp_path: Path, new: bytes) -> None:
        self.folder = tmp_path / "data"
        self.folder.mkdir()
        self.goals = self.folder / "goals.toml"
        self.script = tmp_path / "writer.py"
        self.script.write_text(WRITER)
        self.old = SAMPLE.read_bytes()
        self.env = {**os.environ, **PINNED_ENV}
        self.new = new
        # Users run with the parse cache on; a killed writer must not leave it serving stale data.
        self.cache_env = {"ZIBO_NO_CACHE": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def spawn(self, pause: float | None, cached: bool = False, streams: bool = False) -> subprocess.Popen[str]:
        env = {**self.env, **self.cache_env} if cached else dict(self.env)
        if streams:
            env["WRITER_STREAMS"] = "1"
        if pause:
            env["ZIBO_TEST_PAUSE_BEFORE_RENAME"] = str(pause)
        process = subprocess.Popen(
            [sys.executable, str(self.script), *ADD, "-f", str(self.goals)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        return process

    def outcome(self) -> str:
        """Check the invariants after a kill; say which version the file holds."""
        data = self.goals.read_bytes()
        assert data in (self.old, self.new), "the file is neither the old nor the new version"
        goals_file, problems = analyse(data, None)
        assert goals_file is not None
        assert not problems
        for leftover in temp_files(self.folder):
            assert self.new.startswith(leftover.read_bytes()), "a temp file holds something else"
        return "new" if data == self.new else "old"


def pause_for(trial: int) -> float | None:
    return 0.05 if trial % 2 else None


def cached_for(trial: int) -> bool:
    return trial % 4 >= 2


def kill(process: subprocess.Popen[Any]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


@pytest.mark.slow
def test_random_kills_leave_the_old_or_the_new_file(tmp_path: Path, new_bytes: bytes) -> None:
    trials = Trials(tmp_path, new_bytes)
    chance = random.Random(20261127)
    outcomes: Counter[str] = Counter()
    left_behind = 0
    pending = trials.spawn(pause=pause_for(0), cached=cached_for(0))
    for number in range(RANDOM_TRIALS):
        trials.goals.write_bytes(trials.old)
        process = pending
        # The next writer imports while this one runs; odd trials widen the moment before the rename.
        pending = trials.spawn(pause=pause_for(number + 1), cached=cached_for(number + 1))
        earlier = set(temp_files(trials.folder))
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
        time.sleep(chance.uniform(0.0, 0.15))
        kill(process)
        outcomes[trials.outcome()] += 1
        leftovers = temp_files(trials.folder)
        if any(path.stat().st_size == len(trials.new) for path in set(leftovers) - earlier):
            outcomes["killed between a complete temp file and the rename"] += 1
        left_behind = max(left_behind, len(leftovers))
        if number % 10 == 0:
            # A temp file left by a killed writer never confuses a reader, with the cache or without.
            checked = run_installed("check", "-f", str(trials.goals))
            assert (checked.exit_code, checked.stdout) == (0, "")
            plain = run_installed("status", "--json", "--as-of", "2025-06-30", "-f", str(trials.goals))
            cached = run_installed("status", "--json", "--as-of", "2025-06-30", "-f", str(trials.goals),
                                   env=trials.cache_env)  # fmt: skip
            assert plain.exit_code == cached.exit_code == 0
            assert plain.stdout == cached.stdout
    kill(pending)
    assert outcomes["old"] + outcomes["new"] == RANDOM_TRIALS
    assert any((tmp_path / "cache").rglob("*")), "the cached half of the trials never used the cache"
    print(f"\nrandom kills: {dict(outcomes)}; at most {left_behind} temp file(s) left at once")

    # The next writer cleans up whatever killed writers left, and writes normally.
    trials.goals.write_bytes(trials.old)
    done = run_installed(*ADD, "-f", str(trials.goals))
    assert done.exit_code == 0, done.stderr
    assert trials.goals.read_bytes() == trials.new
    assert temp_files(trials.folder) == []
    assert [path.name for path in trials.folder.iterdir()] == ["goals.toml"]


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(HOOKED_TRIALS))
def test_a_kill_between_the_temp_file_and_the_rename_keeps_the_old_file(
    trial: int, tmp_path: Path, new_bytes: bytes
) -> None:
    trials = Trials(tmp_path, new_bytes)
    trials.goals.write_bytes(trials.old)
    env = {**trials.env, "ZIBO_TEST_PAUSE_BEFORE_RENAME": "60"}
    process = subprocess.Popen(
        [*zibo_command(), *ADD, "-f", str(trials.goals)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    kill_once_the_temp_file_is_complete(process, trials)
    assert trials.goals.read_bytes() == trials.old
    assert trials.outcome() == "old"
    assert len(temp_files(trials.folder)) == 1

    # Readers ignore the leftover; the next writer removes it and writes.
    checked = run_installed("status", "-f", str(trials.goals), "--as-of", "2025-06-30")
    assert checked.exit_code == 0, checked.stderr
    assert len(temp_files(trials.folder)) == 1
    done = run_installed(*ADD, "-f", str(trials.goals))
    assert done.exit_code == 0, done.stderr
    assert trials.goals.read_bytes() == trials.new
    assert [path.name for path in trials.folder.iterdir()] == ["goals.toml"]


def kill_once_the_temp_file_is_complete(process: subprocess.Popen[str], trials: Trials) -> None:
    """Wait (without a deadline of our own) until the temp file holds the complete new version, then SIGKILL."""
    try:
        while not any(path.read_bytes() == trials.new for path in temp_files(trials.folder)):
            assert process.poll() is None, "the writer finished without pausing"
            time.sleep(0.01)
    finally:
        kill(process)


def kill_a_warm_add_before_its_rename(trials: Trials) -> None:
    """Warm the cache, hold an add that streams the file just before its rename, and kill it there:
    the file must be the old one."""
    trials.goals.write_bytes(trials.old)
    warmed = run_installed("status", "-f", str(trials.goals), env=trials.cache_env)
    assert warmed.exit_code == 0, warmed.stderr
    process = trials.spawn(pause=60, cached=True, streams=True)
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()
    kill_once_the_temp_file_is_complete(process, trials)
    assert trials.goals.read_bytes() == trials.old
    assert trials.outcome() == "old"


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(3))
def test_a_kill_before_the_rename_of_a_streamed_add_keeps_the_old_file(
    trial: int, tmp_path: Path, new_bytes: bytes
) -> None:
    """The same, on the path that copies the file into the temp file in a thread (warm cache, large file)."""
    trials = Trials(tmp_path, new_bytes)
    kill_a_warm_add_before_its_rename(trials)
    plain = run_installed("status", "--json", "-f", str(trials.goals))
    cached = run_installed("status", "--json", "-f", str(trials.goals), env=trials.cache_env)
    assert plain.exit_code == cached.exit_code == 0
    assert plain.stdout == cached.stdout, "the cache serves the file as it is"
    done = run_installed(*ADD, "-f", str(trials.goals), env=trials.cache_env)
    assert done.exit_code == 0, done.stderr
    assert trials.goals.read_bytes() == trials.new
    assert [path.name for path in trials.folder.iterdir()] == ["goals.toml"]
