"""The progress engine: every status boundary, both directions, both methods, deadlines, stages, as-of."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest

from conftest import target_goal
from zibo_cli.core.dates import add_months, years_between
from zibo_cli.core.model import Baseline, Goal, Observation, Status, Target
from zibo_cli.core.progress import assess, sort_assessments

D = dt.date
BASE_DAY = D(2020, 1, 1)
DEADLINE = D(2030, 1, 1)
LATEST_DAY = D(2025, 1, 1)


def goal(
    *,
    base: float | None = 100,
    target: float = 200,
    direction: str = "increase",
    method: str = "auto",
    targets: tuple[Target, ...] | None = None,
    lag: int | None = None,
    cadence: str | None = None,
) -> Goal:
    made = target_goal(base, BASE_DAY, target, DEADLINE, direction, method, lag=lag, cadence=cadence)
    return made if targets is None else dataclasses.replace(made, targets=targets)


def obs(day: dt.date, value: float) -> Observation:
    return Observation(goal="g", date=day, value=value)


def linear_value_for_ratio(ratio: float, base: float = 100, target: float = 200) -> float:
    elapsed_share = years_between(BASE_DAY, LATEST_DAY) / years_between(BASE_DAY, DEADLINE)
    return base + (target - base) * ratio * elapsed_share


def cagr_value_for_ratio(ratio: float, base: float = 100, target: float = 200) -> float:
    required = (target / base) ** (1 / years_between(BASE_DAY, DEADLINE)) - 1
    return base * (1 + ratio * required) ** years_between(BASE_DAY, LATEST_DAY)


BOUNDARIES = [
    (0.95 + 1e-6, Status.ON_TRACK),
    (0.95 - 1e-6, Status.AT_RISK),
    (0.5 + 1e-6, Status.AT_RISK),
    (0.5 - 1e-6, Status.OFF_TRACK),
    (-0.1 + 1e-6, Status.OFF_TRACK),
    (-0.1 - 1e-6, Status.DETERIORATING),
]


@pytest.mark.parametrize(("ratio", "expected"), BOUNDARIES)
def test_linear_boundaries(ratio: float, expected: Status) -> None:
    result = assess(goal(method="linear"), [obs(LATEST_DAY, linear_value_for_ratio(ratio))], D(2025, 6, 1))
    assert result.stage is not None
    assert result.stage.method == "linear"
    assert result.stage.ratio == pytest.approx(ratio, abs=1e-9)
    assert result.status is expected


@pytest.mark.parametrize(("ratio", "expected"), BOUNDARIES)
def test_cagr_boundaries(ratio: float, expected: Status) -> None:
    result = assess(goal(), [obs(LATEST_DAY, cagr_value_for_ratio(ratio))], D(2025, 6, 1))
    assert result.stage is not None
    assert result.stage.method == "cagr"
    assert result.stage.ratio == pytest.approx(ratio, abs=1e-9)
    assert result.status is expected


@pytest.mark.parametrize(("ratio", "expected"), BOUNDARIES)
def test_decreasing_goal_boundaries(ratio: float, expected: Status) -> None:
    """Falling toward a lower target: both CAGRs are negative and the ratio positive."""
    value = cagr_value_for_ratio(ratio, base=200, target=100)
    result = assess(goal(base=200, target=100, direction="decrease"), [obs(LATEST_DAY, value)], D(2025, 6, 1))
    assert result.stage is not None
    assert result.stage.cagr_actual is not None
    assert result.stage.cagr_required is not None
    assert result.stage.cagr_required < 0
    assert result.status is expected


def test_decrease_direction_decides_which_side_is_met() -> None:
    assert assess(goal(base=200, target=100, direction="decrease"), [obs(LATEST_DAY, 99)], LATEST_DAY).status is (
        Status.ACHIEVED
    )
    # The same value for an increasing goal with target 100 from 200 is also "met" (above target).
    assert assess(goal(base=200, target=100), [obs(LATEST_DAY, 150)], LATEST_DAY).status is Status.ACHIEVED


def test_zero_or_negative_values_fall_back_to_linear() -> None:
    result = assess(goal(base=0, target=10), [obs(LATEST_DAY, 5)], LATEST_DAY)
    assert result.stage is not None
    assert result.stage.method == "linear"
    negative = assess(goal(base=-5, target=5), [obs(LATEST_DAY, 0)], LATEST_DAY)
    assert negative.stage is not None
    assert negative.stage.method == "linear"
    assert negative.stage.progress == pytest.approx(0.5)


def test_forced_cagr_with_negative_values_still_linear() -> None:
    result = assess(goal(base=-5, target=5, method="cagr"), [obs(LATEST_DAY, 0)], LATEST_DAY)
    assert result.stage is not None
    assert result.stage.method == "linear"


def test_single_observation_without_baseline_is_insufficient() -> None:
    result = assess(goal(base=None), [obs(LATEST_DAY, 150)], LATEST_DAY)
    assert result.status is Status.INSUFFICIENT
    assert result.stage is not None
    assert result.stage.needed_per_year == pytest.approx(50 / years_between(LATEST_DAY, DEADLINE))


def test_earliest_observation_serves_as_baseline() -> None:
    result = assess(goal(base=None), [obs(BASE_DAY, 100), obs(LATEST_DAY, 150)], LATEST_DAY)
    assert result.baseline is not None
    assert result.baseline.value == 100
    assert result.status is Status.ON_TRACK


def test_observation_on_the_baseline_day_is_insufficient() -> None:
    assert assess(goal(), [obs(BASE_DAY, 120)], LATEST_DAY).status is Status.INSUFFICIENT


def test_no_observation_is_no_data_and_fact_is_fact() -> None:
    assert assess(goal(), [], LATEST_DAY).status is Status.NO_DATA
    fact = Goal(id="f", name="事实", unit="家")
    assert assess(fact, [obs(LATEST_DAY, 3)], LATEST_DAY).status is Status.FACT


def test_value_at_target_is_achieved() -> None:
    assert assess(goal(), [obs(LATEST_DAY, 200)], LATEST_DAY).status is Status.ACHIEVED


def test_final_figure_settles_the_target() -> None:
    on_track_before = [obs(LATEST_DAY, 190)]
    assert assess(goal(), [*on_track_before, obs(DEADLINE, 210)], D(2030, 6, 1)).status is Status.ACHIEVED
    missed = assess(goal(), [*on_track_before, obs(DEADLINE, 199)], D(2030, 6, 1))
    assert missed.status is Status.MISSED
    assert missed.stage is not None
    assert missed.stage.settled_by is not None


def test_passed_deadline_inside_lag_awaits_final_figure() -> None:
    value = linear_value_for_ratio(0.7)
    inside = assess(goal(method="linear"), [obs(LATEST_DAY, value)], DEADLINE + dt.timedelta(days=100))
    assert inside.status is Status.AT_RISK
    assert inside.stage is not None
    assert inside.stage.awaiting is True
    after = assess(goal(method="linear"), [obs(LATEST_DAY, value)], DEADLINE + dt.timedelta(days=121))
    assert after.status is Status.MISSED


def test_lag_defaults_by_cadence_and_can_be_set() -> None:
    value = linear_value_for_ratio(0.7)
    day = DEADLINE + dt.timedelta(days=61)
    assert assess(goal(method="linear", cadence="quarterly"), [obs(LATEST_DAY, value)], day).status is Status.MISSED
    assert assess(goal(method="linear", lag=200), [obs(LATEST_DAY, value)], day).status is Status.AT_RISK


def test_as_of_ignores_later_observations() -> None:
    history = [obs(D(2022, 1, 1), 120), obs(D(2026, 1, 1), 200)]
    early = assess(goal(), history, D(2023, 1, 1))
    assert early.latest is not None
    assert early.latest.value == 120
    assert assess(goal(), history, D(2026, 1, 1)).status is Status.ACHIEVED


def test_same_day_later_entry_wins() -> None:
    result = assess(goal(), [obs(LATEST_DAY, 120), obs(LATEST_DAY, 130)], LATEST_DAY)
    assert result.latest is not None
    assert result.latest.value == 130


def test_staged_targets_show_next_open_stage() -> None:
    stages = (Target(value=150, by=D(2024, 12, 31)), Target(value=200, by=D(2030, 1, 1)))
    result = assess(goal(targets=stages), [obs(LATEST_DAY, 160)], D(2025, 6, 1))
    assert [s.status for s in result.stages] == [Status.ACHIEVED, Status.ON_TRACK]
    assert result.current_stage == 1
    # Before the first stage is met, it is the open one.
    early = assess(goal(targets=stages), [obs(D(2022, 1, 1), 110)], D(2022, 6, 1))
    assert early.current_stage == 0


def test_all_stages_passed_shows_last() -> None:
    stages = (Target(value=150, by=D(2021, 12, 31)), Target(value=200, by=D(2022, 12, 31)))
    result = assess(goal(targets=stages), [obs(D(2021, 6, 1), 105)], D(2026, 1, 1))
    assert result.current_stage == 1
    assert result.status is Status.MISSED


def test_projection_and_needed_pace() -> None:
    result = assess(goal(method="linear"), [obs(LATEST_DAY, 150)], LATEST_DAY)
    stage = result.stage
    assert stage is not None
    slope = 50 / years_between(BASE_DAY, LATEST_DAY)
    assert stage.projected == pytest.approx(150 + slope * years_between(LATEST_DAY, DEADLINE))
    assert stage.needed_per_year == pytest.approx(50 / years_between(LATEST_DAY, DEADLINE))
    assert stage.projected_date is not None
    assert abs((stage.projected_date - DEADLINE).days) <= 1
    assert stage.projected_lsq is None  # needs three points


def test_least_squares_projection_needs_three_points() -> None:
    history = [obs(D(2021, 1, 1), 110), obs(D(2022, 1, 1), 120), obs(D(2023, 1, 1), 130)]
    stage = assess(goal(), history, D(2023, 6, 1)).stage
    assert stage is not None
    assert stage.projected_lsq == pytest.approx(100 + 10 * years_between(BASE_DAY, DEADLINE), rel=1e-3)


def test_never_reached_has_no_projected_date() -> None:
    stage = assess(goal(), [obs(LATEST_DAY, 90)], LATEST_DAY).stage
    assert stage is not None
    assert stage.projected_date is None


def test_leap_years_count_in_365_25_day_years() -> None:
    assert years_between(D(2020, 1, 1), D(2021, 1, 1)) == pytest.approx(366 / 365.25)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2023, 2, 28), 12) == D(2024, 2, 29)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    # A CAGR across a leap day uses the real day count.
    leap_goal = Goal(
        id="g",
        name="n",
        unit="u",
        baseline=Baseline(value=100, date=D(2024, 2, 28)),
        targets=(Target(value=200, by=D(2028, 2, 28)),),
    )
    stage = assess(leap_goal, [obs(D(2024, 3, 1), 101)], D(2024, 3, 1)).stage
    assert stage is not None
    assert stage.cagr_actual == pytest.approx(1.01 ** (365.25 / 2) - 1)


def test_staleness_by_cadence_and_lag() -> None:
    yearly = goal(cadence="yearly")
    history = [obs(D(2024, 12, 31), 150)]
    # Figure for 2025 due by 2025-12-31 + 120 days.
    assert assess(yearly, history, D(2026, 4, 30)).stale is False
    stale = assess(yearly, history, D(2026, 5, 1))
    assert stale.stale is True
    assert stale.stale_since == D(2026, 5, 1)
    fact = Goal(id="f", name="n", unit="u")
    assert assess(fact, history, D(2040, 1, 1)).stale is False


def test_sorting_puts_most_at_risk_first() -> None:
    results = [
        assess(goal(), [obs(LATEST_DAY, 200)], LATEST_DAY),
        assess(goal(method="linear"), [obs(LATEST_DAY, linear_value_for_ratio(-1))], LATEST_DAY),
        assess(goal(), [], LATEST_DAY),
    ]
    ordered = [a.status for a in sort_assessments(results)]
    assert ordered == [Status.DETERIORATING, Status.NO_DATA, Status.ACHIEVED]


def test_target_equal_to_baseline_moving_away_deteriorates() -> None:
    result = assess(goal(base=100, target=100), [obs(LATEST_DAY, 90)], LATEST_DAY)
    assert result.status is Status.DETERIORATING
    assert result.stage is not None
    assert result.stage.ratio is not None
    assert math.isinf(result.stage.ratio)
