"""`zibo add`: append one figure, validated, atomically and under a lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from zibo_cli.cli.common import FileOption, GoalArgument, cache_of, fail, handles_errors, location_for, state_of
from zibo_cli.i18n import tr

if TYPE_CHECKING:
    import datetime as dt

    from zibo_cli.core.dates import ParsedDate
    from zibo_cli.core.model import Goal
    from zibo_cli.store.append import FigureAdded
    from zibo_cli.store.load import FileHead


@handles_errors
def add(
    ctx: typer.Context,
    goal: GoalArgument,
    value: Annotated[str, typer.Argument(help="The figure as printed: 4884.1, 100亿元, 约90%, 1000余.")],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            help="Day or period the figure is for: 2025-12-31, 2025-12, 2025-Q4, 2025, 2024年底, 1至11月 … "
            "(default: the last finished year, quarter or month of a goal with that cadence, else today).",
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="The year of a month span such as 1至11月 (default this year).")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", "-s", help="A [sources] id, or free text.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="Remarks.")] = None,
    quote: Annotated[str | None, typer.Option("--quote", "-q", help="The phrase the figure was read from.")] = None,
    preliminary: Annotated[
        bool, typer.Option("--preliminary", "-p", help="An estimate (预计), awaiting the final figure.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Add a figure the plausibility guard refuses (a slip of 万 for 亿 …).")
    ] = False,
    file: FileOption = None,
) -> None:
    """Example: zibo add gdp 5000亿元 --date 2025 --source "淄博日报 2026-01-20"

    Append a figure to the goals file and say what changed (latest value, progress, status). The file
    is only appended to, never rewritten: comments and layout stay as you wrote them.
    """
    from zibo_cli.store.append import append_figure

    state = state_of(ctx)
    env = state.env
    location = location_for(state, file)
    conversions: list[str | None] = []
    notes: list[str] = []

    def entry_for(head: FileHead) -> dict[str, Any]:
        """The new table, from the file as it is under the lock (any error here: nothing is written)."""
        from zibo_cli.cli.goal_lookup import resolve_goal
        from zibo_cli.core.dates import NATURAL_FORMS_HELP, DateError, parse_date
        from zibo_cli.core.plausibility import reference_of, suspicion
        from zibo_cli.core.values import ValueParseError, parse_value

        target_goal = resolve_goal(goal, head.definitions)
        try:
            parsed = parse_value(value, target_goal.unit)
        except ValueParseError as error:
            raise fail(
                str(error),
                tr("Give the value in {unit}, the unit of '{id}'.", unit=target_goal.unit, id=target_goal.id),
            ) from None
        try:
            # An empty --date is refused (parse_date says so) rather than read as today.
            when = parse_date(date, env.today(), year) if date is not None else _undated(target_goal, env.today())
        except DateError as error:
            raise fail(f"--date: {error}.", tr("Accepted forms: {forms}.", forms=NATURAL_FORMS_HELP)) from None
        if date is None and when.precision != "day":
            notes.append(_default_date_note(when))
        if not force:
            found = suspicion(
                target_goal, reference_of(target_goal, head.figures(target_goal.id)), parsed.value, when.date
            )
            if found is not None:
                raise fail(tr("Refused: {reason}; nothing was written.", reason=found.reason), found.hint)
        conversions.append(parsed.conversion)
        return {
            "goal": target_goal.id,
            "date": when.date,
            "value": _plain_number(parsed.value),
            "precision": None if when.precision == "day" else when.precision,
            "period": when.period,
            "qualifier": parsed.qualifier,
            "preliminary": preliminary or parsed.preliminary,
            "source": source,
            "quote": quote,
            "note": note,
            "recorded": env.now(),
        }

    def confirm(added: FigureAdded) -> str:
        from zibo_cli.render.add_view import confirmation

        return confirmation(added, conversions[-1], env.today())

    # check_appendable runs first inside: "read-only" is said before any complaint about the value typed.
    # The confirmation is composed before the file is replaced: after the rename nothing may fail.
    text = append_figure(location, env.today(), cache_of(state), entry_for, confirm)
    env.stdout.write("".join(note + "\n" for note in notes) + text + "\n")


def _undated(goal: Goal, today: dt.date) -> ParsedDate:
    """No --date: a goal with a cadence gets its last finished period (a figure is published after its
    period, so today is almost never meant); a fact without a cadence gets today."""
    from zibo_cli.core.dates import ParsedDate, last_finished_period

    cadence = goal.effective_cadence
    if cadence is None:
        return ParsedDate(today, "day")
    return ParsedDate(*last_finished_period(today, cadence))


def _default_date_note(when: ParsedDate) -> str:
    from zibo_cli.core.dates import format_date

    return tr(
        "No --date given: the figure is for {period}, the last finished {kind} (give --date for another).",
        period=format_date(when.date, when.precision),
        kind=tr({"year": "year", "quarter": "quarter", "month": "month"}[when.precision]),
    )


def _plain_number(value: float) -> int | float:
    """Write 5000 rather than 5000.0 when the figure is whole."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
