"""The path buffer, provisional verdicts and fact trends (issue 16, points 4, 5 and 6)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import target_goal
from zibo_cli.core.model import Goal, Observation, Status
from zibo_cli.core.progress import TREND_THRESHOLD, assess

D = dt.date
BASE_DAY = D(2020, 12, 31)
DEADLINE = D(2026, 12, 31)
FIGURE_DAY = D(2023, 12, 31)
SPAN = (DEADLINE - BASE_DAY).days  # 2191
ELAPSED = (FIGURE_DAY - BASE_DAY).days  # 1095


def goal(base: float = 100, target: float = 200, direction: str = "increase", method: str = "auto") -> Goal:
    qualifier = "at_least" if direction == "increase" else None
    return target_goal(base, BASE_DAY, target, DEADLINE, direction, method, qualifier=qualifier)


def buffer(value: float, **kwargs: object) -> int | None:
    stage = assess(goal(**kwargs), [Observation("g", FIGURE_DAY, value)], D(2024, 6, 30)).stage  # type: ignore[arg-type]
    assert stage is not None
    return stage.buffer_days


@pytest.mark.parametrize(
    ("value", "expected"), [(160, round(0.6 * SPAN - ELAPSED)), (120, round(0.2 * SPAN - ELAPSED))]
)
def test_straight_path(value: float, expected: int) -> None:
    """The straight path reaches 160 (60% of the way) on day 0.6·2191: 220 days after the figure's date."""
    assert buffer(value, method="linear") == expected
    assert buffer(160, method="linear") == 220
    assert buffer(120, method="linear") == -657


def test_compound_path() -> None:
    """The compound path from 100 to 200 reaches x at the share ln(x/100)/ln 2 of its span."""
    expected = round(math.log(1.6) / math.log(2) * SPAN - ELAPSED)
    assert buffer(160) == expected
    assert buffer(160) != buffer(160, method="linear")


def test_a_figure_on_the_path_has_no_buffer_either_way() -> None:
    on_path = 100 * 2 ** (ELAPSED / SPAN)
    assert buffer(on_path) == 0


def test_decrease_goals_are_mirrored() -> None:
    assert buffer(140, base=200, target=100, direction="decrease", method="linear") == 220
    assert buffer(180, base=200, target=100, direction="decrease", method="linear") == round(0.2 * SPAN - ELAPSED)


def test_no_buffer_once_achieved_or_without_a_path() -> None:
    assert buffer(250) is None  # achieved
    assert buffer(85, base=100, target=90) is None  # a target the baseline already met: nothing to climb


@given(value=st.floats(min_value=101, max_value=199), method=st.sampled_from(["auto", "linear"]))
def test_ahead_of_the_path_exactly_when_the_ratio_is_at_least_one(value: float, method: str) -> None:
    """Ahead of the required path (buffer ≥ 0) and a ratio ≥ 1 say the same thing, up to a day's rounding."""
    result = assess(goal(method=method), [Observation("g", FIGURE_DAY, value)], D(2024, 6, 30)).stage
    assert result is not None
    assert result.ratio is not None
    assert result.buffer_days is not None
    if abs(result.ratio - 1) > 0.01:
        assert (result.buffer_days >= 0) is (result.ratio >= 1)


# -- provisional verdicts ----------------------------------------------------------------------------


def judged(value: float, **extra: object) -> object:
    return assess(goal(), [Observation("g", FIGURE_DAY, value, **extra)], D(2024, 6, 30))  # type: ignore[arg-type]


def test_preliminary_and_approximate_figures_make_the_verdict_provisional() -> None:
    assert judged(150, preliminary=True).provisional  # type: ignore[attr-defined]
    assert judged(150, qualifier="approx").provisional  # type: ignore[attr-defined]
    assert not judged(150).provisional  # type: ignore[attr-defined]


def test_an_at_least_figure_that_meets_the_target_is_achieved_for_sure() -> None:
    met = judged(200, qualifier="at_least")
    assert met.status is Status.ACHIEVED  # type: ignore[attr-defined]
    assert not met.provisional  # type: ignore[attr-defined]
    short = judged(150, qualifier="at_least")  # ≥150: the exact figure could be nearer the target
    assert short.provisional  # type: ignore[attr-defined]
    estimate = judged(200, qualifier="at_least", preliminary=True)
    assert estimate.status is Status.ACHIEVED  # type: ignore[attr-defined]
    assert estimate.provisional  # type: ignore[attr-defined]


def test_the_maths_is_kept_for_a_bound() -> None:
    """≥150 is assessed as 150, with the caveat."""
    bound, exact = judged(150, qualifier="at_least"), judged(150)
    assert bound.stage.ratio == exact.stage.ratio  # type: ignore[attr-defined]


# -- fact trends ---------------------------------------------------------------------------------------


def fact(direction: str = "increase") -> Goal:
    return Goal(id="f", name="事实", unit="家", direction=direction)  # type: ignore[arg-type]


def yearly(year: int, value: float) -> Observation:
    return Observation("f", D(year, 12, 31), value, precision="year")


@pytest.mark.parametrize(
    ("values", "word"),
    [
        ((100, 110), "rising"),
        ((100, 100.3), "flat"),
        ((100, 99.7), "flat"),
        ((100, 90), "falling"),
        ((13, 2), "falling"),
    ],
)
def test_a_fact_with_two_yearly_figures_has_a_trend(values: tuple[float, float], word: str) -> None:
    result = assess(fact(), [yearly(2023, values[0]), yearly(2024, values[1])], D(2025, 6, 30))
    assert result.status is Status.FACT
    assert result.trend is not None
    assert result.trend.word == word
    assert result.trend.rate == pytest.approx((values[1] / values[0]) ** (1 / (366 / 365.25)) - 1)


def test_the_trend_threshold_is_half_a_percent_a_year() -> None:
    assert TREND_THRESHOLD == 0.005


def test_the_trend_spans_the_first_and_the_latest_yearly_figure() -> None:
    figures = [
        Observation("f", D(2019, 11, 30), 50, precision="month", period="2019-01/2019-11"),
        yearly(2020, 100),
        yearly(2022, 121),
    ]
    result = assess(fact(), figures, D(2023, 6, 30))
    assert result.trend is not None
    assert result.trend.start.date == D(2020, 12, 31)
    assert result.trend.rate == pytest.approx(0.1, abs=1e-3)
    assert result.baseline == result.trend.start  # a fact's baseline is where its trend starts


def test_no_trend_without_two_yearly_figures() -> None:
    part_year = Observation("f", D(2024, 11, 30), 210, precision="month", period="2024-01/2024-11")
    five_years = Observation("f", D(2025, 12, 31), 29.8, precision="year", period="2021-01/2025-12")
    assert assess(fact(), [yearly(2023, 1)], D(2025, 6, 30)).trend is None
    assert assess(fact(), [yearly(2023, 1), part_year], D(2025, 6, 30)).trend is None
    assert assess(fact(), [yearly(2020, 1), five_years], D(2026, 6, 30)).trend is None


def test_negative_values_trend_by_their_change() -> None:
    result = assess(fact(), [yearly(2023, -2), yearly(2024, -1)], D(2025, 6, 30))
    assert result.trend is not None
    assert result.trend.word == "rising"


def test_goals_with_a_target_have_no_trend() -> None:
    assert judged(150).trend is None  # type: ignore[attr-defined]
