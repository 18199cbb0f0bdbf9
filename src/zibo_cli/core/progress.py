"""The progress engine: is a goal on track to meet its target by the deadline?

The method is the UN Statistics Division's SDG Progress Chart: compare the growth achieved since
the baseline with the growth the target requires (CR = CAGR_actual / CAGR_required), with a
linear fallback where compound growth is meaningless. See the README's "Progress method".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter, mul
from typing import NamedTuple

from zibo_cli.core.dates import DAYS_PER_YEAR, add_months, years_between
from zibo_cli.core.model import Goal, GoalsFile, Observation, Status, Target

ON_TRACK_RATIO = 0.95
AT_RISK_RATIO = 0.5
DETERIORATING_RATIO = -0.1

CADENCE_MONTHS = {"yearly": 12, "quarterly": 3, "monthly": 1}


class Point(NamedTuple):
    """A dated value; a tuple because every figure of every goal becomes one."""

    date: dt.date
    value: float


@dataclass(frozen=True, slots=True)
class StageAssessment:
    target: Target
    status: Status
    method: str | None = None
    ratio: float | None = None
    progress: float | None = None
    cagr_actual: float | None = None
    cagr_required: float | None = None
    projected: float | None = None
    projected_lsq: float | None = None
    projected_date: dt.date | None = None
    needed_per_year: float | None = None
    awaiting: bool = False
    settled_by: Point | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    goal: Goal
    as_of: dt.date
    status: Status
    observations: tuple[Observation, ...]
    latest: Observation | None
    baseline: Point | None
    stages: tuple[StageAssessment, ...] = ()
    current_stage: int | None = None
    stale: bool = False
    stale_since: dt.date | None = None

    @property
    def stage(self) -> StageAssessment | None:
        return None if self.current_stage is None else self.stages[self.current_stage]


def meets(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == "decrease" else value >= target


def ratio_status(ratio: float) -> Status:
    if math.isnan(ratio):
        return Status.INSUFFICIENT
    if ratio < DETERIORATING_RATIO:
        return Status.DETERIORATING
    if ratio < AT_RISK_RATIO:
        return Status.OFF_TRACK
    if ratio < ON_TRACK_RATIO:
        return Status.AT_RISK
    return Status.ON_TRACK


def _visible(observations: Sequence[Observation], as_of: dt.date) -> tuple[Observation, ...]:
    """Observations dated on or before as_of, by date; on the same date, the later entry wins
    (the sort is stable: of two figures for one date, the later in the file comes last)."""
    return tuple(sorted([o for o in observations if o.date <= as_of], key=_BY_DATE))


_BY_DATE = itemgetter(1)  # Observation.date, as a tuple index: the sort key of every figure
_DATE_AND_VALUE = itemgetter(1, 2)


def _least_squares_at(points: Sequence[Point], when: dt.date) -> float | None:
    if len(points) < 3:
        return None
    origin = points[0].date
    xs = [(day - origin).days / DAYS_PER_YEAR for day, _ in points]  # years_between, inlined: 100k points
    ys = [value for _, value in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    dx = [x - mean_x for x in xs]
    spread = sum(map(pow, dx, repeat(2)))
    if spread == 0:
        return None
    slope = sum(map(mul, dx, [y - mean_y for y in ys])) / spread
    return mean_y + slope * (years_between(origin, when) - mean_x)


def _date_after(start: dt.date, years: float) -> dt.date | None:
    days = years * DAYS_PER_YEAR
    if not math.isfinite(days) or days < 0 or days > 365.25 * 500:
        return None
    return start + dt.timedelta(days=round(days))


def _settling_point(points: Sequence[Point], deadline: dt.date) -> Point | None:
    """The figure for the deadline: one dated on it, else the first dated after it."""
    on_deadline = [point for point in points if point.date == deadline]
    if on_deadline:
        return on_deadline[-1]
    after = [point for point in points if point.date > deadline]
    return after[0] if after else None


def _choose_method(goal: Goal, x0: float, target: float, x: float) -> str:
    positive = x0 > 0 and target > 0 and x > 0
    if goal.method == "linear" or not positive:
        return "linear"
    return "cagr"


def assess_stage(
    goal: Goal, target: Target, baseline: Point | None, points: Sequence[Point], as_of: dt.date
) -> StageAssessment:
    """Judge one target from the goal's baseline, as of a day."""
    if not points:
        return StageAssessment(target=target, status=Status.NO_DATA)
    latest = points[-1]
    settled = _settling_point(points, target.by)
    if settled is not None:
        status = Status.ACHIEVED if meets(settled.value, target.value, goal.direction) else Status.MISSED
        progress = _progress(baseline, settled.value, target.value)
        return StageAssessment(target=target, status=status, progress=progress, settled_by=settled)
    if meets(latest.value, target.value, goal.direction):
        return StageAssessment(
            target=target,
            status=Status.ACHIEVED,
            progress=_progress(baseline, latest.value, target.value),
            needed_per_year=0.0,
        )
    past_deadline = as_of > target.by
    if past_deadline and as_of > target.by + dt.timedelta(days=goal.lag_days):
        return StageAssessment(
            target=target, status=Status.MISSED, progress=_progress(baseline, latest.value, target.value)
        )
    years_left = years_between(latest.date, target.by)
    needed = (target.value - latest.value) / years_left if years_left > 0 else None
    if baseline is None or latest.date <= baseline.date or target.by <= baseline.date:
        return StageAssessment(
            target=target,
            status=Status.INSUFFICIENT,
            progress=_progress(baseline, latest.value, target.value),
            needed_per_year=needed,
            awaiting=past_deadline,
        )
    return _trajectory(goal, target, baseline, latest, points, needed, past_deadline)


def _progress(baseline: Point | None, value: float, target: float) -> float | None:
    if baseline is None or target == baseline.value:
        return None
    return (value - baseline.value) / (target - baseline.value)


def _trajectory(
    goal: Goal,
    target: Target,
    baseline: Point,
    latest: Point,
    points: Sequence[Point],
    needed: float | None,
    awaiting: bool,
) -> StageAssessment:
    x0, x, goal_value = baseline.value, latest.value, target.value
    elapsed = years_between(baseline.date, latest.date)
    span = years_between(baseline.date, target.by)
    years_left = years_between(latest.date, target.by)
    method = _choose_method(goal, x0, goal_value, x)
    progress = _progress(baseline, x, goal_value)
    cagr_actual = cagr_required = None
    if method == "cagr":
        cagr_actual = _compound(x / x0, 1 / elapsed) - 1
        cagr_required = _compound(goal_value / x0, 1 / span) - 1
        ratio = _safe_ratio(cagr_actual, cagr_required)
        projected = x * _compound(1 + cagr_actual, years_left)
        projected_date = None
        growth = 1 + cagr_actual
        if growth > 0 and growth != 1 and goal_value / x > 0:
            projected_date = _date_after(latest.date, math.log(goal_value / x) / math.log(growth))
    else:
        slope = (x - x0) / elapsed
        elapsed_share = elapsed / span
        ratio = None if progress is None else progress / elapsed_share
        if progress is None:
            ratio = _safe_ratio(x - x0, 0.0)
        projected = x + slope * years_left
        projected_date = _date_after(latest.date, (goal_value - x) / slope) if slope else None
    history = [baseline, *points] if baseline.date < points[0].date else list(points)
    status = ratio_status(ratio) if ratio is not None else Status.INSUFFICIENT
    return StageAssessment(
        target=target,
        status=status,
        method=method,
        ratio=ratio,
        progress=progress,
        cagr_actual=cagr_actual,
        cagr_required=cagr_required,
        projected=projected,
        projected_lsq=_least_squares_at(history, target.by),
        projected_date=projected_date,
        needed_per_year=needed,
        awaiting=awaiting,
    )


def _compound(base: float, exponent: float) -> float:
    """base ** exponent for base ≥ 0, saturating at 0 and inf instead of raising.

    A fall over a very short span annualises to a rate of -100%, so 1 + rate can round to 0: use the
    limit (0, 1 or inf) rather than take log(0).
    """
    if base <= 0:
        return 0.0 if exponent > 0 else 1.0 if exponent == 0 else math.inf
    try:
        return math.exp(exponent * math.log(base))
    except OverflowError:
        return math.inf


def _safe_ratio(actual: float, required: float) -> float:
    """Actual over required pace; a target equal to the baseline makes any move away a deterioration."""
    if required != 0:
        return actual / required
    if actual == 0:
        return 0.0
    return -math.inf


def _next_open_stage(goal: Goal, stages: Sequence[StageAssessment], as_of: dt.date) -> int:
    for index, stage in enumerate(stages):
        if stage.status is not Status.ACHIEVED and as_of <= stage.target.by + dt.timedelta(days=goal.lag_days):
            return index
    return len(stages) - 1


def staleness(goal: Goal, latest: Observation | None, as_of: dt.date) -> tuple[bool, dt.date | None]:
    """Stale once the figure for the period after the latest one is overdue (period end + lag)."""
    cadence = goal.effective_cadence
    if cadence is None or latest is None:
        return False, None
    next_period_end = add_months(latest.date, CADENCE_MONTHS[cadence])
    stale_since = next_period_end + dt.timedelta(days=goal.lag_days + 1)
    return as_of >= stale_since, stale_since


def assess(goal: Goal, observations: Sequence[Observation], as_of: dt.date) -> Assessment:
    """Assess a goal as it stood on `as_of`: only observations dated on or before it count."""
    visible = _visible(observations, as_of)
    latest = visible[-1] if visible else None
    points = list(map(Point._make, map(_DATE_AND_VALUE, visible)))
    baseline: Point | None = None
    if goal.baseline is not None and goal.baseline.date <= as_of:
        baseline = Point(goal.baseline.date, goal.baseline.value)
    elif points:
        baseline = points[0]
    stale, stale_since = staleness(goal, latest, as_of)
    if goal.is_fact:
        return Assessment(goal, as_of, Status.FACT, visible, latest, baseline, stale=stale, stale_since=stale_since)
    stages = tuple(assess_stage(goal, target, baseline, points, as_of) for target in goal.targets)
    current = _next_open_stage(goal, stages, as_of)
    return Assessment(
        goal=goal,
        as_of=as_of,
        status=stages[current].status,
        observations=visible,
        latest=latest,
        baseline=baseline,
        stages=stages,
        current_stage=current,
        stale=stale,
        stale_since=stale_since,
    )


def assess_file(goals_file: GoalsFile, as_of: dt.date) -> list[Assessment]:
    grouped = goals_file.observations_by_goal()
    return [assess(goal, grouped.get(goal.id, []), as_of) for goal in goals_file.goals.values()]


SORT_KEYS = ("risk", "id", "deadline")


def sort_assessments(assessments: Sequence[Assessment], by: str = "risk") -> list[Assessment]:
    """Most at risk first by default; ties keep the file's order."""
    if by == "id":
        return sorted(assessments, key=lambda a: a.goal.id)
    if by == "deadline":
        far = dt.date.max
        return sorted(assessments, key=lambda a: (a.stage.target.by if a.stage else far, a.status.rank))
    return sorted(assessments, key=lambda a: a.status.rank)
