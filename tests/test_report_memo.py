"""A text, Markdown or JSON report remembered whole per day (store/results.py `load_rendered`).

Every test compares with a run without cache (ZIBO_NO_CACHE=1, the pinned world's default) and
counts how often a report was laid out and its findings found, to tell the memo was (not) used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED, PINNED_ENV, SAMPLE, record_speculations, run
from test_results_memo import CACHE_ON, REPORT_DATA, found_count, results_files, streamed
from zibo_cli.store import results
from zibo_cli.store.cache import Cache, Identity, _code_fingerprint, cache_for, unsealed
from zibo_cli.store.results import RESULTS_MAGIC

__all__ = ["found_count", "streamed"]  # fixtures, shared with tests/test_results_memo.py

RENDERERS = (
    ("zibo_cli.render.report_text", "render_text"),
    ("zibo_cli.render.report_markdown", "render_markdown"),
    ("zibo_cli.render.report_json", "render_json"),
)
RUNS = (
    ["report", "--as-of", "2026-10-05"],
    ["report", "--as-of", "2026-10-05", "--format", "md", "--horizon", "400"],
    ["report", "--as-of", "2026-10-05", "--format", "json"],
    ["report", "--as-of", "2026-10-05", "--since", "2026-10-01", "--fail-on", "at_risk"],
    ["--lang", "zh", "report", "--as-of", "2026-10-05"],
)


@pytest.fixture(autouse=True)
def memo_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about `load_rendered`, which reads the cache entry and checks a record's goals:
    the lookup without the entry (`recall_rendered`, tests/test_printed_text.py) is left out here."""
    monkeypatch.setattr(results, "recall_rendered", lambda *args: None)


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formats of the reports rendered (and not taken from the memo), in order."""
    import importlib

    calls: list[str] = []
    for module_name, function in RENDERERS:
        module = importlib.import_module(module_name)
        real = getattr(module, function)

        def counting(data: Any, _real: Any = real, _name: str = function) -> str:
            calls.append(_name.removeprefix("render_"))
            return str(_real(data))

        monkeypatch.setattr(module, function, counting)
    return calls


@pytest.fixture
def cache(world: Path) -> Cache:
    found = cache_for({"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], "HOME": os.environ["HOME"]})
    assert found is not None
    return found


def reports_files() -> list[Path]:
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "zibo"
    return sorted(folder.glob("*.reports")) if folder.exists() else []


def records(memo: Path | None = None) -> list[str]:
    """The keys of the records in a memo file (by default the one of rendered reports)."""
    if memo is None:
        [memo] = reports_files()
    with open(memo, "rb") as handle:
        return [key for key, *_ in unsealed(handle, memo.stat().st_size, RESULTS_MAGIC)["records"]]


def same_as_without_cache(*args: str, env: dict[str, str] | None = None) -> str:
    plain = run(*args, env=env)
    cached = run(*args, env={**CACHE_ON, **(env or {})})
    assert cached.exit_code == plain.exit_code, cached.stderr
    assert cached.stdout == plain.stdout, args
    assert cached.stderr == plain.stderr, args
    return cached.stdout


def edit_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace(old, new, 1)
    assert edited != text
    assert len(edited.encode()) == info.st_size
    with open(path, "r+b") as handle:  # same inode, same size
        handle.write(edited.encode())
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same mtime


# -- used, and the same bytes ------------------------------------------------------------------------


@pytest.mark.parametrize("source", [REPORT_DATA, SAMPLE, BUNDLED], ids=["report", "sample", "bundled"])
def test_a_repeated_report_is_not_laid_out_again(
    world: Path, source: Path, laid_out: list[str], found_count: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(source, world / "goals.toml")
    monkeypatch.setattr(results, "KEEP", len(RUNS))
    plain = [run(*args) for args in RUNS]
    assert len(laid_out) == found_count[0] == len(RUNS)
    first = [run(*args, env=CACHE_ON) for args in RUNS]
    assert len(laid_out) == 2 * len(RUNS)
    assert found_count[0] == len(RUNS) + 2  # two windows: the day's findings are shared by the others
    for number in range(2):
        again = [run(*args, env=CACHE_ON) for args in RUNS]
        assert len(laid_out) == 2 * len(RUNS), f"pass {number}: laid out again, not remembered"
        assert found_count[0] == len(RUNS) + 2
        for args, without, with_memo, before in zip(RUNS, plain, again, first, strict=True):
            assert with_memo.exit_code == without.exit_code == before.exit_code, with_memo.stderr
            assert with_memo.stdout == without.stdout == before.stdout, args
            assert with_memo.stderr == without.stderr, args
    if source == REPORT_DATA:
        assert any(result.exit_code == 1 for result in plain), "--fail-on never flagged a goal"
    assert sum(key.startswith("rendered ") for key in records()) == len(RUNS)


def test_a_remembered_report_reads_no_findings_and_builds_no_figure(
    world: Path, laid_out: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zibo_cli.store import cache as cache_module

    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    expected = run("report", "--as-of", "2026-10-05", "--fail-on", "off_track")
    assert run("report", "--as-of", "2026-10-05", "--fail-on", "off_track", env=CACHE_ON).stdout == expected.stdout

    def refuse(*args: object) -> None:
        raise AssertionError("the remembered report was not used")

    monkeypatch.setattr(cache_module.Entry, "goals_file", refuse)
    monkeypatch.setattr(results, "unpack_findings", refuse)
    again = run("report", "--as-of", "2026-10-05", "--fail-on", "off_track", env=CACHE_ON)
    assert (again.exit_code, again.stdout, again.stderr) == (expected.exit_code, expected.stdout, expected.stderr)
    assert again.exit_code == 1, "--fail-on flagged nothing: pick another status"
    assert laid_out == ["text", "text"]


def test_a_report_written_to_a_file_is_the_same_bytes(world: Path, laid_out: list[str]) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    for number, env in enumerate((None, CACHE_ON, CACHE_ON, CACHE_ON)):
        result = run("report", "--as-of", "2026-10-05", "-o", f"week{number}.json", env=env)
        assert result.exit_code == 0, result.stderr
    assert laid_out == ["json", "json"]
    written = {(world / f"week{number}.json").read_bytes() for number in range(4)}
    assert len(written) == 1


def test_a_new_format_of_the_day_is_laid_out_from_the_remembered_findings(
    world: Path, laid_out: list[str], found_count: list[int]
) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    run("report", "--as-of", "2026-10-05", env=CACHE_ON)
    assert (found_count[0], laid_out) == (1, ["text"])
    expected = {fmt: run("report", "--as-of", "2026-10-05", "--format", fmt).stdout for fmt in ("md", "json")}
    assert found_count[0] == 1 + 2
    del laid_out[:]
    for fmt in ("md", "json"):
        for _ in range(2):
            assert run("report", "--as-of", "2026-10-05", "--format", fmt, env=CACHE_ON).stdout == expected[fmt]
    assert found_count[0] == 1 + 2  # nothing found again
    assert laid_out == ["markdown", "json"]  # each format laid out once, from the findings


# -- everything the bytes depend on is in the key ----------------------------------------------------


def test_other_options_get_their_own_report(world: Path, laid_out: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = world / "goals.toml"
    shutil.copyfile(REPORT_DATA, path)
    monkeypatch.setattr(results, "KEEP", 20)
    base = ["report", "--as-of", "2026-10-05"]
    variants: list[tuple[list[str], dict[str, str]]] = [
        (base, {}),
        ([*base, "--format", "md"], {}),
        ([*base, "--format", "json"], {}),
        ([*base, "--horizon", "400"], {}),
        ([*base, "--horizon", "400", "--format", "json"], {}),
        ([*base, "--since", "30d"], {}),
        (["report", "--as-of", "2026-10-04"], {}),
        (["--lang", "zh", *base], {}),
        ([*base], {"ZIBO_LANG": "zh"}),  # the same language chosen another way: the same report
        (["--lang", "zh", *base, "--format", "md"], {}),
        ([*base], {"UNICODE_VERSION": "9.0.0"}),  # Rich measures cells by another Unicode version
        ([*base], {"COLUMNS": "132"}),  # the text report is 80 columns whatever the terminal: the same report
    ]
    outputs = []
    for args, env in variants:
        count = len(laid_out)
        outputs.append(same_as_without_cache(*args, env=env))
        cached = len(laid_out) - count - 1  # less the run without cache
        again = run(*args, env={**CACHE_ON, **env})
        assert again.stdout == outputs[-1], (args, env)
        assert len(laid_out) - count == 1 + cached, (args, env, "laid out again")
        if (args, env) in ((base, {"ZIBO_LANG": "zh"}), (base, {"COLUMNS": "132"})):
            assert cached == 0, (args, env, "another key for the same report")
        else:
            assert cached == 1, (args, env, "taken from another report's record")
    assert outputs[7] == outputs[8] != outputs[0]
    assert outputs[11] == outputs[0]
    assert len(set(outputs[:8])) == 8


def test_a_report_in_another_folder_prints_its_own_label(
    world: Path, laid_out: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    (world / "sub").mkdir()
    here = same_as_without_cache("-f", "goals.toml", "report", "--as-of", "2026-10-05")
    monkeypatch.chdir(world / "sub")
    there = same_as_without_cache("-f", "../goals.toml", "report", "--as-of", "2026-10-05")
    assert here != there
    assert laid_out == ["text", "text", "text", "text"]


def test_every_key_holds_the_options(world: Path) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    run("--lang", "zh", "report", "--as-of", "2026-10-05", "--since", "30d", "--horizon", "12", env=CACHE_ON)
    assert records() == [
        "rendered 2026-11-27 2026-10-05 2026-09-06 2026-10-05 ('text', 12, 'zh', (80, None), 'goals.toml')"
    ]
    [memo] = results_files()
    assert records(memo) == ["report 2026-10-05 2026-09-06 2026-10-05"]  # the findings, kept apart


def test_status_and_findings_records_never_copy_the_rendered_reports(world: Path, found_count: list[int]) -> None:
    """Rendered reports (megabytes on a large file) live in their own file: writing a status or a
    findings record neither reads nor rewrites them, and they stay usable."""
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    for fmt in ("text", "md", "json"):
        run("report", "--as-of", "2026-10-05", "--format", fmt, env=CACHE_ON)
    [reports] = reports_files()
    before = reports.stat()
    run("status", env=CACHE_ON)
    run("report", "--as-of", "2026-10-04", "--format", "json", env=CACHE_ON)  # new findings, a new report
    [memo] = results_files()
    assert [key.split()[0] for key in records(memo)] == ["report", "status", "report"]
    after = reports.stat()
    assert (after.st_ino, after.st_mtime_ns) != (before.st_ino, before.st_mtime_ns)  # the new report was added
    assert [key.split()[2] for key in records()] == ["2026-10-04"] + ["2026-10-05"] * 2  # rendered TODAY AS_OF ...
    count = found_count[0]
    run("status", "--as-of", "2026-01-01", env=CACHE_ON)
    assert (reports.stat().st_ino, reports.stat().st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    run("report", "--as-of", "2026-10-05", "--format", "md", env=CACHE_ON)
    assert found_count[0] == count


# -- never stale -------------------------------------------------------------------------------------


@pytest.mark.parametrize("speculative", [False, True], ids=["read-then-used", "speculative"])
def test_an_edit_keeping_size_and_mtime_is_never_served_from_the_memo(
    sample: Path, laid_out: list[str], speculative: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zibo_cli.store import read

    if speculative:
        monkeypatch.setattr(read, "STREAM_FROM", 0)
    args = ("report", "--since", "1y")
    for fmt in ("text", "md", "json"):
        run(*args, "--format", fmt, env=CACHE_ON)
        run(*args, "--format", fmt, env=CACHE_ON)
    assert laid_out == ["text", "markdown", "json"]
    edit_keeping_size_and_mtime(sample, "value = 4000,", "value = 4400,")
    for fmt in ("text", "md", "json"):
        cached = run(*args, "--format", fmt, env=CACHE_ON)
        assert cached.stdout == run(*args, "--format", fmt).stdout, fmt
    assert '"value": 4400' in run(*args, "--format", "json", env=CACHE_ON).stdout
    assert len(laid_out) == 3 + 6  # each format laid out again, and without cache
    now = Identity.of(os.path.realpath(sample), sample.stat(), sample.read_bytes())
    for memo in (*results_files(), *reports_files()):
        with open(memo, "rb") as handle:
            _, identity = unsealed(handle, memo.stat().st_size, RESULTS_MAGIC)["key"]
        assert identity == now, memo


def test_a_speculative_report_is_shown_once_its_bytes_are_confirmed(
    sample: Path, laid_out: list[str], streamed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = record_speculations(monkeypatch)
    expected = run("report").stdout
    run("report", env=CACHE_ON)
    assert checks == []  # nothing remembered yet: nothing to speculate on
    assert run("report", env=CACHE_ON).stdout == expected
    assert run("report", "--format", "md", env=CACHE_ON).stdout == run("report", "--format", "md").stdout
    assert checks == [True, True]  # the text report from its record, the Markdown one from the findings
    assert laid_out == ["text", "text", "markdown", "markdown"]


def test_a_report_from_findings_of_other_bytes_is_not_remembered(
    sample: Path, laid_out: list[str], streamed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Laid out speculatively from the day's findings, then the hash tells the file changed: no record."""
    written: list[str] = []
    real = results.remember

    def recording(cache: Cache, identity: Identity, key: str, *args: Any, **kwargs: Any) -> None:
        written.append(f"{identity.digest[:16]} {key.split()[0]}")
        real(cache, identity, key, *args, **kwargs)

    monkeypatch.setattr(results, "remember", recording)
    run("report", "--since", "1y", env=CACHE_ON)
    old = Identity.of(os.path.realpath(sample), sample.stat(), sample.read_bytes()).digest[:16]
    assert written == [f"{old} rendered"]
    edit_keeping_size_and_mtime(sample, "value = 4000,", "value = 4400,")
    new = Identity.of(os.path.realpath(sample), sample.stat(), sample.read_bytes()).digest[:16]
    cached = run("report", "--since", "1y", "--format", "md", env=CACHE_ON)
    assert cached.stdout == run("report", "--since", "1y", "--format", "md").stdout
    assert written == [f"{old} rendered", f"{new} rendered"]  # nothing more for the old bytes
    assert laid_out[0] == "text"
    assert set(laid_out[1:]) == {"markdown"}  # speculated from the old findings, then laid out for the real bytes


def test_a_code_change_lays_the_report_out_again(
    world: Path, laid_out: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    run("report", env=CACHE_ON)
    run("report", env=CACHE_ON)
    assert laid_out == ["text"]
    monkeypatch.setattr(results, "_rich_stamps", lambda: [(1, 2)])  # another Rich
    assert run("report", env=CACHE_ON).stdout == run("report").stdout
    assert laid_out == ["text", "text", "text"]
    assert run("report", env=CACHE_ON).stdout == run("report").stdout
    assert laid_out == ["text", "text", "text", "text"]


def test_the_fingerprint_covers_every_module_a_report_is_rendered_with(world: Path) -> None:
    """Every module of zibo that a text, Markdown or JSON report imports, in either language and
    through Rich's own layout, is stamped in the memo's fingerprint (the results' or the cache's), but
    those that only choose what goes in the key or where the bytes go."""
    shutil.copyfile(REPORT_DATA, world / "goals.toml")
    tabbed = """
[[observations]]
goal = "robots"
date = 2026-09-30
value = 70
recorded = 2026-10-03T09:00:00+08:00
note = "a\\tb"
"""
    with open(world / "goals.toml", "a", encoding="utf-8") as handle:  # a tab in the window: only Rich lays it out
        handle.write(tabbed)
    script = """
import json, sys
from typer.testing import CliRunner
from zibo_cli.cli.app import build_app
app = build_app("report")  # as the console script does: the other commands are not imported
for lang in ("en", "zh"):
    for fmt in ("text", "md", "json"):
        result = CliRunner().invoke(app, ["--lang", lang, "report", "--as-of", "2026-10-05", "--format", fmt])
        assert result.exit_code == 0, result.output
files = sorted(m.__file__ for n, m in sys.modules.items() if n.startswith("zibo_cli") and m.__file__)
print(json.dumps({"files": files, "rich_table": "rich.table" in sys.modules}))
"""
    env = {**os.environ, **PINNED_ENV}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=world, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["rich_table"], "the tab did not make Rich lay the report out"
    package = Path(results.__file__).resolve().parents[1]
    imported = {Path(file).resolve().relative_to(package).as_posix() for file in found["files"]}
    in_the_cache_fingerprint = {
        module
        for module in imported
        if (lambda info: (info.st_size, info.st_mtime_ns))(os.stat(package / module)) in _code_fingerprint()
    }
    assert {"core/model.py", "store/read.py", "store/cache.py"} <= in_the_cache_fingerprint
    keyed_or_plumbing = {
        "__init__.py",  # the version, in the cache's fingerprint
        "cli/__init__.py",
        "cli/app.py",
        "cli/common.py",  # the as-of day, the language, the file: in the key
        "cli/completion.py",
        "cli/output.py",  # writes the bytes
        "cli/commands/__init__.py",
        "core/__init__.py",
        "render/__init__.py",
        "store/__init__.py",
        "store/locate.py",  # the file's label: in the key
        "environment.py",  # today, hence the as-of day: in the key
        "errors.py",
    }
    assert imported - set(results._COMPUTING_MODULES) - in_the_cache_fingerprint - keyed_or_plumbing == set()
    assert "render/console.py" in imported


# -- damaged or foreign records are ignored ----------------------------------------------------------


@pytest.mark.parametrize("speculative", [False, True], ids=["read-then-used", "speculative"])
def test_a_damaged_report_record_is_ignored_and_replaced(
    sample: Path, cache: Cache, laid_out: list[str], speculative: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zibo_cli.store import read

    if speculative:
        monkeypatch.setattr(read, "STREAM_FROM", 0)
    args = ("report", "--as-of", "2026-10-05", "--fail-on", "at_risk")
    expected = run(*args)
    run(*args, env=CACHE_ON)
    assert laid_out == ["text", "text"]
    [key] = [key for key in records() if key.startswith("rendered ")]
    entry = cache.open(os.path.realpath(sample), sample.stat(), None)
    assert entry is not None
    identity, goals = entry.identity, list(entry.definitions.goals)
    entry.close()
    statuses = ["at_risk"] * len(goals)
    damaged_documents: list[Any] = [
        "not a tuple",
        (b"text", goals),
        (b"text", ["only one goal"], ["at_risk"]),
        ("text, not bytes", goals, statuses),
        (b"text", goals, ["no such status"] * len(goals)),
        (b"text", [*goals[:-1], "another"], statuses),
        (b"text", [*goals[:-1], ["unhashable"]], statuses),
        (b"text", goals, statuses[1:]),
        (b"text", goals, None),
    ]
    for number, document in enumerate(damaged_documents):
        results.remember(cache, identity, key, document)
        again = run(*args, env=CACHE_ON)
        assert (again.exit_code, again.stdout, again.stderr) == (expected.exit_code, expected.stdout, expected.stderr)
        assert len(laid_out) == 3 + number, document
    assert run(*args, env=CACHE_ON).stdout == expected.stdout
    assert len(laid_out) == 2 + len(damaged_documents), "the rewritten record is not used"
    [memo] = reports_files()
    with open(memo, "rb") as handle:
        listed = unsealed(handle, memo.stat().st_size, RESULTS_MAGIC)["records"]
        body = handle.tell()
    [(offset, length)] = [(offset, length) for name, offset, length, _ in listed if name == key]
    good = memo.read_bytes()
    middle = body + offset + length // 2
    memo.write_bytes(good[:middle] + bytes([good[middle] ^ 0x20]) + good[middle + 1 :])  # a flipped bit
    assert run(*args, env=CACHE_ON).stdout == expected.stdout
    assert len(laid_out) == 3 + len(damaged_documents)
