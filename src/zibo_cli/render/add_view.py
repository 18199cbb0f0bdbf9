"""What `zibo add` and `zibo import` tell the user: what was written, and what it changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from zibo_cli.core.model import Goal, Observation
from zibo_cli.core.progress import Assessment, assess
from zibo_cli.i18n import tr
from zibo_cli.render.text import display_name, format_observation, format_percent, observation_date, status_label

if TYPE_CHECKING:
    from zibo_cli.store.append import FigureAdded


def _latest(assessment: Assessment) -> str:
    latest = assessment.latest
    if latest is None:
        return tr("none")
    return f"{format_observation(latest, assessment.goal.unit)} ({observation_date(latest)})"


def change_lines(goal: Goal, before: Sequence[Observation], after: Sequence[Observation], as_of: dt.date) -> list[str]:
    """Latest figure, progress and status of one goal, before → after (its figures in file order)."""
    old = assess(goal, before, as_of)
    new = assess(goal, after, as_of)
    lines = [tr("  latest:   {old} → {new}", old=_latest(old), new=_latest(new))]
    if new.stage is not None:
        old_progress = format_percent(old.stage.progress) if old.stage else "—"
        lines.append(tr("  progress: {old} → {new}", old=old_progress, new=format_percent(new.stage.progress)))
    lines.append(tr("  status:   {old} → {new}", old=status_label(old.status), new=status_label(new.status)))
    return lines


def confirmation(result: FigureAdded, conversion: str | None, today: dt.date) -> str:
    goal = result.goal
    added = result.added
    lines = [
        tr(
            "Added to {file}: {name} ({id}) = {value} for {date}.",
            file=result.label,
            name=display_name(goal),
            id=goal.id,
            value=format_observation(added, goal.unit),
            date=observation_date(added),
        )
    ]
    if conversion:
        lines.append(tr("  read as {conversion}", conversion=conversion))
    if added.preliminary:  # said, so that a 预计 read from the value is seen to have been marked
        lines.append(tr("  marked preliminary (preliminary = true)"))
    lines += change_lines(goal, result.before, [*result.before, added], max(today, added.date))
    if any((o.date, o.period) == (added.date, added.period) for o in result.before):
        from zibo_cli.core.counting import counting_figures

        counts = any(figure is added for figure in counting_figures(goal, [*result.before, added]))
        template = (
            "  (this supersedes the earlier figure for {date}; both stay in the file)"
            if counts
            else "  (a figure for {date} recorded later is in the file and still counts; both stay in the file)"
        )
        lines.append(tr(template, date=observation_date(added)))
    return "\n".join(lines)
