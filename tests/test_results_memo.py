"""The results memo (store/results.py): a repeated `status` reuses the day's assessments, never stale ones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import BUNDLED, SAMPLE, cache_files, fresh, record_speculations, run
from test_fuzz import HALVED_IN_A_DAY, goals_with_history, offsets
from zibo_cli.core import progress
from zibo_cli.core.model import Goal, GoalsFile, Observation
from zibo_cli.core.progress import Assessment, assess_file
from zibo_cli.store import results
from zibo_cli.store.cache import Cache, cache_for, unsealed
from zibo_cli.store.locate import Location
from zibo_cli.store.results import KEEP, NOT_LOADED, RESULTS_MAGIC, load_assessed, pack, unpack

TODAY = dt.date(2026, 11, 27)
CACHE_ON = {"ZIBO_NO_CACHE": ""}
STATUS_RUNS = (
    ["status"],
    ["status", "--json"],
    ["status", "--all", "--wide"],
    ["status", "--all", "--json"],
    ["status", "--as-of", "2025-06-30", "--sort", "deadline"],
    ["status", "--status", "on_track,no-data", "--category", "industry"],
    ["status", "--all", "--sort", "id", "--as-of", "2024-12-31"],
)


@pytest.fixture
def cache(world: Path) -> Cache:
    found = cache_for({"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], "HOME": os.environ["HOME"]})
    assert found is not None
    return found


@pytest.fixture
def assessed_count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a command assessed the whole file (and did not take it from the memo)."""
    calls = [0]
    real = progress.assess_file

    def counting(goals_file: GoalsFile, as_of: dt.date) -> list[Assessment]:
        calls[0] += 1
        return real(goals_file, as_of)

    monkeypatch.setattr(progress, "assess_file", counting)
    return calls


def results_files() -> list[Path]:
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "zibo"
    return sorted(folder.glob("*.results")) if folder.exists() else []


def same_as(memo: Assessment, computed: Assessment) -> None:
    """Every field equal (repr: nan, -0.0 and 1 vs 1.0 told apart) but the figures, which were not loaded."""
    assert memo.observations is NOT_LOADED
    for field in dataclasses.fields(Assessment):
        if field.name != "observations":
            mine, theirs = getattr(memo, field.name), getattr(computed, field.name)
            assert repr(mine) == repr(theirs), field.name
            assert type(mine) is type(theirs), field.name


def status_matches_a_run_without_cache(*extra: str, env: dict[str, str] | None = None) -> None:
    for args in STATUS_RUNS:
        plain = run(*args, *extra, env=env)
        cached = run(*args, *extra, env={**CACHE_ON, **(env or {})})
        assert plain.exit_code == cached.exit_code == 0, cached.stderr
        assert cached.stdout == plain.stdout, args


# -- used, and equal to computing ------------------------------------------------------------------


@pytest.mark.parametrize("source", [SAMPLE, BUNDLED], ids=["sample", "bundled"])
def test_a_repeated_status_takes_the_days_results_and_prints_the_same(
    world: Path, source: Path, assessed_count: list[int]
) -> None:
    shutil.copyfile(source, world / "goals.toml")
    plain = [run(*args) for args in STATUS_RUNS]
    assert assessed_count[0] == len(STATUS_RUNS)
    days = 3  # today, 2025-06-30, 2024-12-31: display options share a day's results
    for number in range(3):
        cached = [run(*args, env=CACHE_ON) for args in STATUS_RUNS]
        assert assessed_count[0] == len(STATUS_RUNS) + days, f"pass {number}: assessed again, not remembered"
        for args, without, with_cache in zip(STATUS_RUNS, plain, cached, strict=True):
            assert without.exit_code == with_cache.exit_code == 0, with_cache.stderr
            assert with_cache.stdout == without.stdout, args
    assert results_files(), "the memo was never written"


@pytest.mark.parametrize("source", [SAMPLE, BUNDLED], ids=["sample", "bundled"])
def test_remembered_assessments_equal_computed_ones_but_for_the_figures(
    world: Path, source: Path, cache: Cache
) -> None:
    path = world / "goals.toml"
    shutil.copyfile(source, path)
    location = Location(path, "--file")
    for as_of in (TODAY, dt.date(2025, 6, 30), dt.date(2024, 12, 31), dt.date(2020, 1, 1)):
        first = load_assessed(location, TODAY, as_of, cache)
        assert first.loaded is not None
        again = load_assessed(location, TODAY, as_of, cache)
        assert again.loaded is None, "not taken from the memo"
        computed = assess_file(fresh(path), as_of)  # type: ignore[arg-type]
        assert len(again.result) == len(computed)
        for memo, truth in zip(again.result, computed, strict=True):
            same_as(memo, truth)
            assert memo.goal is again.definitions.goals[memo.goal.id]
        assert list(again.definitions.goals) == list(computed_goals(path))


def computed_goals(path: Path) -> dict[str, Goal]:
    return fresh(path).goals  # type: ignore[attr-defined,no-any-return]


def test_a_remembered_status_builds_no_figure_but_each_goals_latest(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a hit only the definitions and the record are read: the entry's figures are never built."""
    from zibo_cli.store import cache as cache_module

    shutil.copyfile(BUNDLED, world / "goals.toml")
    expected = run("status", "--all", "--json")
    assert run("status", "--all", "--json", env=CACHE_ON).stdout == expected.stdout  # fills cache and memo

    def refuse(self: object) -> None:
        raise AssertionError("status built every observation")

    monkeypatch.setattr(cache_module.Entry, "goals_file", refuse)
    monkeypatch.setattr(cache_module.Entry, "observations_for", refuse)
    built: list[int] = []
    real_build = results.build

    def counting(cls: type, names: Any, columns: Any) -> Any:
        if cls is Observation:
            built.append(len(columns[0]))
        return real_build(cls, names, columns)

    monkeypatch.setattr(results, "build", counting)
    again = run("status", "--all", "--json", env=CACHE_ON)
    assert again.exit_code == 0, again.stderr
    assert again.stdout == expected.stdout
    goals_file = fresh(world / "goals.toml")
    assert isinstance(goals_file, GoalsFile)
    with_figures = {o.goal for o in goals_file.observations}
    assert built == [len(with_figures)]  # each goal's latest figure, stored in the record
    assert len(goals_file.observations) > len(with_figures)


def test_figures_of_a_remembered_assessment_cannot_be_read(world: Path, cache: Cache) -> None:
    path = world / "goals.toml"
    shutil.copyfile(SAMPLE, path)
    location = Location(path, "--file")
    load_assessed(location, TODAY, TODAY, cache)
    memo = load_assessed(location, TODAY, TODAY, cache).result[0]
    computed = assess_file(fresh(path), TODAY)[0]  # type: ignore[arg-type]
    assert repr(memo.observations) == "<figures not loaded>"
    for attempt in (
        lambda: list(memo.observations),
        lambda: len(memo.observations),
        lambda: memo.observations[-1],
        lambda: bool(memo.observations),
        lambda: memo.observations == (),
        lambda: memo == computed,  # (the same object compares equal to itself without asking)
    ):
        with pytest.raises(RuntimeError, match="not loaded"):
            attempt()


# -- never stale -------------------------------------------------------------------------------------


def test_an_edit_keeping_size_and_mtime_is_assessed_again(sample: Path, assessed_count: list[int]) -> None:
    run("status", env=CACHE_ON)
    run("status", env=CACHE_ON)
    assert assessed_count[0] == 1
    info = sample.stat()
    text = sample.read_text(encoding="utf-8")
    edited = text.replace("value = 4000,", "value = 4400,", 1)
    assert edited != text
    assert len(edited.encode()) == info.st_size
    with open(sample, "r+b") as handle:  # same inode, same size
        handle.write(edited.encode())
    os.utime(sample, ns=(info.st_atime_ns, info.st_mtime_ns))  # same mtime
    cached = run("status", "--json", env=CACHE_ON)
    assert assessed_count[0] == 2
    assert cached.stdout == run("status", "--json").stdout
    assert '"value": 4400' in cached.stdout
    status_matches_a_run_without_cache()


def test_an_add_is_assessed_again(sample: Path, assessed_count: list[int]) -> None:
    before = run("status", "--json", env=CACHE_ON).stdout
    assert run("status", "--json", env=CACHE_ON).stdout == before
    assert assessed_count[0] == 1
    added = run("add", "gdp", "6900", "--date", "2025-12-31", env=CACHE_ON)
    assert added.exit_code == 0, added.stderr
    after = run("status", "--json", env=CACHE_ON)
    assert assessed_count[0] == 1  # not the whole file: only the goal added to is assessed again
    assert after.stdout != before
    assert '"value": 6900' in after.stdout
    assert after.stdout == run("status", "--json").stdout
    status_matches_a_run_without_cache()


def test_another_day_or_as_of_is_assessed_again(sample: Path, assessed_count: list[int]) -> None:
    days = ["2026-11-27T10:00:00+08:00", "2026-11-28T10:00:00+08:00", "2027-03-01T10:00:00+08:00"]
    for now in days:
        env = {**CACHE_ON, "ZIBO_NOW": now}
        count = assessed_count[0]
        first = run("status", "--all", env=env)
        assert assessed_count[0] == count + 1, now
        assert run("status", "--all", env=env).stdout == first.stdout
        assert assessed_count[0] == count + 1, now
        assert first.stdout == run("status", "--all", env={"ZIBO_NOW": now}).stdout
    for as_of in ("2025-06-30", "2024-12-31"):
        count = assessed_count[0]
        first = run("status", "--as-of", as_of, env=CACHE_ON)
        assert run("status", "--as-of", as_of, env=CACHE_ON).stdout == first.stdout
        assert assessed_count[0] == count + 1, as_of
        assert first.stdout == run("status", "--as-of", as_of).stdout


def remembered_days() -> list[str]:
    [memo] = results_files()
    with open(memo, "rb") as handle:
        return [key for key, *_ in unsealed(handle, memo.stat().st_size, RESULTS_MAGIC)["records"]]


def test_only_the_last_few_days_are_kept(sample: Path, assessed_count: list[int]) -> None:
    days = [f"2025-0{month}-01" for month in range(1, KEEP + 2)]
    for day in days:  # --json: the printed text, remembered apart (test_printed_text.py), is not asked for
        run("status", "--json", "--as-of", day, env=CACHE_ON)
    assert assessed_count[0] == len(days)
    assert remembered_days() == [f"status {day}" for day in days[:0:-1]]  # the newest first, the oldest dropped
    for day in days[1:]:
        run("status", "--json", "--as-of", day, env=CACHE_ON)
    assert assessed_count[0] == len(days)
    run("status", "--json", "--as-of", days[0], env=CACHE_ON)  # dropped, so assessed again
    assert assessed_count[0] == len(days) + 1
    assert remembered_days() == [f"status {day}" for day in (days[0], days[-1], days[-2])]


def test_a_code_change_is_assessed_again(
    sample: Path, assessed_count: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    run("status", env=CACHE_ON)
    run("status", env=CACHE_ON)
    assert assessed_count[0] == 1
    real = results.fingerprint
    monkeypatch.setattr(results, "fingerprint", lambda: (*real(), "another build"))
    assert run("status", env=CACHE_ON).stdout == run("status").stdout
    assert assessed_count[0] == 3


def test_the_fingerprint_covers_every_module_the_assessment_uses() -> None:
    """Whatever core/progress.py uses from zibo_cli is in the memo's key (the model through the cache's)."""
    package = Path(results.__file__).resolve().parents[1]
    used = {
        Path(sys.modules[value.__module__].__file__ or "").resolve().relative_to(package).as_posix()
        for value in vars(progress).values()
        if getattr(value, "__module__", "").startswith("zibo_cli.")
    }
    assert used == {"core/progress.py", "core/dates.py", "core/model.py"}
    assert {"core/progress.py", "core/dates.py", "core/report.py", "store/results.py"} <= set(
        results._COMPUTING_MODULES
    )
    info = os.stat(package / "core" / "model.py")
    assert (info.st_size, info.st_mtime_ns) in results._code_fingerprint()


def test_no_cache_means_no_memo(sample: Path, assessed_count: list[int]) -> None:
    for _ in range(2):
        assert run("status").exit_code == 0
    assert assessed_count[0] == 2
    assert not results_files()
    assert not cache_files()


def test_a_figure_after_today_is_reported_not_served_from_the_memo(sample: Path) -> None:
    assert run("status", env=CACHE_ON).exit_code == 0
    assert run("status", env=CACHE_ON).exit_code == 0
    before_latest = {**CACHE_ON, "ZIBO_NOW": "2025-01-30T10:00:00+08:00"}  # parks has a figure for 2025-01-31
    refused = run("status", "--as-of", "2024-12-31", env=before_latest)
    assert refused.exit_code != 0
    assert "in the future" in refused.stderr


def test_damaged_or_foreign_results_are_ignored_and_replaced(sample: Path, assessed_count: list[int]) -> None:
    expected = run("status", "--all", "--json").stdout
    run("status", "--all", "--json", env=CACHE_ON)
    [memo] = results_files()
    good = memo.read_bytes()
    flipped = good[:-1] + bytes([good[-1] ^ 1])
    for damaged in (b"", b"garbage", RESULTS_MAGIC + b"\x80\x05garbage", good[:-10], flipped, good + b"x"):
        memo.write_bytes(damaged)
        count = assessed_count[0]
        assert run("status", "--all", "--json", env=CACHE_ON).stdout == expected
        assert assessed_count[0] == count + 1, damaged[:20]
        assert memo.read_bytes() != damaged, "not rewritten"
        assert run("status", "--all", "--json", env=CACHE_ON).stdout == expected
        assert assessed_count[0] == count + 1, "the rewritten results are not used"
    memo.chmod(0o664)  # others could have written it: not read
    count = assessed_count[0]
    assert run("status", "--all", "--json", env=CACHE_ON).stdout == expected
    assert assessed_count[0] == count + 1


def test_any_changed_byte_of_the_results_is_refused(world: Path, cache: Cache) -> None:
    """The SHA-256 of each day's results is checked: a flipped bit that still unpickles is not trusted either."""
    path = world / "goals.toml"
    shutil.copyfile(SAMPLE, path)
    location = Location(path, "--file")
    load_assessed(location, TODAY, TODAY, cache)
    [memo] = results_files()
    good = memo.read_bytes()
    with open(memo, "rb") as handle:
        unsealed(handle, memo.stat().st_size, RESULTS_MAGIC)
        body = handle.tell()
    entry = cache.open(os.path.realpath(path), path.stat(), TODAY)
    assert entry is not None
    with entry.body.handle:
        assert results.recall(cache, entry, f"status {TODAY}") is not None
        for position in range(body, len(good)):
            memo.write_bytes(good[:position] + bytes([good[position] ^ 0x04]) + good[position + 1 :])
            assert results.recall(cache, entry, f"status {TODAY}") is None, position


def test_results_of_another_file_are_not_used(world: Path, cache: Cache, assessed_count: list[int]) -> None:
    one, other = world / "one.toml", world / "other.toml"
    shutil.copyfile(SAMPLE, one)
    shutil.copyfile(BUNDLED, other)
    for path in (one, other):
        run("-f", str(path), "status", "--all", env=CACHE_ON)
    assert assessed_count[0] == 2
    for key in ("status", "text"):  # the other file's results and printed text, under this file's name
        memo_one = results.results_path(cache, os.path.realpath(one), key)
        memo_other = results.results_path(cache, os.path.realpath(other), key)
        shutil.copyfile(memo_other, memo_one)
    cached = run("-f", str(one), "status", "--all", env=CACHE_ON)
    assert assessed_count[0] == 3
    assert cached.stdout == run("-f", str(one), "status", "--all").stdout


def test_the_memo_lives_in_the_cache_folder_only(sample: Path) -> None:
    before = sorted(os.listdir(sample.parent))
    run("status", env=CACHE_ON)
    assert sorted(os.listdir(sample.parent)) == before
    [memo] = results_files()
    [entry] = cache_files()
    assert memo.parent == entry.parent
    assert memo.stat().st_mode & 0o077 == 0
    assert not [name for name in os.listdir(memo.parent) if name.startswith(".tmp-")]


def test_an_unwritable_cache_never_fails_status(sample: Path, cache: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Cache, "replace", broken)  # the entry and the results alike
    for _ in range(2):
        result = run("status", env=CACHE_ON)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == run("status").stdout
    assert not results_files()


# -- packing ----------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@example([HALVED_IN_A_DAY])
@given(st.lists(goals_with_history(), min_size=1, max_size=4))
def test_packed_assessments_come_back_field_for_field(cases: list[tuple[Goal, list[Observation], dt.date]]) -> None:
    as_of = cases[0][2]
    goals: dict[str, Goal] = {}
    observations: list[Observation] = []
    for number, (goal, figures, _) in enumerate(cases):
        goal_id = f"g{number}"
        goals[goal_id] = dataclasses.replace(goal, id=goal_id)
        observations += [dataclasses.replace(o, goal=goal_id, line=number) for o in figures]
    computed = assess_file(GoalsFile(schema=1, goals=goals, observations=observations), as_of)
    back = unpack(pack(computed, goals, as_of), goals, as_of)
    for memo, truth in zip(back, computed, strict=True):
        same_as(memo, truth)
        assert memo.goal is goals[memo.goal.id]
        assert all(stage.target is target for stage, target in zip(memo.stages, memo.goal.targets, strict=True))


def test_assessments_of_other_goals_or_days_are_not_packed(world: Path) -> None:
    goals_file = fresh(SAMPLE)
    assert isinstance(goals_file, GoalsFile)
    computed = assess_file(goals_file, TODAY)
    pack(computed, goals_file.goals, TODAY)
    with pytest.raises(ValueError, match="another goal or day"):
        pack(computed, goals_file.goals, TODAY - dt.timedelta(days=1))
    with pytest.raises(ValueError, match="one assessment per goal"):
        pack(computed[1:], goals_file.goals, TODAY)
    with pytest.raises(ValueError, match="one assessment per goal"):
        pack(list(reversed(computed)), goals_file.goals, TODAY)
    renamed = {**goals_file.goals, "gdp": dataclasses.replace(goals_file.goals["gdp"], name="another")}
    with pytest.raises(ValueError, match="another goal or day"):
        pack(computed, renamed, TODAY)


# -- reports ----------------------------------------------------------------------------------------

REPORT_DATA = SAMPLE.parent / "report.toml"
REPORT_RUNS = (
    ["report", "--as-of", "2026-10-05"],
    ["report", "--as-of", "2026-10-05", "--format", "md", "--horizon", "400"],
    ["report", "--as-of", "2026-10-05", "--format", "json", "--horizon", "10"],
    ["report", "--as-of", "2026-10-05", "--since", "30d", "--format", "json"],
    ["report", "--as-of", "2026-10-05", "--since", "2026-10-01", "--fail-on", "at_risk"],
    ["--lang", "zh", "report", "--as-of", "2026-10-05", "--format", "md"],
    ["report", "--as-of", "2026-03-05", "--since", "1m", "--format", "json"],
    ["report", "--format", "json"],
)


@pytest.fixture
def found_count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a command derived a report's findings from the figures (and did not remember them)."""
    from zibo_cli.core import report

    calls = [0]
    real = report.find

    def counting(*args: Any) -> Any:
        calls[0] += 1
        return real(*args)

    monkeypatch.setattr(report, "find", counting)
    return calls


def test_a_repeated_report_takes_its_findings_and_writes_the_same(
    world: Path, found_count: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    monkeypatch.setattr(results, "KEEP", 8)  # five windows here; the usual few are tested below
    plain = [run(*args) for args in REPORT_RUNS]
    assert found_count[0] == len(REPORT_RUNS)
    windows = 5  # as-of day and window: --horizon, --format, --lang and --fail-on share findings
    for number in range(3):
        cached = [run(*args, env=CACHE_ON) for args in REPORT_RUNS]
        assert found_count[0] == len(REPORT_RUNS) + windows, f"pass {number}: found again, not remembered"
        for args, without, with_cache in zip(REPORT_RUNS, plain, cached, strict=True):
            assert without.exit_code == with_cache.exit_code, with_cache.stderr
            assert with_cache.exit_code in (0, 1), with_cache.stderr
            assert with_cache.stdout == without.stdout, args
            assert with_cache.stderr == without.stderr, args
    assert any(result.exit_code == 1 for result in plain), "--fail-on never flagged a goal"


def test_a_report_written_to_a_file_is_the_same(world: Path, found_count: list[int]) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    for number, env in enumerate((None, CACHE_ON, CACHE_ON)):
        result = run("report", "--as-of", "2026-10-05", "-o", f"week{number}.md", env=env)
        assert result.exit_code == 0, result.stderr
    assert found_count[0] == 2
    written = [(world / f"week{number}.md").read_bytes() for number in range(3)]
    assert written[0] == written[1] == written[2]


def test_the_html_report_draws_every_figure_so_it_loads_them(world: Path, found_count: list[int]) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    args = ("report", "--as-of", "2026-10-05", "--format", "html")
    plain = run(*args)
    run("report", "--as-of", "2026-10-05", env=CACHE_ON)  # the text report's findings are remembered
    for _ in range(2):
        assert run(*args, env=CACHE_ON).stdout == plain.stdout
    assert found_count[0] == 4


def test_a_report_after_an_add_or_an_edit_is_found_again(world: Path, found_count: list[int]) -> None:
    path = world / "goals.toml"
    shutil.copyfile(REPORT_DATA, path)
    args = ("report", "--format", "json")
    first = run(*args, env=CACHE_ON)
    assert run(*args, env=CACHE_ON).stdout == first.stdout
    assert found_count[0] == 1
    added = run("add", "robots", "88", "--date", "2026-09-30", "--source", "plan", env=CACHE_ON)
    assert added.exit_code == 0, added.stderr
    after = run(*args, env=CACHE_ON)
    assert found_count[0] == 2
    assert after.stdout != first.stdout
    assert after.stdout == run(*args).stdout
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("value = 88", "value = 77", 1)
    assert edited != text
    with open(path, "r+b") as handle:  # same inode, size and mtime
        handle.write(edited.encode())
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    again = run(*args, env=CACHE_ON)
    assert found_count[0] == 4  # (the plain run above found once)
    assert again.stdout == run(*args).stdout
    assert '"value": 77' in again.stdout


def test_status_and_report_records_are_kept_apart(
    world: Path, found_count: list[int], assessed_count: list[int]
) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    for day in ("2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"):
        run("report", "--as-of", day, env=CACHE_ON)
    run("status", "--as-of", "2026-10-04", env=CACHE_ON)
    kinds = [key.split()[0] for key in remembered_days()]
    assert kinds.count("report") == KEEP
    assert kinds.count("status") == 1
    before = (found_count[0], assessed_count[0])
    run("report", "--as-of", "2026-10-04", env=CACHE_ON)
    run("status", "--as-of", "2026-10-04", env=CACHE_ON)
    assert (found_count[0], assessed_count[0]) == before


def same_findings(memo: Any, computed: Any) -> None:
    assert len(memo.current) == len(computed.current)
    for mine, theirs in zip(memo.current, computed.current, strict=True):
        same_as(mine, theirs)
    assert [c.goal.id for c in memo.changes] == [c.goal.id for c in computed.changes]
    current = {a.goal.id: a for a in memo.current}
    for mine, theirs in zip(memo.changes, computed.changes, strict=True):
        same_as(mine.before, theirs.before)
        assert mine.after is current[mine.goal.id]
    assert memo.recorded == computed.recorded
    assert repr(memo.recorded) == repr(computed.recorded)
    assert memo.figure_sources == computed.figure_sources


@pytest.mark.parametrize(
    ("as_of", "since"), [("2026-10-05", "7d"), ("2026-10-05", "1y"), ("2026-03-05", "1m"), ("2024-01-01", "7d")]
)
def test_remembered_findings_equal_found_ones_but_for_the_figures(
    world: Path, cache: Cache, as_of: str, since: str
) -> None:
    from zibo_cli.core.report import find
    from zibo_cli.core.window import parse_since
    from zibo_cli.store.results import load_findings

    path = world / "goals.toml"
    shutil.copyfile(REPORT_DATA, path)
    location = Location(path, "--file")
    day = dt.date.fromisoformat(as_of)
    window = parse_since(since, day)
    assert load_findings(location, TODAY, day, window, cache).loaded is not None
    again = load_findings(location, TODAY, day, window, cache)
    assert again.loaded is None, "not taken from the memo"
    same_findings(again.result, find(fresh(path), day, window))  # type: ignore[arg-type]


@st.composite
def files_with_records(draw: st.DrawFn) -> tuple[GoalsFile, dt.date]:
    """A few goals with histories, their figures recorded (or not) around their dates and citing sources."""
    cases = draw(st.lists(goals_with_history(), min_size=1, max_size=4))
    goals: dict[str, Goal] = {}
    observations: list[Observation] = []
    for number, (goal, figures, _) in enumerate(cases):
        goal_id = f"g{number}"
        goals[goal_id] = dataclasses.replace(goal, id=goal_id, source=draw(st.sampled_from([None, "plan", "by hand"])))
        for line, figure in enumerate(figures):
            recorded = draw(
                st.none()
                | st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2036, 1, 1), timezones=offsets)
                | st.just(dt.datetime.combine(figure.date, dt.time(9), dt.timezone(dt.timedelta(hours=8))))
            )
            source = draw(st.sampled_from([None, "plan", "统计公报 2025", "by hand"]))
            observations.append(
                dataclasses.replace(figure, goal=goal_id, recorded=recorded, source=source, line=10 * number + line)
            )
    draw(st.randoms()).shuffle(observations)  # goals' figures interleave in the file
    return GoalsFile(schema=1, goals=goals, observations=observations), cases[0][2]


@settings(max_examples=150, deadline=None)
@given(files_with_records(), st.integers(1, 3000))
def test_packed_findings_come_back_field_for_field(case: tuple[GoalsFile, dt.date], days: int) -> None:
    from zibo_cli.core.report import find
    from zibo_cli.core.window import parse_since
    from zibo_cli.store.results import pack_findings, unpack_findings

    goals_file, as_of = case
    window = parse_since(f"{days}d", as_of)
    computed = find(goals_file, as_of, window)
    goals = goals_file.goals
    back = unpack_findings(pack_findings(computed, goals, as_of, window), goals, as_of, window)
    same_findings(back, computed)


# -- speculation: large files are hashed while the output is laid out ------------------------------


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as large: remembered results are laid out while the file is still hashed."""
    from zibo_cli.store import read

    monkeypatch.setattr(read, "STREAM_FROM", 0)


def test_a_speculative_status_is_shown_once_the_bytes_are_confirmed(
    sample: Path, assessed_count: list[int], streamed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = record_speculations(monkeypatch)
    expected = run("status", "--wide").stdout
    run("status", env=CACHE_ON)
    assert run("status", "--wide", env=CACHE_ON).stdout == expected  # other text, the same assessments
    assert checks == [True]  # the second run was speculative, and its bytes matched
    assert assessed_count[0] == 2  # the run without cache, then the first with it


def test_an_edit_keeping_size_and_mtime_undoes_a_speculative_status(
    sample: Path, assessed_count: list[int], streamed: None
) -> None:
    run("status", env=CACHE_ON)
    info = sample.stat()
    text = sample.read_text(encoding="utf-8")
    edited = text.replace("value = 4000,", "value = 4400,", 1)
    with open(sample, "r+b") as handle:  # same inode, same size, same mtime: only the hash tells
        handle.write(edited.encode())
    os.utime(sample, ns=(info.st_atime_ns, info.st_mtime_ns))
    cached = run("--verbose", "status", "--all", env=CACHE_ON)
    assert cached.stdout == run("status", "--all").stdout
    assert assessed_count[0] == 3  # assessed again after the speculation failed, then without cache
    assert cached.stderr.count("using") == 1  # --verbose names the file once, though it was read twice


def test_an_edit_keeping_size_and_mtime_undoes_a_speculative_report(sample: Path, streamed: None) -> None:
    run("report", "--since", "1y", env=CACHE_ON)
    info = sample.stat()
    text = sample.read_text(encoding="utf-8")
    edited = text.replace("value = 4000,", "value = 4400,", 1)
    with open(sample, "r+b") as handle:
        handle.write(edited.encode())
    os.utime(sample, ns=(info.st_atime_ns, info.st_mtime_ns))
    for fmt in ("text", "md", "json"):
        cached = run("report", "--since", "1y", "--format", fmt, env=CACHE_ON)
        assert cached.stdout == run("report", "--since", "1y", "--format", fmt).stdout, fmt


# -- after a change: goals whose figures did not change keep their assessments ----------------------


@pytest.fixture
def assessed_goals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The goals assessed one by one (by assess_file or after a change), in order."""
    goals: list[str] = []
    real = progress.assess

    def counting(goal: Goal, observations: list[Observation], as_of: dt.date) -> Assessment:
        goals.append(goal.id)
        return real(goal, observations, as_of)

    monkeypatch.setattr(progress, "assess", counting)
    return goals


@pytest.mark.parametrize("how", ["add", "by hand"])
def test_after_an_append_only_the_goal_appended_to_is_assessed_again(
    sample: Path, assessed_goals: list[str], how: str
) -> None:
    run("status", env=CACHE_ON)  # parses: results without what they were computed on
    run("goals", env=CACHE_ON)
    run("add", "gdp", "4100", "--date", "2024-06-30", env=CACHE_ON)
    run("status", env=CACHE_ON)  # from the entry: results with what they were computed on
    assessed_goals.clear()
    if how == "add":
        assert run("add", "parks", "99", "--date", "2025-02-28", env=CACHE_ON).exit_code == 0
    else:
        with open(sample, "a", encoding="utf-8") as handle:
            handle.write('\n[[observations]]\ngoal = "parks"\ndate = 2025-02-28\nvalue = 99\n')
    assessed_goals.clear()
    cached = run("status", env=CACHE_ON)
    assert assessed_goals == ["parks"]  # every other goal keeps its assessment
    assert cached.stdout == run("status").stdout
    for args in (["status"], ["status", "--all", "--json"]):
        assert run(*args, env=CACHE_ON).stdout == run(*args).stdout


def test_a_changed_definition_assesses_every_goal_again(sample: Path, assessed_goals: list[str]) -> None:
    run("add", "gdp", "4100", "--date", "2024-06-30", env=CACHE_ON)
    run("status", env=CACHE_ON)
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace('unit = "亿元"', 'unit = "亿元"\nnote = "edited"', 1), encoding="utf-8")
    assessed_goals.clear()
    assert run("status", env=CACHE_ON).stdout == run("status").stdout
    everything = len(fresh(sample).goals)  # type: ignore[attr-defined]
    assert len(assessed_goals) == 2 * everything


def test_rounds_of_appends_keep_status_as_without_cache(world: Path) -> None:
    path = world / "goals.toml"
    shutil.copyfile(BUNDLED, path)
    goals = [goal for goal in fresh(path).goals][:6]  # type: ignore[attr-defined]
    for number, goal in enumerate(goals * 2):
        if number % 3 == 0:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(
                    f'\n[[observations]]\ngoal = "{goal}"\ndate = 2026-0{1 + number % 9}-15\nvalue = {number}\n'
                )
        else:
            assert (
                run("add", goal, str(number + 1), "--date", f"2026-0{1 + number % 9}-20", env=CACHE_ON).exit_code == 0
            )
        for args in (["status", "--all"], ["status", "--json", "--as-of", "2026-06-30"]):
            assert run(*args, env=CACHE_ON).stdout == run(*args).stdout, (number, goal, args)
