"""Injection: text from the goals file reaches the terminal as text, never as escapes or markup.

Names, units, categories, notes, quotes and sources below carry Rich markup, ANSI and OSC escape
sequences, a bell, bidi overrides, HTML, Markdown table pipes, newlines and spreadsheet formulas.
Whatever the command, the terminal gets no escape sequence from the file (only zibo's own colours,
when it chose colour) and shows `[red]` literally.
"""

from __future__ import annotations

import io
import json
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

[[observations]]
goal = "odd-unit"
date = 2024-12-31
value = 7
source = "Free text \\u001b[31m source [red]x[/red]"
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


def assert_neutral(output: str, colour: bool = False) -> None:
    assert CLEAR not in output
    assert "\x1b]" not in output, "an OSC sequence (hyperlink, title) got through"
    assert "\x07" not in output
    assert "\u202e" not in output, "a bidi override got through"
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
