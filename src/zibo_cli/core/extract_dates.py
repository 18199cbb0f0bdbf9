"""When a figure is for, as the text says it: 2024年年底, 去年1至11月份, 上半年, 过去五年, 截至目前.

Pure. Each time expression is found with its role: a `date` the figures after it are for, a comparison
`base` (比上年, 较2020年) that dates nothing, a `deadline` of a target (力争到2026年, 未来五年), a
`scoped` date that belongs to the one figure it introduces (由2020年的全省第13位), or `now` (截至目前,
当下), resolved from the text's publication date. Relative words (去年, 今年, 过去一年) are resolved from
that date too; a month span without a year (1至11月份) takes the year the text is talking about.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from zibo_cli.core.dates import format_date, month_end, period_end
from zibo_cli.core.model import Precision

Role = Literal["date", "base", "deadline", "scoped", "now", "context"]

_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}  # fmt: skip
_M = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
_Y = r"(\d{4})"
_SPAN = r"(?:至|到|-|—|~|－|–)"
_PARTS: dict[str, tuple[int, int, Precision]] = {
    "上半年": (1, 6, "half"), "下半年": (7, 12, "half"), "前三季度": (1, 9, "quarter"),
    "一季度": (1, 3, "quarter"), "第一季度": (1, 3, "quarter"), "二季度": (4, 6, "quarter"),
    "第二季度": (4, 6, "quarter"), "三季度": (7, 9, "quarter"), "第三季度": (7, 9, "quarter"),
    "四季度": (10, 12, "quarter"), "第四季度": (10, 12, "quarter"), "前两季度": (1, 6, "half"),
}  # fmt: skip
_PART = "|".join(sorted(_PARTS, key=len, reverse=True))
_FIVE_YEAR_PLANS = {"十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
_NUMBER_WORDS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
BASE_BEFORE = ("比", "较", "与", "同", "相比", "比上年", "高于", "低于", "对比")
SCOPED_BEFORE = ("由", "从")
DEADLINE_BEFORE = ("到", "至", "力争到", "计划到", "预计到", "争取到", "力争", "确保到", "在")
NOW_WORDS = ("截至目前", "截止目前", "目前", "当前", "当下", "现阶段", "至今", "迄今")
CONTEXT_WORDS = ("这一年", "当年", "全年", "年内", "本年", "该年")

_PATTERNS: list[tuple[str, str]] = [
    ("five_year_plan", r"[“\"]?(十二五|十三五|十四五|十五五)[”\"]?(?:期间|时期|以来|规划期)"),
    ("year_span", _Y + r"年?" + _SPAN + _Y + r"年"),
    ("year_month_span", _Y + r"年" + _M + r"月?(?:份)?" + _SPAN + _M + r"月(?:份)?"),
    ("year_day", _Y + r"年" + _M + r"月(\d{1,2})日"),
    ("year_month_end", _Y + r"年" + _M + r"月(?:份)?(底|末)"),
    ("year_month", _Y + r"年" + _M + r"月(?:份)?"),
    ("year_part", _Y + r"年(?:的)?(" + _PART + ")"),
    ("year_end", _Y + r"年(?:年底|底|年末|末)"),
    ("year", _Y + r"年(?:度)?"),
    ("relative_span", r"(去年|今年|上年)(?:的)?" + _M + _SPAN + _M + r"月(?:份)?"),
    ("relative_part", r"(去年|今年|上年)(?:的)?(" + _PART + ")"),
    ("relative_end", r"(去年|今年|上年)(?:年底|底|年末|末)"),
    ("past_years", r"(?:过去|近|最近)([一两二三四五六七八九十]|\d{1,2})年|([一两二三四五六七八九十]|\d{1,2})年来"),
    ("future_years", r"(?:未来|今后)([一两二三四五六七八九十]|\d{1,2})年"),
    ("past_year", r"过去(?:的)?一年|上一年"),
    ("relative", r"去年|今年|上年|明年"),
    ("month_span", _M + _SPAN + _M + r"月(?:份)?"),
    ("part", _PART),
    ("month_end_bare", r"(?<![\d年])" + _M + r"月(?:份)?(?:底|末)"),
    ("month", r"(?<![\d年])" + _M + r"月份"),
    ("year_end_bare", r"年底|年末"),
    ("now", "|".join(NOW_WORDS)),
    ("context", "|".join(CONTEXT_WORDS)),
]
_COMPILED = [(name, re.compile(pattern)) for name, pattern in _PATTERNS]


@dataclass(frozen=True, slots=True)
class When:
    """The day a figure is for (the last day of its period), how precisely, and the span if it is one."""

    date: dt.date
    precision: Precision
    period: str | None = None

    def text(self) -> str:
        """As `zibo import` and `zibo add --date` read it: 2024, 2024-11, 2024-Q3, 2024-12-31."""
        return format_date(self.date, self.precision)


@dataclass(frozen=True, slots=True)
class TimeMention:
    start: int
    end: int
    role: Role
    kind: str
    groups: tuple[str | None, ...]
    words: str

    def resolve(self, published: When, year: int | None) -> When | None:
        """The date it names, given the publication date and the year the text is talking about."""
        if self.kind == "part":
            return resolve_part(self.words, year)
        if self.kind == "relative":
            return When(dt.date(_relative_year(self.words, published), 12, 31), "year")
        return _resolve(self.kind, self.groups, published, year)

    def deadline(self, published: When, year: int | None) -> dt.date | None:
        """The `by` of a target: the end of the year or period named."""
        if self.kind == "future_years":
            return dt.date(published.date.year + _count(self.groups[0]) - 1, 12, 31)
        when = self.resolve(published, year)
        return when.date if when else None


def find_times(text: str) -> list[TimeMention]:
    """Every time expression of a line, longest first where they overlap, with its role."""
    mentions: list[TimeMention] = []
    taken: set[int] = set()
    for kind, pattern in _COMPILED:
        for match in pattern.finditer(text):
            if any(i in taken for i in range(match.start(), match.end())):
                continue
            taken.update(range(match.start(), match.end()))
            role = _role(text, kind, match)
            mentions.append(TimeMention(match.start(), match.end(), role, kind, match.groups(), match.group()))
    return sorted(mentions, key=lambda m: m.start)


def _role(text: str, kind: str, match: re.Match[str]) -> Role:
    before = text[max(0, match.start() - 4) : match.start()]
    after = text[match.end() : match.end() + 4]
    if kind == "now":
        return "now"
    if kind == "context":
        return "context"
    if kind == "future_years":
        return "deadline"
    if kind == "relative" and match.group() == "上年":
        return "base" if before.endswith(BASE_BEFORE) or after.startswith("同期") else "date"
    if before.endswith(BASE_BEFORE) or after.startswith(("相比", "同期", "相较")) or before.endswith("比上"):
        return "base"
    if before.endswith(SCOPED_BEFORE) and not after.startswith("以来"):
        return "scoped"
    if after.startswith(("以来", "起", "开始")):
        return "base"  # 自2024年以来: when something began, not when a figure is for
    if before.endswith(("截至", "截止", "截至到", "截止到")):
        return "date"
    if after.startswith("前") or (before.endswith(DEADLINE_BEFORE) and kind.startswith("year")):
        return "deadline"
    if kind == "relative" and match.group() == "明年":
        return "deadline"
    return "date"


def _count(text: str | None) -> int:
    if not text:
        return 1
    return int(text) if text.isdigit() else _NUMBER_WORDS.get(text, 1)


def _month(text: str | None) -> int:
    if text is None:
        raise ValueError("month")
    return int(text) if text.isdigit() else _CN_MONTH[text]


def _relative_year(word: str | None, published: When) -> int:
    return published.date.year + {"去年": -1, "上年": -1, "今年": 0, "明年": 1}.get(word or "", 0)


def _span(year: int, first: int, last: int, precision: Precision) -> When:
    end = month_end(year, last)
    if first == 1 and last == 12:
        return When(end, "year")
    period = None if first != 1 and precision != "month" else f"{year}-{first:02d}/{year}-{last:02d}"
    if precision == "month" and first == last:
        period = None
    return When(end, precision, period)


def _resolve(kind: str, groups: tuple[str | None, ...], published: When, year: int | None) -> When | None:
    try:
        return _resolve_checked(kind, groups, published, year)
    except (ValueError, KeyError):
        return None  # 2024年13月: not a real date, so no date


def _resolve_checked(kind: str, g: tuple[str | None, ...], published: When, year: int | None) -> When | None:
    if kind == "five_year_plan":
        first, last = _FIVE_YEAR_PLANS[g[0] or ""]
        return When(dt.date(last, 12, 31), "year", f"{first}-01/{last}-12")
    if kind == "year_span":
        first, last = int(g[0] or 0), int(g[1] or 0)
        if last <= first:
            return None
        return When(dt.date(last, 12, 31), "year", f"{first}-01/{last}-12")
    if kind == "year_month_span":
        return _span(int(g[0] or 0), _month(g[1]), _month(g[2]), "month")
    if kind == "year_day":
        return When(dt.date(int(g[0] or 0), _month(g[1]), int(g[2] or 0)), "day")
    if kind == "year_month_end":
        return When(month_end(int(g[0] or 0), _month(g[1])), "day")
    if kind == "year_month":
        return When(month_end(int(g[0] or 0), _month(g[1])), "month")
    if kind == "year_part":
        first, last, precision = _PARTS[g[1] or ""]
        return _span(int(g[0] or 0), first, last, precision)
    if kind == "year_end":
        return When(dt.date(int(g[0] or 0), 12, 31), "day")
    if kind == "year":
        return When(period_end(int(g[0] or 0), "year"), "year")
    if kind == "relative_span":
        return _span(_relative_year(g[0], published), _month(g[1]), _month(g[2]), "month")
    if kind == "relative_part":
        first, last, precision = _PARTS[g[1] or ""]
        return _span(_relative_year(g[0], published), first, last, precision)
    if kind == "relative_end":
        return When(dt.date(_relative_year(g[0], published), 12, 31), "day")
    if kind == "past_years":
        count = _count(g[0] or g[1])
        last = published.date.year - 1
        first = last - count + 1
        return When(dt.date(last, 12, 31), "year", f"{first}-01/{last}-12" if count > 1 else None)
    if kind == "past_year":
        return When(dt.date(published.date.year - 1, 12, 31), "year")
    if kind in ("month_span", "month", "month_end_bare", "year_end_bare", "context"):
        if year is None:
            return None
        if kind == "month_span":
            return _span(year, _month(g[0]), _month(g[1]), "month")
        if kind == "month":
            return When(month_end(year, _month(g[0])), "month")
        if kind == "month_end_bare":
            return When(month_end(year, _month(g[0])), "day")
        if kind == "year_end_bare":
            return When(dt.date(year, 12, 31), "day")
        return When(dt.date(year, 12, 31), "year")
    if kind == "now":
        return published
    return None


def resolve_part(words: str, year: int | None) -> When | None:
    """上半年, 前三季度 without a year: of the year the text is talking about."""
    if year is None or words not in _PARTS:
        return None
    first, last, precision = _PARTS[words]
    return _span(year, first, last, precision)
