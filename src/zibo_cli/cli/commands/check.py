"""`zibo check`: validate the goals file; silent when all is well (after hledger check)."""

from __future__ import annotations

from typing import Annotated

import typer

from zibo_cli.cli.common import FileOption, handles_errors, location_for, one_line, state_of
from zibo_cli.errors import ExitCode


@handles_errors
def check(
    ctx: typer.Context,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Also warn of figures the plausibility guard would refuse today."),
    ] = False,
    file: FileOption = None,
) -> None:
    """Example: zibo check -f goals.toml

    Validate the goals file: TOML syntax (with line and column), unknown or missing keys, wrong types,
    observations for unknown goals, sources, dates and values, retractions. Prints nothing and exits 0
    when all is well; otherwise one line per problem (file:line: what is wrong) and exit 1. A retraction
    whose figure is no longer in the file is a warning (other commands still read the file); --strict
    also warns of figures already in the file that look like slips (`zibo add` would refuse them).
    """
    from zibo_cli.store.locate import display_path
    from zibo_cli.store.read import analyse, read_bytes

    state = state_of(ctx)
    location = location_for(state, file)
    raw = read_bytes(location)
    goals_file, problems = analyse(raw, state.env.today())
    label = display_path(location.path)
    lines = [problem.located(label) for problem in problems]
    if goals_file is not None:
        from zibo_cli.core.warnings import file_warnings

        lines += [problem.located(label) for problem in file_warnings(goals_file, raw, strict)]
    for line in lines:
        state.env.stdout.write(one_line(line) + "\n")
    if lines:
        raise typer.Exit(int(ExitCode.FINDINGS))
