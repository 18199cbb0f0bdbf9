"""Whose figure it is: the city's own (淄博, 全市, 我市), or a district's, another city's, the province's.

Pure. A goals file holds one city's goals, so a figure of 张店区 or of 全省 must never be matched to them.
The owner is the place a clause *opens* with (after time words and connectives): in 占山东总存量的19.4%,
居全省第一位, 淄博还是全国唯一… the province and the nation are a denominator, a scope, a comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Scope = Literal["city", "district", "other_city", "province", "nation", "world"]

HOME = "淄博"
HOME_WORDS = ("淄博市", "淄博", "全市", "我市", "本市", "市域", "市级")
ZIBO_DISTRICTS = (
    "张店区", "淄川区", "博山区", "周村区", "临淄区", "桓台县", "高青县", "沂源县", "高新区", "经开区",
    "经济开发区", "文昌湖区", "文昌湖省级旅游度假区", "齐鲁化学工业区", "淄博高新区", "淄博经济开发区",
    "张店", "淄川", "博山", "周村", "临淄", "桓台", "高青", "沂源", "文昌湖",
)  # fmt: skip
DISTRICT_WORDS = ("全区", "全县", "该区", "该县", "区内", "县内", "各区县", "区县", "全镇", "各区", "各县")
SHANDONG_CITIES = (
    "济南", "青岛", "枣庄", "东营", "烟台", "潍坊", "济宁", "泰安", "威海", "日照", "临沂", "德州", "聊城",
    "滨州", "菏泽",
)  # fmt: skip
OTHER_CITIES = (
    "北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "苏州", "武汉", "成都", "西安", "郑州",
    "合肥", "长沙", "沈阳", "大连", "宁波", "厦门", "无锡", "常州", "唐山", "石家庄", "太原", "徐州",
)  # fmt: skip
PROVINCE_WORDS = ("山东省", "全省", "我省", "本省", "省内", "山东")
OTHER_PROVINCES = (
    "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "河南", "湖北", "湖南",
    "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏", "新疆",
)  # fmt: skip
NATION_WORDS = ("全国", "我国", "中国", "国内生产总值", "全国各地")
WORLD_WORDS = ("全球", "世界")
# Words a clause may open with before its subject: they are neither the owner nor the subject.
LEADING_WORDS = (
    "其中", "同时", "此外", "另外", "另", "并", "且", "而", "其", "全年", "年内", "这一年", "当年", "截至目前",
    "目前", "当前", "当下", "预计", "初步核算", "经初步核算", "据统计", "经统计", "据初步统计", "初步统计",
    "尤其", "特别是", "总体看", "总的看",
)  # fmt: skip

PLACE_WORDS: list[tuple[str, Scope]] = sorted(
    [(w, "city") for w in HOME_WORDS]
    + [(w, "district") for w in ZIBO_DISTRICTS + DISTRICT_WORDS]
    + [(w + "市", "other_city") for w in SHANDONG_CITIES + OTHER_CITIES]
    + [(w, "other_city") for w in SHANDONG_CITIES + OTHER_CITIES]
    + [(w, "province") for w in PROVINCE_WORDS]
    + [(w + "省", "province") for w in OTHER_PROVINCES]
    + [(w, "province") for w in OTHER_PROVINCES]
    + [(w, "nation") for w in NATION_WORDS]
    + [(w, "world") for w in WORLD_WORDS],
    key=lambda pair: -len(pair[0]),
)
_GENERIC_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{2,3}?(?:区|县)(?![\u4e00-\u9fff]{0,1}(?:建设|发展))")
# Not places although they end like one: 先行区, 示范区, 园区, 景区, 社区, 城区, 片区 …
_NOT_DISTRICTS = ("先行区", "示范区", "园区", "景区", "社区", "城区", "片区", "开发区", "保护区", "功能区", "自贸区",
                  "试验区", "集聚区", "核心区", "新区", "街区", "校区", "厂区", "矿区", "库区", "营区", "辖区", "市区",
                  "郊区", "山区", "地区", "小区", "灾区", "警区", "牧区", "湖区")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # as written: 张店区, 全省, 济南市; 淄博 for the city's own
    scope: Scope

    @property
    def home(self) -> bool:
        return self.scope == "city"


def place_at(text: str, position: int) -> Place | None:
    """The place named at `position`, if a place name starts there."""
    for word, scope in PLACE_WORDS:
        if text.startswith(word, position):
            if word == "山东" and text.startswith("山东省", position):
                continue
            if scope == "province" and word == "山东" and _company(text, position + 2):
                return None  # 山东东华科技有限公司: a company named after the province
            return Place(HOME if scope == "city" else word, scope)
    return None


def _company(text: str, after: int) -> bool:
    tail = text[after : after + 14]
    return any(word in tail for word in ("有限公司", "股份", "集团", "大学", "学院"))


def opening_place(text: str) -> tuple[Place | None, int]:
    """The place a clause opens with (after time words and connectives), and where its subject starts."""
    from zibo_cli.core.extract_dates import find_times

    position = 0
    times = {m.start: m.end for m in find_times(text)}
    while position < len(text):
        if text[position] in " ，,、:：“”\"'（）()":
            position += 1
            continue
        if position in times:
            position = times[position]
            continue
        word = next((w for w in LEADING_WORDS if text.startswith(w, position)), None)
        if word:
            position += len(word)
            continue
        lead = next((w for w in ("截至", "截止", "在", "于", "到", "自") if text.startswith(w, position)), None)
        if lead and position + len(lead) in times:
            position += len(lead)
            continue
        break
    place = place_at(text, position)
    if place is not None:
        word_end = position + _length(text, position)
        return place, word_end
    generic = _GENERIC_DISTRICT.match(text[position:])
    if generic and not generic.group().endswith(_NOT_DISTRICTS) and not _generic_false(generic.group()):
        return Place(generic.group(), "district"), position + generic.end()
    return None, position


def _generic_false(word: str) -> bool:
    return any(bad in word for bad in ("全市", "淄博", "规模", "以上", "工业", "产业", "企业"))


def _length(text: str, position: int) -> int:
    for word, _ in PLACE_WORDS:
        if text.startswith(word, position):
            return len(word)
    return 0


def mentions(text: str) -> list[tuple[int, Place]]:
    """Every place name in a text with its position (for headings and titles)."""
    found: list[tuple[int, Place]] = []
    index = 0
    while index < len(text):
        place = place_at(text, index)
        if place is not None:
            found.append((index, place))
            index += _length(text, index)
        else:
            index += 1
    return found
