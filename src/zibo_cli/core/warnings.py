"""What `zibo check` warns of in a valid file: retractions whose figure is gone and, with --strict,
figures the plausibility guard would refuse. Warnings never stop another command from reading the file."""

from __future__ import annotations

from zibo_cli.core.model import GoalsFile, Problem
from zibo_cli.core.plausibility import file_suspicions
from zibo_cli.core.retractions import dangling
from zibo_cli.i18n import tr


def file_warnings(goals_file: GoalsFile, raw: bytes, strict: bool) -> list[Problem]:
    """Each warning with the line of its record or figure, in file order."""
    by_goal = goals_file.observations_by_goal()
    gone = dangling(goals_file.goals, by_goal)
    suspicious = (
        [
            (figure, found)
            for goal in goals_file.goals.values()
            for figure, found in file_suspicions(goal, by_goal.get(goal.id, []))
        ]
        if strict
        else []
    )
    if not gone and not suspicious:
        return []
    from zibo_cli.core.line_index import index_lines

    lines = index_lines(raw.decode("utf-8", errors="replace").removeprefix("\ufeff"))
    found: list[Problem] = []
    for record in gone:
        found.append(
            Problem(
                tr(
                    "warning: retraction {number} names a figure of {goal} (ref {ref}) that is no longer in the file.",
                    number=record.index + 1,
                    goal=record.goal,
                    ref=record.ref,
                ),
                lines.item("retractions", record.index),
                hint=tr("Was it edited by hand? The retraction no longer applies to anything."),
            )
        )
    positions = {id(figure): index for index, figure in enumerate(goals_file.observations)}
    if suspicious:
        from zibo_cli.core.refs import figure_ref, ref_number, shown_refs

        every = [ref_number(figure) for figure in goals_file.observations]
        shown = shown_refs({figure_ref(figure) for figure, _ in suspicious}, every)
    for figure, suspicion in suspicious:
        found.append(
            Problem(
                tr(
                    "warning: a figure of {goal} looks like a slip: {reason}.",
                    goal=figure.goal,
                    reason=suspicion.reason,
                ),
                lines.item("observations", positions[id(figure)]),
                hint=tr(
                    "Check it; if it is wrong, retract it with `zibo retract {ref} --reason TEXT`.",
                    ref=shown[figure_ref(figure)],
                ),
            )
        )
    return sorted(found, key=lambda problem: problem.line or 0)


def new_suspicions(before: GoalsFile | None, after: GoalsFile, raw: bytes) -> list[Problem]:
    """The figures an edit adds (not in `before`) that the guard refuses, each judged against the
    figures the file had: what `zibo edit` asks about (or accepts with --force)."""
    from collections import Counter

    from zibo_cli.core.plausibility import Reference, reference_of, suspicion

    old = Counter(before.observations if before is not None else [])
    old_by_goal = before.observations_by_goal() if before is not None else {}
    references: dict[str, Reference] = {}  # of the file as it was: one per goal, however many figures are new
    found: list[tuple[int, str]] = []
    for index, figure in enumerate(after.observations):
        if old[figure] > 0:
            old[figure] -= 1
            continue
        goal = after.goals[figure.goal]
        if (reference := references.get(goal.id)) is None:
            reference = references[goal.id] = reference_of(goal, old_by_goal.get(goal.id, []))
        if (slip := suspicion(goal, reference, figure.value, figure.date)) is not None:
            found.append(
                (index, tr("a new figure of {goal} looks like a slip: {reason}.", goal=goal.id, reason=slip.reason))
            )
    if not found:
        return []
    from zibo_cli.core.line_index import index_lines

    lines = index_lines(raw.decode("utf-8", errors="replace").removeprefix("\ufeff"))
    hint = tr("Fix it, or if it is right, run `zibo edit --force`.")
    return [Problem(message, lines.item("observations", index), hint=hint) for index, message in found]
