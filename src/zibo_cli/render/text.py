"""Plain-text formatting shared by every output format: numbers, units, dates, durations, statuses."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import TYPE_CHECKING

from zibo_cli.core.model import QUALIFIER_SYMBOLS, Goal, Observation, Precision, Status, Target
from zibo_cli.core.units import in_english
from zibo_cli.i18n import is_chinese, tr

if TYPE_CHECKING:
    from zibo_cli.core.progress import Assessment

# One-line lists (`goals`, the text report): the id column's width (a longer id stands whole and pushes
# the line, or gets a line of its own) and the gap between columns.
ID_WIDTH = 24
GAP = "  "


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` filled with spaces to `width` terminal cells (CJK characters take two), on the left when `right`."""
    from rich.cells import cell_len

    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space


MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
QUARTERS_ZH = ["一", "二", "三", "四"]

STATUS_LABELS: dict[Status, str] = {
    Status.DETERIORATING: "deteriorating",
    Status.MISSED: "missed",
    Status.OFF_TRACK: "off track",
    Status.AT_RISK: "at risk",
    Status.INSUFFICIENT: "insufficient data",
    Status.NO_DATA: "no data",
    Status.ON_TRACK: "on track",
    Status.ACHIEVED: "achieved",
    Status.FACT: "fact",
}

STATUS_STYLES: dict[Status, str] = {
    Status.DETERIORATING: "bold red",
    Status.MISSED: "red",
    Status.OFF_TRACK: "red",
    Status.AT_RISK: "yellow",
    Status.INSUFFICIENT: "magenta",
    Status.NO_DATA: "dim",
    Status.ON_TRACK: "green",
    Status.ACHIEVED: "bold green",
    Status.FACT: "blue",
}


def status_label(status: Status) -> str:
    return tr(STATUS_LABELS[status])


def category_label(category: str | None) -> str:
    """A category as the reader names it: the known ones in Chinese under --lang zh, others as written."""
    if category and is_chinese():
        from zibo_cli.messages_zh import CATEGORIES_ZH

        return CATEGORIES_ZH.get(category, clean(category))
    return clean(category)


def display_name(goal: Goal) -> str:
    """The goal's name in the reader's language where the file has it, else the other one."""
    preferred = goal.name if is_chinese() else (goal.name_en or goal.name)
    return clean(preferred or goal.name_en)


# C0 and C1 controls (ESC starts every escape sequence), and the bidi overrides and isolates that
# reorder what a terminal shows ("Trojan Source"); tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str | None) -> str:
    """Text from the file, made safe for a terminal: control characters (escape sequences) become visible."""
    if not text:
        return ""
    return _CONTROL.sub(_visible, text)


def _group(text: str) -> str:
    """Thousands separators for English readers; Chinese reports print 4884.1亿元 without them."""
    if is_chinese():
        return text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, decimals = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{decimals}"


def format_number(value: float | None) -> str:
    """A reported figure exactly as recorded (4.5456 stays 4.5456)."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == int(value) and abs(value) < 1e15:
        return _group(str(int(value)))
    text = repr(float(value))
    return f"{value:g}" if "e" in text else _group(text)


def format_estimate(value: float | None) -> str:
    """A computed figure (projection, pace) rounded to what is meaningful: 1–4 decimals by magnitude."""
    if value is None or not math.isfinite(value):
        return "—"
    magnitude = abs(value)
    decimals = 4 if magnitude < 1 else 2 if magnitude < 1000 else 1
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else _group(text)


def _wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F")


def cell_width(text: str) -> int:
    """Terminal cells a string takes: East Asian wide characters take two."""
    return sum(2 if _wide(character) else 1 for character in text)


def with_unit(number: str, unit: str) -> str:
    """CJK units and % sit right after the number (92亿元, 90%); Latin ones get a space (19.48 m²)."""
    if not unit:
        return number
    if unit == "%" or _wide(unit[0]):
        return f"{number}{unit}"
    return f"{number} {unit}"


def format_value(value: float | None, unit: str, qualifier: str | None = None, *, estimate: bool = False) -> str:
    """A value with its unit as readers of the language expect: 100亿元, or 10 bn yuan in English."""
    prefix = QUALIFIER_SYMBOLS.get(qualifier or "", "")
    if value is not None and not is_chinese():
        converted, unit = in_english(value, unit)
        value = round(converted, 9) if math.isfinite(converted) else converted
    number = format_estimate(value) if estimate else format_number(value)
    return prefix + with_unit(number, clean(unit))


def format_observation(observation: Observation, unit: str) -> str:
    return format_value(observation.value, unit, observation.qualifier)


def display_date(day: dt.date, precision: Precision = "day") -> str:
    """A date as precisely as it is known, as the reader writes it: 2024年11月 / Nov 2024, 2024年三季度 / Q3 2024."""
    year, month = day.year, day.month
    if is_chinese():
        return {
            "year": f"{year}年",
            "half": f"{year}年{'上' if month <= 6 else '下'}半年",
            "quarter": f"{year}年{QUARTERS_ZH[(month - 1) // 3]}季度",
            "month": f"{year}年{month}月",
        }.get(precision, f"{year}年{month}月{day.day}日")
    return {
        "year": f"{year}",
        "half": f"H{1 if month <= 6 else 2} {year}",
        "quarter": f"Q{(month - 1) // 3 + 1} {year}",
        "month": f"{MONTHS_EN[month - 1]} {year}",
    }.get(precision, f"{day.day} {MONTHS_EN[month - 1]} {year}")


def _period_text(period: str) -> str:
    """2024-01/2024-11 → 2024年1–11月 / Jan–Nov 2024; whole years 2021-01/2025-12 → 2021–2025."""
    start, end = period.split("/")
    start_year, start_month = int(start[:4]), int(start[5:7])
    end_year, end_month = int(end[:4]), int(end[5:7])
    if start_month == 1 and end_month == 12:
        return f"{start_year}–{end_year}" + ("年" if is_chinese() else "")
    if start_year == end_year:
        if is_chinese():
            return f"{start_year}年{start_month}–{end_month}月"
        return f"{MONTHS_EN[start_month - 1]}–{MONTHS_EN[end_month - 1]} {start_year}"
    if is_chinese():
        return f"{start_year}年{start_month}月–{end_year}年{end_month}月"
    return f"{MONTHS_EN[start_month - 1]} {start_year}–{MONTHS_EN[end_month - 1]} {end_year}"


def observation_date(observation: Observation) -> str:
    """As precise as the figure: a period (Jan–Nov 2024), a year (2024), a quarter, a month or a day."""
    if observation.period:
        return _period_text(observation.period)
    return display_date(observation.date, observation.precision)


def format_deadline(day: dt.date) -> str:
    """Deadlines on 31 December read as the year (2026), as the plans state them; in Chinese as the
    year's end (2026年底), since "2026年前" would read "before 2026"."""
    if (day.month, day.day) != (12, 31):
        return display_date(day, "day")
    return display_date(day, "year") + ("底" if is_chinese() else "")


def format_target(target: Target, unit: str) -> str:
    if target.average_years is not None:
        return f"{format_value(target.value, unit, target.qualifier)} {target_when(target)}"
    return tr(
        "{value} by {deadline}",
        value=format_value(target.value, unit, target.qualifier),
        deadline=format_deadline(target.by),
    )


def target_when(target: Target) -> str:
    """'by 2026', or for an average target the years it is over: 'avg 2022–2026' / '2022–2026年均'."""
    years = target.average_years
    if years is None:
        return tr("by {deadline}", deadline=format_deadline(target.by))
    span = f"{years[0]}–{years[1]}" if years[0] != years[1] else f"{years[0]}"
    return tr("avg {years}", years=span)


def format_buffer(days: int | None) -> str:
    """Days ahead of (+) or behind (−) the required path: '+120d', '−373d'; '' when there is none."""
    if days is None:
        return ""
    sign = "+" if days > 0 else "−" if days < 0 else "±"
    return sign + tr("{days}d", days=abs(days))


TREND_ARROWS = {"rising": "↑", "flat": "→", "falling": "↓"}


def trend_words(word: str) -> str:
    """'↑ rising' / '↑ 上升'."""
    return f"{TREND_ARROWS[word]} {tr(word)}"


def needs_text(assessment: Assessment, per_year: bool = True) -> str:
    """For an open average target, the average its remaining years must reach: 'needs 14.66%/yr'
    ('needs 14.66%' where the target's own 'avg 2022–2026' already says it is a yearly average)."""
    stage = assessment.stage
    if stage is None or stage.average_needed is None or stage.status in (Status.ACHIEVED, Status.MISSED):
        return ""
    value = format_value(stage.average_needed, assessment.goal.unit, estimate=True)
    return tr("needs {value}/yr", value=value) if per_year else tr("needs {value}", value=value)


def format_percent(fraction: float | None, decimals: int = 0) -> str:
    if fraction is None or not math.isfinite(fraction):
        return "—"
    text = f"{fraction * 100:.{decimals}f}%"
    return text[1:] if text.startswith("-") and not text.strip("-0.%") else text  # -0.001 rounds to 0%, not -0%


def format_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    if math.isinf(ratio):
        return "−∞" if ratio < 0 else "∞"
    return f"{ratio:.2f}"


def time_left(as_of: dt.date, deadline: dt.date) -> str:
    """Compact years/months/days until the deadline, or how long ago it passed."""
    days = (deadline - as_of).days
    if days == 0:
        return tr("today")
    passed = days < 0
    days = abs(days)
    years, rest = divmod(days, 365)
    months = round(rest / 30.44)
    if months == 12:
        years, months = years + 1, 0
    if years:
        text = tr("{years}y {months}m", years=years, months=months) if months else tr("{years}y", years=years)
    elif days >= 45:
        text = tr("{months}m", months=months)
    else:
        text = tr("{days}d", days=days)
    return tr("passed {span}", span=text) if passed else text


def progress_bar(fraction: float | None, width: int = 10, ascii_only: bool = False) -> str:
    """A bar that fills left to right; beyond-target and backwards progress pin at full and empty."""
    if fraction is None or not math.isfinite(fraction):
        return " " * width
    filled = max(0.0, min(1.0, fraction)) * width
    full, part = int(filled), filled - int(filled)
    if ascii_only:
        return "#" * full + "-" * (width - full)
    partials = " ▏▎▍▌▋▊▉"
    bar = "█" * full
    if full < width:
        bar += partials[int(part * 8)] if part * 8 >= 1 else ""
    return (bar + "░" * width)[:width] if full < width else bar
