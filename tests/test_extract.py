"""`zibo extract`'s reading of a text: kinds, qualifiers, dates, places, and the goal of each figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract_corpus import bundled_goals
from zibo_cli.core.extract import Figure, csv_records, extract
from zibo_cli.core.extract_dates import When
from zibo_cli.core.model import Goal, GoalsFile

PUBLISHED = When(dt.date(2025, 3, 21), "day")
GOALS = bundled_goals()
CONVERT = opencc.OpenCC("t2s").convert


def read(text: str, published: When = PUBLISHED, goals: GoalsFile = GOALS) -> list[Figure]:
    return extract(text, goals, published, CONVERT)


def one(text: str, **kwargs: Any) -> Figure:
    figures = read(text, **kwargs)
    assert len(figures) == 1, [f.record() for f in figures]
    return figures[0]


def test_subject_carried_to_the_next_clause() -> None:
    level, change = read("2021年，全市地区生产总值实现4200.6亿元，同比增长9.4%。")
    assert (level.goal, level.kind, level.value, level.unit) == ("gdp", "level", 4200.6, "亿元")
    assert (change.goal, change.kind, change.value) == ("gdp-growth", "change", 9.4)
    assert level.when == change.when == When(dt.date(2021, 12, 31), "year")


@pytest.mark.parametrize(
    ("text", "value", "unit", "kind"),
    [
        ("全市良好天数同比增加11天。", 11, "天", "change"),
        ("占比提高2个百分点。", 2, "个百分点", "change"),
        ("化学需氧量排放量下降68.66%。", -68.66, "%", "change"),
        ("水环境质量指数同比改善2%。", 2, "%", "change"),
        ("比重提高到60%。", 60, "%", "level"),
        ("规模以上工业增加值增长8.2%。", 8.2, "%", "change"),
    ],
)
def test_kinds_and_signs(text: str, value: float, unit: str, kind: str) -> None:
    figure = one(text)
    assert (figure.value, figure.unit, figure.kind) == (value, unit, kind)


def test_a_change_never_matches_a_level_goal() -> None:
    figure = one("2024年，淄博全市良好天数同比增加11天。")
    assert figure.kind == "change"
    assert figure.goal is None
    assert "良好天数" not in figure.reason or "level" in figure.reason


def test_targets_are_listed_with_their_deadline_and_never_exported() -> None:
    figures = read(
        "二、2026年经济社会发展的主要预期目标\n"
        "地区生产总值增长5.5%左右；城镇调查失业率控制在5.5%以内。\n"
        "力争到2027年，全市规模以上工业总产值突破1.2万亿元。\n",
        published=When(dt.date(2026, 3, 1), "day"),
    )
    assert [f.kind for f in figures] == ["target"] * 3
    assert [f.by for f in figures] == [dt.date(2026, 12, 31), dt.date(2026, 12, 31), dt.date(2027, 12, 31)]
    assert [f.qualifier for f in figures] == ["approx", "at_most", "at_least"]
    assert [f.goal for f in figures] == ["gdp-growth", None, "industrial-output"]
    assert all(f.when is None for f in figures)
    assert csv_records(figures, None) == []


def test_forward_deadline_in_a_sentence_makes_a_target() -> None:
    figure = one(
        "淄博出台行动计划，提出力争到2026年机器人产业规模突破100亿元。", published=When(dt.date(2025, 1, 31), "month")
    )
    assert (figure.kind, figure.by, figure.goal, figure.qualifier) == (
        "target",
        dt.date(2026, 12, 31),
        "robot-industry",
        "at_least",
    )


def test_preliminary_for_the_sentence_or_the_paragraph_it_opens() -> None:
    figures = read(
        "预计全市地区生产总值突破5000亿元大关。一般公共预算收入完成410亿元。\n"
        "全年居民人均可支配收入5.3万元。初步核算，全市地区生产总值4884亿元。\n",
        published=When(dt.date(2026, 1, 20), "day"),
    )
    assert [f.preliminary for f in figures] == [True, True, False, True]


def test_expected_for_a_year_not_yet_over_is_a_target() -> None:
    figure = one("预计2025年全市地区生产总值增长5.5%。", published=When(dt.date(2025, 3, 21), "day"))
    assert figure.kind == "target"
    assert figure.by == dt.date(2025, 12, 31)


@pytest.mark.parametrize(
    ("text", "published", "date", "period"),
    [
        ("去年1至11月份，淄博全市良好天数210天。", "2025-01-31", "2024-11", "2024-01/2024-11"),
        ("截至2024年年底，淄博氢能相关企业现存54家。", "2025-01-31", "2024-12-31", None),
        ("截至目前，淄博累计建成各类公园1000余处。", "2025-01-31", "2025-01-31", None),
        ("过去一年，淄博累计培育晨星工厂274家。", "2025-01-31", "2024", None),
        ("今年上半年，全市规上工业增加值同比增长7.1%。", "2024-08-06", "2024-H1", "2024-01/2024-06"),
        ("年底，全市晨星工厂达到300家。", "2025-01-31", "2025-12-31", None),
        ("全市固定资产投资比上年增长4.5%。", "2025-01-31", None, None),
    ],
)
def test_dates_from_the_text(text: str, published: str, date: str | None, period: str | None) -> None:
    figure = one(text, published=When(dt.date.fromisoformat(published), "day"))
    assert (figure.when.text() if figure.when else None) == date
    assert (figure.when.period if figure.when else None) == period


def test_a_heading_dates_what_is_under_it() -> None:
    figures = read(
        "一、2021年国民经济和社会发展计划执行情况\n全市地区生产总值实现4200.6亿元。\n"
        "规模以上工业增加值同比增长8.2%。\n二、2023年计划执行情况\n一般公共预算收入完成395.3亿元。\n"
    )
    assert [f.when.text() for f in figures if f.when] == ["2021", "2021", "2023"]


def test_a_base_dates_nothing_and_a_scoped_year_dates_one_figure() -> None:
    figures = read(
        "2025年，水环境质量指数由2020年的全省第13位上升至第2位。", published=When(dt.date(2026, 1, 20), "day")
    )
    assert [(f.value, f.when.text() if f.when else None, f.goal) for f in figures] == [
        (13, "2020", "water-quality-rank"),
        (2, "2025", "water-quality-rank"),
    ]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("张店区地区生产总值突破1200亿元。", "张店区"),
        ("文昌湖区一般公共预算收入完成10.2亿元。", "文昌湖区"),
        ("济南市地区生产总值同比增长5.8%。", "济南市"),
        ("全省地区生产总值同比增长5.4%。", "全省"),
        ("全国规模以上工业增加值同比增长5.8%。", "全国"),
        ("全区一般公共预算收入68.3亿元。", "全区"),
    ],
)
def test_figures_of_other_places_are_never_matched(text: str, place: str) -> None:
    figure = one(text)
    assert figure.place is not None
    assert figure.place.name == place
    assert figure.goal is None
    assert place in figure.reason


def test_a_province_as_denominator_or_scope_keeps_the_figure_the_citys() -> None:
    figures = read("截至2024年年底，淄博氢能相关企业现存54家，占山东总存量的19.4%，居全省第一位。")
    assert [f.goal for f in figures] == ["hydrogen-firms", "hydrogen-firms-share", "hydrogen-firms-rank"]


def test_a_district_bulletin_is_the_districts() -> None:
    figures = read("张店区2024年国民经济和社会发展统计公报\n规模以上工业增加值增长8.6%。\n")
    assert figures[0].place is not None
    assert figures[0].place.name == "张店区"
    assert figures[0].goal is None


def test_spending_is_not_revenue() -> None:
    spending, growth = read("一般公共预算支出完成520.6亿元，同比增长2.1%。")
    assert spending.goal is None
    assert growth.goal is None


def test_a_narrower_measure_is_not_the_goal() -> None:
    for text in ("城镇居民人均可支配收入5.9万元。", "其中制造业投资增长9.3%。", "单位地区生产总值能耗下降2.5%。"):
        assert one(text).goal is None, text


def test_new_ones_are_not_the_stock() -> None:
    new, total = read("新培育国家级单项冠军企业3家，总数达到32家。")
    assert (new.goal, total.goal) == (None, "single-champions")


def test_units_must_agree() -> None:
    assert one("175项事项“主动提醒”。").goal is None  # the goal counts 个, not 项
    assert one("175个事项“主动提醒”。").goal == "proactive-reminder-items"
    assert one("规模以上工业企业数字化转型覆盖率达到90家。").goal is None  # a share needs %


def test_both_and_respectively() -> None:
    both = read("省智能工厂、数字化车间均达到17个。")
    assert [(f.value, f.goal) for f in both] == [
        (17, "provincial-smart-factories"),
        (17, "provincial-digital-workshops"),
    ]
    pairs = read("国家级“小巨人”和省级专精特新企业分别达到99家、719家。")
    assert [(f.value, f.goal) for f in pairs] == [(99, "little-giants"), (719, "specialised-firms")]


def test_equally_fitting_goals_give_no_goal_but_alternatives() -> None:
    goals = GoalsFile(
        schema=1,
        goals={
            "a": Goal(id="a", name="晨星工厂", unit="家"),
            "b": Goal(id="b", name="晨星工厂数量", unit="家"),
        },
    )
    figure = one("全市晨星工厂274家。", goals=goals)
    assert figure.goal is None
    assert sorted(figure.alternatives) == ["a", "b"]
    assert "equally" in figure.reason


def test_traditional_characters_are_read_and_quoted_as_written() -> None:
    figure = one("一般公共預算收入完成318.6億元。")
    assert figure.goal == "budget-revenue"
    assert figure.unit == "亿元"
    assert figure.quote == "一般公共預算收入完成318.6億元"


def test_figures_already_in_the_file_are_marked() -> None:
    figures = read("2024年，全市地区生产总值实现4884.1亿元，同比增长5.5%。2023年，全市固定资产投资同比增长9.9%。")
    assert [(f.goal, f.in_file) for f in figures] == [
        ("gdp", True),
        ("gdp-growth", True),
        ("fixed-asset-investment-growth", False),
    ]
    assert [row["goal"] for row in csv_records(figures, "plan-2025")] == ["fixed-asset-investment-growth"]


def test_json_record_keys() -> None:
    record = one("2024年，全市固定资产投资同比增长4.5%。").record()
    for key in ("value", "unit", "kind", "qualifier", "preliminary", "date", "period", "place", "quote", "line"):
        assert key in record
    for key in ("goal", "alternatives", "in_file"):
        assert key in record


ALPHABET = list("全市地区生产总值实现亿元万同比增长下降提高个百分点%‰第位年月日至去今预计力争到以上左右约")
ALPHABET += list("，。；、“”《》〔〕\n")
ALPHABET += list("0123456789.-张店区全省淄博一二三十百千两分别均占比重居")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=120))
def test_any_text_reads_without_error(text: str) -> None:
    lines = text.splitlines()
    for figure in read(text):
        assert 1 <= figure.line <= len(lines)
        assert figure.quote in lines[figure.line - 1]
        assert figure.kind in ("level", "change", "target")
        assert figure.goal is None or figure.goal in GOALS.goals
        if figure.kind == "target":
            assert figure.when is None
        assert figure.home or figure.goal is None


def test_an_empty_text_has_no_figures() -> None:
    assert read("") == []
    assert read("\ufeff\n\n") == []
