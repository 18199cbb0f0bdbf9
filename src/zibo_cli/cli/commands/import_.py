"""`zibo import`: append figures from a CSV, all or nothing, skipping the ones already there."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from zibo_cli.cli.common import FileOption, cache_of, fail, handles_errors, load_for, location_for, state_of
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr

if TYPE_CHECKING:
    from zibo_cli.core.model import GoalsFile


@handles_errors
def import_observations(
    ctx: typer.Context,
    csv_file: Annotated[str, typer.Argument(metavar="CSV", help="The CSV file to read; - reads standard input.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Check every row and say what would be added; write nothing.")
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", "-s", help="A [sources] id or free text: the source of rows that give none."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Import rows the plausibility guard refuses (a slip of 万 for 亿 …).")
    ] = False,
    file: FileOption = None,
) -> None:
    """Example: zibo import figures.csv

    Append figures from a CSV with a header row naming at least goal,date,value (also: source, note, quote,
    precision, period, qualifier, preliminary, derived, recorded, and unit, the unit the value is written in;
    `zibo export` writes all of them). Values read like `zibo add`'s (4884.1, 100亿元, 约90%); dates are
    2025-12-31, 2025-12, 2025-Q4, 2025-H2, 2025 or 2025/12/31. Every row is checked first: one bad row
    rejects the whole import, listing each bad row (the header is row 1), and nothing is written. Figures
    already in the file (same goal, date, value and source) are skipped and counted, so a cron job can
    re-run the import safely. Rows without a recorded time are recorded now; rows without a source get
    --source (as `zibo extract --format csv` leaves them). Rows that look like slips (as `zibo add`
    refuses them) are listed by row number and nothing is written, unless --force is given. A row whose
    `retracted` column is filled (as `zibo export` writes it) is imported and retracted again.
    """
    from zibo_cli.core.exchange import (
        ImportFormatError,
        fresh_tables,
        plan_import,
        retraction_records,
    )
    from zibo_cli.store.append import append_tables, check_appendable

    state = state_of(ctx)
    env = state.env
    location = location_for(state, file)
    if not dry_run:
        check_appendable(location)
    from zibo_cli.cli.input import decoded, read_input

    name, raw = read_input(env, csv_file, "csv")
    text = decoded(
        name,
        raw,
        "cannot import {name}: line {line} is not UTF-8 text; nothing was written.",
        "Save the sheet as “CSV UTF-8” (Excel) or with UTF-8 encoding, then import again.",
    )
    loaded = load_for(state, file, location)
    try:
        plan = plan_import(text, loaded.goals_file, env.today(), env.now(), source)
    except ImportFormatError as error:
        raise fail(tr("cannot import {name}: {error}", name=name, error=error), tr("Nothing was written.")) from None
    if plan.problems:
        count = len(plan.problems)
        head = (
            tr("cannot import {name}: 1 row has a problem, so nothing was written.", name=name)
            if count == 1
            else tr("cannot import {name}: {count} rows have problems, so nothing was written.", name=name, count=count)
        )
        raise ZiboError(head, tr("Fix those rows and run the import again."), details=_shown(plan.problems))
    if plan.suspicious and not force:
        count = len(plan.suspicious)
        head = (
            tr("cannot import {name}: 1 row looks like a slip, so nothing was written.", name=name)
            if count == 1
            else tr(
                "cannot import {name}: {count} rows look like slips, so nothing was written.", name=name, count=count
            )
        )
        hint = tr("Fix those rows, or if they are right, import with --force.")
        raise ZiboError(head, hint, details=_shown(plan.suspicious))
    tables = [row.table for row in plan.rows]
    if not tables:
        env.stdout.write(tr("Nothing to import: {name} has no rows of figures.", name=name) + "\n")
        return
    retractions: list[dict[str, Any]] = []

    def planned(whole: GoalsFile) -> tuple[list[Mapping[str, Any]], list[dict[str, Any]]]:
        """What to append to the file as it is (under the lock, when writing): the figures not there yet,
        and the retractions the CSV marks that the file does not have yet."""
        retractions[:] = retraction_records(whole, plan.rows, env.now())
        return fresh_tables(whole, tables), retractions

    if dry_run:
        fresh, _ = planned(loaded.goals_file)
        env.stdout.write(_summary(True, [t["goal"] for t in fresh], len(tables) - len(fresh), loaded.label))
        if retractions:
            count = _figures(len(retractions))
            env.stdout.write(tr("Would retract {figures} again, as the CSV says.", figures=count) + "\n")
        return
    result = append_tables(location, env.today(), cache_of(state), planned)
    added = [figure.goal for figure in result.added]
    env.stdout.write(_summary(False, added, len(tables) - len(added), result.label))
    if retractions:
        env.stdout.write(tr("Retracted {figures} again, as the CSV says.", figures=_figures(len(retractions))) + "\n")


def _shown(rows: list[str]) -> tuple[str, ...]:
    """The first MAX_PROBLEMS_SHOWN rows' reasons, and how many more there are."""
    from zibo_cli.core.exchange import MAX_PROBLEMS_SHOWN

    more = len(rows) - MAX_PROBLEMS_SHOWN
    return (*rows[:MAX_PROBLEMS_SHOWN], *([tr("… and {count} more.", count=more)] if more > 0 else []))


def _figures(count: int) -> str:
    return tr("1 figure") if count == 1 else tr("{count} figures", count=count)


def _summary(dry_run: bool, goal_ids: list[str], skipped: int, label: str) -> str:
    """'Imported 3 figures into goals.toml (2 goals). Skipped 1 already in the file (…).'"""
    goals = len(set(goal_ids))
    if not goal_ids:
        text = tr("Nothing new to import into {file}.", file=label)
    else:
        figures = _figures(len(goal_ids))
        goals_text = tr("1 goal") if goals == 1 else tr("{count} goals", count=goals)
        if dry_run:
            text = tr("Would import {figures} into {file} ({goals}).", figures=figures, file=label, goals=goals_text)
        else:
            text = tr("Imported {figures} into {file} ({goals}).", figures=figures, file=label, goals=goals_text)
    if skipped:
        text += " " + tr(
            "Skipped {figures} already in the file (same goal, date, value and source).", figures=_figures(skipped)
        )
    return text + "\n"
