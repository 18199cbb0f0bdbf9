"""The plausibility guard: catch a slip (万 for 亿, 0.6 for 60%, a sign, a year) before it lands.

A new figure is compared with the goal's *reference*: the median of its last REFERENCE_FIGURES counting
figures by date; with no figure, its baseline; then its first target; with none of these there is no
magnitude check. The rules depend on what the goal measures (`measure`, see the README's *Safety*):

- level, index, flow: a figure more than LEVEL_FACTOR times larger or smaller than the reference is
  refused; when the factor is near 10⁴ or 10⁸ (within NEAR times: 万/亿 confusion) the figure it was
  probably meant to be is suggested. A level or index at or below zero after a positive reference is
  refused (a flow, a count of new things a year, may be 0 or a net fall).
- share: outside 0–100 (in %; 0–1000 in ‰) is refused, and so is a factor beyond SHARE_FACTOR
  against a reference of at least 1 (0.6 for 60.2 is 100×: "did you mean 60%?").
- rate: growth rates swing (9.4% → 0.5% → −3%), so only a fall of 100% or more (in %) is refused.
- rank: a place, a whole number from 1.
- no measure: only the 万/亿 check (a factor near 10⁴ or 10⁸) and the date check.

Every goal: a date more than YEARS_BEFORE years before the goal's series starts (its baseline or its
earliest figure) is refused. None of the bundled dataset's figures is refused (tested).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from zibo_cli.core.counting import counting_figures
from zibo_cli.core.model import Goal, Observation
from zibo_cli.i18n import tr

REFERENCE_FIGURES = 3
LEVEL_FACTOR = 1000.0
SHARE_FACTOR = 20.0
NEAR = 3.0
SLIPS = (4, 8)  # powers of ten: 万 and 亿
YEARS_BEFORE = 20
SHARE_LIMITS = {"%": 100.0, "‰": 1000.0}


@dataclass(frozen=True, slots=True)
class Reference:
    """What a new figure is compared with: a value and what it is, and where the series starts."""

    value: float | None
    kind: str  # "median", "baseline", "target" or "none"
    start: dt.date | None


@dataclass(frozen=True, slots=True)
class Suspicion:
    reason: str  # one sentence, without a final full stop
    hint: str


def reference_of(goal: Goal, figures: Sequence[Observation]) -> Reference:
    """The goal's reference: the median of its last few counting figures, else its baseline or target."""
    return RunningReference(goal, figures).reference()


class RunningReference:
    """A goal's reference as figures are judged one after another (`import`, `check --strict`): its
    counting figures so far, kept sorted by date then order, so each new one is a binary insertion and
    not a sort of them all (an import of 9,000 rows took 10 s re-sorting)."""

    def __init__(self, goal: Goal, figures: Sequence[Observation] = ()) -> None:
        self.goal = goal
        counted = counting_figures(goal, figures)
        self._earlier = sorted((figure.date, order, figure.value) for order, figure in enumerate(counted))
        days = [day for day, _, _ in self._earlier[:1]] + ([goal.baseline.date] if goal.baseline else [])
        self._start = min(days) if days else None

    def reference(self) -> Reference:
        if self._earlier:
            return Reference(
                statistics.median(v for _, _, v in self._earlier[-REFERENCE_FIGURES:]), "median", self._start
            )
        goal = self.goal
        if goal.baseline is not None:
            return Reference(goal.baseline.value, "baseline", self._start)
        if goal.targets and goal.targets[0].average_over is None:
            return Reference(goal.targets[0].value, "target", self._start)
        return Reference(None, "none", self._start)

    def add(self, day: dt.date, value: float) -> None:
        """A figure judged (or forced) that the next ones are compared with."""
        bisect.insort(self._earlier, (day, len(self._earlier), value))
        self._start = day if self._start is None else min(self._start, day)


def measure_of(goal: Goal) -> str | None:
    """The goal's `measure`; a place (`位`) is a rank even when the file does not say so."""
    return goal.measure or ("rank" if goal.unit == "位" else None)


def suspicion(goal: Goal, reference: Reference, value: float, day: dt.date) -> Suspicion | None:
    """Why the figure looks wrong, or None when it looks plausible."""
    value = float(value)  # an imported row's whole number is an int
    force = tr("If the figure is right, give --force.")
    if reference.start is not None and day.year < reference.start.year - YEARS_BEFORE:
        reason = tr(
            "it is dated {day}, more than {years} years before {goal}'s series starts ({start})",
            day=day.isoformat(),
            years=YEARS_BEFORE,
            goal=goal.id,
            start=reference.start.isoformat(),
        )
        return Suspicion(reason, _sentences(tr("Check the year."), force))
    measure = measure_of(goal)
    found = _by_measure(goal, measure, reference, value)
    if found is not None:
        return Suspicion(found[0], _sentences(found[1], force))
    return None


def _by_measure(goal: Goal, measure: str | None, reference: Reference, value: float) -> tuple[str, str] | None:
    shown = _number(value) + goal.unit
    if measure == "rank":
        if value < 1 or not value.is_integer():
            return tr("{value} is not a place: a rank is a whole number from 1", value=shown), ""
        return None
    if measure == "rate":
        if goal.unit == "%" and value <= -100:
            return tr("{value} is a fall of 100% or more, which leaves nothing", value=shown), ""
        return None
    if measure == "share":
        limit = SHARE_LIMITS.get(goal.unit)
        if limit is not None and not 0 <= value <= limit:
            return tr(
                "{value} is not a share: a share lies between 0 and {limit}",
                value=shown,
                limit=_number(limit) + goal.unit,
            ), ""
    base = reference.value
    if measure in ("level", "index") and value <= 0 and base is not None and base > 0:
        return (
            tr(
                "{value} is not above zero, though {goal} measures a level: compare its {reference}",
                value=shown,
                goal=goal.id,
                reference=_described(reference, goal.unit),
            ),
            "",
        )
    if measure == "share" and value == 0 and base is not None and base >= 1:  # no factor: 0 is infinitely far
        return tr(
            "{value} is a share of nothing, against {goal}'s {reference}",
            value=shown,
            goal=goal.id,
            reference=_described(reference, goal.unit),
        ), tr("Check the figure and its unit.")
    if base is None or base <= 0 or value <= 0 or (measure == "share" and base < 1):
        return None
    # A denormal or vast value divides to 0 or inf: clamped, it is still far beyond every bound.
    factor = min(max(value / base, 1e-300), 1e300)
    bound = SHARE_FACTOR if measure == "share" else LEVEL_FACTOR
    slip = _slip(factor, (2,) if measure == "share" else SLIPS)
    if measure in ("level", "index", "flow", "share"):
        if 1 / bound <= factor <= bound:  # "more than 1,000×" (20× for a share) is refused
            return None
    elif slip is None:  # no measure: only a 万/亿 slip
        return None
    larger = factor > 1
    template = (
        "{value} is about {factor} times larger than {goal}'s {reference}"
        if larger
        else "{value} is about {factor} times smaller than {goal}'s {reference}"
    )
    reason = tr(
        template,
        value=shown,
        factor=_times(factor if larger else 1 / factor),
        goal=goal.id,
        reference=_described(reference, goal.unit),
    )
    if slip is None:
        return reason, tr("Check the figure and its unit.")
    meant = value / 10**slip if larger else value * 10**slip
    return reason, tr("Did you mean {meant}?", meant=_number(meant) + goal.unit)


def _sentences(*parts: str) -> str:
    """Sentences one after the other: a space after an English full stop, none after a Chinese one."""
    text = ""
    for part in filter(None, parts):
        text += ("" if not text or text.endswith(("。", "？", "！")) else " ") + part
    return text


def _times(times: float) -> str:
    return f"{round(times):,}" if times < 1e15 else f"{times:.0e}"


def _slip(factor: float, powers: Sequence[int]) -> int | None:
    """The power of ten the factor is near (within NEAR times), either way."""
    size = abs(math.log10(factor))
    for power in powers:
        if abs(size - power) <= math.log10(NEAR):
            return power
    return None


def _described(reference: Reference, unit: str) -> str:
    """The reference in words: "recent figures (median 4884.1亿元)", "baseline (4200.6亿元)"."""
    base = _number(reference.value or 0) + unit
    if reference.kind == "median":
        return tr("recent figures (median {base})", base=base)
    if reference.kind == "baseline":
        return tr("baseline ({base})", base=base)
    return tr("target ({base})", base=base)


def _number(value: float) -> str:
    """A figure as a person writes it: 5000, 60, 0.5, 4884.1 (at most 4 decimals, no trailing zeros)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def file_suspicions(goal: Goal, figures: Sequence[Observation]) -> list[tuple[Observation, Suspicion]]:
    """Counting figures already in the file that the guard would refuse, each judged against the counting
    figures before it in the file (what the guard saw when it was added): `check --strict`."""
    found: list[tuple[Observation, Suspicion]] = []
    running = RunningReference(goal)
    for figure in counting_figures(goal, figures):
        if (found_one := suspicion(goal, running.reference(), figure.value, figure.date)) is not None:
            found.append((figure, found_one))
        running.add(figure.date, figure.value)
    return found
