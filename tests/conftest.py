"""Shared test helpers: run zibo in-process (CliRunner) or as the installed command, with a pinned world."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from zibo_cli.cli.app import app
from zibo_cli.core.model import Baseline, Goal, Target
from zibo_cli.store.locate import Cache

TESTS = Path(__file__).parent
REPO = TESTS.parent
SAMPLE = TESTS / "data" / "sample.toml"
GOLDEN = TESTS / "golden"
BUNDLED = REPO / "goals.toml"

# Every run sees the same world: fixed clock, fixed width, no colour, no user files.
PINNED_ENV = {
    "ZIBO_NOW": "2026-11-27T10:00:00+08:00",
    "COLUMNS": "80",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "ZIBO_FILE": "",
    "ZIBO_LANG": "en",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "ZIBO_NO_CACHE": "1",
    "ZIBO_CACHE_MIN_BYTES": "0",  # test files are small: when a test turns the cache on, every file uses it
}


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working folder and home, so no real goals file or cache is ever touched."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for key, value in PINNED_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def sample(world: Path) -> Path:
    path = world / "goals.toml"
    shutil.copyfile(SAMPLE, path)
    return path


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run zibo in-process; stdout and stderr kept apart, as a shell would see them."""
    runner = CliRunner()
    result = runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def zibo_command() -> list[str]:
    """The installed console script, next to this interpreter."""
    script = Path(sys.executable).parent / "zibo"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zibo_cli"]


def run_installed(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
    full_env = {**os.environ, **PINNED_ENV, **(env or {})}
    completed = subprocess.run(
        [*zibo_command(), *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def cache_files() -> list[Path]:
    """The parse cache's entries in the test world's XDG cache folder."""
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "zibo"
    return sorted(folder.glob("*.sqlite")) if folder.exists() else []


def fresh(path: Path) -> object:
    """What a full parse without any cache gives (as of the pinned today)."""
    from zibo_cli.store.read import analyse

    goals_file, problems = analyse(path.read_bytes(), dt.date(2026, 11, 27))
    assert not problems
    return goals_file


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; run with UPDATE_GOLDEN=1 to (re)write after checking the diff."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists():
        if os.environ.get("CI") and not path.exists():
            pytest.fail(f"golden file {name} is missing")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"output differs from tests/golden/{name}"


def watch_builds(monkeypatch: pytest.MonkeyPatch, command: str) -> list[int]:
    """Fail if `command` builds every observation of a cache entry; list how many it builds, row by row."""
    from zibo_cli.store import cache as cache_module

    def refuse(self: object) -> None:
        raise AssertionError(f"{command} built every observation")

    monkeypatch.setattr(cache_module.Entry, "goals_file", refuse)
    built: list[int] = []
    real_figures = cache_module._figures

    def counting(goal: str, *columns: object) -> list[object]:
        figures = real_figures(goal, *columns)  # type: ignore[arg-type]
        built.append(len(figures))
        return figures

    monkeypatch.setattr(cache_module, "_figures", counting)
    return built


# -- loading through the cache (test_grown, test_cache_equivalence) -----------------------------------


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    """A parse cache of the test's own (modules testing the per-user one override it)."""
    return Cache(tmp_path / "cache")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The full parses loading does from now on (see loading.count_full_parses)."""
    from loading import count_full_parses

    return count_full_parses(monkeypatch)


@pytest.fixture(autouse=True, scope="session")
def _bundled_dataset_untouched() -> Iterator[None]:
    """No test may change the repository's goals.toml (the bundled dataset): it is checked after them all."""
    before = BUNDLED.read_bytes()
    yield
    assert BUNDLED.read_bytes() == before, "a test wrote to the repository's goals.toml"


@pytest.fixture(autouse=True)
def _english_again() -> None:
    """Each test starts in English: a command run in-process with --lang zh leaves the language set."""
    from zibo_cli.i18n import set_language

    set_language("en")


def target_goal(
    base: float | None,
    base_day: dt.date,
    target: float,
    by: dt.date,
    direction: str = "increase",
    method: str = "auto",
    unit: str = "亿元",
    qualifier: str | None = None,
    **more: Any,
) -> Goal:
    """A goal "g" with a baseline and one target, for the progress tests."""
    return Goal(
        id="g",
        name="指标",
        unit=unit,
        direction=direction,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        baseline=None if base is None else Baseline(value=base, date=base_day),
        targets=(Target(value=target, by=by, qualifier=qualifier),),  # type: ignore[arg-type]
        **more,
    )
