"""The zibo command: global options and the list of commands. Each command lives in cli/commands/."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from typing import Annotated, Any

import typer

from zibo_cli import __version__
from zibo_cli.cli.common import FileOption, state_of

HELP = (
    "Example: zibo status        (where every goal stands)\n\n"
    "Track what the city of Zibo (淄博) promised against what it has reported. Goals, figures and\n"
    "sources live in one plain-text goals.toml; see the README for its format."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zibo {__version__}")
        raise typer.Exit()


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


# name → (module in cli/commands, function, one-line summary). Modules are imported only when needed.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "status": ("status", "status", "Where every goal stands, most at risk first."),
    "add": ("add", "add", "Append a reported figure to a goal."),
    "show": ("show", "show", "Everything about one goal: sources, history, progress, chart."),
    "goals": ("goals", "goals", "List the goals and facts."),
    "check": ("check", "check", "Validate the goals file; silent when all is well."),
    "init": ("init", "init", "Start a goals file from the bundled dataset or a template."),
    "report": ("report", "report", "A report for cron: statuses, what changed, deadlines, sources."),
    "export": ("export", "export", "Every observation as CSV or JSON, for spreadsheets and pandas."),
    "import": ("import_", "import_observations", "Append figures from a CSV file, validated all or nothing."),
    "retract": ("retract", "retract", "Withdraw a wrong figure by appending a retraction (or --undo one)."),
    "edit": ("edit", "edit", "Edit the goals file in your editor: validated, atomic, never over a change."),
    "extract": ("extract", "extract", "Find the figures in a Chinese article or plan and match them to goals."),
}
# Negative figures (-2.1) are values, not unknown options.
SETTINGS: dict[str, dict[str, Any]] = {"add": {"ignore_unknown_options": True}}
GLOBAL_OPTIONS_WITH_VALUES = {"-f", "--file", "--lang"}


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app with every command, or with just the one being run.

    Typer inspects every registered command's signature on each run; registering only the invoked
    command (and importing only its module) keeps start-up short. Help and completion get them all.
    """
    application = typer.Typer(
        name="zibo",
        help=HELP,
        no_args_is_help=False,
        add_completion=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback(invoke_without_command=True)(main_options)
    for name, (module, function, summary) in COMMANDS.items():
        if only is not None and name != only:
            continue
        command = getattr(importlib.import_module(f"zibo_cli.cli.commands.{module}"), function)
        application.command(name, short_help=summary, context_settings=SETTINGS.get(name))(command)
    return application


def invoked_command(arguments: list[str]) -> str | None:
    """The command name on a command line, skipping global options (and their values) before it."""
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in GLOBAL_OPTIONS_WITH_VALUES:
            skip = True
        elif not argument.startswith("-"):
            return argument if argument in COMMANDS else None
    return None


def __getattr__(name: str) -> typer.Typer:
    """`app`, the full application (for tests and tools), built on first use."""
    if name == "app":
        globals()["app"] = build_app()
        return globals()["app"]
    raise AttributeError(name)


def main() -> None:
    completing = any(key.endswith("_COMPLETE") for key in os.environ)
    only = None if completing else invoked_command(sys.argv[1:])
    try:
        build_app(only)(prog_name="zibo")
    except SystemExit as done:
        exit_now(done.code)
    except BrokenPipeError:  # the reader went away (`| head`) while help was written
        exit_now(1)
    except OSError as error:  # help the disk had no room for (`> /dev/full`); commands report their own
        from zibo_cli.cli.common import output_error

        with contextlib.suppress(OSError):
            sys.stderr.write(f"zibo: {output_error(error)}\n")
        exit_now(2)
    exit_now(0)


def exit_now(code: int | str | None) -> None:
    """End the process without the interpreter's teardown, once all output is flushed.

    Freeing every module and object at exit took ~15 ms of a 95 ms `zibo add` (more after a large
    file); by then every write is done (atomic, synchronous) and every lock is a descriptor the kernel
    releases. Only the console script ends this way: tests calling the app in-process never do.
    """
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    status = 0 if code is None else code
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away (`| head`): quietly, with click's exit code for it
            status = status or 1
        except OSError as error:  # output the disk had no room for (`> /dev/full`)
            if stream is sys.stdout and not status:
                from zibo_cli.cli.common import output_error

                with contextlib.suppress(OSError):
                    sys.stderr.write(f"zibo: {output_error(error)}\n")
                    sys.stderr.flush()
                status = 2
        except ValueError:  # a closed stream
            pass
    os._exit(status)
