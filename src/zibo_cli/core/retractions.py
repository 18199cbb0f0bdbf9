"""`[[retractions]]`: figures withdrawn by appending a record, never by deleting them.

```toml
[[retractions]]
ref = "3f9a0c17be45d2e8"      # the figure's full ref (core/refs.py), as `zibo retract` writes it
goal = "gdp"                  # the figure's goal
reason = "typed 1200 for 488.41"
recorded = 2026-11-27T10:00:00+08:00
# undo = true                 # `zibo retract --undo`: the figure counts again
```
Validated here; a record whose figure is no longer in the file is not an error (the file stays
usable) but a warning of `zibo check` (`dangling`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from zibo_cli.core.model import Goal, Observation, Retraction
from zibo_cli.core.refs import FULL_LENGTH, figure_ref
from zibo_cli.i18n import tr

if TYPE_CHECKING:
    from zibo_cli.core.schema import _Validator

ORDER = ["ref", "goal", "undo", "reason", "recorded"]  # as `zibo retract` writes them
KEYS = set(ORDER)
_FULL_REF = re.compile(rf"^[0-9a-f]{{{FULL_LENGTH}}}$")


def attach_retractions(validator: _Validator, raw: Any, goals: Mapping[str, Goal]) -> dict[str, Goal]:
    """Validate the records and give each goal its own, in file order."""
    if not isinstance(raw, list):
        validator.report(
            tr("'retractions' must be an array of tables ([[retractions]])."), validator.lines.key("", "retractions")
        )
        return goals
    mine: dict[str, list[Retraction]] = {}
    for index, table in enumerate(raw):
        path = f"retractions#{index}"
        line = validator.lines.item("retractions", index)
        where = tr("retraction {number}", number=index + 1)
        if not isinstance(table, dict):
            validator.report(tr("{where} must be a table.", where=where), line)
            continue
        validator.unknown_keys(table, KEYS, where, path)
        ref = validator.text(table, "ref", where, path, required=True)
        if ref is not None and not _FULL_REF.match(ref):
            validator.report(
                tr(
                    "'ref' in {where} must be a figure's full ref of {length} hex digits.",
                    where=where,
                    length=FULL_LENGTH,
                ),
                validator.lines.key(path, "ref") or line,
                tr("Use `zibo retract REF --reason TEXT`: it writes the full ref."),
            )
            ref = None
        goal = validator.text(table, "goal", where, path, required=True)
        if goal is not None and goal not in goals:
            validator.report(
                tr("{where} is for goal '{goal_id}', which is not in [goals].", where=where, goal_id=goal),
                validator.lines.key(path, "goal") or line,
            )
            goal = None
        undo = validator.flag(table, "undo", where, path)
        reason = validator.text(table, "reason", where, path, required=not undo)
        recorded = validator.moment(table, where, path, line)
        if ref is not None and goal is not None:
            mine.setdefault(goal, []).append(Retraction(ref, goal, reason, recorded, undo, index))
    return {
        goal_id: dataclasses.replace(goal, retractions=tuple(mine[goal_id])) if goal_id in mine else goal
        for goal_id, goal in goals.items()
    }


def dangling(goals: Mapping[str, Goal], by_goal: Mapping[str, Sequence[Observation]]) -> list[Retraction]:
    """The records whose figure is not (any more) in the file: edited or deleted by hand."""
    gone = []
    for goal in goals.values():
        if goal.retractions:
            refs = {figure_ref(figure) for figure in by_goal.get(goal.id, ())}
            gone += [record for record in goal.retractions if record.ref not in refs]
    return sorted(gone, key=lambda record: record.index)


def retraction_table(ref: str, goal: str, reason: str | None, recorded: dt.datetime, undo: bool) -> dict[str, Any]:
    """The record `zibo retract` appends."""
    table = {"ref": ref, "goal": goal, "undo": undo or None, "reason": reason, "recorded": recorded}
    return {key: table[key] for key in ORDER if table[key] is not None}


def with_retractions(tables: list[Any], goals: Mapping[str, Goal]) -> dict[str, Goal] | None:
    """The goals with these `[[retractions]]` tables attached, or None when any has a problem (a whole
    parse then reports it with its line): for a file read in slices (store/read.py)."""
    from zibo_cli.core.line_index import LineIndex
    from zibo_cli.core.schema import _Validator

    validator = _Validator(LineIndex(), None)
    attached = attach_retractions(validator, tables, goals)
    return None if validator.problems else attached
