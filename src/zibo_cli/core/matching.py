"""Find the goal a user means: an id, an id prefix, or a unique part of its Chinese or English name."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from zibo_cli.core.model import Goal


class GoalNotFound(LookupError):
    def __init__(self, query: str, candidates: list[str], suggestions: list[str]) -> None:
        super().__init__(query)
        self.query = query
        self.candidates = candidates
        self.suggestions = suggestions


def find_goal(query: str, goals: Mapping[str, Goal]) -> Goal:
    text = query.strip()
    if text in goals:
        return goals[text]
    lowered = text.lower()
    for matches in (
        [goal for goal_id, goal in goals.items() if goal_id.startswith(lowered)],
        [goal for goal in goals.values() if text in goal.name or lowered in (goal.name_en or "").lower()],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise GoalNotFound(text, [goal.id for goal in matches], [])
    raise GoalNotFound(text, [], closest_ids(lowered, goals))


def closest_ids(query: str, ids: Mapping[str, object] | list[str], limit: int = 3) -> list[str]:
    """Ids that look like a typo of the query, also when the query is a mistyped prefix ('robt' → 'robot-…')."""

    def score(candidate: str) -> float:
        whole = difflib.SequenceMatcher(None, query, candidate).ratio()
        head = difflib.SequenceMatcher(None, query, candidate[: len(query) + 1]).ratio()
        return max(whole, head)

    scored = sorted(((score(c), c) for c in ids), key=lambda pair: (-pair[0], pair[1]))
    return [candidate for value, candidate in scored[:limit] if value >= 0.6]
