"""What `zibo add` tells the user: what was written, and what it changed."""

from __future__ import annotations

import datetime as dt

from zibo_cli.core.progress import assess
from zibo_cli.render.text import STATUS_LABELS, clean, format_observation, format_percent, observation_date
from zibo_cli.store.append import AppendResult


def confirmation(result: AppendResult, goal_id: str, conversion: str | None, today: dt.date) -> str:
    goal = result.after.goals[goal_id]
    added = result.after.observations[-1]
    before = assess(goal, result.before.observations_for(goal_id), max(today, added.date))
    after = assess(goal, result.after.observations_for(goal_id), max(today, added.date))
    lines = [f"Added to {result.label}: {clean(goal.name)} ({goal.id}) = {format_observation(added, goal.unit)}"
             f" for {observation_date(added)}."]  # fmt: skip
    if conversion:
        lines.append(f"  read as {conversion}")
    old = (
        f"{format_observation(before.latest, goal.unit)} ({observation_date(before.latest)})"
        if before.latest
        else "none"
    )
    new = (
        f"{format_observation(after.latest, goal.unit)} ({observation_date(after.latest)})" if after.latest else "none"
    )
    lines.append(f"  latest:   {old} → {new}")
    if after.stage is not None:
        old_progress = format_percent(before.stage.progress) if before.stage else "—"
        lines.append(f"  progress: {old_progress} → {format_percent(after.stage.progress)}")
    lines.append(f"  status:   {STATUS_LABELS[before.status]} → {STATUS_LABELS[after.status]}")
    replaced = [o for o in result.before.observations_for(goal_id) if o.date == added.date]
    if replaced:
        lines.append(f"  (this supersedes the earlier figure for {observation_date(added)}; both stay in the file)")
    return "\n".join(lines)
