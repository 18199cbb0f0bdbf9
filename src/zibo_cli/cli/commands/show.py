"""`zibo show`: everything about one goal."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from zibo_cli.cli.common import (
    AsOfOption,
    FileOption,
    GoalArgument,
    JsonOption,
    as_of_day,
    cache_of,
    dump_json,
    footer,
    handles_errors,
    head_for,
    state_of,
)

if TYPE_CHECKING:
    from zibo_cli.cli.common import State
    from zibo_cli.core.model import Observation
    from zibo_cli.store.read import FileHead


@handles_errors
def show(
    ctx: typer.Context,
    goal: GoalArgument,
    file: FileOption = None,
    as_of: AsOfOption = None,
    json_output: JsonOption = False,
) -> None:
    """Example: zibo show gdp --as-of 2025-12-31

    Show one goal: its definition, sources and quotes, every stage of its target, the full history of
    figures, the progress assessment and a chart of the figures against the required path.
    """
    from zibo_cli.cli.goal_lookup import resolve_goal
    from zibo_cli.core.progress import assess

    state = state_of(ctx)
    day = as_of_day(state, as_of)
    loaded = head_for(state, file)  # the goals, sources and this goal's figures: not all 100,000
    try:
        chosen = resolve_goal(goal, loaded.definitions)
        figures = _figures(state, loaded, chosen.id)
    finally:
        if loaded.entry is not None:
            loaded.entry.close()
    assessment = assess(chosen, figures, day)
    if json_output:
        from zibo_cli.render.assessment_json import assessment_json, observation_json

        document = assessment_json(assessment)
        document["observations"] = [observation_json(o) for o in assessment.observations]
        dump_json(state, {"as_of": day.isoformat(), "file": str(loaded.location.path), "goal": document})
        return
    from zibo_cli.render.console import make_console
    from zibo_cli.render.show_view import show_goal

    console = make_console(state.env)
    show_goal(console, assessment, loaded.definitions)  # it reads the file's sources only
    console.print(footer(state, loaded, day), style="dim", soft_wrap=True)  # a long path must not break mid-word


def _figures(state: State, head: FileHead, goal_id: str) -> list[Observation]:
    """The goal's figures in file order: from its blobs in the cache entry, else from the whole file."""
    try:
        return head.observations_for(goal_id)
    except Exception:  # a damaged cache entry: the file is parsed (and the entry rewritten)
        from zibo_cli.store.read import load

        return load(head.location, state.env.today(), cache_of(state)).goals_file.observations_for(goal_id)
