"""`zibo show`: everything about one goal."""

from __future__ import annotations

import typer

from zibo_cli.cli.common import (
    AsOfOption,
    FileOption,
    GoalArgument,
    JsonOption,
    as_of_day,
    dump_json,
    footer,
    handles_errors,
    head_for,
    state_of,
)


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
    from zibo_cli.core.counting import active_retractions, standing
    from zibo_cli.core.progress import assess
    from zibo_cli.core.refs import figure_ref, shown_refs

    state = state_of(ctx)
    day = as_of_day(state, as_of)
    head = head_for(state, file)  # the goals, sources and this goal's figures: not all 100,000
    try:
        chosen = resolve_goal(goal, head.definitions)
        figures = head.figures(chosen.id)
        # A ref is shown as the shortest prefix no other figure's ref in the file starts with.
        short = shown_refs({figure_ref(figure) for figure in figures}, head.refs())
    finally:
        head.close()
    assessment = assess(chosen, figures, day)
    if json_output:
        from zibo_cli.render.assessment_json import assessment_json, observation_json

        active = active_retractions(chosen.retractions)
        document = assessment_json(assessment)
        document["observations"] = []
        for figure, why in standing(chosen, assessment.history):
            ref = figure_ref(figure)
            retraction = active.get(ref) if why == "retracted" else None
            extra = {"ref": ref, "counts": why is None, "superseded": why == "superseded"}
            extra["retracted"] = retraction.reason if retraction else None
            document["observations"].append(observation_json(figure) | extra)
        dump_json(state, {"as_of": day.isoformat(), "file": str(head.location.path), "goal": document})
        return
    from zibo_cli.render.console import make_console
    from zibo_cli.render.show_view import show_goal

    console = make_console(state.env)
    show_goal(console, assessment, head.definitions, short)  # it reads the file's sources only
    console.print(footer(state, head, day), style="dim", soft_wrap=True)  # a long path must not break mid-word
