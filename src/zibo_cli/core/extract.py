"""`zibo extract`: every stated figure of a Chinese text, with its kind, date, place and goal.

Pure: the text, the goals file, the text's publication date and a character converter in; figures out.
The steps are in their own modules — numbers (extract_numbers), time expressions (extract_dates),
places (extract_places), goal matching (extract_match), the text's shape (extract_text). This module
walks the text the way a reader does: a heading's year and purpose (执行情况, 预期目标) hold for what
is under it, a sentence's subject carries to its subject-less clauses (…，同比增长9.4%), a time word
holds for the figures after it, and 预计 opening a paragraph makes all of it preliminary.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from zibo_cli.core.extract_dates import TimeMention, When, find_times
from zibo_cli.core.extract_match import GoalKey, MatchResult, goal_keys, match_goal, split_magnitude
from zibo_cli.core.extract_numbers import Number, find_numbers
from zibo_cli.core.extract_places import HOME, Place, mentions, opening_place
from zibo_cli.core.extract_text import Clause, Converter, Paragraph, paragraphs
from zibo_cli.core.model import GoalsFile, Qualifier

Kind = Literal["level", "change", "target"]

CHANGE_VERBS = ("增长率", "增长", "增加", "提高", "提升", "上升", "上涨", "增速", "增幅", "涨幅", "改善", "扩大",
                "下降", "减少", "降低", "回落", "下滑", "收窄", "下跌", "降幅", "减", "降", "增", "升")  # fmt: skip
FALLING_VERBS = ("下降", "减少", "降低", "回落", "下滑", "收窄", "下跌", "降幅", "减", "降")
VERB_FILLERS = ("了", "约", "近", "达", "为", "分别", "率为", "率达", "幅为", "幅达", "速为", "速达", "是", "达到")
PREDICATE_STARTS = ("占", "在", "居", "位居", "位列", "排名", "排", "列", "同比", "环比", "比上年", "比", "较", "年均",
                    "均", "分别", "增长", "增加", "提高", "下降", "减少", "降低", "改善", "提升", "上升", "增速",
                    "增幅", "拉动", "贡献", "高于", "低于", "快于", "慢于", "由", "从", "其增加值", "增", "总量",
                    "总数", "总额", "总规模")  # fmt: skip
TARGET_WORDS = ("力争", "确保", "争取", "目标", "预期目标", "计划目标", "控制在")
PRELIMINARY_WORDS = ("预计", "初步核算", "初步统计", "据初步核算", "预期")
PERIOD_WORDS = ("年均", "累计", "新增", "共计", "合计", "总计", "五年", "平均")
LIST_SPLIT = re.compile(r"[、和及与]")
TARGET_HEADING = re.compile(r"目标|预期|计划安排|主要指标")


@dataclass(slots=True)
class Figure:
    """One stated figure, as `zibo extract` lists it."""

    value: float
    unit: str
    kind: Kind
    qualifier: Qualifier | None
    preliminary: bool
    when: When | None
    by: dt.date | None
    place: Place | None
    quote: str
    line: int
    rank: bool = False
    # (words, role): "carried" or "explained" (a subject carried from a clause whose figure was matched),
    # then the clause's own words "before" and "after" the figure.
    segments: list[tuple[str, str]] = field(default_factory=list)
    goal: str | None = None
    alternatives: list[str] = field(default_factory=list)
    reason: str = ""
    in_file: bool = False
    change: bool = False  # what it measures (a target may set a level or a change)

    @property
    def home(self) -> bool:
        return self.place is None or self.place.home

    def record(self) -> dict[str, Any]:
        """The figure for --json: keys are only ever added, never changed."""
        return {
            "value": plain(self.value),
            "unit": self.unit,
            "kind": self.kind,
            "qualifier": self.qualifier,
            "preliminary": self.preliminary,
            "date": self.when.text() if self.when else None,
            "precision": self.when.precision if self.when else None,
            "period": self.when.period if self.when else None,
            "by": self.by.isoformat() if self.by else None,
            "place": self.place.name if self.place else None,
            "quote": self.quote,
            "line": self.line,
            "goal": self.goal,
            "alternatives": self.alternatives,
            "reason": self.reason,
            "in_file": self.in_file,
        }


def plain(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


@dataclass(slots=True)
class _Reading:
    """What the reader knows at a point of the text."""

    published: When
    year: int | None = None
    context: When | None = None  # the date the text is talking about, from a heading or earlier paragraphs
    section_target: bool = False
    section_by: dt.date | None = None
    section_place: Place | None = None
    paragraph_place: Place | None = None


def extract(text: str, goals_file: GoalsFile, published: When, convert: Converter | None = None) -> list[Figure]:
    """Every figure the text states, in text order, matched against the file's goals."""
    keys = goal_keys(goals_file.goals.values())
    reading = _Reading(published)
    figures: list[Figure] = []
    for paragraph in paragraphs(text, convert):
        if paragraph.heading:
            _read_heading(paragraph, reading)
        figures.extend(_read_paragraph(paragraph, reading, keys, goals_file))
    mark_in_file(figures, goals_file)
    return figures


def _read_heading(paragraph: Paragraph, reading: _Reading) -> None:
    """A heading's year (一、2021年…执行情况), span (过去五年) and purpose (主要预期目标) hold under it."""
    text = paragraph.text
    deadline: dt.date | None = None
    for mention in find_times(text):
        if mention.role == "deadline" and not _past(mention, reading):
            deadline = mention.deadline(reading.published, reading.year)
        elif mention.role in ("date", "deadline", "now"):
            when = mention.resolve(reading.published, _year_hint(None, reading))
            if when is not None:
                reading.year, reading.context = when.date.year, when
    reading.section_target = bool(TARGET_HEADING.search(text)) and "执行情况" not in text and "完成情况" not in text
    if reading.section_target:
        reading.section_by = deadline or (dt.date(reading.year, 12, 31) if reading.year else None)
    else:
        reading.section_by = None
    places = [place for _, place in mentions(text)]
    if places:
        others = [place for place in places if not place.home]
        reading.section_place = others[0] if others and not any(p.home for p in places[:1]) else None


def _read_paragraph(
    paragraph: Paragraph, reading: _Reading, keys: list[GoalKey], goals_file: GoalsFile
) -> list[Figure]:
    text = paragraph.text
    numbers = find_numbers(text)
    times = find_times(text)
    body = text[paragraph.body_start :].lstrip()
    opens_preliminary = body.startswith(PRELIMINARY_WORDS) and not body.startswith("预期目标")
    opens_target = body.startswith(("主要预期目标", "主要目标", "预期目标", "发展目标", "目标"))
    carried_date: When | None = None
    reading.paragraph_place = None
    figures: list[Figure] = []
    for sentence_index, (s_start, s_end) in enumerate(paragraph.sentences):
        sentence = text[s_start:s_end]
        clauses = [c for c in paragraph.clauses if c.sentence == sentence_index]
        sentence_times = [m for m in times if s_start <= m.start < s_end]
        preliminary = opens_preliminary or (
            any(w in sentence for w in PRELIMINARY_WORDS) and "预期目标" not in sentence
        )
        carried_subject = ""
        carried_known = False
        carried_place: Place | None = None
        for clause in clauses:
            in_clause = [n for n in numbers if clause.start <= n.number_start < clause.end]
            for number, subject_text, verb_before in _items(text, clause, in_clause):
                before = subject_text
                own = _has_subject(before, text[number.end : _next_start(in_clause, number, clause)])
                clause_place, _ = opening_place(before)
                if own:
                    carried_subject = _subject_of(before) or text[number.end : clause.end]
                    carried_place = clause_place
                after = text[number.end : _next_start(in_clause, number, clause)]
                carried_role = "explained" if carried_known else "carried"
                segments = [(carried_subject, carried_role)] if not own and carried_subject else []
                segments += [(before, "before"), (after, "after")]
                place = _owner(clause_place if clause_place is not None or own else carried_place, reading)
                figure = _figure(
                    paragraph, number, clause, sentence, s_start, sentence_times, verb_before, preliminary,
                    opens_target, reading, carried_date, in_clause, place, segments,
                )  # fmt: skip
                _match(figure, keys, goals_file)
                if own:
                    carried_known = figure.goal is not None
                figures.append(figure)
        for mention in sentence_times:
            if mention.role in ("date", "now") or (mention.role == "deadline" and _past(mention, reading)):
                resolved = mention.resolve(reading.published, _year_hint(carried_date, reading))
                if resolved is not None:
                    carried_date = resolved
    if carried_date is not None and carried_date.date.year != reading.year:
        reading.year = carried_date.date.year
        reading.context = When(dt.date(reading.year, 12, 31), "year")
    return figures


def _items(text: str, clause: Clause, numbers: list[Number]) -> list[tuple[Number, str, str]]:
    """(number, the words that are its subject, the text before it for its verb) for each number of a
    clause: A、B分别增长16%、5.5% pairs in order; A、B均达到17个 gives one figure per name."""
    if not numbers:
        return []
    clause_text = text[clause.start : clause.end]
    first = numbers[0]
    head = text[clause.start : first.start]
    if "分别" in head and len(numbers) >= 2:
        split_at = clause.start + head.index("分别")
        names = [n for n in LIST_SPLIT.split(text[clause.start : split_at]) if n.strip()]
        verb = text[split_at : first.start]
        if len(names) == len(numbers):
            return [(n, name + verb, verb) for n, name in zip(numbers, names, strict=True)]
    if "均" in head and len(numbers) == 1:
        split_at = clause.start + head.rindex("均")
        names = [n for n in LIST_SPLIT.split(text[clause.start : split_at]) if n.strip()]
        if len(names) >= 2:
            verb = text[split_at : first.start]
            return [(first, name + verb, text[clause.start : first.start]) for name in names]
    items = []
    for index, number in enumerate(numbers):
        start = clause.start
        if len(numbers) > 1 and "、" in clause_text:
            # 294类证照…、8938项事项…、175个事项…: each part of the list is its own clause.
            previous_end = numbers[index - 1].end if index else clause.start
            mark = text.rfind("、", previous_end, number.start)
            start = mark + 1 if mark >= 0 else start
        items.append((number, _blank(text, start, number.start, numbers), text[clause.start : number.start]))
    return items


def _blank(text: str, start: int, end: int, numbers: list[Number]) -> str:
    """text[start:end] with the clause's other figures replaced by a break: 由2020年的全省第13位上升至
    (for 第2位) must not read 第13位 as words about the figure."""
    pieces = []
    position = start
    for number in numbers:
        if start <= number.start and number.end <= end:
            pieces.append(text[position : number.start])
            pieces.append("|")
            position = number.end
    pieces.append(text[position:end])
    return "".join(pieces)


def _next_start(numbers: list[Number], number: Number, clause: Clause) -> int:
    later = [n.start for n in numbers if n.start > number.start]
    end = min(later) if later else clause.end
    return end


def _has_subject(before: str, after: str) -> bool:
    """Whether a clause says what its figure is of, or leaves it to the clause before (…，同比增长9.4%)."""
    from zibo_cli.core.extract_match import _strip_stop_words

    _, start = opening_place(before)
    rest = before[start:].lstrip("，,、 ")
    if rest.startswith(PREDICATE_STARTS) and not rest.startswith(("增加值", "增长极")):
        return False
    if len(_strip_stop_words(rest)) >= 2:
        return True
    words = re.sub(r"^[个家项处类次天位名条座所台套件户辆张批种人亩吨米元%]+", "", after.lstrip())
    return len(_strip_stop_words(words.split("，")[0])) >= 2


def _subject_of(before: str) -> str:
    """The clause's subject without its predicate: 全市规上工业“四强”增加值同比增长 → …“四强”增加值,
    一般公共预算收入完成 → 一般公共预算收入 (a verb before the noun, as in 全市实现地区生产总值, stays)."""
    cut = len(before)
    for word in ("同比", "环比", "比上年", "较上年", "年均", "增长", "提高", "下降", "改善", "减少", "增速"):
        index = before.find(word, 2)
        while index >= 0 and word == "增长" and before.startswith("增长极", index):
            index = before.find(word, index + 1)
        if 0 <= index < cut:
            cut = index
    subject = before[:cut]
    for verb in ("实现", "完成", "达到", "达", "为", "是", "突破", "超过"):
        subject = subject.removesuffix(verb)
    return subject


def _owner(place: Place | None, reading: _Reading) -> Place | None:
    """The place whose figure it is: the clause's, else the paragraph's, else the section's."""
    if place is not None:
        if place.home and reading.section_place is not None and reading.section_place.scope == "other_city":
            return reading.section_place  # 全市 in another city's bulletin is that city
        reading.paragraph_place = place
        return place
    return reading.paragraph_place or reading.section_place


def _past(mention: TimeMention, reading: _Reading) -> bool:
    """到2024年底 in a 2025 text dates a figure; 到2026年 sets a deadline."""
    when = mention.resolve(reading.published, reading.year)
    return when is not None and when.date <= reading.published.date


def _year_hint(carried: When | None, reading: _Reading) -> int:
    """The year of a month span that names none (1至11月份): the year talked about, else the text's own."""
    if carried is not None:
        return carried.date.year
    return reading.year if reading.year is not None else reading.published.date.year


def _figure(
    paragraph: Paragraph,
    number: Number,
    clause: Clause,
    sentence: str,
    s_start: int,
    times: Sequence[TimeMention],
    verb_before: str,
    preliminary: bool,
    opens_target: bool,
    reading: _Reading,
    carried_date: When | None,
    clause_numbers: list[Number],
    place: Place | None,
    segments: list[tuple[str, str]],
) -> Figure:
    text = paragraph.text
    change, falling = _change(verb_before, number)
    value = -number.value if falling and number.value > 0 else number.value
    when = _date_of(number, times, reading, carried_date, clause_numbers)
    before_in_sentence = text[s_start : number.start]
    deadline = _deadline(number, times, reading)
    target = (
        reading.section_target
        or opens_target
        or any(word in before_in_sentence for word in TARGET_WORDS)
        or deadline is not None
    )  # 控制在…以内 is a target under a plan's goals (section_target), a reported bound elsewhere
    by = deadline or (reading.section_by if target else None)
    if not target and preliminary and when is not None and when.date > reading.published.date + dt.timedelta(31):
        target, by = True, when.date  # 预计2025年… in a plan of March 2025: what is expected, not yet a figure
    flow = any(w in text[clause.start : clause.end] for w in PERIOD_WORDS)
    if when is not None and when.period and not flow and _multi_year(when):
        when = When(when.date, "year")  # a level at the end of 过去五年 is for that year, not the five
    if preliminary and _scoped_date(number, times, clause_numbers):
        preliminary = False  # 由2020年的全省第13位: a past figure quoted beside an estimate is not one
    kind: Kind = "target" if target else ("change" if change else "level")
    quote = paragraph.original[clause.start : clause.end].strip().rstrip("，,；;。：:")
    return Figure(
        value=value,
        unit=number.unit,
        kind=kind,
        qualifier=number.qualifier,
        preliminary=preliminary and kind != "target",
        when=None if kind == "target" else when,
        by=by if kind == "target" else None,
        place=place,
        quote=quote,
        line=paragraph.number,
        rank=number.rank,
        segments=segments,
        change=change,
    )


def _multi_year(when: When) -> bool:
    return bool(when.period) and when.period[:4] != when.period[8:12]


def _change(before: str, number: Number) -> tuple[bool, bool]:
    """(a change, a fall): 同比增长9.4%, 提高2个百分点, 下降68.66%; 提高到60% is a level."""
    if number.unit in ("个百分点", "百分点"):
        text = before.rstrip()
        return True, text.endswith(FALLING_VERBS) or any(text.endswith(v + f) for v in FALLING_VERBS for f in "了")
    text = before.rstrip()
    changed = True
    while changed:
        changed = False
        for filler in VERB_FILLERS:
            if text.endswith(filler) and not text.endswith(tuple(CHANGE_VERBS)):
                text, changed = text[: -len(filler)], True
    if text.endswith("增加值") or text.endswith("新增"):
        return False, False
    verb = next((v for v in CHANGE_VERBS if text.endswith(v)), None)
    if verb is None:
        return False, False
    return True, verb in FALLING_VERBS


def _date_of(
    number: Number,
    times: Sequence[TimeMention],
    reading: _Reading,
    carried: When | None,
    clause_numbers: list[Number],
) -> When | None:
    """The nearest date before the figure in its sentence, else a 当下 after it, else the paragraph's
    date so far, else the year the text is talking about; None when the text never says."""
    hint = _year_hint(carried, reading)
    before = [m for m in times if m.end <= number.number_start]
    for mention in reversed(before):
        if mention.role == "base" or (mention.role == "deadline" and not _past(mention, reading)):
            continue
        if mention.role == "scoped":
            between = [n for n in clause_numbers if mention.end <= n.start < number.start]
            if between or mention.end < number.start - 6:
                continue
        if mention.role == "context":
            return When(dt.date(hint, 12, 31), "year")
        resolved = mention.resolve(reading.published, hint)
        if resolved is not None:
            return resolved
    if any(m.role == "now" for m in times if m.start >= number.end):
        return reading.published
    if carried is not None:
        return carried
    if reading.context is not None:
        return reading.context
    return None


def _scoped_date(number: Number, times: Sequence[TimeMention], clause_numbers: list[Number]) -> bool:
    """Whether the figure's own date is a 由2020年的…: the one figure it introduces."""
    before = [m for m in times if m.end <= number.number_start and m.role != "base"]
    if not before or before[-1].role != "scoped":
        return False
    mention = before[-1]
    return not any(mention.end <= n.start < number.start for n in clause_numbers)


def _deadline(number: Number, times: Sequence[TimeMention], reading: _Reading) -> dt.date | None:
    for mention in reversed([m for m in times if m.end <= number.number_start]):
        if mention.role == "deadline" and not _past(mention, reading):
            return mention.deadline(reading.published, reading.year)
    return None


def _match(figure: Figure, keys: list[GoalKey], goals_file: GoalsFile) -> None:
    if not figure.home:
        assert figure.place is not None
        figure.reason = f"a figure of {figure.place.name}, not of {HOME}: never matched to the file's goals"
        return
    result: MatchResult = match_goal(figure.segments, figure.unit, figure.rank, figure.change, keys, goals_file.goals)
    figure.goal, figure.alternatives, figure.reason = result.goal, result.alternatives, result.reason
    if figure.kind == "target" and figure.goal:
        figure.reason += "; a target, so never written as an observation"


def value_in_goal_unit(figure: Figure, goal_unit: str) -> float | None:
    """The figure converted into the goal's unit (4000亿 → 4000 for 亿元), or None if it does not convert."""
    from zibo_cli.core.values import ValueParseError, parse_value

    if figure.rank or not figure.unit:
        return figure.value
    factor, base = split_magnitude(figure.unit)
    if base == "" and factor != 1.0:
        goal_factor, _ = split_magnitude(goal_unit)
        return figure.value * factor / goal_factor
    try:
        return parse_value(f"{figure.value!r}{figure.unit}", goal_unit).value
    except ValueParseError:
        return None


def mark_in_file(figures: list[Figure], goals_file: GoalsFile) -> None:
    """Figures already in the file — same goal, period and value, whatever the source — are `in_file`."""
    by_goal: dict[str, list[Any]] = {}
    for observation in goals_file.observations:
        by_goal.setdefault(observation.goal, []).append(observation)
    for figure in figures:
        if figure.goal is None or figure.kind == "target":
            continue
        goal = goals_file.goals[figure.goal]
        value = value_in_goal_unit(figure, goal.unit)
        if value is None:
            continue
        for observation in by_goal.get(figure.goal, []):
            if not math.isclose(observation.value, value, rel_tol=1e-9, abs_tol=1e-12):
                continue
            if figure.when is None or _same_period(figure.when, observation):
                figure.in_file = True
                break


def _same_period(when: When, observation: Any) -> bool:
    if when.date != observation.date:
        return False
    return when.period is None or observation.period is None or when.period == observation.period


def ordered(figures: list[Figure]) -> list[Figure]:
    """Matched figures first (in text order), then the rest."""
    return [f for f in figures if f.goal] + [f for f in figures if not f.goal]


CSV_COLUMNS = ("goal", "date", "value", "unit", "precision", "period", "qualifier", "preliminary", "quote", "source")


def csv_records(figures: Sequence[Figure], source: str | None) -> list[dict[str, Any]]:
    """The rows `zibo import` reads: matched observations not yet in the file (no targets, no other places)."""
    rows = []
    for figure in figures:
        if figure.goal is None or figure.kind == "target" or figure.in_file or not figure.home:
            continue
        rows.append(
            {
                "goal": figure.goal,
                "date": figure.when.text() if figure.when else "",
                "value": figure.value,
                "unit": figure.unit,
                "precision": figure.when.precision if figure.when and figure.when.precision != "day" else "",
                "period": figure.when.period if figure.when and figure.when.period else "",
                "qualifier": figure.qualifier or "",
                "preliminary": "true" if figure.preliminary else "",
                "quote": figure.quote,
                "source": source or "",
            }
        )
    return rows


def extract_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a CSV `zibo import` reads: UTF-8 with a BOM, a header, cells safe for spreadsheets."""
    from zibo_cli.core.exchange import to_csv

    return to_csv(rows, CSV_COLUMNS)
