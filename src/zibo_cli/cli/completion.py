"""Shell completion of goal ids from the goals file in use (Typer's completion calls this)."""

from __future__ import annotations

import typer

from zibo_cli.environment import Environment


def complete_goal_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Ids (with names as help) of the file the command line names, or of the usual file; quiet on failure."""
    from zibo_cli.store.locate import locate
    from zibo_cli.store.read import analyse, read_bytes

    env = Environment()
    explicit = ctx.params.get("file") or (ctx.parent.params.get("file") if ctx.parent else None)
    try:
        location = locate(explicit, env.variables, env.cwd)
        goals_file, _ = analyse(read_bytes(location), None)
    except Exception:  # completion must never print a traceback into the user's shell
        return []
    if goals_file is None:
        return []
    return [(goal.id, goal.name) for goal in goals_file.goals.values() if goal.id.startswith(incomplete)]
