"""Which goal a figure is for, judged from the whole clause — or none, with the reason.

Pure. A careless match corrupts a dataset silently (a district's GDP filed as the city's, spending filed
as revenue), so a goal is proposed only when its name is (almost) wholly in the clause, the units agree
(a share needs %, an amount a currency, 个 and 项 differ), the kinds agree (a change only for a goal that
measures a change), and no word of the clause narrows the name to something else (城镇 in
城镇居民人均可支配收入, “四强” in 规上工业“四强”增加值 are not the goal 规模以上工业增加值).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from zibo_cli.core.model import Goal

SYNONYMS = (
    ("地区生产总值", "GDP"), ("生产总值", "GDP"), ("规上", "规模以上"), ("固投", "固定资产投资"),
    ("专精特新小巨人", "小巨人"), ("优良天数", "良好天数"),
)  # fmt: skip
CHANGE_WORDS = ("同比", "环比", "年均", "平均", "增长率", "增长", "增速", "增幅", "提高", "提升", "改善", "下降",
                "降低", "减少", "上升", "增加", "回落", "下滑", "收窄", "扩大")  # fmt: skip
GENERIC_SUFFIXES = ("全省位次", "全国位次", "位次", "排名", "数量", "比重", "规模", "总量", "总额", "水平", "情况")
WEAK_WORDS = ("企业", "产业", "公司", "相关", "总")
MODIFIERS = ("同比", "年均", "环比", "累计")
# What may stand around a goal's name in a clause without changing what the figure measures.
STOP_WORDS = tuple(
    sorted(
        [
            "实现", "完成", "达到", "达", "为", "是", "有", "共", "共有", "累计", "现存", "现有", "拥有", "培育",
            "建成", "新建", "推出", "推动", "推动实现", "创新推出", "通过", "首批", "认定", "获批", "入选",
            "成功", "被", "纳入", "同时", "还是", "全国唯一", "唯一", "的", "在", "中", "其中", "全市", "淄博",
            "淄博市", "我市", "本市", "全社会", "全年", "年内", "这一年", "当年", "去年", "今年", "同比",
            "比上年", "增长", "提高", "下降", "改善", "增加", "减少", "年均", "约", "超", "超过", "突破", "以上",
            "左右", "力争", "确保", "目标", "预期", "预计", "初步核算", "到", "大关", "进一步", "持续", "和",
            "及", "与", "、", "居", "位居", "全省", "占", "占比", "比重", "分别", "均", "并", "且",
            "总", "规模", "其", "已", "已经", "全面", "稳定", "保持", "打造", "形成", "打造形成", "建设",
            "累计建成", "各类", "个", "家", "项", "处", "亿元", "万元", "元", "了", "将", "提升", "上升",
            "迭代实施", "实施", "连续", "受到", "截至目前", "目前", "当下", "按可比价计算", "由", "从",
            "上升至", "提升至", "升至", "下降至", "降至", "不仅", "而且", "出台", "提出", "印发", "发布", "制定",
            "开展", "引进", "创建", "获评", "获得",
            "荣获", "评为", "列入", "跻身", "进入", "新增", "加快", "大力", "积极", "深入", "全力", "着力",
            "聚焦", "围绕", "坚持", "支持", "鼓励", "引导", "带动", "拉动", "贡献", "来自", "其中", "共计",
            "合计", "总计", "全部", "所有", "各", "等", "分别达到", "达到了", "作为", "已有", "现已", "还", "全体",
        ],
        key=len,
        reverse=True,
    )
)  # fmt: skip
# Dates in a clause say when, not what: 由2020年的全省第13位 is still the rank of the index named before it.
_DATES = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:年?底|末)?|\d{1,2}(?:至|-|—)\d{1,2}月份?|\d{1,2}月份?")
_PUNCTUATION = re.compile(r"[\s“”‘’\"'「」『』()（）〔〕\[\]【】,，。；;：:！!？?…·—\-]")
TITLE_MARK = "§"  # where a 《title》 begins or ends: the words in a title are not the figure's subject
SEPARATOR = "|"
MIN_COVERAGE = 0.8
# A count of new ones (新培育3家) is not the stock a goal counts (国家级单项冠军企业), unless its name says 新增.
FLOW_WORDS = ("新增", "新培育", "新认定", "新建", "新引进", "新获批", "新入选", "新评定", "新创建", "新发展", "净增")


def _share_without_denominator(context: str) -> bool:
    return ("占比" in context or "比重" in context) and not re.search(
        r"占[\u4e00-\u9fffA-Za-z]{2,}(?:的)?(?:比重|比例)", context
    )


def normalise_words(text: str) -> str:
    """For comparing names: no quotes or punctuation, one spelling for GDP and 规模以上."""
    text = _PUNCTUATION.sub("", _DATES.sub("", text)).replace("《", TITLE_MARK).replace("》", TITLE_MARK)
    for old, new in SYNONYMS:
        text = text.replace(old, new)
    return text


def is_change_name(name: str) -> bool:
    """A goal that measures a change or a rate: 同比增长, 年均提高, 改善 (增加值 and 新增 are levels)."""
    bare = name.replace("增加值", "").replace("新增", "")
    return any(word in bare for word in CHANGE_WORDS if word not in ("同比", "环比", "年均", "平均"))


@dataclass(frozen=True, slots=True)
class GoalKey:
    """A goal as the matcher sees it: the core of its name, what it measures, its unit."""

    goal: Goal
    core: str
    full: str
    change: bool
    modifiers: frozenset[str]
    numerator: str | None = None  # 四强产业增加值 of 四强产业增加值占规模以上工业增加值比重, for 占比60.2%
    optional: tuple[str, ...] = ()  # what the name adds in brackets: 良好天数(国控), 制度规范(首批)


def goal_keys(goals: Iterable[Goal]) -> list[GoalKey]:
    return [_key(goal) for goal in goals]


def _key(goal: Goal) -> GoalKey:
    full = normalise_words(goal.name)
    change = is_change_name(goal.name) or goal.unit in ("个百分点", "百分点")
    core = full
    if change:
        protected = core.replace("增加值", "\0")
        for word in CHANGE_WORDS:
            protected = protected.replace(word, "")
        core = protected.replace("\0", "增加值")
    for suffix in GENERIC_SUFFIXES:
        if core.endswith(suffix) and len(core) - len(suffix) >= 2:
            core = core[: -len(suffix)]
    if len(core) < 2:
        core = full
    numerator = None
    if full.endswith(("比重", "占比")) and "占" in core and goal.unit == "%":
        numerator = core[: core.index("占")] or None
    optional = tuple(normalise_words(inner) for inner in re.findall(r"[(（]([^()（）]+)[)）]", goal.name))
    return GoalKey(goal, core, full, change, frozenset(m for m in MODIFIERS if m in full), numerator, optional)


@dataclass(frozen=True, slots=True)
class Candidate:
    goal: str
    score: float
    covered: frozenset[int]


@dataclass(slots=True)
class MatchResult:
    goal: str | None
    alternatives: list[str] = field(default_factory=list)
    reason: str = ""


def unit_fits(figure_unit: str, rank: bool, goal_unit: str) -> bool:
    """A figure's unit as written against a goal's: 亿元 fits 万元, % does not fit 个百分点, 个 not 项."""
    if rank or goal_unit == "位":
        return rank and goal_unit == "位"
    figure_factor, figure_base = split_magnitude(figure_unit)
    _, goal_base = split_magnitude(goal_unit)
    if figure_base in ("个百分点", "百分点") or goal_base in ("个百分点", "百分点"):
        return figure_base in ("个百分点", "百分点") and goal_base in ("个百分点", "百分点")
    if figure_base == goal_base:
        return figure_base != "" or figure_factor == 1.0 or goal_unit != "指数"
    if figure_base == "" and figure_factor == 1.0:
        return goal_unit in ("指数", "")
    if figure_base == "" and figure_factor != 1.0:
        return goal_base == "元"  # 4000亿级, 92亿: an amount of yuan, as `zibo add` reads it
    return False


def split_magnitude(unit: str) -> tuple[float, str]:
    for prefix, factor in (("万亿", 1e12), ("亿", 1e8), ("万", 1e4), ("千", 1e3)):
        if unit.startswith(prefix) and unit not in ("千瓦", "千米", "千克", "千瓦时", "千伏"):
            return factor, unit[len(prefix) :]
    return 1.0, unit


def coverage(core: str, context: str, optional: tuple[str, ...] = ()) -> tuple[float, frozenset[int]]:
    """How much of the goal's core the context holds (in runs of two or more characters), weighted so
    that 企业 or 产业 (or a bracketed part of the name) missing counts little; and which positions of
    the context those runs are."""
    marks = [False] * len(core)
    positions: set[int] = set()
    for i in range(len(core)):
        j = i + 2
        while j <= len(core) and core[i:j] in context:
            j += 1
        j -= 1
        if j - i >= 2:
            for k in range(i, j):
                marks[k] = True
            found = context.find(core[i:j])
            positions.update(range(found, found + j - i))
    weights = [1.0] * len(core)
    for word in WEAK_WORDS + optional:
        for match in re.finditer(re.escape(word), core):
            for k in range(match.start(), match.end()):
                weights[k] = 0.3
    total = sum(weights)
    return (sum(w for w, m in zip(weights, marks, strict=True) if m) / total if total else 0.0), frozenset(positions)


def narrowing_words(
    context: str, positions: frozenset[int], explained: frozenset[int] = frozenset(), figure_at: int | None = None
) -> str | None:
    """Words of the clause that narrow the goal's name to another measure: those right before the name
    (城镇 in 城镇居民…) or between its parts (“四强” in 规模以上工业“四强”增加值). None when there are none.

    Words in `explained` positions are a subject carried from a clause whose own figure was matched:
    the goal matched there accounts for them (7个国控断面水环境质量指数4.5456，位居全省第2). Words
    between the name and the figure count too (能耗 in 单位地区生产总值能耗下降2.5%): `figure_at` is where
    the figure stands in the context."""
    if not positions:
        return None
    first, last = min(positions), max(positions)
    gaps = []
    run: list[int] = []
    for index in range(first, last + 1):
        if index in positions:
            if run:
                gaps.append("".join(context[k] for k in run))
            run = []
        else:
            run.append(index)
    start = first
    while start > 0 and _cjk(context[start - 1]):
        start -= 1
    gaps.append(context[start:first])
    if start in explained:
        gaps.pop()
    tail = context[last + 1 : figure_at] if figure_at is not None and last < figure_at else ""
    if tail and SEPARATOR not in tail and TITLE_MARK not in tail:
        gaps.append(tail)
    for gap in gaps:
        if SEPARATOR in gap:
            continue
        rest = _strip_stop_words(gap)
        if len(rest) >= 2:
            return rest
    return None


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _strip_stop_words(text: str) -> str:
    from zibo_cli.core.extract_places import PLACE_WORDS

    rest = re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", text.replace(TITLE_MARK, ""))
    changed = True
    while changed and rest:
        changed = False
        for word in STOP_WORDS + tuple(w for w, _ in PLACE_WORDS if w not in ("全国",)):
            if rest.endswith(word):
                rest, changed = rest[: -len(word)], True
                break
            if rest.startswith(word):
                rest, changed = rest[len(word) :], True
                break
    return rest


def match_goal(
    segments: list[tuple[str, str]],
    unit: str,
    rank: bool,
    change: bool,
    keys: Iterable[GoalKey],
    goals: Mapping[str, Goal],
) -> MatchResult:
    """The goal the clause names, with the others that also fit as alternatives; or None and why.

    `segments` are the clause's words with their role: the subject carried from an earlier clause
    ("explained" when that clause's own figure was matched, else "carried"), and the words before and
    after the figure."""
    parts = [normalise_words(text) for text, _ in segments]
    figure_at = None
    offset = 0
    for part, (_, role) in zip(parts, segments, strict=True):
        if role == "before":
            figure_at = offset + len(part)  # the words before the figure end where it stands
        offset += len(part) + 1
    own = "".join(part for part, (_, role) in zip(parts, segments, strict=True) if role in ("before", "after"))
    flows = [word for word in FLOW_WORDS if word in own]
    normal = SEPARATOR.join(parts)
    explained: set[int] = set()
    offset = 0
    for part, (_, role) in zip(parts, segments, strict=True):
        if role == "explained":
            explained.update(range(offset, offset + len(part)))
        offset += len(part) + 1
    named: list[GoalKey] = []
    candidates: list[Candidate] = []
    narrowed: list[tuple[str, str]] = []
    for key in keys:
        score, positions = coverage(key.core, normal, key.optional)
        if score < MIN_COVERAGE and key.numerator and _share_without_denominator(normal):
            # 预计“四强”产业增加值占比60.2%: a share whose denominator the text leaves unsaid.
            score, positions = coverage(key.numerator, normal, key.optional)
        if score < MIN_COVERAGE:
            continue
        named.append(key)
        if not unit_fits(unit, rank, key.goal.unit) or key.change != change:
            continue
        if flows and not any(word in key.full for word in ("新增", "新")):
            narrowed.append((key.goal.id, flows[0]))
            continue
        narrowing = narrowing_words(normal, positions, frozenset(explained), figure_at)
        if narrowing is not None:
            narrowed.append((key.goal.id, narrowing))
            continue
        bonus = sum(0.05 for m in key.modifiers if m in normal) - sum(0.05 for m in key.modifiers if m not in normal)
        candidates.append(Candidate(key.goal.id, score + bonus + 0.01 * len(key.core), positions))
    if not candidates:
        return MatchResult(None, [], _why_none(named, narrowed, unit, rank, change))
    candidates.sort(key=lambda c: (-c.score, c.goal))
    best = candidates[0]
    ties = [c for c in candidates[1:] if abs(c.score - best.score) < 0.015 and c.covered >= best.covered]
    if ties:
        ids = [best.goal] + [c.goal for c in ties]
        return MatchResult(None, ids, f"the clause fits {', '.join(ids)} equally well; choose one by hand")
    others = [c for c in candidates[1:] if not c.covered <= best.covered]
    goal = goals[best.goal]
    reason = f"the clause names {goal.name}; {_measure(change, rank)} in {goal.unit or 'its unit'}"
    return MatchResult(best.goal, [c.goal for c in others], reason)


def _measure(change: bool, rank: bool) -> str:
    return "a rank" if rank else ("a change" if change else "a level")


def _why_none(named: list[GoalKey], narrowed: list[tuple[str, str]], unit: str, rank: bool, change: bool) -> str:
    if narrowed:
        goal, words = narrowed[0]
        return f"the clause names {goal}, but “{words}” narrows it to something else"
    if not named:
        return "no goal's name is in the clause"
    wrong_kind = [k.goal.id for k in named if k.change != change and unit_fits(unit, rank, k.goal.unit)]
    if wrong_kind:
        measure = "a change" if change else "a level"
        other = "a level" if change else "a change"
        return f"{measure}, but {', '.join(wrong_kind)} measures {other}"
    ids = ", ".join(sorted({k.goal.id for k in named}))
    return f"the clause names {ids}, but the unit {unit or '(none)'} does not fit"
