"""Goal lookup errors phrased for people."""

from __future__ import annotations

from zibo_cli.core.matching import GoalNotFound, find_goal
from zibo_cli.core.model import Goal, GoalsFile
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr


def resolve_goal(query: str, goals_file: GoalsFile) -> Goal:
    if not query.strip():
        raise ZiboError(tr("the goal is empty."), tr("Give a goal id; `zibo goals` lists them."))
    try:
        return find_goal(query, goals_file.goals)
    except GoalNotFound as missing:
        if missing.candidates:
            shown = ", ".join(missing.candidates[:8]) + (" …" if len(missing.candidates) > 8 else "")
            raise ZiboError(
                tr("'{query}' matches {count} goals: {ids}.", query=query, count=len(missing.candidates), ids=shown),
                tr("Use the goal's id."),
            ) from None
        hint = (
            tr("Did you mean {ids}?", ids=tr(" or ").join(f"'{s}'" for s in missing.suggestions))
            if missing.suggestions
            else tr("Run `zibo goals` to list the goal ids.")
        )
        raise ZiboError(tr("no goal '{query}' in the file.", query=query), hint) from None
