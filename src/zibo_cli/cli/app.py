"""The zibo command: global options and the list of commands. Each command lives in cli/commands/."""

from __future__ import annotations

from typing import Annotated

import typer

from zibo_cli import __version__
from zibo_cli.cli.commands import add, check, export, goals, import_, init, report, show, status
from zibo_cli.cli.common import FileOption, state_of

app = typer.Typer(
    name="zibo",
    help="Example: zibo status        (where every goal stands)\n\n"
    "Track what the city of Zibo (淄博) promised against what it has reported. Goals, figures and\n"
    "sources live in one plain-text goals.toml; see the README for its format.",
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zibo {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    file: FileOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say which goals file is used.")] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", metavar="zh|en", help="Language of tables, messages and reports (else $ZIBO_LANG, else $LANG)."
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    state = state_of(ctx)
    state.file = file
    state.verbose = verbose
    state.lang = lang
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


COMMANDS = [
    ("status", status.status, "Where every goal stands, most at risk first."),
    ("add", add.add, "Append a reported figure to a goal."),
    ("show", show.show, "Everything about one goal: sources, history, progress, chart."),
    ("goals", goals.goals, "List the goals and facts."),
    ("check", check.check, "Validate the goals file; silent when all is well."),
    ("init", init.init, "Start a goals file from the bundled dataset or a template."),
    ("report", report.report, "A report for cron to mail or publish: text, Markdown, HTML or JSON."),
    ("export", export.export, "Every figure as CSV or JSON, for spreadsheets and pandas."),
    ("import", import_.import_observations, "Append figures from a CSV; bad rows reject it whole."),
]
# Negative figures (-2.1) are values, not unknown options.
SETTINGS = {"add": {"ignore_unknown_options": True}}
for name, function, summary in COMMANDS:
    app.command(name, short_help=summary, context_settings=SETTINGS.get(name))(function)


def main() -> None:
    app(prog_name="zibo")
