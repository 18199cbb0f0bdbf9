"""Printed text remembered (cli/printed.py, store/results.py `recall_printed`): a repeated `status` or
`show` prints what it printed before for the very same bytes, day and options, and never anything else."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import BUNDLED, PINNED_ENV, SAMPLE, run
from test_injection import Terminal
from test_results_memo import CACHE_ON, assessed_count
from zibo_cli.cli.app import app
from zibo_cli.cli.common import State
from zibo_cli.environment import Environment
from zibo_cli.store import read, results
from zibo_cli.store.cache import _code_fingerprint

__all__ = ["assessed_count"]  # a fixture, used by name

STATUS_OPTIONS = (
    (),
    ("--wide",),
    ("--all",),
    ("--category", "industry"),
    ("--status", "on_track,no-data"),
    ("--status", "no-data,on_track"),
    ("--sort", "id"),
    ("--sort", "deadline", "--all"),
    ("--as-of", "2025-06-30"),
)
SHOW_QUERIES = ("gdp", "GDP", "share", "water", "Water-quality", "parks")
REPORT_OPTIONS = (
    (),
    ("--format", "md"),
    ("--format", "json"),
    ("--since", "30d"),
    ("--since", "1y", "--horizon", "400"),
    ("--fail-on", "at_risk"),
    ("--fail-on", "missed", "--format", "json"),
    ("--as-of", "2025-06-30"),
)
SETTINGS = (
    {},
    {"COLUMNS": "120"},
    {"COLUMNS": "60"},
    {"ZIBO_LANG": "zh"},
    {"ZIBO_NOW": "2026-12-01T10:00:00+08:00"},
    {"UNICODE_VERSION": "9.0.0"},
)


def texts_files() -> list[Path]:
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "zibo"
    return sorted(folder.glob("*" + results.TEXTS_SUFFIX)) if folder.exists() else []


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The commands that laid their text out, or built it with Rich, instead of printing it remembered."""
    from zibo_cli.render import show_view, status_view

    calls: list[str] = []
    for module, name in ((status_view, "plain_status"), (show_view, "show_goal")):
        real = getattr(module, name)

        def counting(*args: Any, __real: Any = real, __name: str = name, **kwargs: Any) -> Any:
            calls.append(__name)
            return __real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    return calls


@pytest.mark.parametrize("source", [SAMPLE, BUNDLED], ids=["sample", "bundled"])
def test_a_repeated_status_prints_its_text_again_without_laying_it_out(
    world: Path, source: Path, laid_out: list[str], assessed_count: list[int]
) -> None:
    shutil.copyfile(source, world / "goals.toml")
    expected = run("status")
    first = run("status", env=CACHE_ON)
    assert laid_out == ["plain_status"] * 2
    assert texts_files(), "the text was not remembered"
    again = run("status", env=CACHE_ON)
    assert (
        (again.exit_code, again.stdout, again.stderr)
        == (0, expected.stdout, expected.stderr)
        == (
            first.exit_code,
            first.stdout,
            first.stderr,
        )
    )
    assert laid_out == ["plain_status"] * 2, "laid out again"
    assert assessed_count[0] == 2


def test_a_repeated_show_prints_its_text_again_without_reading_the_goal(
    sample: Path, laid_out: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run("show", "gdp")
    run("show", "gdp", env=CACHE_ON)
    loads: list[str] = []
    real = read.load_head
    monkeypatch.setattr(read, "load_head", lambda *args, **kwargs: loads.append("head") or real(*args, **kwargs))
    again = run("show", "gdp", env=CACHE_ON)
    assert (again.exit_code, again.stdout, again.stderr) == (0, expected.stdout, expected.stderr)
    assert loads == []
    assert laid_out == ["show_goal"] * 2


@pytest.mark.parametrize("options", REPORT_OPTIONS[:3] + REPORT_OPTIONS[5:7])
def test_a_repeated_report_prints_it_again_without_reading_the_cache(
    sample: Path, options: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run("report", *options)
    first = run("report", *options, env=CACHE_ON)
    loads: list[int] = []
    real = results.load_rendered
    monkeypatch.setattr(results, "load_rendered", lambda *a, **k: loads.append(1) or real(*a, **k))
    again = run("report", *options, env=CACHE_ON)
    assert loads == [], "not printed from what was kept"
    for result in (first, again):
        assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)
        assert result.stderr == expected.stderr


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.tuples(st.just("status"), st.sampled_from(STATUS_OPTIONS)),
                st.tuples(st.just("show"), st.sampled_from(SHOW_QUERIES).map(lambda query: (query,))),
                st.tuples(st.just("report"), st.sampled_from(REPORT_OPTIONS)),
            ),
            st.sampled_from(SETTINGS),
        ),
        min_size=2,
        max_size=8,
    )
)
def test_whatever_ran_before_each_run_prints_what_a_run_without_cache_prints(
    sample: Path, runs: list[tuple[tuple[str, tuple[str, ...]], dict[str, str]]]
) -> None:
    """Every option, setting and goal query is in the key: no run ever prints another run's text (or
    exits otherwise: `report --fail-on` reads the statuses kept with the report)."""
    for (command, options), setting in runs:
        plain = run(command, *options, env=setting)
        cached = run(command, *options, env={**CACHE_ON, **setting})
        assert (cached.exit_code, cached.stdout, cached.stderr) == (plain.exit_code, plain.stdout, plain.stderr), (
            command,
            options,
            setting,
        )


def test_the_files_label_is_in_the_key(world: Path) -> None:
    """The footer names the file as given: from another folder, it is named otherwise."""
    shutil.copyfile(SAMPLE, world / "goals.toml")
    (world / "sub").mkdir()
    run("status", env=CACHE_ON)
    os.chdir(world / "sub")
    for args in (["-f", "../goals.toml", "status"], ["-f", str(world / "goals.toml"), "status"]):
        assert run(*args, env=CACHE_ON).stdout == run(*args).stdout
        assert run(*args, env=CACHE_ON).stdout == run(*args).stdout


def test_an_edit_keeping_size_mtime_and_inode_is_printed_afresh(sample: Path) -> None:
    for args in (["status"], ["show", "gdp"]):
        run(*args, env=CACHE_ON)
        run(*args, env=CACHE_ON)
    info = sample.stat()
    text = sample.read_text(encoding="utf-8")
    edited = text.replace("value = 4884.1", "value = 4884.7", 1)
    assert edited != text
    with open(sample, "r+b") as handle:  # only the digest tells
        handle.write(edited.encode())
    os.utime(sample, ns=(info.st_atime_ns, info.st_mtime_ns))
    for args in (["status"], ["show", "gdp"]):
        assert run(*args, env=CACHE_ON).stdout == run(*args).stdout, args


def test_after_an_add_the_new_figure_is_printed(sample: Path) -> None:
    before = run("show", "gdp", env=CACHE_ON).stdout
    status_before = run("status", env=CACHE_ON).stdout
    added = run("add", "gdp", "5200", "--date", "2026-06-30", "--source", "plan", env=CACHE_ON)
    assert added.exit_code == 0, added.stderr
    after = run("show", "gdp", env=CACHE_ON).stdout
    assert after != before
    assert "520 bn yuan" in after
    assert after == run("show", "gdp").stdout
    assert run("status", env=CACHE_ON).stdout == run("status").stdout != status_before


def test_today_is_in_the_key(sample: Path) -> None:
    """A figure recorded after today must be refused, not printed from a record made on a later day."""
    later = {"ZIBO_NOW": "2027-03-01T10:00:00+08:00"}
    added = run("add", "gdp", "5200", "--date", "2027-02-28", "--source", "plan", env={**CACHE_ON, **later})
    assert added.exit_code == 0, added.stderr
    for args in (
        ["status", "--as-of", "2026-11-27"],
        ["show", "gdp", "--as-of", "2026-11-27"],
        ["report", "--as-of", "2026-11-27"],
    ):
        assert run(*args, env={**CACHE_ON, **later}).exit_code == 0
        refused = run(*args, env=CACHE_ON)  # today is 2026-11-27 again: the figure is in the future
        assert refused.exit_code == 2, args
        assert "in the future" in refused.stderr, args


@pytest.mark.parametrize("position", ["header", "record"])
def test_a_damaged_text_record_is_ignored_and_replaced(sample: Path, position: str) -> None:
    expected = run("status").stdout
    run("status", env=CACHE_ON)
    [texts] = texts_files()
    data = bytearray(texts.read_bytes())
    where = 40 if position == "header" else len(data) - 100
    data[where] ^= 0x20
    texts.write_bytes(bytes(data))
    assert run("status", env=CACHE_ON).stdout == expected
    assert run("status", env=CACHE_ON).stdout == expected


def test_json_colour_and_no_cache_remember_no_text(sample: Path) -> None:
    run("status", "--json", env=CACHE_ON)
    run("show", "gdp", "--json", env=CACHE_ON)
    assert texts_files() == []
    run("status", env={"ZIBO_NO_CACHE": "1"})
    assert texts_files() == []
    variables = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm-256color", **CACHE_ON}
    for args in (["status"], ["show", "gdp"]):
        for _ in range(2):
            stdout, stderr = Terminal(), io.StringIO()
            env = Environment(stdout=stdout, stderr=stderr, stdin=None, variables=variables, cwd=sample.parent)
            result = CliRunner().invoke(app, args, obj=State(env), catch_exceptions=False)
            assert result.exit_code == 0, stderr.getvalue()
            assert "\x1b[" in stdout.getvalue(), "not in colour"
    assert texts_files() == []


def test_verbose_names_the_file_once(sample: Path) -> None:
    for args in (["--verbose", "status"], ["--verbose", "show", "gdp"]):
        for _ in range(2):  # laid out, then remembered
            assert run(*args, env=CACHE_ON).stderr.count("using") == 1, args


def test_only_the_last_few_texts_are_kept(sample: Path) -> None:
    days = [f"2025-{month:02}-01" for month in range(1, results.KEEP_TEXT + 3)]
    for day in days:
        run("status", "--as-of", day, env=CACHE_ON)
    [texts] = texts_files()
    from zibo_cli.store.cache import unsealed

    with open(texts, "rb") as handle:
        keys = [key for key, *_ in unsealed(handle, texts.stat().st_size, results.RESULTS_MAGIC)["records"]]
    assert len(keys) == results.KEEP_TEXT
    assert all(key.startswith("text status ") for key in keys)
    assert days[-1] in keys[0]
    assert days[0] not in " ".join(keys)


@pytest.mark.parametrize("args", [["status", "--all"], ["show", "gdp"]])
def test_the_fingerprint_covers_what_prints_the_text(world: Path, args: list[str]) -> None:
    """Every module of zibo's and Rich's that lays the text out is in the memo's fingerprint (or its key)."""
    shutil.copyfile(SAMPLE, world / "goals.toml")
    script = f"""
import json, sys
from typer.testing import CliRunner
from zibo_cli.cli.app import app
result = CliRunner().invoke(app, {args!r})
assert result.exit_code == 0, result.output
files = sorted(m.__file__ for n, m in sys.modules.items() if n.startswith("zibo_cli") and m.__file__)
rich = sorted(n for n in sys.modules if n.startswith("rich"))
print(json.dumps({{"files": files, "rich": rich}}))
"""
    env = {**os.environ, **PINNED_ENV, "ZIBO_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=world, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    package = Path(results.__file__).resolve().parents[1]
    imported = {Path(file).resolve().relative_to(package).as_posix() for file in found["files"]}
    stamps = {*results.fingerprint(), *_code_fingerprint()}  # the cache's, nested in the memo's
    fingerprinted = {
        module
        for module in imported
        if (lambda info: (info.st_size, info.st_mtime_ns))(os.stat(package / module)) in stamps
    }
    keyed_or_plumbing = {
        "__init__.py",
        "cli/__init__.py",
        "cli/app.py",
        "cli/completion.py",
        "cli/commands/__init__.py",
        "cli/output.py",  # writes the text
        "core/__init__.py",
        "render/__init__.py",
        "store/__init__.py",
        "store/locate.py",  # the file's label and origin: in the key
        "environment.py",  # today, the width: in the key
        "errors.py",
    }
    commands = {
        f"cli/commands/{name}.py" for name in ("add", "check", "edit", "export", "extract", "goals", "import_", "init")
    }
    commands.add("cli/commands/report.py")  # CliRunner builds the whole app; none of them prints this text
    assert imported - fingerprinted - keyed_or_plumbing - commands == set()
    not_layout = {
        "rich._emoji_replace", "rich._export_format", "rich._extension", "rich._fileno", "rich._log_render",
        "rich._null_file", "rich._palettes", "rich.color", "rich.color_triplet", "rich.default_styles",
        "rich.emoji", "rich.errors", "rich.highlighter", "rich.jupyter", "rich.markup", "rich.pager",
        "rich.palette", "rich.region", "rich.repr", "rich.screen", "rich.terminal_theme", "rich.theme",
        "rich.themes",
    }  # fmt: skip  # colour, markup and emoji are off in plain text; the rest is plumbing
    stamped = {"rich." + name.removesuffix(".py").replace("/", ".") for name in results._RICH_MODULES}
    stamped = {name.removesuffix(".__init__") for name in stamped}
    unicode_tables = {name for name in found["rich"] if name.startswith("rich._unicode_data.unicode")}
    assert set(found["rich"]) - stamped - not_layout - unicode_tables == set()
