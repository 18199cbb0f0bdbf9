"""Extreme but valid-looking input: a clean answer or a clean error, no traceback, no hang, no figure twice.

The cases of issue 14, each through the installed `zibo` (a subprocess, with a time limit: a hang fails),
and a hypothesis test that runs every command over generated extreme dates, lags, windows and horizons.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUNDLED, SAMPLE, run, run_installed

FAR_TARGET = """schema = 1

[goals.g]
name = "g"
unit = "x"
target = {{ value = 100, by = {by} }}
"""


def clean(result: object, code: int) -> None:
    """Exited with `code` and printed no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stdout  # type: ignore[attr-defined]


@pytest.mark.parametrize("by", ["9999-12-31", "2201-01-01", "1899-12-31"])
def test_a_deadline_zibo_cannot_compute_with_is_refused_by_check_and_add_writes_nothing(world: Path, by: str) -> None:
    path = world / "goals.toml"
    path.write_text(FAR_TARGET.format(by=by), encoding="utf-8")
    before = path.read_bytes()
    checked = run_installed("check", cwd=world)
    clean(checked, 1)
    assert "1900-01-01 to 2200-12-31" in checked.stdout
    for command in (["add", "g", "5", "--date", "2025"], ["status"], ["show", "g"], ["report"]):
        result = run_installed(*command, cwd=world)
        clean(result, 2)
        assert "goals.toml:6" in result.stderr
    assert path.read_bytes() == before, "nothing may be written"


@pytest.mark.parametrize("lag", ["999999999", "1000000000000000000", "1099"])
def test_a_lag_beyond_three_years_is_refused(world: Path, lag: str) -> None:
    path = world / "goals.toml"
    path.write_text(FAR_TARGET.format(by="2026-12-31") + f'cadence = "yearly"\nlag = {lag}\n', encoding="utf-8")
    result = run_installed("status", cwd=world)
    clean(result, 2)
    assert "'lag'" in result.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["report", "--as-of", "9999-12-31"], {}),
        (["report"], {"ZIBO_NOW": "9999-12-31T23:59:59+00:00"}),
        (["report", "--since", "0001-01-01"], {}),
        (["report", "--since", "3000y"], {}),
        (["status", "--as-of", "0001-01-01"], {}),
    ],
)
def test_extreme_days_on_the_bundled_data_are_refused_cleanly(
    world: Path, args: list[str], env: dict[str, str]
) -> None:
    result = run_installed("-f", str(BUNDLED), *args, env=env, cwd=world)
    clean(result, 2)
    assert "1900-01-01 to 2200-12-31" in result.stderr


def test_a_file_name_that_is_not_utf8_prints_in_every_report_format(world: Path) -> None:
    name = os.fsdecode(b"go\xffals.toml")
    shutil.copyfile(SAMPLE, world / name)
    for output_format in ("text", "md", "html", "json"):
        result = run_installed("-f", name, "report", "--format", output_format, cwd=world)
        clean(result, 0)
        assert "xffals.toml" in result.stdout  # go\xffals.toml (Markdown escapes the backslash)


@pytest.mark.parametrize("command", [["status"], ["check"]])
def test_a_fifo_as_the_goals_file_is_refused_without_waiting(world: Path, command: list[str]) -> None:
    os.mkfifo(world / "f.toml")
    result = run_installed("-f", "f.toml", *command, cwd=world)  # run_installed has a time limit: a hang fails
    clean(result, 2)
    assert "f.toml is not a regular file" in result.stderr


def test_a_fifo_as_the_output_is_refused_without_waiting(world: Path) -> None:
    shutil.copyfile(SAMPLE, world / "goals.toml")
    os.mkfifo(world / "out.md")
    result = run_installed("report", "--output", "out.md", cwd=world)
    clean(result, 2)
    assert "is not a regular file" in result.stderr


def test_fifos_and_leftovers_in_the_cache_folder_are_passed_over(world: Path) -> None:
    shutil.copyfile(SAMPLE, world / "goals.toml")
    on = {"ZIBO_NO_CACHE": ""}
    clean(run_installed("status", env=on, cwd=world), 0)
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "zibo"
    [database] = folder.glob("*.sqlite")
    database.unlink()
    for name in (f"{database.name}-wal", f"{database.name}-shm"):
        (folder / name).unlink(missing_ok=True)
    os.mkfifo(database)  # where the goals file's database belongs
    (folder / ".tmp-1234").write_bytes(b"x" * 20_000)  # a killed writer's leftover (an earlier version)
    result = run_installed("status", env=on, cwd=world)
    clean(result, 0)
    assert result.stdout == run_installed("status", cwd=world).stdout
    assert not (folder / ".tmp-1234").exists(), "the next writer removes leftovers"


def test_add_composes_its_confirmation_before_the_file_is_replaced(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure in what `add` prints happens before the rename: nothing is written, and a retry adds once."""
    from zibo_cli.render import add_view

    before = sample.read_bytes()

    def broken(*_: object) -> str:
        raise OverflowError("date value out of range")

    with monkeypatch.context() as patch:
        patch.setattr(add_view, "confirmation", broken)
        with pytest.raises(OverflowError):
            run("add", "gdp", "4700", "--date", "2025-06")
    assert sample.read_bytes() == before
    clean(run("add", "gdp", "4700", "--date", "2025-06"), 0)
    assert sample.read_bytes().count(b"value = 4700") == 1


def test_progress_just_below_zero_prints_as_zero() -> None:
    from zibo_cli.render.text import format_percent

    assert format_percent(-0.001) == "0%"
    assert format_percent(-0.004, 1) == "-0.4%"


DAYS = st.sampled_from(
    ["0001-01-01", "1899-12-31", "1900-01-01", "2026-06-30", "2200-12-31", "2201-01-01", "9999-12-31"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    by=DAYS,
    baseline=DAYS,
    lag=st.sampled_from([0, 120, 1098, 1099, 10**9]),
    as_of=DAYS,
    since=st.sampled_from(["7d", "1y", "5000y", "0001-01-01", "1900-01-02", "2026-01-01"]),
    horizon=st.sampled_from(["0", "90", "3650", "99999"]),
    command=st.sampled_from(["status", "show", "report", "export", "goals", "check", "add"]),
)
def test_every_command_over_extreme_dates_answers_or_refuses_cleanly(
    world: Path, by: str, baseline: str, lag: int, as_of: str, since: str, horizon: str, command: str
) -> None:
    path = world / "goals.toml"
    text = (
        FAR_TARGET.format(by=by) + f'cadence = "yearly"\nlag = {lag}\nbaseline = {{ value = 1, date = {baseline} }}\n'
    )
    text += '\n[[observations]]\ngoal = "g"\ndate = 2024-12-31\nvalue = 3\n'
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    args = {
        "status": ["status", "--as-of", as_of],
        "show": ["show", "g", "--as-of", as_of],
        "report": ["report", "--as-of", as_of, "--since", since, "--horizon", horizon],
        "export": ["export"],
        "goals": ["goals"],
        "check": ["check"],
        "add": ["add", "g", "4", "--date", as_of[:4]],
    }[command]
    result = run(*args)
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code != 0 or command != "add":
        assert path.read_bytes() == before, "only a successful add may change the file"
    else:
        assert path.read_bytes().startswith(before)
