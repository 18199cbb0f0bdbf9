"""Which figure counts: for each period of a goal, the latest recorded figure that is not retracted.

The one rule every computation, projection and chart follows (`counting_figures`), and the reason a
figure does not count (`standing`), for `show` to say. A period is the figure's date and its span
(`period`): 2024 and January–November 2024 are different periods. Of several figures for one period
the one recorded last wins; of two recorded alike, the later in the file. A figure without a recorded
time (written by hand) is taken as recorded no earlier than the figures for its period above it in the
file: the file is only ever appended to, so a final figure written below a preliminary one replaces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from zibo_cli.core.model import Goal, Observation, Retraction
from zibo_cli.core.refs import figure_ref

_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def active_retractions(records: Iterable[Retraction]) -> dict[str, Retraction]:
    """Full ref → the retraction in force, replaying the records in file order (an undo lifts one)."""
    active: dict[str, Retraction] = {}
    for record in records:
        if record.undo:
            active.pop(record.ref, None)
        else:
            active[record.ref] = record
    return active


def standing(goal: Goal, figures: Sequence[Observation]) -> list[tuple[Observation, str | None]]:
    """Each figure with why it does not count: "retracted", "superseded", or None when it counts."""
    active = active_retractions(goal.retractions)
    retracted = [bool(active) and figure_ref(figure) in active for figure in figures]
    winner: dict[tuple[dt.date, str | None], int] = {}
    recorded, latest = [], dict[tuple[dt.date, str | None], dt.datetime]()
    for figure in figures:  # a period's figures keep their file order (sorted by date, stably)
        key, before = (figure.date, figure.period), latest.get((figure.date, figure.period), _EARLIEST)
        latest[key] = max(before, figure.recorded) if figure.recorded is not None else before
        recorded.append(figure.recorded or before)
    for index, figure in enumerate(figures):
        if retracted[index]:
            continue
        key = (figure.date, figure.period)
        best = winner.get(key)
        if best is None or recorded[index] >= recorded[best]:
            winner[key] = index
    kept = set(winner.values())
    return [
        (figure, "retracted" if retracted[index] else None if index in kept else "superseded")
        for index, figure in enumerate(figures)
    ]


def counting_figures(goal: Goal, figures: Sequence[Observation]) -> list[Observation]:
    """The figures that count, in the order given: the one definition progress, charts and the guard use."""
    if not goal.retractions and len({(figure.date, figure.period) for figure in figures}) == len(figures):
        return list(figures)  # the common case: one figure per period, nothing retracted
    return [figure for figure, why in standing(goal, figures) if why is None]
