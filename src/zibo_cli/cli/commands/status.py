"""`zibo status`: where every goal stands, most at risk first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from zibo_cli.cli.common import (
    AsOfOption,
    FileOption,
    JsonOption,
    as_of_day,
    assessed_for,
    dump_json,
    fail,
    footer,
    handles_errors,
    state_of,
)
from zibo_cli.cli.output import write_plain
from zibo_cli.i18n import tr

if TYPE_CHECKING:
    from zibo_cli.core.model import Status


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
    from zibo_cli.core.progress import SORT_KEYS, sort_assessments

    state = state_of(ctx)
    day = as_of_day(state, as_of)
    if sort not in SORT_KEYS:
        raise fail(
            tr("--sort {value!r} is not an order zibo knows.", value=sort),
            tr("Use one of: {choices}.", choices=", ".join(SORT_KEYS)),
        )
    wanted = _statuses(status_filter)
    loaded = assessed_for(state, file, day)  # the figures themselves are not loaded when remembered
    assessments = [
        a
        for a in loaded.result
        if (include_facts or wanted or not a.goal.is_fact)
        and (category is None or a.goal.category == category)
        and (not wanted or a.status in wanted)
    ]
    assessments = sort_assessments(assessments, sort)
    from zibo_cli.render.status_view import plain_status, summary_line

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
    facts = sum(1 for goal in loaded.definitions.goals.values() if goal.is_fact)
    summary = summary_line(assessments)
    if facts and not include_facts and not wanted:
        summary += " · " + tr("{count} facts not shown (--all)", count=facts)
    closing = footer(state, loaded, day)
    if write_plain(state.env, lambda width: plain_status(assessments, width, wide, summary, closing)):
        return
    from zibo_cli.render.console import make_console
    from zibo_cli.render.status_view import status_table

    console = make_console(state.env)
    if assessments:
        console.print(status_table(assessments, console, wide=wide))
    else:
        console.print(tr("No goals match."))
    console.print(summary)
    console.print(closing, style="dim", soft_wrap=True)  # a long path must not break mid-word


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
