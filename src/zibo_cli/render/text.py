"""Plain-text formatting shared by every output format: numbers, units, dates, durations, statuses."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from zibo_cli.core.dates import format_date
from zibo_cli.core.model import QUALIFIER_SYMBOLS, Observation, Status, Target

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

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str | None) -> str:
    """Text from the file, made safe for a terminal: control characters (escape sequences) become visible."""
    if not text:
        return ""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def format_number(value: float | None) -> str:
    """A reported figure exactly as recorded (4.5456 stays 4.5456), with thousands separators."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    whole, _, decimals = repr(float(value)).partition(".")
    if "e" in decimals or "e" in whole:
        return f"{value:g}"
    return f"{int(whole):,}.{decimals}" if whole not in ("-0",) else f"-0.{decimals}"


def format_estimate(value: float | None) -> str:
    """A computed figure (projection, pace) rounded to what is meaningful: 1–4 decimals by magnitude."""
    if value is None or not math.isfinite(value):
        return "—"
    magnitude = abs(value)
    decimals = 4 if magnitude < 1 else 2 if magnitude < 1000 else 1
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F")


def with_unit(number: str, unit: str) -> str:
    """CJK units and % sit right after the number (92亿元, 90%); Latin ones get a space (19.48 m²)."""
    if not unit:
        return number
    if unit == "%" or _wide(unit[0]):
        return f"{number}{unit}"
    return f"{number} {unit}"


def format_value(value: float | None, unit: str, qualifier: str | None = None, *, estimate: bool = False) -> str:
    prefix = QUALIFIER_SYMBOLS.get(qualifier or "", "")
    number = format_estimate(value) if estimate else format_number(value)
    return prefix + with_unit(number, clean(unit))


def format_observation(observation: Observation, unit: str) -> str:
    return format_value(observation.value, unit, observation.qualifier)


def observation_date(observation: Observation) -> str:
    """As precise as the figure: a period (2024-01–11), a year (2024), a quarter, a month or a day."""
    if observation.period:
        start, end = observation.period.split("/")
        if start[:4] == end[:4]:
            return f"{start}–{end[5:]}"
        if start[4:] in ("-01", "-01-01") and end[4:] in ("-12", "-12-31"):
            return f"{start[:4]}–{end[:4]}"  # whole years: 2021–2025
        return f"{start}–{end}"
    return format_date(observation.date, observation.precision)


def format_deadline(day: dt.date) -> str:
    """Deadlines on 31 December read as the year (2026), as the plans state them."""
    return str(day.year) if (day.month, day.day) == (12, 31) else day.isoformat()


def format_target(target: Target, unit: str) -> str:
    return f"{format_value(target.value, unit, target.qualifier)} by {format_deadline(target.by)}"


def format_percent(fraction: float | None, decimals: int = 0) -> str:
    if fraction is None or not math.isfinite(fraction):
        return "—"
    return f"{fraction * 100:.{decimals}f}%"


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
        return "today"
    prefix = "" if days > 0 else "passed "
    days = abs(days)
    years, rest = divmod(days, 365)
    months = round(rest / 30.44)
    if months == 12:
        years, months = years + 1, 0
    if years:
        text = f"{years}y {months}m" if months else f"{years}y"
    elif days >= 45:
        text = f"{months}m"
    else:
        text = f"{days}d"
    return prefix + text


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
