"""`zibo add`: append one figure, validated, atomically and under a lock."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from zibo_cli.cli.common import FileOption, cache_of, fail, handles_errors, location_for, state_of


@handles_errors
def add(
    ctx: typer.Context,
    goal: Annotated[str, typer.Argument(help="Goal id, id prefix, or a unique part of its name.")],
    value: Annotated[str, typer.Argument(help="The figure as printed: 4884.1, 100亿元, 约90%, 1000余.")],
    date: Annotated[
        str | None,
        typer.Option("--date", "-d", help="Day or period the figure is for: 2025-12-31, 2025-12, 2025-Q4, 2025."),
    ] = None,
    source: Annotated[str | None, typer.Option("--source", "-s", help="A [sources] id, or free text.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="Remarks.")] = None,
    quote: Annotated[str | None, typer.Option("--quote", "-q", help="The phrase the figure was read from.")] = None,
    file: FileOption = None,
) -> None:
    """Example: zibo add gdp-total 5000亿元 --date 2025 --source "淄博日报 2026-01-20"

    Append a figure to the goals file and say what changed (latest value, progress, status). The file
    is only appended to, never rewritten: comments and layout stay as you wrote them.
    """
    from zibo_cli.cli.goal_lookup import resolve_goal
    from zibo_cli.core.dates import DateError, parse_iso_date
    from zibo_cli.core.values import ValueParseError, parse_value
    from zibo_cli.render.add_view import confirmation
    from zibo_cli.store.append import append_observations
    from zibo_cli.store.read import load

    state = state_of(ctx)
    env = state.env
    location = location_for(state, file)
    cache = cache_of(state)
    loaded = load(location, env.today(), cache)
    target_goal = resolve_goal(goal, loaded.goals_file)
    try:
        parsed = parse_value(value, target_goal.unit)
    except ValueParseError as error:
        raise fail(f"{error}", f"Give the value in {target_goal.unit}, the unit of '{target_goal.id}'.") from None
    if date:
        try:
            day, precision = parse_iso_date(date)
        except DateError as error:
            raise fail(f"--date: {error}") from None
    else:
        day, precision = env.today(), "day"
    table: dict[str, Any] = {
        "goal": target_goal.id,
        "date": day,
        "value": _plain_number(parsed.value),
        "precision": None if precision == "day" else precision,
        "qualifier": parsed.qualifier,
        "source": source,
        "quote": quote,
        "note": note,
        "recorded": env.now(),
    }
    result = append_observations(location, [table], env.today(), cache, loaded)
    env.stdout.write(confirmation(result, target_goal.id, parsed.conversion, env.today()) + "\n")


def _plain_number(value: float) -> int | float:
    """Write 5000 rather than 5000.0 when the figure is whole."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
