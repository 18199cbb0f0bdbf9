"""Values and dates typed as sources print them: every accepted form, and the refusals."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zibo_cli.core.dates import DateError, ParsedDate, format_date, parse_date, parse_iso_date
from zibo_cli.core.values import ValueParseError, parse_value
from zibo_cli.i18n import set_language
from zibo_cli.render.text import display_date

TODAY = dt.date(2026, 11, 27)
D = dt.date


@pytest.mark.parametrize(
    ("text", "unit", "value", "qualifier"),
    [
        ("4884.1", "亿元", 4884.1, None),
        ("100亿", "亿元", 100, None),
        ("100亿元", "亿元", 100, None),
        ("1.2万亿元", "亿元", 12000, None),
        ("3500万元", "亿元", 0.35, None),
        ("50亿元", "万元", 500000, None),
        ("100元", "元", 100, None),
        ("8,938", "项", 8938, None),
        ("8938项", "项", 8938, None),
        ("１００", "家", 100, None),
        ("９０％", "%", 90, None),
        ("90%", "%", 90, None),
        ("4.5456", "指数", 4.5456, None),
        ("-3.2", "%", -3.2, None),
        ("约90%", "%", 90, "approx"),
        ("90%左右", "%", 90, "approx"),
        ("~90", "%", 90, "approx"),
        ("1000余", "处", 1000, "at_least"),
        ("1000余处", "处", 1000, "at_least"),
        ("1000+", "处", 1000, "at_least"),
        ("超100亿", "亿元", 100, "at_least"),
        ("突破5000亿元", "亿元", 5000, "at_least"),
        ("60%以上", "%", 60, "at_least"),
        ("≤5", "位", 5, "at_most"),
        ("2个百分点", "个百分点", 2, None),
        ("2百分点", "个百分点", 2, None),
        ("一百亿", "亿元", 100, None),
        ("一百亿元", "亿元", 100, None),
        ("一千二百", "家", 1200, None),
        ("约一千二百家", "家", 1200, "approx"),
        ("29.8万人", "万人", 29.8, None),
        ("298000人", "万人", 29.8, None),
    ],
)
def test_accepted_values(text: str, unit: str, value: float, qualifier: str | None) -> None:
    parsed = parse_value(text, unit)
    assert parsed.value == pytest.approx(value)
    assert parsed.qualifier == qualifier


def test_conversion_is_stated() -> None:
    assert parse_value("1.2万亿元", "亿元").conversion == "1.2万亿元 = 12000亿元"
    assert parse_value("100亿元", "亿元").conversion is None


@pytest.mark.parametrize(
    ("text", "unit", "reason"),
    [
        ("100亿元", "家", "does not convert into this goal's unit, 家"),
        ("50家", "亿元", "does not convert"),
        ("2%", "百分点", "percentage points"),
        ("abc", "%", "not a number"),
        ("", "%", "empty"),
        ("nan", "%", "not a number"),
        ("inf", "%", "not a number"),
        ("1e400", "亿元", "too large"),
        ("1e300", "亿元", "too large"),
        ("一百百", "家", "Chinese numeral"),
        ("1,00", "家", "not convert"),
    ],
)
def test_refused_values(text: str, unit: str, reason: str) -> None:
    with pytest.raises(ValueParseError, match=reason):
        parse_value(text, unit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", ParsedDate(D(2024, 12, 31), "year")),
        ("2024-11", ParsedDate(D(2024, 11, 30), "month")),
        ("2024-11-30", ParsedDate(D(2024, 11, 30), "day")),
        ("2024-02", ParsedDate(D(2024, 2, 29), "month")),
        ("2024年", ParsedDate(D(2024, 12, 31), "year")),
        ("2024年11月", ParsedDate(D(2024, 11, 30), "month")),
        ("2024年十一月", ParsedDate(D(2024, 11, 30), "month")),
        ("2024年11月30日", ParsedDate(D(2024, 11, 30), "day")),
        ("2024年底", ParsedDate(D(2024, 12, 31), "year")),
        ("2024年末", ParsedDate(D(2024, 12, 31), "year")),
        ("截至2024年年底", ParsedDate(D(2024, 12, 31), "year")),
        ("2024Q3", ParsedDate(D(2024, 9, 30), "quarter")),
        ("2024-Q3", ParsedDate(D(2024, 9, 30), "quarter")),
        ("2024年三季度", ParsedDate(D(2024, 9, 30), "quarter")),
        ("2024年第三季度", ParsedDate(D(2024, 9, 30), "quarter")),
        ("2024年上半年", ParsedDate(D(2024, 6, 30), "half")),
        ("2024年下半年", ParsedDate(D(2024, 12, 31), "half")),
        ("2024-H1", ParsedDate(D(2024, 6, 30), "half")),
        ("1至11月", ParsedDate(D(2026, 11, 30), "month", "2026-01/2026-11")),
        ("1-11月", ParsedDate(D(2026, 11, 30), "month", "2026-01/2026-11")),
        ("2024年1至11月", ParsedDate(D(2024, 11, 30), "month", "2024-01/2024-11")),
        ("today", ParsedDate(TODAY, "day")),
        ("yesterday", ParsedDate(D(2026, 11, 26), "day")),
        ("last month", ParsedDate(D(2026, 10, 31), "month")),
        ("Nov 30 2024", ParsedDate(D(2024, 11, 30), "day")),
        ("30 November 2024", ParsedDate(D(2024, 11, 30), "day")),
        ("November 2024", ParsedDate(D(2024, 11, 30), "month")),
        ("2024/11/30", ParsedDate(D(2024, 11, 30), "day")),
    ],
)
def test_accepted_dates(text: str, expected: ParsedDate) -> None:
    assert parse_date(text, TODAY) == expected


def test_month_span_takes_the_given_year() -> None:
    assert parse_date("1至11月", TODAY, year=2024) == ParsedDate(D(2024, 11, 30), "month", "2024-01/2024-11")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("01/02/2024", "ambiguous"),
        ("2025-02-30", "not a real date"),
        ("2024年13月", "month 13 does not exist"),
        ("2024年五季度", "quarter 5 does not exist"),
        ("13至11月", "not a span"),
        ("Nov 30", "no year"),
        ("soon", "not a date"),
        ("", "empty"),
        ("2024-13", "month 13"),
    ],
)
def test_refused_dates(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(text, TODAY)


@pytest.mark.parametrize("language", ["en", "zh"])
@given(
    day=st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
    precision=st.sampled_from(["day", "month", "quarter", "half", "year"]),
)
def test_shown_dates_can_be_typed_back(language: str, day: dt.date, precision: str) -> None:
    """A figure's date as zibo shows it, in either language, parses back to the same day and precision."""
    set_language(language)
    try:
        if precision != "day":
            day, _ = parse_iso_date(format_date(day, precision))  # type: ignore[arg-type]
        shown = display_date(day, precision)  # type: ignore[arg-type]
        assert parse_date(shown, TODAY) == ParsedDate(day, precision)  # type: ignore[arg-type]
    finally:
        set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("period", ["2024-01/2024-11", "2025-03/2025-09"])
def test_shown_periods_can_be_typed_back(language: str, period: str) -> None:
    from zibo_cli.core.model import Observation
    from zibo_cli.render.text import observation_date

    end = parse_iso_date(period.split("/")[1])[0]
    observation = Observation(goal="g", date=end, value=1, precision="month", period=period)
    set_language(language)
    try:
        assert parse_date(observation_date(observation), TODAY) == ParsedDate(end, "month", period)
    finally:
        set_language("en")


@given(st.text(max_size=30))
def test_date_parser_never_raises_anything_but_date_error(text: str) -> None:
    with contextlib.suppress(DateError):
        parse_date(text, TODAY)


@given(st.text(max_size=30), st.sampled_from(["亿元", "%", "家", "个百分点", "万人"]))
def test_value_parser_never_raises_anything_but_value_error(text: str, unit: str) -> None:
    with contextlib.suppress(ValueParseError):
        parse_value(text, unit)


UNITS = [
    "亿元",
    "万元",
    "万亿元",
    "元",
    "万人",
    "%",
    "个百分点",
    "家",
    "个",
    "项",
    "处",
    "天",
    "平方米",
    "位",
    "指数",
    "条",
]


@pytest.mark.parametrize("language", ["en", "zh"])
@given(
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 3)),
    unit=st.sampled_from(UNITS),
    qualifier=st.sampled_from([None, "approx", "at_least", "at_most"]),
)
def test_shown_values_can_be_typed_back(language: str, value: float, unit: str, qualifier: str | None) -> None:
    """A value as zibo shows it, in either language, parses back into the goal's unit."""
    from zibo_cli.render.text import format_value

    set_language(language)
    try:
        shown = format_value(value, unit, qualifier)
    finally:
        set_language("en")
    parsed = parse_value(shown, unit)
    assert parsed.value == pytest.approx(value, rel=1e-9, abs=1e-9)
    assert parsed.qualifier == qualifier


@given(st.integers(min_value=-10_000, max_value=10_000), st.integers(min_value=-2, max_value=14))
def test_days_in_month_is_calendars(year: int, month: int) -> None:
    """core.dates counts a month's days without importing calendar; it must agree with calendar."""
    import calendar

    from zibo_cli.core.dates import days_in_month

    try:
        expected: int | type[Exception] = calendar.monthrange(year, month)[1]
    except ValueError:
        expected = ValueError
    if expected is ValueError:
        with pytest.raises(ValueError, match="bad month number"):
            days_in_month(year, month)
    else:
        assert days_in_month(year, month) == expected
