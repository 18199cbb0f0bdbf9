"""Goal lookup errors phrased for people."""

from __future__ import annotations

from zibo_cli.core.matching import GoalNotFound, find_goal
from zibo_cli.core.model import Goal, GoalsFile
from zibo_cli.errors import ZiboError


def resolve_goal(query: str, goals_file: GoalsFile) -> Goal:
    if not query.strip():
        raise ZiboError("the goal is empty.", "Give a goal id; `zibo goals` lists them.")
    try:
        return find_goal(query, goals_file.goals)
    except GoalNotFound as missing:
        if missing.candidates:
            shown = ", ".join(missing.candidates[:8]) + (" …" if len(missing.candidates) > 8 else "")
            raise ZiboError(
                f"'{query}' matches {len(missing.candidates)} goals: {shown}.", "Use the goal's id."
            ) from None
        hint = (
            "Did you mean " + " or ".join(f"'{s}'" for s in missing.suggestions) + "?"
            if missing.suggestions
            else "Run `zibo goals` to list the goal ids."
        )
        raise ZiboError(f"no goal '{query}' in the file.", hint) from None
