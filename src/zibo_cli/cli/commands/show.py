"""`zibo show`: everything about one goal."""

from __future__ import annotations

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
    location_for,
    state_of,
)
from zibo_cli.cli.output import plain_possible, write_text


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
    location = location_for(state, file)
    printed = None
    if not json_output and plain_possible(state.env):  # the text printed for these bytes before (cli/printed.py)
        from zibo_cli.cli.printed import PrintedText

        printed = PrintedText(state, location, "show", day, (goal,))
        if (text := printed.recalled()) is not None:
            write_text(state.env, text)
            return
    loaded = head_for(state, file, location)  # the goals, sources and this goal's figures: not all 100,000
    chosen = resolve_goal(goal, loaded.definitions)
    assessment = assess(chosen, loaded.figures_of(chosen.id, state.env.today(), cache_of(state)), day)
    loaded.close()
    if json_output:
        from zibo_cli.render.assessment_json import assessment_json, observation_json

        document = assessment_json(assessment)
        document["observations"] = [observation_json(o) for o in assessment.observations]
        dump_json(state, {"as_of": day.isoformat(), "file": str(loaded.location.path), "goal": document})
        return
    from zibo_cli.render.console import make_console, plain_console
    from zibo_cli.render.show_view import show_goal

    console = make_console(state.env) if printed is None else plain_console(state.env.width)
    show_goal(console, assessment, loaded.definitions)  # it reads the file's sources only
    console.print(footer(state, loaded, day), style="dim", soft_wrap=True)  # a long path must not break mid-word
    if printed is not None:  # laid out in memory, as it would have been on stdout
        text = console.file.getvalue()
        write_text(state.env, text)
        printed.keep(loaded.identity, text)
