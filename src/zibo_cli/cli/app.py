"""The zibo command: global options and the list of commands. Each command lives in cli/commands/."""

from __future__ import annotations

from typing import Annotated

import typer

from zibo_cli import __version__
from zibo_cli.cli.commands import add, check, export, goals, import_, init, report, show, status
from zibo_cli.cli.common import FileOption, state_of

app = typer.Typer(
    name="zibo",
    help="Track what the city of Zibo (淄博) promised against what it has reported.\n\n"
    "Example: zibo status        (where every goal stands)\n\n"
    "Goals, figures and sources live in one plain-text goals.toml; see the README for its format.",
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
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    state = state_of(ctx)
    state.file = file
    state.verbose = verbose
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


app.command("status")(status.status)
app.command("add")(add.add)
app.command("show")(show.show)
app.command("goals")(goals.goals)
app.command("check")(check.check)
app.command("init")(init.init)
app.command("report")(report.report)
app.command("export")(export.export)
app.command("import")(import_.import_observations)


def main() -> None:
    app(prog_name="zibo")
