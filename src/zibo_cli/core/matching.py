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
    suggestions = difflib.get_close_matches(lowered, list(goals), n=3, cutoff=0.5)
    raise GoalNotFound(text, [], suggestions)
