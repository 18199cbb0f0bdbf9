"""The progress engine: is a goal on track to meet its target by the deadline?

The method is the UN Statistics Division's SDG Progress Chart: compare the growth achieved since
the baseline with the growth the target requires, signed by the goal's direction as Open SDG does
(CR = d · CAGR_actual / |CAGR_required|), with a linear fallback where compound growth is
meaningless. A target for an average over years (年均增长7%) compares the average achieved so far
with the average the remaining years must reach. Facts get a trend. See the README's "Progress method".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter, mul
from typing import NamedTuple

from zibo_cli.core.counting import counting_figures
from zibo_cli.core.dates import DAYS_PER_YEAR, add_months, years_between
from zibo_cli.core.model import Goal, GoalsFile, Observation, Status, Target

ON_TRACK_RATIO = 0.95
AT_RISK_RATIO = 0.5
DETERIORATING_RATIO = -0.1
# A fact's yearly growth below this size either way is "flat": Open SDG's threshold for "moderate
# progress" (0.5% a year) in its method for indicators without a target.
TREND_THRESHOLD = 0.005
LONGEST_BUFFER_DAYS = 365.25 * 500

CADENCE_MONTHS = {"yearly": 12, "quarterly": 3, "monthly": 1}


class Point(NamedTuple):
    """A dated value; a tuple because every figure of every goal becomes one."""

    date: dt.date
    value: float
    yearly: bool = False  # a whole year's figure (or a year-end one): what a fact's trend compares


class SpanYear(NamedTuple):
    """One year of an average target's span: its figure, or None while it is not known.

    `derived` when it comes from a stated average over several years less the years known in it;
    `provisional` when it rests on a preliminary, approximate or bounded figure.
    """

    year: int
    value: float | None
    derived: bool = False
    provisional: bool = False


class Trend(NamedTuple):
    """A fact's direction: the yearly growth from its first to its latest yearly figure."""

    word: str  # "rising", "flat" or "falling"
    rate: float  # growth a year, as a fraction (compound where both figures are positive)
    start: Point
    end: Point


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
    buffer_days: int | None = None  # days ahead (+) or behind (−) the required path, at the figure's date
    provisional: bool = False  # the verdict rests on a preliminary, approximate or bounded figure
    average_achieved: float | None = None  # an average target's average so far, in the goal's unit
    average_needed: float | None = None  # …and the average its remaining years must reach
    years: tuple[SpanYear, ...] = ()  # an average target's years, known or not


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
    # Every figure dated and public by `as_of`, by date, those that do not count (superseded, retracted)
    # included: what `show` lists. `observations` holds only the figures that count.
    history: tuple[Observation, ...] = ()

    @property
    def stage(self) -> StageAssessment | None:
        return None if self.current_stage is None else self.stages[self.current_stage]

    @property
    def provisional(self) -> bool:
        """The current verdict rests on a preliminary, approximate or bounded figure."""
        stage = self.stage
        return stage is not None and stage.provisional

    @property
    def trend(self) -> Trend | None:
        """A fact's trend, from its first yearly figure (its baseline) to the latest, when that is yearly too."""
        return fact_trend(self.goal, self.baseline, self.latest)


def meets(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == "decrease" else value >= target


def _decimals(value: float) -> int:
    """How many decimals a target is written with: 7 → 0, 7.5 → 1 (the shortest text of the float)."""
    from decimal import Decimal

    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def meets_target(value: float, target: Target, direction: str) -> bool:
    """On the target's side; an approximate target (7%左右) is met by what rounds to it at its precision."""
    goal_value = target.value
    if target.qualifier == "approx":
        half = 0.5 * 10.0 ** -_decimals(goal_value)
        goal_value = goal_value + half if direction == "decrease" else goal_value - half
    return meets(value, goal_value, direction)


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
    """Observations that count as of `as_of` (dated and public by then), by date; on the same date, the
    later entry wins (the sort is stable: of two figures for one date, the later in the file comes last)."""
    counted = [
        o
        for o in observations
        if o.date <= as_of
        and (  # the common case inline (no published day given: public when recorded); else counts_on
            (o.published is None and o.source_published is None and (o.recorded is None or o.recorded.date() <= as_of))
            or o.counts_on(as_of)
        )
    ]
    return tuple(sorted(counted, key=_BY_DATE))


_BY_DATE = itemgetter(1)  # Observation.date, as a tuple index: the sort key of every figure


def whole_years(observation: Observation) -> tuple[int, int] | None:
    """The calendar years a figure covers when it covers whole years: (2024, 2024) for a year's
    figure or a year-end one, (2021, 2025) for a five-year total or average; None for part of a year."""
    day = observation.date
    if (day.month, day.day) != (12, 31):
        return None
    if observation.period is None:
        return (day.year, day.year) if observation.precision in ("year", "day") else None
    start, _, end = observation.period.partition("/")
    if start[5:7] != "01" or start[8:] not in ("", "01") or end[5:7] != "12" or end[8:] not in ("", "31"):
        return None
    return int(start[:4]), int(end[:4])


def is_yearly(observation: Observation) -> bool:
    span = whole_years(observation)
    return span is not None and span[0] == span[1]


def _point(observation: Observation) -> Point:
    return Point(observation.date, observation.value, is_yearly(observation))


def _plain_points(figures: Sequence[Observation]) -> list[Point]:
    """Points whose `yearly` nothing reads (a target's path): built without a Python call per figure."""
    return [_new_point((figure[1], figure[2], False)) for figure in figures]


_new_point = functools.partial(tuple.__new__, Point)


def _bound_settles(observation: Observation, target: Target, direction: str) -> bool:
    """A bound (≥, ≤) on the target's side already meets it, whatever the exact figure."""
    own_side = "at_least" if direction == "increase" else "at_most"
    return observation.qualifier == own_side and meets_target(observation.value, target, direction)


def rests_on_estimate(observation: Observation, target: Target, direction: str) -> bool:
    """Whether a verdict on this figure may change with the final figure: preliminary, approximate, or a
    bound that does not already settle the target."""
    if observation.estimate:
        return True
    return observation.qualifier in ("at_least", "at_most") and not _bound_settles(observation, target, direction)


def _least_squares_at(points: Sequence[Point], when: dt.date) -> float | None:
    if len(points) < 3:
        return None
    origin = points[0].date
    xs = [(point.date - origin).days / DAYS_PER_YEAR for point in points]  # years_between, inlined: 100k points
    ys = [point.value for point in points]
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


def _settling(figures: Sequence[Observation], deadline: dt.date) -> Observation | None:
    """The figure for the deadline: one dated on it, else the first dated after it."""
    on_deadline = [figure for figure in figures if figure.date == deadline]
    if on_deadline:
        return on_deadline[-1]
    after = [figure for figure in figures if figure.date > deadline]
    return after[0] if after else None


def _choose_method(goal: Goal, x0: float, target: float, x: float) -> str:
    positive = x0 > 0 and target > 0 and x > 0
    if goal.method == "linear" or not positive:
        return "linear"
    return "cagr"


def _sign(goal: Goal) -> int:
    """+1 for a goal that should increase, −1 for one that should decrease (Open SDG's direction)."""
    return -1 if goal.direction == "decrease" else 1


def assess_stage(
    goal: Goal, target: Target, baseline: Point | None, figures: Sequence[Observation], as_of: dt.date
) -> StageAssessment:
    """Judge one target from the goal's baseline, as of a day, on the figures that count by then."""
    if target.average_over is not None:
        return _assess_average(goal, target, figures, as_of)
    if not figures:
        return StageAssessment(target=target, status=Status.NO_DATA)
    latest = figures[-1]
    settled = _settling(figures, target.by)
    if settled is not None:
        met = meets_target(settled.value, target, goal.direction)
        point = _point(settled)
        return StageAssessment(
            target=target,
            status=Status.ACHIEVED if met else Status.MISSED,
            progress=_progress(goal, baseline, settled.value, target.value),
            settled_by=point,
            buffer_days=None if met else _buffer_days(goal, target, baseline, point),
            provisional=rests_on_estimate(settled, target, goal.direction),
        )
    point = _point(latest)
    provisional = rests_on_estimate(latest, target, goal.direction)
    if meets_target(latest.value, target, goal.direction):
        return StageAssessment(
            target=target,
            status=Status.ACHIEVED,
            progress=_progress(goal, baseline, latest.value, target.value),
            needed_per_year=0.0,
            provisional=provisional,
        )
    buffer = _buffer_days(goal, target, baseline, point)
    past_deadline = as_of > target.by
    if past_deadline and as_of > target.by + dt.timedelta(days=goal.lag_days):
        return StageAssessment(
            target=target,
            status=Status.MISSED,
            progress=_progress(goal, baseline, latest.value, target.value),
            buffer_days=buffer,
            provisional=provisional,
        )
    years_left = years_between(latest.date, target.by)
    needed = (target.value - latest.value) / years_left if years_left > 0 else None
    if baseline is None or latest.date <= baseline.date or target.by <= baseline.date:
        return StageAssessment(
            target=target,
            status=Status.INSUFFICIENT,
            progress=_progress(goal, baseline, latest.value, target.value),
            needed_per_year=needed,
            awaiting=past_deadline,
            buffer_days=buffer,
            provisional=provisional,
        )
    points = _plain_points(figures)
    assessed = _trajectory(goal, target, baseline, point, points, needed, past_deadline)
    return dataclasses.replace(assessed, buffer_days=buffer, provisional=provisional)


def _progress(goal: Goal, baseline: Point | None, value: float, target: float) -> float | None:
    """How far the figure has moved from the baseline in the goal's direction, as a share of the
    distance between the baseline and the target: a move the wrong way is negative, even when the
    baseline was already on the target's side."""
    if baseline is None or target == baseline.value:
        return None
    return _sign(goal) * (value - baseline.value) / abs(target - baseline.value)


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
    progress = _progress(goal, baseline, x, goal_value)
    cagr_actual = cagr_required = None
    if method == "cagr":
        cagr_actual = _compound(x / x0, 1 / elapsed) - 1
        cagr_required = _compound(goal_value / x0, 1 / span) - 1
        # Signed as Open SDG signs it: a move the wrong way is negative even when the required rate is.
        ratio = _safe_ratio(_sign(goal) * cagr_actual, abs(cagr_required))
        projected = x * _compound(1 + cagr_actual, years_left)
        projected_date = None
        growth = 1 + cagr_actual
        if growth > 0 and growth != 1 and goal_value / x > 0:
            projected_date = _date_after(latest.date, math.log(goal_value / x) / math.log(growth))
    else:
        slope = (x - x0) / elapsed
        elapsed_share = elapsed / span
        ratio = _safe_ratio(_sign(goal) * (x - x0), 0.0) if progress is None else progress / elapsed_share
        projected = x + slope * years_left
        projected_date = _date_after(latest.date, (goal_value - x) / slope) if slope else None
    history = [baseline, *points] if baseline.date < points[0].date else list(points)
    status = ratio_status(ratio)
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


def _buffer_days(goal: Goal, target: Target, baseline: Point | None, figure: Point) -> int | None:
    """Days ahead (+) or behind (−) the required path the figure is, at the figure's date (Beeminder's
    "days of safety"): when the path from the baseline to the target, compound or straight as the
    goal's method is, passes the figure's value, less the figure's date. None without a path: no
    baseline, a figure not after it (no time has passed: nothing to measure), a deadline not after
    it, or a target the baseline already meets (nothing to climb)."""
    if baseline is None or target.by <= baseline.date or figure.date <= baseline.date:
        return None
    x0, goal_value, x = baseline.value, target.value, figure.value
    if _sign(goal) * (goal_value - x0) <= 0:
        return None
    if _choose_method(goal, x0, goal_value, x) == "cagr":
        reached, required = x / x0, goal_value / x0
        if reached <= 0 or required <= 0 or required == 1:  # a ratio that underflowed: no path to measure on
            return None
        share = math.log(reached) / math.log(required)
    else:
        share = (x - x0) / (goal_value - x0)
    ahead = share * (target.by - baseline.date).days - (figure.date - baseline.date).days
    return _whole_days(ahead)


def _whole_days(days: float) -> int | None:
    if not math.isfinite(days) or abs(days) > LONGEST_BUFFER_DAYS:
        return None
    return round(days)


# -- targets for an average over years --------------------------------------------------------------


def _combine(values: Sequence[float], kind: str) -> float:
    """The years' figures taken together: the product of growth factors (geometric), or the sum."""
    if kind == "arithmetic":
        return math.fsum(values)
    return math.prod(1 + value / 100 for value in values)


def _average_of(total: float, count: int, kind: str) -> float:
    """The yearly average of `count` years that together give `total` (as `_combine` gives it)."""
    if kind == "arithmetic":
        return total / count
    return (_compound(total, 1 / count) - 1) * 100


def span_years(target: Target, figures: Sequence[Observation]) -> tuple[SpanYear, ...]:
    """Each year of an average target's span with its figure as of now: a yearly figure as reported
    (the later entry for a year wins); else derived from a stated average over several years (the
    2021–2025 average) less the years in it that are known, shared equally by its unknown years."""
    kind = target.average_kind
    known: dict[int, tuple[float, bool, bool]] = {}  # year → value, derived, provisional
    spans: list[tuple[int, int, Observation]] = []
    for figure in figures:
        covered = whole_years(figure)
        if covered is None:
            continue  # part of a year (January–June): shown, but not a year's figure
        if covered[0] == covered[1]:
            known[covered[0]] = (figure.value, False, figure.estimate or figure.qualifier is not None)
        else:
            spans.append((covered[0], covered[1], figure))
    for first, last, figure in reversed(spans):  # the latest statement first
        years = range(first, last + 1)
        unknown = [year for year in years if year not in known]
        if not unknown:
            continue
        total = _combine([figure.value] * len(years), kind)
        inside = [known[year] for year in years if year in known]
        together = _combine([value for value, _, _ in inside], kind)
        if kind == "geometric" and (together <= 0 or total <= 0):
            continue  # a rate of −100% or less: nothing to share out
        rest = total / together if kind == "geometric" else total - together
        each = _average_of(rest, len(unknown), kind)
        provisional = figure.estimate or figure.qualifier is not None or any(p for _, _, p in inside)
        for year in unknown:
            known[year] = (each, True, provisional)
    first_year, last_year = target.average_years or (0, -1)
    return tuple(
        SpanYear(year, *known[year]) if year in known else SpanYear(year, None)
        for year in range(first_year, last_year + 1)
    )


def _assess_average(goal: Goal, target: Target, figures: Sequence[Observation], as_of: dt.date) -> StageAssessment:
    """An average target: the average achieved so far a (geometric for growth rates) against the
    average the remaining years must reach n; the ratio a/n is judged by the UN thresholds. Once
    every year is known it is achieved or missed."""
    kind = target.average_kind
    geometric = kind == "geometric"
    years = span_years(target, figures)
    known = [year.value for year in years if year.value is not None]
    base = StageAssessment(
        target=target,
        status=Status.NO_DATA,
        method="average",
        years=years,
        provisional=any(year.provisional for year in years),
    )
    count, done = len(years), len(known)
    past_lag = as_of > target.by + dt.timedelta(days=goal.lag_days)
    if done == 0:
        if not figures:
            return base
        if past_lag:
            return dataclasses.replace(base, status=Status.MISSED)
        return dataclasses.replace(
            base, status=Status.INSUFFICIENT, needed_per_year=target.value, average_needed=target.value
        )
    required = _combine([target.value] * count, kind)
    achieved_total = _combine(known, kind)
    achieved = _average_of(achieved_total, done, kind)
    progress = _average_progress(achieved_total, required, kind)
    start = dt.date(years[0].year - 1, 12, 31)
    last_known = dt.date(max(year.year for year in years if year.value is not None), 12, 31)
    buffer = None
    if progress is not None:  # the index of the years' growth against the target rate's, in days
        buffer = _whole_days(progress * (target.by - start).days - (last_known - start).days)
    measured = dataclasses.replace(
        base,
        progress=progress,
        average_achieved=achieved,
        cagr_actual=achieved / 100 if geometric else None,
        buffer_days=buffer,
    )
    if done == count:
        met = meets_target(achieved, target, goal.direction)
        return dataclasses.replace(
            measured,
            status=Status.ACHIEVED if met else Status.MISSED,
            buffer_days=None if met else buffer,
            settled_by=Point(target.by, achieved),
        )
    if past_lag:
        return dataclasses.replace(measured, status=Status.MISSED)
    needed = _average_of(_remaining(required, achieved_total, kind), count - done, kind)
    ratio = math.inf if needed <= 0 else achieved / needed  # n ≤ 0: the average is secured already
    return dataclasses.replace(
        measured,
        status=Status.ON_TRACK if needed <= 0 else ratio_status(ratio),
        ratio=ratio,
        cagr_required=needed / 100 if geometric else None,
        projected=achieved,
        needed_per_year=needed,
        awaiting=as_of > target.by,
        average_needed=needed,
    )


def running_averages(stage: StageAssessment) -> list[Point]:
    """An average target's average so far at the end of each known year of its span: what its
    chart draws against the target (a flat line), so the chart follows the average, not the years."""
    kind = stage.target.average_kind
    known: list[float] = []
    points = []
    for year in stage.years:
        if year.value is None:
            continue
        known.append(year.value)
        points.append(Point(dt.date(year.year, 12, 31), _average_of(_combine(known, kind), len(known), kind), True))
    return points


def _remaining(required: float, achieved_total: float, kind: str) -> float:
    """What the remaining years must add (sum) or multiply by (geometric); a year at −100% or less
    leaves nothing to grow from, so no rate is enough."""
    if kind == "arithmetic":
        return required - achieved_total
    return required / achieved_total if achieved_total > 0 else math.inf


def _average_progress(achieved_total: float, required: float, kind: str) -> float | None:
    """The share of the span's required growth achieved so far: in years' worth at the target rate."""
    if kind == "arithmetic":
        return achieved_total / required if required else None
    if achieved_total <= 0 or required <= 0 or required == 1:
        return None
    return math.log(achieved_total) / math.log(required)


# -- facts ---------------------------------------------------------------------------------------------


def fact_trend(goal: Goal, start: Point | None, latest: Observation | None) -> Trend | None:
    """Rising, flat or falling: the yearly growth from the first yearly figure to the latest, when
    that is yearly too (compound where both are positive, else the change over the first figure's
    size); flat within ±TREND_THRESHOLD a year. None for goals with a target and facts with fewer
    than two yearly figures."""
    if not goal.is_fact or start is None or latest is None or not start.yearly or not is_yearly(latest):
        return None
    if start.date >= latest.date:
        return None
    years = years_between(start.date, latest.date)
    x0, x = start.value, latest.value
    if x0 > 0 and x > 0:
        rate = _compound(x / x0, 1 / years) - 1
    elif x0 != 0:
        rate = (x - x0) / abs(x0) / years
    else:
        rate = 0.0 if x == 0 else math.copysign(math.inf, x)
    word = "rising" if rate >= TREND_THRESHOLD else "falling" if rate <= -TREND_THRESHOLD else "flat"
    return Trend(word, rate, start, _point(latest))


def _fact_start(goal: Goal, points: Sequence[Point], baseline: Point | None) -> Point | None:
    """A fact's reference figure: its stated baseline, else the first yearly figure when the latest is
    yearly (the start of its trend), else its first figure."""
    if goal.baseline is not None or not points or not points[-1].yearly:
        return baseline
    yearly = [point for point in points if point.yearly]
    return yearly[0] if len(yearly) >= 2 else baseline


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
    """Assess a goal as it stood on `as_of`: only figures dated and public by then count."""
    history = _visible(observations, as_of)
    visible = tuple(counting_figures(goal, history))
    latest = visible[-1] if visible else None
    points = [_point(o) for o in visible] if goal.is_fact else _plain_points(visible[:1])  # only facts need all
    baseline: Point | None = None
    if goal.baseline is not None and goal.baseline.date <= as_of:
        day = goal.baseline.date
        baseline = Point(day, goal.baseline.value, (day.month, day.day) == (12, 31))
    elif points:
        baseline = points[0]
    stale, stale_since = staleness(goal, latest, as_of)
    if goal.is_fact:
        start = _fact_start(goal, points, baseline)
        return Assessment(
            goal, as_of, Status.FACT, visible, latest, start, stale=stale, stale_since=stale_since, history=history
        )
    stages = tuple(assess_stage(goal, target, baseline, visible, as_of) for target in goal.targets)
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
        history=history,
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
