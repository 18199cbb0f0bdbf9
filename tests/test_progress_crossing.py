"""A figure that crosses to the wrong side of a target is never on track (issue 16, point 1).

The ratio is signed by the goal's direction, as Open SDG's ProgressMeasure does
(direction · CAGR_actual / |CAGR_required|), and so is progress: a target the baseline already meets
("keep it at least 90") that the figure then falls through is deteriorating, in both directions and
with both methods.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import target_goal
from zibo_cli.core.dates import years_between
from zibo_cli.core.model import Goal, Observation, Status
from zibo_cli.core.progress import assess

BASE_DAY = dt.date(2020, 12, 31)
LATEST_DAY = dt.date(2023, 12, 31)
DEADLINE = dt.date(2026, 12, 31)
AS_OF = dt.date(2024, 6, 30)


def goal(base: float, target: float, direction: str, method: str) -> Goal:
    return target_goal(base, BASE_DAY, target, DEADLINE, direction, method, unit="%")


def judged(base: float, target: float, latest: float, direction: str, method: str):
    result = assess(goal(base, target, direction, method), [Observation("g", LATEST_DAY, latest)], AS_OF)
    assert result.stage is not None
    return result.stage


@pytest.mark.parametrize("method", ["cagr", "linear"])
def test_increase_goal_met_at_baseline_that_falls_through_is_deteriorating(method: str) -> None:
    """Baseline 100, target ≥ 90, latest 85: it used to read on track, ratio 4.57, progress 150%."""
    stage = judged(100, 90, 85, "increase", method)
    assert stage.status is Status.DETERIORATING
    assert stage.method == method
    assert stage.ratio is not None
    assert stage.ratio < -0.1
    assert stage.progress == pytest.approx(-1.5)  # moved 15 the wrong way; the margin was 10
    assert stage.projected is not None
    assert stage.projected < 85


@pytest.mark.parametrize("method", ["cagr", "linear"])
def test_decrease_goal_met_at_baseline_that_rises_through_is_deteriorating(method: str) -> None:
    """Baseline 50, target ≤ 60, latest 65."""
    stage = judged(50, 60, 65, "decrease", method)
    assert stage.status is Status.DETERIORATING
    assert stage.ratio is not None
    assert stage.ratio < -0.1
    assert stage.progress == pytest.approx(-1.5)


def test_the_signed_cagr_ratio_is_opensdgs() -> None:
    """direction · CAGR_actual / |CAGR_required|, worked by hand for the increase case."""
    stage = judged(100, 90, 85, "increase", "cagr")
    actual = (85 / 100) ** (1 / years_between(BASE_DAY, LATEST_DAY)) - 1
    required = (90 / 100) ** (1 / years_between(BASE_DAY, DEADLINE)) - 1
    assert stage.ratio == pytest.approx(actual / abs(required))
    assert stage.ratio == pytest.approx(-3.03, abs=0.01)


@pytest.mark.parametrize(("direction", "latest"), [("increase", 95), ("decrease", 55)])
@pytest.mark.parametrize("method", ["cagr", "linear"])
def test_still_on_the_right_side_is_achieved(direction: str, latest: float, method: str) -> None:
    base, target = (100, 90) if direction == "increase" else (50, 60)
    assert judged(base, target, latest, direction, method).status is Status.ACHIEVED


@pytest.mark.parametrize("method", ["cagr", "linear"])
@pytest.mark.parametrize(
    ("direction", "base", "target", "latest"), [("increase", 100, 200, 150), ("decrease", 200, 100, 150)]
)
def test_ordinary_targets_keep_their_ratio(
    method: str, direction: str, base: float, target: float, latest: float
) -> None:
    """Where baseline and target lie the usual way round, the signed ratio is the UN's plain one."""
    stage = judged(base, target, latest, direction, method)
    if method == "cagr":
        actual = (latest / base) ** (1 / years_between(BASE_DAY, LATEST_DAY)) - 1
        required = (target / base) ** (1 / years_between(BASE_DAY, DEADLINE)) - 1
        assert stage.ratio == pytest.approx(actual / required)
    else:
        share = years_between(BASE_DAY, LATEST_DAY) / years_between(BASE_DAY, DEADLINE)
        assert stage.ratio == pytest.approx(0.5 / share)
    assert stage.progress == pytest.approx(0.5)


values = st.floats(min_value=1, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(base=values, target=values, latest=values, direction=st.sampled_from(["increase", "decrease"]),
       method=st.sampled_from(["cagr", "linear"]))  # fmt: skip
def test_a_figure_short_of_the_target_that_moved_away_from_it_is_never_on_track(
    base: float, target: float, latest: float, direction: str, method: str
) -> None:
    """Short of the target and moved from the baseline against the goal's direction: deteriorating or
    off track (a tiny move), never at risk, on track or achieved."""
    sign = 1 if direction == "increase" else -1
    short = sign * (latest - target) < 0
    moved_back = sign * (latest - base) < 0
    if not (short and moved_back):
        return
    stage = judged(base, target, latest, direction, method)
    assert stage.status in (Status.DETERIORATING, Status.OFF_TRACK)
    assert stage.ratio is not None
    assert stage.ratio <= 0
    assert stage.progress is None or stage.progress < 0
