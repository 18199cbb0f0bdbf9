"""`zibo goals`: the list of goals and facts."""

from __future__ import annotations

from typing import Annotated

import typer

from zibo_cli.cli.common import (
    FileOption,
    JsonOption,
    dump_json,
    footer,
    handles_errors,
    known_category,
    load_for,
    state_of,
)
from zibo_cli.i18n import tr


@handles_errors
def goals(
    ctx: typer.Context,
    file: FileOption = None,
    json_output: JsonOption = False,
    category: Annotated[str | None, typer.Option("--category", "-c", help="Only goals in this category.")] = None,
) -> None:
    """Example: zibo goals --category economy

    List every goal and fact with its id, name, unit, category and target(s).
    """
    state = state_of(ctx)
    loaded = load_for(state, file)
    category = known_category(category, (goal.category for goal in loaded.goals_file.goals.values()))
    chosen = [g for g in loaded.goals_file.goals.values() if category is None or g.category == category]
    if json_output:
        dump_json(
            state,
            [
                {
                    "id": g.id,
                    "name": g.name,
                    "name_en": g.name_en,
                    "unit": g.unit,
                    "category": g.category,
                    "direction": g.direction,
                    "targets": [{"value": t.value, "by": t.by.isoformat()} for t in g.targets],
                }
                for g in chosen
            ],
        )
        return
    from zibo_cli.render.console import make_console
    from zibo_cli.render.goals_view import goals_table

    console = make_console(state.env)
    console.print(goals_table(chosen, console.is_terminal, console.width))
    with_target = sum(1 for g in chosen if not g.is_fact)
    console.print(
        tr(
            "{count} goals: {targets} with a target, {facts} facts",
            count=len(chosen),
            targets=with_target,
            facts=len(chosen) - with_target,
        )
    )
    console.print(footer(state, loaded), style="dim", soft_wrap=True)  # a long path must not break mid-word
