"""A file's definitions (title, sources, goals) as JSON and back: what the cache stores of them.

Each source, goal, baseline and target is a JSON list of its fields in declaration order, dates as day
numbers: `json.loads` then builds only lists (in C) and each object is made from its row, with no hook
called per dict (the hook cost 17 ms of a 25 ms read for 1,000 goals). A goal is made from its row when
first looked up (`StoredGoals`): `add` and `show` on 1,000 goals make one, not all (~6 ms).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

from zibo_cli.core.model import Baseline, Goal, Retraction, Source, Target

_GOAL_FIELDS = [field.name for field in dataclasses.fields(Goal)]
_AT = {name: _GOAL_FIELDS.index(name) for name in ("baseline", "targets", "file_started", "retractions")}
_BASELINE_DATE = Baseline._fields.index("date")
_TARGET_BY = Target._fields.index("by")
_RECORDED = [field.name for field in dataclasses.fields(Retraction)].index("recorded")


def definitions_json(title: str | None, sources: dict[str, Source], goals: Mapping[str, Goal]) -> str:
    return json.dumps(
        {
            "title": title,
            "sources": [_row(source) for source in sources.values()],
            "goals": [_goal_row(g) for g in goals.values()],
        },
        ensure_ascii=False,
    )


def definitions_from_json(text: str) -> tuple[str | None, dict[str, Source], Mapping[str, Goal]]:
    """What `definitions_json` wrote; raises ValueError, KeyError, IndexError or TypeError for anything else."""
    document = json.loads(text)
    sources = {row[0]: Source(*row) for row in document["sources"]}
    if any(len(row) != len(_GOAL_FIELDS) for row in document["goals"]):  # else it would fail when looked up
        raise ValueError("a goal's row does not have the fields of a Goal")
    return document["title"], sources, StoredGoals({row[0]: row for row in document["goals"]})


class StoredGoals(Mapping[str, Goal]):
    """The goals in file order, each made from its row on first lookup and kept (never made twice)."""

    __slots__ = ("_made", "_rows")

    def __init__(self, rows: dict[str, list[Any]]) -> None:
        self._rows, self._made = rows, dict[str, Goal]()

    def __getitem__(self, goal_id: str) -> Goal:
        goal = self._made.get(goal_id)
        if goal is None:
            goal = self._made[goal_id] = _goal(self._rows[goal_id])
        return goal

    def __contains__(self, goal_id: object) -> bool:
        return goal_id in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def _row(value: Any) -> list[Any]:
    """Fields in declaration order: a named tuple's are itself (Source, Baseline, Target)."""
    return (
        list(value) if isinstance(value, tuple) else [getattr(value, field.name) for field in dataclasses.fields(value)]
    )


def _goal_row(goal: Goal) -> list[Any]:
    row = _row(goal)
    if goal.baseline is not None:
        baseline = row[_AT["baseline"]] = _row(goal.baseline)
        baseline[_BASELINE_DATE] = goal.baseline.date.toordinal()
    targets = row[_AT["targets"]] = [_row(target) for target in goal.targets]
    for target, kept in zip(targets, goal.targets, strict=True):
        target[_TARGET_BY] = kept.by.toordinal()
    if goal.file_started is not None:
        row[_AT["file_started"]] = goal.file_started.isoformat()
    records = row[_AT["retractions"]] = [_row(record) for record in goal.retractions]
    for record in records:
        record[_RECORDED] = record[_RECORDED] and record[_RECORDED].isoformat()
    return row


def _goal(row: list[Any]) -> Goal:
    if (baseline := row[_AT["baseline"]]) is not None:
        baseline[_BASELINE_DATE] = dt.date.fromordinal(baseline[_BASELINE_DATE])
        row[_AT["baseline"]] = Baseline(*baseline)
    targets = row[_AT["targets"]]
    for target in targets:
        target[_TARGET_BY] = dt.date.fromordinal(target[_TARGET_BY])
    row[_AT["targets"]] = tuple(Target(*target) for target in targets)
    if (started := row[_AT["file_started"]]) is not None:
        row[_AT["file_started"]] = dt.datetime.fromisoformat(started)
    records = row[_AT["retractions"]]
    for record in records:
        record[_RECORDED] = record[_RECORDED] and dt.datetime.fromisoformat(record[_RECORDED])
    row[_AT["retractions"]] = tuple(Retraction(*record) for record in records)
    return Goal(*row)
