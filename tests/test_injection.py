"""Injection: text from the goals file reaches the terminal as text, never as escapes or markup.

Names, units, categories, notes, quotes and sources below carry Rich markup, ANSI and OSC escape
sequences, a bell, bidi overrides, HTML, Markdown table pipes, newlines and spreadsheet formulas.
Whatever the command, the terminal gets no escape sequence from the file (only zibo's own colours,
when it chose colour) and shows `[red]` literally.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import run, run_installed
from zibo_cli.cli.app import app
from zibo_cli.cli.common import State
from zibo_cli.environment import Environment

CLEAR = "\x1b[2J"
OSC_LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
NASTY = f"[red]红[/red] {CLEAR}<script>alert(1)</script> | =cmd() \x07 \u202eevil"
NASTY_EN = NASTY + "\nLine two [link=https://evil.example]x[/link]"


def q(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


GOALS = f"""\
schema = 1
title = {q(NASTY)}

[sources.plan]
title = "[bold]Plan[/bold] \\u001b[31mred\\u001b[0m"
publisher = "=HYPERLINK(\\"https://evil.example\\")"
url = "https://example.org/?a=<b>&c=|"

[goals.nasty]
name = {q(NASTY)}
name_en = {q(NASTY_EN)}
unit = "亿元"
category = "[blink]cat\\u001b[5m"
note = {q(OSC_LINK)}
quote = "<img src=x onerror=alert(1)>"
source = "plan"
baseline = {{ value = 10, date = 2021-12-31 }}
target = {{ value = 100, by = 2026-12-31, note = "\\u001b[2J" }}

[goals.two-lines]
name = "两行\\n名称 | pipe"
unit = "个"
target = {{ value = 5, by = 2027-12-31 }}

[goals.odd-unit]
name = "件数"
unit = "[u]件\\u001b[0m"

[[observations]]
goal = "nasty"
date = 2024-12-31
value = 40
source = "plan"
note = "=1+2 | a\\nb \\u001b[2J [red]note[/red]"
quote = "@SUM(A1:A9) \\r -2+3"
recorded = 2025-06-01T10:00:00+08:00

[[observations]]
goal = "odd-unit"
date = 2024-12-31
value = 7
source = "Free text \\u001b[31m source [red]x[/red]"

[[observations]]
goal = "two-lines"
date = 2025-01-31
value = 3
source = "+cmd|' /C calc'!A0"
note = "line one\\nline two | cell"
recorded = 2025-06-02T10:00:00+08:00
"""

COMMANDS = [
    ("status", "--all", "--wide", "--as-of", "2025-06-30"),
    ("status", "--as-of", "2025-06-30"),
    ("show", "nasty", "--as-of", "2025-06-30"),
    ("show", "odd-unit", "--as-of", "2025-06-30"),
    ("goals",),
    ("add", "nasty", "50", "--date", "2025", "--note", f"typed {CLEAR} [red]too[/red]"),
]


@pytest.fixture
def nasty(world: Path) -> Path:
    path = world / "goals.toml"
    path.write_text(GOALS, encoding="utf-8")
    assert run("check").exit_code == 0, run("check").stdout
    return path


def assert_neutral(output: str, colour: bool = False, data: bool = False) -> None:
    """No escape sequence from the file; for data (JSON in a pipe) bidi characters are just text."""
    assert CLEAR not in output
    assert "\x1b]" not in output, "an OSC sequence (hyperlink, title) got through"
    assert "\x07" not in output
    assert data or "\u202e" not in output, "a bidi override got through"
    assert "[/red]" not in output or "[red]" in output  # markup is shown, not interpreted
    if not colour:
        assert "\x1b" not in output


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: "-".join(args[:2]))
@pytest.mark.parametrize("columns", ["80", "200"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_file_text_reaches_the_terminal_neutralised(
    args: tuple[str, ...], columns: str, lang: str, nasty: Path
) -> None:
    result = run(*args, env={"COLUMNS": columns, "ZIBO_LANG": lang})
    assert result.exit_code == 0, result.stderr
    assert_neutral(result.stdout)
    assert_neutral(result.stderr)
    if columns == "200" and "odd-unit" not in args:
        assert "[red]红[/red]" in result.stdout
        assert "\\x1b[2J" in result.stdout  # visible, as text


class Terminal(io.StringIO):
    """A stdout that says it is a terminal, so zibo chooses colour."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: "-".join(args[:2]))
def test_with_colour_only_zibos_own_styles_are_escapes(args: tuple[str, ...], nasty: Path) -> None:
    import os

    stdout, stderr = Terminal(), io.StringIO()
    variables = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm-256color"}
    env = Environment(stdout=stdout, stderr=stderr, stdin=None, variables=variables, cwd=nasty.parent)
    result = CliRunner().invoke(app, list(args), obj=State(env), catch_exceptions=False)
    assert result.exit_code == 0, stderr.getvalue()
    output = stdout.getvalue()
    assert "\x1b[" in output or args[0] == "add", "colour was expected on a terminal"
    assert_neutral(output, colour=True)
    # Every escape is an SGR colour sequence zibo (Rich) wrote: ESC [ digits ; ... m
    import re

    assert re.fullmatch(r"(?:[^\x1b]|\x1b\[[0-9;]*m)*", output, re.DOTALL)


@pytest.mark.parametrize("args", [("status", "--json", "--all"), ("show", "nasty", "--json"), ("goals", "--json")])
def test_json_escapes_control_characters(args: tuple[str, ...], nasty: Path) -> None:
    import json

    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "[red]红[/red]" in json.dumps(json.loads(result.stdout), ensure_ascii=False)


def test_problems_quoting_the_file_are_neutralised(world: Path) -> None:
    """Keys and ids from the file appear in `check` lines and error messages: escapes become visible."""
    (world / "goals.toml").write_text(
        'schema = 1\n[goals.a]\nname = "a"\nunit = "个"\n"\\u001b[2Jevil\\u0007" = 1\n"[red]x[/red]\\nline" = 2\n',
        encoding="utf-8",
    )
    checked = run("check")
    assert checked.exit_code == 1
    assert_neutral(checked.stdout)
    lines = checked.stdout.splitlines()
    assert len(lines) == 2, "a newline in a key split a problem over two lines"
    assert "unknown key '\\x1b[2Jevil\\x07'" in lines[0]
    assert "unknown key '[red]x[/red]\\nline'" in lines[1]
    refused = run("status")
    assert refused.exit_code == 2
    assert_neutral(refused.stderr)
    assert "\\x1b[2J" in refused.stderr


def test_arguments_echoed_in_errors_are_neutralised(sample: Path) -> None:
    result = run("show", f"{CLEAR}gdp\x07")
    assert result.exit_code == 2
    assert_neutral(result.stderr)
    assert "no goal '\\x1b[2Jgdp\\x07'" in result.stderr


def test_the_installed_command_neutralises_too(nasty: Path) -> None:
    result = run_installed("show", "nasty", "--as-of", "2025-06-30", cwd=nasty.parent)
    assert result.exit_code == 0, result.stderr
    assert_neutral(result.stdout)
    assert "[red]红[/red]" in result.stdout


# -- reports and exports --------------------------------------------------------------------------------

REPORT = ("report", "--as-of", "2025-06-30", "--since", "2y")


def test_markdown_report_escapes_pipes_and_keeps_rows_whole(nasty: Path) -> None:
    result = run(*REPORT, "--format", "md")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert_neutral(md)
    assert "<script>" not in md
    assert "<img" not in md
    # Every row of a table has as many cells as its header: no | or newline from the file split one.
    for table in re.findall(r"((?:^\|.*\|\n)+)", md, re.MULTILINE):
        rows = table.splitlines()
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, table
    assert "line one<br>line two \\| cell" in md
    assert "两行<br>名称 \\| pipe" in md
    assert "\\[red\\]红\\[/red\\]" in md  # shown literally, not as a Markdown link or markup


def test_html_report_escapes_everything_from_the_file(nasty: Path) -> None:
    from html.parser import HTMLParser

    result = run(*REPORT, "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert "\x1b" not in page
    assert "\x07" not in page

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append((tag, attrs))

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    parser = Collect()
    parser.feed(page)
    names = [tag for tag, _ in parser.tags]
    assert "script" not in names
    assert "img" not in names
    assert not [(tag, name) for tag, attrs in parser.tags for name, _ in attrs if name.startswith("on")]
    text = "".join(parser.text)
    assert "<script>alert(1)</script>" in text  # the file's text, shown as text
    assert "[red]红[/red]" in text
    assert "line one" in text
    assert "line two | cell" in text


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_text_and_json_reports_are_neutral(output_format: str, nasty: Path) -> None:
    result = run(*REPORT, "--format", output_format)
    assert result.exit_code == 0, result.stderr
    assert_neutral(result.stdout, data=output_format == "json")
    if output_format == "json":
        assert json.loads(result.stdout)["title"] == NASTY  # data, exactly
    else:
        assert "[red]红[/red]" in result.stdout


def test_csv_export_neutralises_formulas_and_round_trips_exactly(nasty: Path, world: Path) -> None:
    import csv

    from zibo_cli.store.read import analyse

    result = run("export", "--output", "all.csv")
    assert result.exit_code == 0, result.stderr
    with (world / "all.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    text_columns = ("goal", "name", "unit", "source", "quote", "note")
    for row in rows:
        for column in text_columns:
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), (column, row[column])
    by_goal = {row["goal"]: row for row in rows}
    assert by_goal["nasty"]["note"].startswith("'=1+2")
    assert by_goal["nasty"]["quote"].startswith("'@SUM")
    assert by_goal["two-lines"]["source"].startswith("'+cmd")
    assert by_goal["two-lines"]["note"] == "line one\nline two | cell"

    # Back into a copy without figures: every hostile string comes back exactly as it was.
    original = analyse(nasty.read_bytes(), None)[0]
    empty = world / "empty.toml"
    empty.write_text(GOALS.split("[[observations]]")[0], encoding="utf-8")
    imported = run("import", "-f", str(empty), "all.csv")
    assert imported.exit_code == 0, imported.stderr
    copy = analyse(empty.read_bytes(), None)[0]
    assert original is not None
    assert copy is not None
    fields = ("goal", "date", "value", "source", "quote", "note")
    assert [[getattr(o, f) for f in fields] for o in copy.observations] == [
        [getattr(o, f) for f in fields] for o in original.observations
    ]


@pytest.mark.parametrize("args", [("export",), ("export", "--format", "json"), (*REPORT, "--format", "html")])
def test_exports_to_a_terminal_are_neutralised_but_byte_exact_when_piped(args: tuple[str, ...], nasty: Path) -> None:
    import os

    stdout = Terminal()
    env = Environment(stdout=stdout, stderr=io.StringIO(), stdin=None, variables=dict(os.environ), cwd=nasty.parent)
    result = CliRunner().invoke(app, list(args), obj=State(env), catch_exceptions=False)
    assert result.exit_code == 0
    assert_neutral(stdout.getvalue())
    piped = run(*args)
    assert piped.exit_code == 0
    if args == ("export",):
        assert "\x1b[2J" in piped.stdout, "a CSV in a pipe or a file keeps the data exactly"
