"""`zibo check`: validate the goals file; silent when all is well (after hledger check)."""

from __future__ import annotations

import typer

from zibo_cli.cli.common import FileOption, handles_errors, location_for, one_line, state_of
from zibo_cli.errors import ExitCode


@handles_errors
def check(ctx: typer.Context, file: FileOption = None) -> None:
    """Example: zibo check -f goals.toml

    Validate the goals file: TOML syntax (with line and column), unknown or missing keys, wrong types,
    observations for unknown goals, sources, dates and values. Prints nothing and exits 0 when all is
    well; otherwise one line per problem (file:line: what is wrong) and exit 1.
    """
    from zibo_cli.store.locate import display_path
    from zibo_cli.store.read import analyse, read_bytes

    state = state_of(ctx)
    location = location_for(state, file)
    _, problems = analyse(read_bytes(location), state.env.today())
    label = display_path(location.path)
    for problem in problems:
        state.env.stdout.write(one_line(problem.located(label)) + "\n")
    if problems:
        raise typer.Exit(int(ExitCode.FINDINGS))
