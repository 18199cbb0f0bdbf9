"""Property tests of the progress engine (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import target_goal
from zibo_cli.core.model import Goal, Observation, Status
from zibo_cli.core.progress import assess

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
any_finite = st.floats(allow_nan=False, allow_infinity=False)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))


def make_goal(base: float, base_day: dt.date, target: float, by: dt.date, direction: str, method: str) -> Goal:
    return target_goal(base, base_day, target, by, direction, method, unit="u")


@given(
    base=finite, target=finite, base_day=days, by=days, day=days, direction=st.sampled_from(["increase", "decrease"])
)
def test_value_exactly_at_target_is_achieved(
    base: float, target: float, base_day: dt.date, by: dt.date, day: dt.date, direction: str
) -> None:
    goal = make_goal(base, base_day, target, by, direction, "auto")
    assert assess(goal, [Observation("g", day, target)], max(day, base_day)).status is Status.ACHIEVED


@given(
    base=st.floats(min_value=-1e6, max_value=1e6),
    target=st.floats(min_value=-1e6, max_value=1e6),
    value=st.floats(min_value=-1e6, max_value=1e6),
    base_day=days,
    by=days,
    day=days,
    as_of=days,
)
def test_linear_mirror_of_a_decreasing_goal_has_the_same_status(
    base: float, target: float, value: float, base_day: dt.date, by: dt.date, day: dt.date, as_of: dt.date
) -> None:
    """Reflect every value around the target: a decreasing goal must be judged like the increasing one."""
    rising = make_goal(base, base_day, target, by, "increase", "linear")
    falling = make_goal(2 * target - base, base_day, target, by, "decrease", "linear")
    up = assess(rising, [Observation("g", day, value)], as_of)
    down = assess(falling, [Observation("g", day, 2 * target - value)], as_of)
    assert up.status is down.status


@settings(max_examples=300)
@given(
    base=any_finite,
    target=any_finite,
    base_day=days,
    by=days,
    history=st.lists(st.tuples(days, any_finite), max_size=6),
    as_of=days,
    direction=st.sampled_from(["increase", "decrease"]),
    method=st.sampled_from(["auto", "cagr", "linear"]),
    lag=st.one_of(st.none(), st.integers(min_value=0, max_value=1000)),
)
def test_engine_never_raises_for_finite_inputs(
    base: float,
    target: float,
    base_day: dt.date,
    by: dt.date,
    history: list[tuple[dt.date, float]],
    as_of: dt.date,
    direction: str,
    method: str,
    lag: int | None,
) -> None:
    goal = make_goal(base, base_day, target, by, direction, method)
    goal = Goal(**{**{f: getattr(goal, f) for f in goal.__slots__}, "lag": lag})  # type: ignore[attr-defined]
    result = assess(goal, [Observation("g", d, v) for d, v in history], as_of)
    assert isinstance(result.status, Status)
