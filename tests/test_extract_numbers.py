"""The number reader of `zibo extract`: every form a Chinese text prints a figure in, and what is no figure."""

from __future__ import annotations

import itertools

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zibo_cli.core.extract_numbers import NumeralError, find_numbers, parse_chinese_numeral
from zibo_cli.core.extract_text import normalise_line


def only(text: str) -> tuple[float, str, str | None]:
    numbers = find_numbers(normalise_line(text, None))
    assert len(numbers) == 1, f"{text}: {numbers}"
    return numbers[0].value, numbers[0].unit, numbers[0].qualifier


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_read_as_cn2an_writes_them(number: int) -> None:
    assert parse_chinese_numeral(cn2an.an2cn(number)) == number


@given(st.integers(min_value=2, max_value=9999), st.sampled_from(["亿元", "万元", "万亩", "家", "个", "项", "万人"]))
def test_chinese_numeral_with_magnitude_and_unit(number: int, unit: str) -> None:
    # 一家, 一个 are articles rather than counts, so counts start at two; 一亿元 is a figure (below).
    assert only(f"全市共有{cn2an.an2cn(number)}{unit}。") == (number, unit, None)


@given(
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["亿元", "%", "‰", "个百分点", "家", "平方米", "万亿元", "万人次"]),
    st.booleans(),
)
def test_arabic_figures_with_units(number: object, unit: str, grouped: bool) -> None:
    value = float(number)  # type: ignore[arg-type]
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    assert only(f"全市实现{text}{unit}，") == (pytest.approx(value), unit, None)


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from(list("一二三十百千万亿零两0123456789.,%年月第位个届次号〔〕“”《》增长约以上余级")),
        max_size=40,
    )
)
def test_any_text_gives_figures_or_nothing(text: str) -> None:
    numbers = find_numbers(text)
    for number in numbers:
        assert 0 <= number.start <= number.number_start < number.number_end <= number.end <= len(text)
    for first, second in itertools.pairwise(numbers):
        assert first.end <= second.start


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("实现4200.6亿元", 4200.6, "亿元", None),
        ("同比增长9.4%", 9.4, "%", None),
        ("累计培育晨星工厂274家", 274, "家", None),
        ("完成植树造林2.95万亩", 2.95, "万亩", None),
        ("人口自然增长率为3.3‰", 3.3, "‰", None),
        ("提高1.17个百分点", 1.17, "个百分点", None),
        ("位居全省第2位", 2, "位", None),
        ("位居全省第2，", 2, "位", None),
        ("居全省第一位", 1, "位", None),
        ("贷款一百亿元", 100, "亿元", None),
        ("贷款一亿元", 1, "亿元", None),
        ("存款余额1.2万亿", 1.2, "万亿", None),
        ("投资迈上千亿元台阶", 1000, "亿元", None),
        ("覆盖率达到百分之三十", 30, "%", None),
        ("建成各类公园1000余处", 1000, "处", "at_least"),
        ("年均增长约6%", 6, "%", "approx"),
        ("达到90%左右", 90, "%", "approx"),
        ("增长5%上下", 5, "%", "approx"),
        ("比重达60%以上", 60, "%", "at_least"),
        ("总量突破7000亿元", 7000, "亿元", "at_least"),
        ("超过50%", 50, "%", "at_least"),
        ("不少于20项", 20, "项", "at_least"),
        ("不低于3%", 3, "%", "at_least"),
        ("控制在5.5%以内", 5.5, "%", "at_most"),
        ("不超过3%", 3, "%", "at_most"),
        ("打造4000亿级绿色化工产业集群", 4000, "亿", "at_least"),
        ("入选国家创新指数双“五十强”", 50, "位", "at_most"),
        ("连续五年迭代实施", 5, "年", None),
        ("连续5次受到激励", 5, "次", None),
        ("水环境质量指数4.5456", 4.5456, "", None),
        ("新建改造小区一百二十个", 120, "个", None),
        ("自然增长率为-3.3‰", -3.3, "‰", None),
        ("同比增長7.1％", 7.1, "%", None),  # full-width percent sign
    ],
)
def test_forms_of_a_figure(text: str, value: float, unit: str, qualifier: str | None) -> None:
    assert only(text) == (pytest.approx(value), unit, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "2024年12月，项目开工建设",  # a year and a month
        "1至11月份，全市",  # a span of months
        "2021—2025年",  # a span of years
        "淄政字〔2022〕32号",  # a document number
        "市第十六届人大",  # a session
        "中共淄博市委十三届八次全体会议",
        "市人大六次会议",
        "第十三次党代会",
        "二十届三中全会",
        "“四强”产业",  # names with numbers in them
        "加快实现“3510”发展目标",
        "聚力打造“五个淄博”",
        "深入落实‘十个聚焦用力’",
        "培育百亿级产业链条",
        "已经迭代升级至2.0版本",
        "《机器人产业高质量发展三年行动计划》",
        "PM2.5平均浓度",
        "“十四五”规划",
        "十四五时期",
        "跨越“0.8”阶段",
        "一、综合",  # list numbering
        "（二）产业升级",
        "3.地区生产总值",
        "“一号改革工程”",
        "高效办成一件事",
        "全国第一台水泥“工业大脑”",
        "第一批试点",
        "第三季度",
        "千家万户",
        "五年来",
        "三年行动",
        "聚焦山东、16市、鲁企",
        "5G基站",
        "年主营业务收入2000万元及以上",
    ],
)
def test_not_figures(text: str) -> None:
    assert find_numbers(normalise_line(text, None)) == []


def test_names_are_not_numerals() -> None:
    with pytest.raises(NumeralError):
        parse_chinese_numeral("十四五")
    assert parse_chinese_numeral("二〇二四") == 2024
    assert parse_chinese_numeral("三点五") == 3.5
