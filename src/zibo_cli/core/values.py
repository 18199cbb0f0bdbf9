"""Values as sources print them: 4884.1, 8,938, 100亿元, 约90%, 1000余 — converted into a goal's unit."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from zibo_cli.core.model import Qualifier
from zibo_cli.core.schema import check_number
from zibo_cli.core.units import ENGLISH_INPUT
from zibo_cli.i18n import tr

# Chinese magnitude prefixes, longest first so 万亿 is not read as 万 + 亿.
MAGNITUDES: list[tuple[str, float]] = [("万亿", 1e12), ("亿", 1e8), ("万", 1e4), ("千", 1e3)]
PERCENT_POINT_UNITS = {"百分点", "个百分点", "pp"}

_PREFIX_QUALIFIERS: list[tuple[str, Qualifier]] = [
    ("大约", "approx"), ("约", "approx"), ("近", "approx"), ("~", "approx"), ("≈", "approx"),
    ("超过", "at_least"), ("超", "at_least"), ("突破", "at_least"), ("逾", "at_least"),
    (">=", "at_least"), ("≥", "at_least"), (">", "at_least"),
    ("不到", "at_most"), ("<=", "at_most"), ("≤", "at_most"), ("<", "at_most"),
]  # fmt: skip
_SUFFIX_QUALIFIERS: list[tuple[str, Qualifier]] = [
    ("左右", "approx"), ("以上", "at_least"), ("余", "at_least"), ("多", "at_least"), ("+", "at_least"),
    ("以下", "at_most"),
]  # fmt: skip
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_CHINESE_NUMERALS = set("零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟")
# cn2an also reads 万 and 亿 inside a numeral (一百亿); they are magnitudes, not units, there.


class ValueParseError(ValueError):
    """A value the user typed that cannot become a figure in the goal's unit."""


@dataclass(frozen=True, slots=True)
class ParsedValue:
    value: float
    qualifier: Qualifier | None = None
    conversion: str | None = None  # e.g. "100亿元 = 10000万元", stated back to the user
    preliminary: bool = False  # written 预计5000亿元 or 初步核算…: an estimate awaiting the final figure


# Words before a figure that make it an estimate (预计5000亿元, 初步核算，4884.1亿元), longest first.
PRELIMINARY_WORDS = ("初步核算", "初步统计", "初步测算", "预计", "预估", "初步")


def _split_unit(unit: str) -> tuple[float, str]:
    """亿元 → (1e8, 元); 万人 → (1e4, 人); % → (1, %)."""
    for prefix, factor in MAGNITUDES:
        if unit.startswith(prefix):
            return factor, unit[len(prefix) :]
    return 1.0, unit


def _strip_qualifiers(text: str) -> tuple[str, Qualifier | None]:
    qualifier: Qualifier | None = None
    for word, meaning in _PREFIX_QUALIFIERS:
        if text.startswith(word):
            text, qualifier = text[len(word) :].strip(), meaning
            break
    for word, meaning in _SUFFIX_QUALIFIERS:
        if text.endswith(word) and len(text) > len(word):
            text, qualifier = text[: -len(word)].strip(), qualifier or meaning
            break
    return text, qualifier


def parse_value(text: str, goal_unit: str) -> ParsedValue:
    """Read a figure as printed and express it in the goal's unit, or explain why it cannot be."""
    original = text if len(text) <= 40 else text[:39] + "…"  # as echoed in messages
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("−", "-").replace(" ", "")
    if not cleaned:
        raise ValueParseError(tr("the value is empty."))
    preliminary = cleaned.startswith(PRELIMINARY_WORDS)
    if preliminary:
        cleaned = cleaned.removeprefix(next(w for w in PRELIMINARY_WORDS if cleaned.startswith(w))).lstrip(",:，：")
        if not cleaned:
            raise ValueParseError(tr("'{original}' has no number.", original=original))
    cleaned, qualifier = _strip_qualifiers(cleaned)
    # A suffix qualifier may follow the unit: 1000余家 → number 1000, qualifier 余, unit 家.
    match = _NUMBER.match(cleaned)
    if not match:
        if cleaned and cleaned[0] in _CHINESE_NUMERALS:
            parsed = _parse_chinese_numeral(cleaned, qualifier, goal_unit, original)
            return ParsedValue(parsed.value, parsed.qualifier, parsed.conversion, preliminary)
        raise ValueParseError(tr("'{original}' is not a number.", original=original))
    number_text = match.group().replace(",", "")
    rest = cleaned[match.end() :]
    rest, suffix_qualifier = _strip_qualifiers(rest) if rest else (rest, None)
    if rest and rest[0] in "余多+" and len(rest) > 1:
        rest, suffix_qualifier = rest[1:], "at_least"
    qualifier = qualifier or suffix_qualifier
    too_large = (None, tr("is too large to be a real figure"))
    number, reason = check_number(float(number_text)) if _finite_text(number_text) else too_large
    if number is None:
        raise ValueParseError(f"'{original}' {reason}.")
    value, conversion = _convert(number, rest, goal_unit, original)
    checked, reason = check_number(value)
    if checked is None:
        raise ValueParseError(f"'{original}' {reason}.")
    return ParsedValue(value=checked, qualifier=qualifier, conversion=conversion, preliminary=preliminary)


def _parse_chinese_numeral(text: str, qualifier: Qualifier | None, goal_unit: str, original: str) -> ParsedValue:
    """一百亿元: cn2an reads the numeral (magnitude included); what follows it is the base unit."""
    import cn2an

    end = len(text)
    while end and text[end - 1] not in _CHINESE_NUMERALS | set("万亿点"):
        end -= 1
    numeral, unit = text[:end], text[end:]
    unit, suffix_qualifier = _strip_qualifiers(unit) if unit else (unit, None)
    try:
        number = float(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError, IndexError):
        raise ValueParseError(
            tr("'{original}' is not a Chinese numeral zibo can read; type it with digits.", original=original)
        ) from None
    _, goal_base = _split_unit(goal_unit)
    if unit and unit != goal_base and unit != goal_unit:
        raise _unconvertible(original, unit, goal_unit)
    value, _ = _convert(number, goal_base if goal_base != goal_unit else "", goal_unit, original)
    return ParsedValue(
        value=value, qualifier=qualifier or suffix_qualifier, conversion=f"{original} = {value:.12g}{goal_unit}"
    )


def _unconvertible(original: str, unit: str, goal_unit: str) -> ValueParseError:
    return ValueParseError(
        tr(
            "'{original}' is in {unit}, which does not convert into this goal's unit, {goal_unit}.",
            original=original,
            unit=unit,
            goal_unit=goal_unit,
        )
    )


def _finite_text(number_text: str) -> bool:
    try:
        return math.isfinite(float(number_text))
    except (OverflowError, ValueError):
        return False


def _convert(number: float, unit: str, goal_unit: str, original: str) -> tuple[float, str | None]:
    if not unit or unit == goal_unit:
        return number, None
    english = ENGLISH_INPUT.get(unit.lower().replace(" ", ""))
    if english is not None:
        chinese, factor = english
        if chinese == goal_unit or (chinese in PERCENT_POINT_UNITS and goal_unit in PERCENT_POINT_UNITS):
            return number * factor, None
        number, unit = number * factor, chinese
    if goal_unit in PERCENT_POINT_UNITS and unit in PERCENT_POINT_UNITS:
        return number, None
    if unit == "%" and goal_unit in PERCENT_POINT_UNITS:
        raise ValueParseError(
            tr(
                "'{original}' is a percentage, but this goal counts percentage points ({goal_unit}); "
                "write {number:g}{goal_unit} if the figure is a change of {number:g} points.",
                original=original,
                goal_unit=goal_unit,
                number=number,
            )
        )
    from_factor, from_base = _split_unit(unit)
    to_factor, to_base = _split_unit(goal_unit)
    if from_base not in ("", to_base):
        raise _unconvertible(original, unit, goal_unit)
    value = number * from_factor / to_factor
    return value, f"{original} = {value:.12g}{goal_unit}"
