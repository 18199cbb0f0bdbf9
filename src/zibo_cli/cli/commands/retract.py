"""`zibo retract`: withdraw a figure by appending a `[[retractions]]` record; nothing is deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from zibo_cli.cli.common import FileOption, cache_of, fail, handles_errors, location_for, state_of
from zibo_cli.i18n import tr

if TYPE_CHECKING:
    from zibo_cli.core.model import GoalsFile


@handles_errors
def retract(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="REF", help="The figure's ref, as `zibo show GOAL` lists it.")],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Why the figure is withdrawn.")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Lift the retraction: the figure counts again.")] = False,
    file: FileOption = None,
) -> None:
    """Example: zibo retract 3b275e --reason "typed 1200 for 488.41"

    Withdraw a figure: a [[retractions]] record naming its ref, the reason and when is appended to the
    file, and the figure no longer counts anywhere (status, show, charts, reports); `zibo show` still
    lists it, marked retracted. Any unique prefix of a ref (at least 4 characters) is accepted.
    --undo appends a record that lifts the retraction. Nothing is ever deleted or rewritten.
    """
    from zibo_cli.store.append import append_tables

    state = state_of(ctx)
    env = state.env
    if not undo and not (reason or "").strip():
        raise fail(tr("a retraction needs a reason."), tr('Give --reason "why the figure is wrong".'))
    text: list[str] = []

    def record_for(goals_file: GoalsFile) -> dict[str, Any]:
        from zibo_cli.core.counting import active_retractions
        from zibo_cli.core.retractions import retraction_table
        from zibo_cli.render.text import format_observation, observation_date

        full, figures = _resolve(ref, goals_file)
        shown = full[: max(len(ref.strip()), 6)]  # as typed (trimmed), at least as long as `show` prints it
        goal = goals_file.goals[figures[0].goal]
        active = active_retractions(goal.retractions)
        described = tr(
            "{goal} = {value} for {date}",
            goal=goal.id,
            value=format_observation(figures[0], goal.unit),
            date=observation_date(figures[0]),
        )
        if undo and full not in active:
            raise fail(
                tr("{figure} (ref {ref}) is not retracted.", figure=described, ref=shown),
                tr("`zibo show {goal}` marks the figures that are retracted.", goal=goal.id),
            )
        if not undo and full in active:
            raise fail(
                tr(
                    "{figure} (ref {ref}) is already retracted: {reason}.",
                    figure=described,
                    ref=shown,
                    reason=active[full].reason,
                ),
                tr("To restore it, run `zibo retract --undo {ref}`.", ref=shown),
            )
        if undo:
            text.append(tr("Restored {figure} (ref {ref}): it counts again.", figure=described, ref=shown))
        else:
            text.append(
                tr(
                    "Retracted {figure} (ref {ref}): {reason}. It no longer counts; the file keeps it.",
                    figure=described,
                    ref=shown,
                    reason=(reason or "").strip().rstrip("."),  # the sentence ends with its own full stop
                )
            )
        if len(figures) > 1:
            text.append(
                tr(
                    "The file holds this figure {count} times, alike in goal, date, value, source and recorded time: "
                    "one figure written twice, so the ref names them all and this applies to every copy.",
                    count=len(figures),
                )
            )
        return retraction_table(full, goal.id, reason, env.now(), undo)

    append_tables(location_for(state, file), env.today(), cache_of(state), lambda whole: ([], [record_for(whole)]))
    env.stdout.write("\n".join(text) + "\n")


def _resolve(typed: str, goals_file: GoalsFile) -> tuple[str, list[Any]]:
    """The full ref a typed prefix names, and the figure(s) with it; a clear error otherwise."""
    from zibo_cli.core.refs import figure_ref, is_ref_text, matching, shortest_unique

    if not is_ref_text(typed):
        raise fail(
            tr("'{ref}' is not a figure's ref: refs are 4 to 16 hex digits (0-9, a-f).", ref=typed),
            tr("`zibo show GOAL` lists each figure's ref."),
        )
    refs = [figure_ref(figure) for figure in goals_file.observations]
    found = matching(typed, refs)
    if not found:
        raise fail(tr("no figure has the ref '{ref}'.", ref=typed), tr("`zibo show GOAL` lists each figure's ref."))
    if len(found) > 1:
        short = shortest_unique(refs)
        by_ref = {ref: figure for ref, figure in zip(refs, goals_file.observations, strict=True)}
        listed = ", ".join(f"{short[ref]} ({by_ref[ref].goal} {by_ref[ref].date.isoformat()})" for ref in found[:5])
        raise fail(
            tr(
                "the ref '{ref}' is ambiguous: {count} figures' refs start with it ({listed}).",
                ref=typed,
                count=len(found),
                listed=listed,
            ),
            tr("Type more of the ref."),
        )
    full = found[0]
    return full, [figure for ref, figure in zip(refs, goals_file.observations, strict=True) if ref == full]
