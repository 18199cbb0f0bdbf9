"""Numbers as Chinese texts print them: 4200.6亿元, 1.2万亿, 一百亿元, 百分之三十, 第2位, 1000余处.

Pure: a line of (normalised, simplified) text in, the stated figures out, each with its span, value, unit as
written (magnitude prefix kept), and qualifier. What is *not* a figure is decided here too: years, dates,
document numbers, session ordinals, list numbering and names with numbers in them (“四强”, 十四五, PM2.5,
2.0版本, 《三年行动计划》), because a figure found where there is none is worse than one missed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from zibo_cli.core.model import Qualifier

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL) + "万亿"
MAGNITUDES = ("万亿", "亿", "万", "千")  # kept in the unit as written (亿元, 万亩, 万亿)

# Units as written, longest first within each family so that 个百分点 is not read as 个.
UNITS: tuple[str, ...] = tuple(
    sorted(
        [
            "元", "美元", "欧元", "%", "‰", "个百分点", "百分点", "家", "个", "项", "处", "天", "位", "名", "条",
            "类", "次", "年", "座", "所", "台", "套", "件", "户", "辆", "张", "批", "种", "倍", "人", "人次",
            "亩", "公顷", "平方米", "平方公里", "立方米", "吨", "吨标准煤", "千瓦", "千瓦时", "千伏", "公里",
            "千米", "米", "千克", "兆瓦", "吉瓦", "微克/立方米", "标箱", "艘", "架", "栋", "间", "床", "张床",
            "岁", "小时", "分钟", "分", "μg/m3", "km", "GW", "MW",
        ],
        key=len,
        reverse=True,
    )
)  # fmt: skip
# Units that cannot follow a bare 第N: after them 第N is an ordinal (第一批, 第三季度), not a rank.
ORDINAL_COUNTERS = "届次批个季度章条部期轮号年天月日项家节款篇阶段代"
# After a number these make it a date, a code or a name, never a figure.
NOT_FIGURE_AFTER = (
    "届", "月", "日", "号", "时", "点", "版", "期", "季度", "代", "世纪", "周年", "中全会", "大", "〕", "]", "】",
)  # fmt: skip
MEETING_WORDS = ("会议", "全会", "全体会议", "党代会", "代表大会", "常委会", "常务会议", "次会")
# Names that look like numbers (the plan periods and such); skipped wherever they stand.
NUMBER_NAMES = ("十二五", "十三五", "十四五", "十五五", "十六五", "一带一路", "一网通办", "一号改革", "一件事")
PREFIX_QUALIFIERS: tuple[tuple[str, Qualifier], ...] = (
    ("不少于", "at_least"), ("不低于", "at_least"), ("至少", "at_least"), ("超过", "at_least"),
    ("突破", "at_least"), ("逾", "at_least"), ("超", "at_least"), ("大于", "at_least"),
    ("不超过", "at_most"), ("不高于", "at_most"), ("控制在", "at_most"), ("不到", "at_most"),
    ("低于", "at_most"), ("大约", "approx"), ("约", "approx"), ("近", "approx"),
)  # fmt: skip
SUFFIX_QUALIFIERS: tuple[tuple[str, Qualifier], ...] = (
    ("以上", "at_least"), ("以内", "at_most"), ("以下", "at_most"), ("左右", "approx"), ("上下", "approx"),
)  # fmt: skip
RANK_VERBS = ("位居", "位列", "名列", "排名", "跃居", "上升至", "提升至", "升至", "居于", "居", "列", "排", "至")
RANK_SCOPES = ("全省", "全国", "全市", "山东", "省内", "国内", "全球", "世界", "同类城市", "地级市")
TOP_N_VERBS = ("入选", "跻身", "进入", "入围", "位列", "荣登", "挺进", "晋级", "迈入", "跨入", "列入")

_ARABIC = re.compile(r"(?<![\d.])[-−]?\d+(?:,\d{3})*(?:\.\d+)?")
_CHINESE = re.compile(f"[{CN_NUMERAL_CHARS}]+")
_PERCENT_WORDS = re.compile(f"百分之([{CN_NUMERAL_CHARS}点]+|\\d+(?:\\.\\d+)?)")
_LATIN = re.compile(r"[A-Za-z]")
_OPENING = {"《": "》", "“": "”", "‘": "’", "「": "」", "『": "』", '"': '"', "〔": "〕", "【": "】"}
_SHORT_QUOTE = 16  # a quoted run this short without a clause mark is a name or a slogan, not a statement
CLAUSE_MARKS = "，,。；;！!？?："


@dataclass(frozen=True, slots=True)
class Number:
    """One stated figure in a line: where it is, what it says, and the words that qualify it."""

    start: int  # the first character of the figure's text (a prefix qualifier or 第 included)
    end: int  # one past its last character (unit and suffix qualifier included)
    number_start: int  # where the digits begin
    number_end: int  # where the digits end
    value: float
    unit: str  # as written, magnitude prefix kept: 亿元, 万亩, %, 个百分点, 位; "" for a bare index value
    qualifier: Qualifier | None = None
    rank: bool = False  # 第2位, 居全省第一


class NumeralError(ValueError):
    """Text that is not a Chinese numeral zibo can read."""


def parse_chinese_numeral(text: str) -> float:
    """一百二十万 → 1200000, 三点五 → 3.5, 二〇二四 → 2024; raises NumeralError for 十四五 and other names."""
    if not text:
        raise NumeralError(text)
    if "点" in text:
        whole, _, fraction = text.partition("点")
        if not fraction or any(ch not in CN_DIGITS for ch in fraction):
            raise NumeralError(text)
        return parse_chinese_numeral(whole) + float("0." + "".join(str(CN_DIGITS[ch]) for ch in fraction))
    if all(ch in CN_DIGITS for ch in text) and len(text) > 1:  # digit by digit: 二〇二四
        if text[0] in "零〇":
            raise NumeralError(text)
        return float("".join(str(CN_DIGITS[ch]) for ch in text))
    return float(_parse_big(text))


def _parse_big(text: str) -> int:
    if "亿" in text:
        left, _, right = text.rpartition("亿")
        high = _parse_big(left) if left else 1
        return high * 100_000_000 + (_parse_small_group(right, 10_000_000) if right else 0)
    if "万" in text:
        left, _, right = text.rpartition("万")
        high = _parse_section(left) if left else 1
        return high * 10_000 + (_parse_small_group(right, 1000) if right else 0)
    return _parse_section(text)


def _parse_small_group(text: str, shorthand: int) -> int:
    """What follows 万 or 亿: 一万二 is 12000 (shorthand), 一万零五 is 10005."""
    if len(text) == 1 and text in CN_DIGITS and text not in "零〇":
        return CN_DIGITS[text] * shorthand
    return _parse_big(text.removeprefix("零").removeprefix("〇"))


def _parse_section(text: str) -> int:
    """Below ten thousand: 三千零五十, 十三, 百 (=100), 两千, 一百五 (=150)."""
    if not text:
        raise NumeralError(text)
    total = 0
    pending: int | None = None
    last_unit = 10_000
    zero = False
    for ch in text:
        if ch in "零〇":
            if pending is not None:
                raise NumeralError(text)
            zero = True
        elif ch in CN_DIGITS:
            if pending is not None:
                raise NumeralError(text)  # 十四五: two digits without a unit between them
            pending = CN_DIGITS[ch]
        elif ch in CN_SMALL:
            unit = CN_SMALL[ch]
            if unit >= last_unit:
                raise NumeralError(text)
            total += (1 if pending is None else pending) * unit
            pending, last_unit, zero = None, unit, False
        else:
            raise NumeralError(text)
    if pending is not None:
        shorthand = not zero and 10 < last_unit < 10_000
        total += pending * (last_unit // 10 if shorthand else 1)
    return total


def masked_spans(text: str) -> list[tuple[int, int]]:
    """Spans whose numbers are names: 《titles》, short “quoted” names and slogans, 〔document numbers〕."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        closing = _OPENING.get(text[index])
        if closing is None:
            index += 1
            continue
        end = text.find(closing, index + 1)
        if end < 0:
            index += 1
            continue
        inner = text[index + 1 : end]
        title_or_code = text[index] in "《〔【"
        if title_or_code or (len(inner) <= _SHORT_QUOTE and not any(mark in inner for mark in CLAUSE_MARKS)):
            spans.append((index, end + 1))
            index = end + 1
        else:
            index += 1  # a quoted statement: look inside it for names (‘十个聚焦用力’)
    for name in NUMBER_NAMES:
        for match in re.finditer(re.escape(name), text):
            spans.append(match.span())
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    for start, end in spans:
        if start <= position < end:
            return start, end
    return None


def find_numbers(text: str) -> list[Number]:
    """Every stated figure in the line, in order; spans never overlap."""
    masks = masked_spans(text)
    found: list[Number] = []
    taken: set[int] = set()
    for candidate in _candidates(text):
        number = _read(text, candidate, masks)
        if number is None or any(i in taken for i in range(number.number_start, number.number_end)):
            continue
        taken.update(range(number.start, number.end))
        found.append(number)
    return sorted(found, key=lambda n: n.start)


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    value: float
    chinese: bool
    percent_words: bool = False  # 百分之三十


def _candidates(text: str) -> Iterator[_Candidate]:
    for match in _PERCENT_WORDS.finditer(text):
        body = match.group(1)
        try:
            value = float(body) if body[0].isdigit() else parse_chinese_numeral(body)
        except NumeralError:
            continue
        yield _Candidate(match.start(), match.end(), value, chinese=True, percent_words=True)
    for match in _ARABIC.finditer(text):
        raw = match.group().replace(",", "").replace("−", "-")
        if (
            raw.startswith("-")
            and match.start() > 0
            and text[match.start() - 1].isascii()
            and text[match.start() - 1].isalnum()
        ):
            continue  # 5-6: a range, not a negative number
        yield _Candidate(match.start(), match.end(), float(raw), chinese=False)
    for match in _CHINESE.finditer(text):
        yield from _chinese_candidates(text, match.start(), match.end())


def _chinese_candidates(text: str, start: int, end: int) -> Iterator[_Candidate]:
    run = text[start:end]
    # A run may end with a magnitude that belongs to the unit (一百亿元 → 100 亿元), as for digits.
    for magnitude in MAGNITUDES[:3]:
        if run.endswith(magnitude) and len(run) > len(magnitude):
            head = run[: -len(magnitude)]
            if not any(big in head for big in "万亿"):
                try:
                    yield _Candidate(start, start + len(head), parse_chinese_numeral(head), chinese=True)
                except NumeralError:
                    return
                return
    try:
        yield _Candidate(start, end, parse_chinese_numeral(run), chinese=True)
    except NumeralError:
        return


def _read(text: str, candidate: _Candidate, masks: list[tuple[int, int]]) -> Number | None:
    """The figure at a candidate number, or None when the number is a year, a date, an ordinal or a name."""
    start, end = candidate.start, candidate.end
    mask = _inside(start, masks)
    if mask is not None:
        return _top_n(text, candidate, mask)  # only 双“五十强” is a figure inside a name
    if candidate.percent_words:
        qualifier, first, last = _qualifiers(text, start, end)
        return Number(first, last, start, end, candidate.value, "%", qualifier)
    before = text[max(0, start - 12) : start]
    after = text[end : end + 12]
    if _LATIN.match(after[:1]) or (before[-1:] and _LATIN.match(before[-1]) and not before.endswith("GDP")):
        return None  # 5G, PM2.5, G20, A4
    if before.endswith(("〔", "[", "【", "(", "（")) and re.match(r"\d{4}[〕\]】)）]", text[start : start + 5]):
        return None  # 〔2022〕
    if after.startswith(NOT_FIGURE_AFTER) or (
        after.startswith(("至", "到", "-", "—", "~", "－")) and _date_span(after)
    ):
        return None
    if re.match(r"\d{4}$", text[start:end]) and after[:1] and after[:1] in "年-—～~/":
        return None  # a year (2024年, 2021—2025)
    if after.startswith("次") and (after[1:].startswith(MEETING_WORDS) or before.endswith("届")):
        return None  # 十三届八次全体会议, 六次会议
    if re.match(r"\d+\.\d", text[start:end]) and after.startswith("版"):
        return None
    rank = before.endswith("第")
    if rank:
        return _rank(text, candidate)
    strong = _top_n(text, candidate, None)
    if strong is not None:
        return strong
    value = candidate.value
    if candidate.chinese and not any(ch in CN_DIGITS for ch in text[start:end]) and text[start:end] not in CN_SMALL:
        return None  # 万家灯火: a bare magnitude is a word
    position = end
    unit_magnitude = ""
    for magnitude in MAGNITUDES:
        if text.startswith(magnitude, position) and not text.startswith(("千瓦", "千米", "千克", "千伏"), position):
            if magnitude == "千" and not candidate.chinese:
                break
            unit_magnitude, position = magnitude, position + len(magnitude)
            break
    if candidate.chinese and text[start:end] in ("百", "千") and not unit_magnitude:
        return None  # 千家万户, 百姓: a bare 千 or 百 is a word unless a magnitude follows (千亿元)
    if candidate.chinese and text[start:end] == "一" and not unit_magnitude:
        return None  # 一个, 一批, 一件事: an article, not a count (一亿元 is a figure)
    more: Qualifier | None = None
    if text.startswith(("余", "多"), position):
        more, position = "at_least", position + 1
    base = next((unit for unit in UNITS if text.startswith(unit, position)), "")
    if base == "年" and not before.endswith(("连续", "累计")):
        return None  # 五年来, 三年行动: a span of time, not a figure
    if base == "次" and text.startswith(MEETING_WORDS, position + 1):
        return None
    position += len(base)
    if not base and text.startswith(("余", "多"), position) and unit_magnitude:
        more, position = "at_least", position + 1
    unit = unit_magnitude + base
    if not unit:
        if candidate.chinese or not _index_value(before):
            return None  # a bare number: list numbering, a code, a name like 3510
    elif candidate.chinese and not base and not unit_magnitude:
        return None
    if candidate.chinese and base and text.startswith(tuple(CN_NUMERAL_CHARS), position) and base == "个":
        return None  # 三个一批: a slogan
    if text.startswith("级", position):
        if candidate.chinese and text[start:end] in CN_SMALL:
            return None  # 百亿级产业链条: a class used as a name
        if not base:
            return Number(start, position + 1, start, end, value, unit, "at_least")
    if text.startswith("及以上", position) or text.startswith("以上的", position):
        return None  # 2000万元及以上: a threshold in a definition
    qualifier, first, last = _qualifiers(text, start, position)
    return Number(first, last, start, end, value, unit, more or qualifier)


def _date_span(after: str) -> bool:
    """至11月份, -11月, 到2025年: the number opens a span of months or years."""
    return bool(re.match(r"[至到\-—~－]\s*(\d{1,4}|[一二三四五六七八九十]{1,3})\s*(月|年|季度|日)", after))


def _index_value(before: str) -> bool:
    """A bare number is a figure only as the value of an index or a score: 水环境质量指数4.5456."""
    trimmed = before.removesuffix("为").removesuffix("达").removesuffix("达到").removesuffix("是").rstrip(":：")
    return trimmed.endswith(("指数", "系数", "得分", "评分", "分值", "指标值"))


def _qualifiers(text: str, start: int, end: int) -> tuple[Qualifier | None, int, int]:
    """(qualifier, start, end) with a prefix (约, 超过, 控制在) or suffix (以上, 左右, 以内) taken in."""
    qualifier: Qualifier | None = None
    first, last = start, end
    for word, meaning in sorted(PREFIX_QUALIFIERS, key=lambda pair: -len(pair[0])):  # 不超过 before 超过
        if text.startswith(word, start - len(word)) and start >= len(word):
            qualifier, first = meaning, start - len(word)
            break
    for word, meaning in SUFFIX_QUALIFIERS:
        if text.startswith(word, end):
            if qualifier is None or word == "以内":
                qualifier = meaning
            last = end + len(word)
            break
    return qualifier, first, last


def _rank(text: str, candidate: _Candidate) -> Number | None:
    """第2位, 居全省第一: a rank (unit 位); 第十六届, 第一批, 第三季度 are ordinals, not figures."""
    start, end = candidate.start, candidate.end
    after = text[end:]
    if after.startswith(("位", "名")):
        return Number(start - 1, end + 1, start, end, candidate.value, "位", rank=True)
    if (after[:1] and after[0] in ORDINAL_COUNTERS) or _CHINESE.match(after[:1]) or after[:1].isdigit():
        return None
    before = text[max(0, start - 12) : start - 1]
    for scope in RANK_SCOPES:
        before = before.removesuffix(scope)
    before = before.removesuffix("的")
    if before.endswith(RANK_VERBS):
        return Number(start - 1, end, start, end, candidate.value, "位", rank=True)
    return None


def _top_n(text: str, candidate: _Candidate, mask: tuple[int, int] | None) -> Number | None:
    """双“五十强”, 跻身全国百强: a place in the top N, i.e. a rank of at most N (unit 位)."""
    end = candidate.end
    if not text.startswith("强", end):
        return None
    if mask is not None and (mask[0] != candidate.start - 1 or mask[1] != end + 2):
        return None  # the quote must hold just the N强
    clause_start = max(text.rfind(mark, 0, candidate.start) for mark in CLAUSE_MARKS) + 1
    if not any(verb in text[clause_start : candidate.start] for verb in TOP_N_VERBS):
        return None  # “四强” industries: a name
    last = end + 2 if mask is not None else end + 1
    return Number(candidate.start, last, candidate.start, end, candidate.value, "位", "at_most", rank=True)
