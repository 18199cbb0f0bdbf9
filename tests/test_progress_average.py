"""Targets for an average over years: 年均增长7%左右 over 2022–2026 (issue 16, point 2).

The verdict compares the average achieved so far a (geometric, as 年均增长 is computed; plain for
yearly rises in percentage points) with the average the remaining years must reach n, by the UN
thresholds on a/n; once every year is known the target is achieved or missed.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import BUNDLED, run
from zibo_cli.core.model import Goal, Observation, Status, Target
from zibo_cli.core.progress import assess, ratio_status, running_averages
from zibo_cli.core.schema import build_goals_file

D = dt.date


def average_goal(value: float = 7, qualifier: str | None = "approx", mean: str | None = None, unit: str = "%") -> Goal:
    target = Target(
        value=value,
        by=D(2026, 12, 31),
        qualifier=qualifier,
        average_over="2022/2026",
        mean=mean,  # type: ignore[arg-type]
    )
    return Goal(id="g", name="GDP年均增长", unit=unit, cadence="yearly", targets=(target,))


def year(y: int, value: float, **extra: object) -> Observation:
    return Observation("g", D(y, 12, 31), value, precision="year", **extra)  # type: ignore[arg-type]


def bundled_like() -> list[Observation]:
    """The bundled gdp-growth figures that matter: 2021, 2022 (≥4, preliminary), 2023, 2024, and the
    2021–2025 average (≈6, preliminary)."""
    return [
        year(2019, 3.5),
        year(2021, 9.4),
        year(2022, 4, qualifier="at_least", preliminary=True),
        year(2023, 5.5),
        Observation("g", D(2024, 6, 30), 5.1, precision="half", period="2024-01/2024-06"),
        year(2024, 5.5),
        Observation(
            "g", D(2025, 12, 31), 6, precision="year", period="2021-01/2025-12", qualifier="approx", preliminary=True
        ),
    ]


def test_mid_span_compares_the_average_so_far_with_what_the_rest_must_reach() -> None:
    stage = assess(average_goal(), bundled_like(), D(2026, 6, 30)).stage
    assert stage is not None
    five_years = 1.06**5  # the stated 2021–2025 average
    known = five_years / 1.094  # 2022–2025: the five years less 2021's 9.4%
    assert stage.average_achieved == pytest.approx((known ** (1 / 4) - 1) * 100)
    assert stage.average_needed == pytest.approx((1.07**5 / known - 1) * 100)
    assert stage.average_achieved == pytest.approx(5.17, abs=0.005)
    assert 14 <= stage.average_needed <= 15  # "about 14–15% needed in 2026"
    assert stage.ratio == pytest.approx(stage.average_achieved / stage.average_needed)
    assert stage.status is Status.OFF_TRACK
    assert stage.needed_per_year == stage.average_needed
    assert stage.method == "average"
    assert stage.provisional  # 2022 is a preliminary bound, 2025 derived from a preliminary average
    by_year = {y.year: y for y in stage.years}
    assert [y.year for y in stage.years] == [2022, 2023, 2024, 2025, 2026]
    assert by_year[2025].derived
    assert by_year[2025].value == pytest.approx((known / (1.04 * 1.055**2) - 1) * 100)
    assert not by_year[2023].derived
    assert by_year[2023].value == 5.5
    assert by_year[2026].value is None
    assert stage.progress == pytest.approx(math.log(known) / math.log(1.07**5))


def test_a_half_year_rate_is_not_a_years_rate() -> None:
    """The January–June 2024 rate (5.1%) is shown but does not enter the average."""
    without = [o for o in bundled_like() if o.period != "2024-01/2024-06"]
    with_half = assess(average_goal(), bundled_like(), D(2026, 6, 30)).stage
    plain = assess(average_goal(), without, D(2026, 6, 30)).stage
    assert with_half is not None
    assert plain is not None
    assert with_half.average_achieved == plain.average_achieved


def test_as_of_mid_2024_only_public_years_count() -> None:
    """As of 2024-06-30: 2022 and 2023 are known; three years must make up the rest."""
    stage = assess(average_goal(), bundled_like(), D(2024, 6, 30)).stage
    assert stage is not None
    assert [y.value for y in stage.years][:2] == [4, 5.5]
    achieved = ((1.04 * 1.055) ** 0.5 - 1) * 100
    needed = ((1.07**5 / (1.04 * 1.055)) ** (1 / 3) - 1) * 100
    assert stage.average_achieved == pytest.approx(achieved)
    assert stage.average_needed == pytest.approx(needed)
    assert stage.status is ratio_status(achieved / needed) is Status.AT_RISK


def test_at_the_end_of_the_span_the_verdict_awaits_the_last_year() -> None:
    stage = assess(average_goal(), bundled_like(), D(2026, 12, 31)).stage
    assert stage is not None
    assert stage.status is Status.OFF_TRACK
    after_deadline = assess(average_goal(), bundled_like(), D(2027, 1, 15)).stage
    assert after_deadline is not None
    assert after_deadline.awaiting
    assert after_deadline.status is Status.OFF_TRACK


def test_after_the_span_without_its_last_year_it_is_missed() -> None:
    """Past the deadline plus the yearly publication lag (120 days) with 2026 still unknown."""
    assert assess(average_goal(), bundled_like(), D(2027, 6, 30)).status is Status.MISSED


@pytest.mark.parametrize(
    ("rate_2026", "qualifier", "expected"),
    [
        (15, "approx", Status.ACHIEVED),  # the five-year average comes to 7.04%
        (8, "approx", Status.MISSED),  # 5.73%
        (12.6, "approx", Status.ACHIEVED),  # 6.6%: rounds to 7, which is what 7%左右 asks
        (12.6, None, Status.MISSED),  # …but is short of an exact 7
    ],
)
def test_after_the_span_it_is_achieved_or_missed(rate_2026: float, qualifier: str | None, expected: Status) -> None:
    figures = [*bundled_like(), year(2026, rate_2026)]
    result = assess(average_goal(qualifier=qualifier), figures, D(2027, 6, 30))
    assert result.status is expected
    assert result.stage is not None
    assert result.stage.average_needed is None
    known = 1.06**5 / 1.094 * (1 + rate_2026 / 100)
    assert result.stage.average_achieved == pytest.approx((known ** (1 / 5) - 1) * 100)
    assert (result.stage.buffer_days is None) is (expected is Status.ACHIEVED)


def test_a_later_figure_for_a_year_replaces_the_estimate() -> None:
    figures = [year(2022, 4, qualifier="at_least", preliminary=True), year(2022, 4.4)]
    stage = assess(average_goal(), figures, D(2023, 6, 30)).stage
    assert stage is not None
    assert stage.years[0].value == 4.4
    assert not stage.provisional


def test_before_any_year_of_the_span_is_known() -> None:
    stage = assess(average_goal(), [year(2021, 9.4)], D(2022, 6, 30)).stage
    assert stage is not None
    assert stage.status is Status.INSUFFICIENT
    assert stage.average_needed == 7
    assert assess(average_goal(), [], D(2022, 6, 30)).status is Status.NO_DATA


def test_years_on_pace_are_on_track() -> None:
    result = assess(average_goal(qualifier=None), [year(2022, 7.2), year(2023, 6.9)], D(2024, 6, 30))
    assert result.status is Status.ON_TRACK
    assert result.stage is not None
    assert result.stage.buffer_days is not None
    assert result.stage.buffer_days > 0


def test_yearly_rises_are_averaged_plainly() -> None:
    """四新 share rising ≥ 2 percentage points a year: 2.5 and 1.5 so far leave 2 a year for three years."""
    goal = average_goal(value=2, qualifier="at_least", mean="arithmetic", unit="个百分点")
    stage = assess(goal, [year(2022, 2.5), year(2023, 1.5)], D(2024, 6, 30)).stage
    assert stage is not None
    assert stage.average_achieved == pytest.approx(2)
    assert stage.average_needed == pytest.approx(2)
    assert stage.status is Status.ON_TRACK
    assert stage.cagr_actual is None
    assert stage.progress == pytest.approx(4 / 10)


def test_an_average_already_secured_needs_nothing_more() -> None:
    goal = average_goal(value=2, qualifier="at_least", mean="arithmetic", unit="个百分点")
    stage = assess(goal, [year(2022, 6), year(2023, 6)], D(2024, 6, 30)).stage
    assert stage is not None
    assert stage.average_needed is not None
    assert stage.average_needed <= 0
    assert stage.status is Status.ON_TRACK


def test_the_chart_follows_the_average() -> None:
    stage = assess(average_goal(), bundled_like(), D(2026, 6, 30)).stage
    assert stage is not None
    points = running_averages(stage)
    assert [p.date.year for p in points] == [2022, 2023, 2024, 2025]
    assert points[0].value == pytest.approx(4)
    assert points[-1].value == pytest.approx(stage.average_achieved)


def test_the_buffer_follows_the_average() -> None:
    """2022–2025 grew as much as 2.98 years at 7%: about a year (373 days) behind the path of 7% a year."""
    stage = assess(average_goal(), bundled_like(), D(2026, 6, 30)).stage
    assert stage is not None
    known = 1.06**5 / 1.094
    behind = math.log(known) / math.log(1.07) * 365.25 - (D(2025, 12, 31) - D(2021, 12, 31)).days
    assert stage.buffer_days == round(math.log(known) / math.log(1.07**5) * 1826 - 1461)
    assert stage.buffer_days == pytest.approx(behind, abs=2)
    assert stage.buffer_days == -373


rates = st.floats(min_value=-20, max_value=30, allow_nan=False)


@given(known=st.lists(rates, min_size=1, max_size=4), target=st.floats(min_value=0.5, max_value=20))
def test_growing_at_the_needed_rate_reaches_the_target_exactly(known: list[float], target: float) -> None:
    """If every remaining year grows at n, the five-year geometric average is the target."""
    figures = [year(2022 + index, value) for index, value in enumerate(known)]
    stage = assess(average_goal(value=target, qualifier=None), figures, D(2026, 6, 30)).stage
    assert stage is not None
    assert stage.average_needed is not None
    remaining = 5 - len(known)
    product = math.prod(1 + v / 100 for v in known) * (1 + stage.average_needed / 100) ** remaining
    assert (product ** (1 / 5) - 1) * 100 == pytest.approx(target, rel=1e-9, abs=1e-9)
    if stage.average_needed > 0:
        assert stage.status is ratio_status(stage.average_achieved / stage.average_needed)  # type: ignore[operator]


@given(known=st.lists(rates, min_size=1, max_size=4), target=st.floats(min_value=-5, max_value=10))
def test_plain_average_needed_adds_up(known: list[float], target: float) -> None:
    figures = [year(2022 + index, value) for index, value in enumerate(known)]
    goal = average_goal(value=target, qualifier=None, mean="arithmetic", unit="个百分点")
    stage = assess(goal, figures, D(2026, 6, 30)).stage
    assert stage is not None
    assert stage.average_needed is not None
    assert sum(known) + stage.average_needed * (5 - len(known)) == pytest.approx(5 * target, abs=1e-9)


# -- the file format ---------------------------------------------------------------------------------


def problems(target: str, unit: str = "%", direction: str = "increase") -> list[str]:
    import tomllib

    text = f'schema = 1\n[goals.g]\nname = "n"\nunit = "{unit}"\ndirection = "{direction}"\ntarget = {target}\n'
    _, found = build_goals_file(tomllib.loads(text))
    return [problem.message for problem in found]


def test_an_average_target_reads_back() -> None:
    import tomllib

    target = '{ value = 7, by = 2026-12-31, average_over = "2022/2026" }'
    text = f'schema = 1\n[goals.g]\nname = "n"\nunit = "%"\ntarget = {target}\n'
    goals_file, found = build_goals_file(tomllib.loads(text))
    assert not found
    assert goals_file is not None
    target = goals_file.goals["g"].targets[0]
    assert target.average_years == (2022, 2026)
    assert target.average_kind == "geometric"


@pytest.mark.parametrize(
    ("target", "unit", "direction", "expected"),
    [
        ('{ value = 7, by = 2026-12-31, average_over = "2022-2026" }', "%", "increase", "span of years"),
        ('{ value = 7, by = 2026-12-31, average_over = "2026/2022" }', "%", "increase", "run forward"),
        ('{ value = 7, by = 2025-12-31, average_over = "2022/2026" }', "%", "increase", "due at the end of 2026"),
        ('{ value = 7, by = 2026-12-31, mean = "arithmetic" }', "%", "increase", "only applies"),
        ('{ value = 7, by = 2026-12-31, average_over = "2022/2026", mean = "median" }', "%", "increase", "not one of"),
        ('{ value = 2, by = 2026-12-31, average_over = "2022/2026" }', "个百分点", "increase", "unit must be '%'"),
        ('{ value = 7, by = 2026-12-31, average_over = "2022/2026" }', "%", "decrease", "goals that increase"),
    ],
)
def test_bad_average_targets_are_refused(target: str, unit: str, direction: str, expected: str) -> None:
    found = problems(target, unit, direction)
    assert any(expected in message for message in found), found


# -- the bundled dataset -------------------------------------------------------------------------------


def test_the_bundled_average_and_rise_targets(world: Path) -> None:
    """As of 2026-06-30: GDP growth needs about 14.7% in 2026 for ≈7% over 2022–2026 (off track); the
    digital-economy and 四新 targets are averages too, with no figure yet."""
    goals = {
        g["id"]: g
        for g in json.loads(run("status", "-f", str(BUNDLED), "--as-of", "2026-06-30", "--json").stdout)["goals"]
    }
    growth = goals["gdp-growth"]
    assert growth["status"] == "off_track"
    assert growth["method"] == "average"
    assert growth["provisional"] is True
    assert growth["average_achieved"] == pytest.approx(5.17, abs=0.005)
    assert growth["average_needed"] == pytest.approx(14.66, abs=0.005)
    assert growth["buffer_days"] == -373
    assert [y["derived"] for y in growth["stages"][0]["years"]] == [False, False, False, True, False]
    assert goals["four-new-share-rise"]["target"] == {
        "value": 2.0, "by": "2026-12-31", "average_over": "2022/2026", "mean": "arithmetic"
    }  # fmt: skip
    assert goals["digital-core-growth"]["target"]["mean"] == "geometric"
    assert goals["four-new-share-rise"]["status"] == goals["digital-core-growth"]["status"] == "no_data"
    shown = run("show", "gdp-growth", "-f", str(BUNDLED), "--as-of", "2026-06-30").stdout
    assert "Needed in the remaining year: 14.66%, for ≈7% a year over 2022–2026." in shown
    assert "● average so far" in shown
    html = run("report", "-f", str(BUNDLED), "--as-of", "2026-06-30", "--format", "html").stdout
    assert "average 2022–2025: 5.17%" in html
    assert "needs 14.66%/yr" in html
