"""`zibo status`: where every goal stands, most at risk first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from zibo_cli.cli.common import (
    AsOfOption,
    FileOption,
    JsonOption,
    as_of_day,
    dump_json,
    fail,
    footer,
    handles_errors,
    known_category,
    load_for,
    state_of,
)
from zibo_cli.i18n import tr

if TYPE_CHECKING:
    from zibo_cli.core.model import GoalsFile, Status
    from zibo_cli.core.progress import Assessment


@handles_errors
def status(
    ctx: typer.Context,
    file: FileOption = None,
    as_of: AsOfOption = None,
    json_output: JsonOption = False,
    wide: Annotated[bool, typer.Option("--wide", "-w", help="Show every column, whatever the width.")] = False,
    include_facts: Annotated[bool, typer.Option("--all", "-a", help="Include facts (goals without a target).")] = False,
    category: Annotated[str | None, typer.Option("--category", "-c", help="Only goals in this category.")] = None,
    status_filter: Annotated[
        list[str] | None, typer.Option("--status", "-s", help="Only goals with this status (repeatable).")
    ] = None,
    sort: Annotated[str, typer.Option("--sort", help="Order: risk (most at risk first), id or deadline.")] = "risk",
) -> None:
    """Example: zibo status --as-of 2026-06-30

    Show every goal with a target: latest figure, target, progress, time left and whether it is on track.
    Facts (goals without a target) are listed with --all. Exits 0 whatever the goals' statuses.
    """
    from zibo_cli.core.progress import SORT_KEYS, assess_file, sort_assessments

    state = state_of(ctx)
    day = as_of_day(state, as_of)
    if sort not in SORT_KEYS:
        raise fail(
            tr("--sort {value!r} is not an order zibo knows.", value=sort),
            tr("Use one of: {choices}.", choices=", ".join(SORT_KEYS)),
        )
    wanted = _statuses(status_filter)
    loaded = load_for(state, file)
    goals_file = loaded.goals_file
    category = known_category(category, (goal.category for goal in goals_file.goals.values()))
    assessments = sort_assessments(
        [
            a
            for a in assess_file(goals_file, day)
            if (include_facts or wanted or not a.goal.is_fact)
            and (category is None or a.goal.category == category)
            and (not wanted or a.status in wanted)
        ],
        sort,
    )
    if json_output:
        from zibo_cli.render.assessment_json import assessment_json

        dump_json(
            state,
            {
                "as_of": day.isoformat(),
                "file": str(loaded.location.path),
                "goals": [assessment_json(a) for a in assessments],
            },
        )
        return
    from zibo_cli.render.console import make_console
    from zibo_cli.render.status_view import status_table

    console = make_console(state.env)
    if assessments:
        console.print(status_table(assessments, console, wide=wide))
    else:
        console.print(tr("No goals match."))
    console.print(_summary(assessments, goals_file, include_facts or bool(wanted)))
    console.print(footer(state, loaded, day), style="dim", soft_wrap=True)  # a long path must not break mid-word


def _summary(assessments: list[Assessment], goals_file: GoalsFile, facts_listed: bool) -> str:
    from zibo_cli.render.status_view import summary_line

    facts = sum(1 for goal in goals_file.goals.values() if goal.is_fact)
    summary = summary_line(assessments)
    if facts and not facts_listed:
        summary += " · " + tr("{count} facts not shown (--all)", count=facts)
    return summary


def _statuses(values: list[str] | None) -> set[Status]:
    from zibo_cli.core.model import Status

    chosen: set[Status] = set()
    for value in values or []:
        for part in value.split(","):
            try:
                chosen.add(Status(part.strip().replace("-", "_").replace(" ", "_")))
            except ValueError:
                names = ", ".join(s.value for s in Status)
                raise fail(
                    tr("--status {value!r} is not a status.", value=part), tr("Use one of: {choices}.", choices=names)
                ) from None
    return chosen
