"""Schema 1: turn a parsed TOML document into a typed GoalsFile, or say precisely what is wrong."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import itertools
import math
import re
from collections.abc import Callable, Mapping
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any, get_args

from zibo_cli.core.dates import EARLIEST, LATEST, MAX_LAG_DAYS, RANGE_HINT, in_range
from zibo_cli.core.line_index import LineIndex
from zibo_cli.core.model import (
    SCHEMA_VERSION,
    Baseline,
    Cadence,
    Direction,
    Goal,
    GoalsFile,
    Mean,
    Measure,
    Method,
    Observation,
    Precision,
    Problem,
    Qualifier,
    Source,
    Target,
)
from zibo_cli.i18n import tr

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
PERIOD_PATTERN = re.compile(r"^(\d{4}-\d{2}(?:-\d{2})?)/(\d{4}-\d{2}(?:-\d{2})?)$")
SOURCE_DATE_PATTERN = re.compile(r"^\d{4}(-\d{2})?$")
LARGEST_VALUE = 1e15

TOP_KEYS = {"schema", "title", "sources", "goals", "observations"}
SOURCE_KEYS = {"title", "publisher", "author", "date", "url", "note"}
GOAL_KEYS = {
    "name", "name_en", "unit", "category", "direction", "cadence", "lag", "method",
    "source", "quote", "note", "baseline", "target", "targets",
}  # fmt: skip
BASELINE_KEYS = {"value", "date", "source", "quote", "note", "derived"}
TARGET_KEYS = {"value", "by", "qualifier", "source", "quote", "note"}
OBSERVATION_KEYS = {
    "goal", "date", "value", "precision", "period", "qualifier", "preliminary", "derived",
    "source", "quote", "note", "recorded",
}  # fmt: skip
# Keys added since, each validated in its own function below (`_started`, `_average`, `_published`):
# `started` (top level, written by `zibo init`), `average_over` and `mean` (targets), `published`
# (observations; written by hand: `zibo add` and `zibo import` write OBSERVATION_KEYS only).
STARTED_KEYS = {"started"}
MEASURE_KEYS = {"measure"}  # goals: what the goal measures, for the plausibility guard (core/plausibility.py)
RETRACTION_KEYS = {"retractions"}  # top level: `[[retractions]]`, validated in core/retractions.py
AVERAGE_KEYS = {"average_over", "mean"}
PUBLISHED_KEYS = {"published"}
AVERAGE_PATTERN = re.compile(r"^(\d{4})/(\d{4})$")
LONGEST_AVERAGE_YEARS = 100

DIRECTIONS: tuple[str, ...] = get_args(Direction)
CADENCES: tuple[str, ...] = get_args(Cadence)
METHODS: tuple[str, ...] = get_args(Method)
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)
PRECISIONS: tuple[str, ...] = get_args(Precision)
MEANS: tuple[str, ...] = get_args(Mean)
MEASURES: tuple[str, ...] = get_args(Measure)


def suggest(word: str, choices: Any) -> str | None:
    """A 'did you mean' hint, or None when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return tr("Did you mean '{name}'?", name=close[0]) if close else None


def is_id_shaped(text: str) -> bool:
    return bool(ID_PATTERN.match(text))


def check_number(raw: Any) -> tuple[float | None, str | None]:
    """A finite, plausible number, or the reason it is not one."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None, tr("must be a number, not {what}", what=describe(raw))
    try:
        value = float(raw)
    except OverflowError:
        return None, tr("is too large to be a real figure")
    if not math.isfinite(value):
        return None, tr("must be a finite number (not nan or inf)")
    if abs(value) > LARGEST_VALUE:
        return None, tr("is too large to be a real figure (more than {limit:.0e})", limit=LARGEST_VALUE)
    return value, None


def describe(raw: Any) -> str:
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, str):
        return tr("the string {raw!r}", raw=raw)
    if isinstance(raw, dt.datetime):
        return tr("a date-time")
    if isinstance(raw, dt.date):
        return tr("a date")
    if isinstance(raw, dict):
        return tr("a table")
    if isinstance(raw, list):
        return tr("an array")
    return f"{raw!r}"


class _Validator:
    """Collects every problem in one pass, so `check` can list them all at once."""

    def __init__(self, lines: LineIndex, today: dt.date | None) -> None:
        self.lines = lines
        self.today = today
        self.problems: list[Problem] = []
        self.known_sources: set[str] = set()
        self._goals: Mapping[str, Goal] = {}
        self.source_dates: dict[str, dt.date] = {}

    def report(self, message: str, line: int | None, hint: str | None = None) -> None:
        self.problems.append(Problem(message, line=line, hint=hint))

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], where: str, table_path: str) -> None:
        for key in table:
            if key not in allowed:
                line = self.lines.key(table_path, key) or self.lines.table(table_path)
                self.report(tr("unknown key '{key}' in {where}.", key=key, where=where), line, suggest(key, allowed))

    def text(self, table: Mapping[str, Any], key: str, where: str, path: str, required: bool = False) -> str | None:
        raw = table.get(key)
        if raw is None:
            if required:
                self.report(
                    tr("{where} has no '{key}'.", where=where, key=key),
                    self.lines.table(path),
                    tr('Add {key} = "…".', key=key),
                )
            return None
        if not isinstance(raw, str):
            self.report(
                tr("'{key}' in {where} must be a string, not {what}.", key=key, where=where, what=describe(raw)),
                self.lines.key(path, key),
            )
            return None
        if required and not raw.strip():
            self.report(tr("'{key}' in {where} is empty.", key=key, where=where), self.lines.key(path, key))
            return None
        return raw

    def choice(self, table: Mapping[str, Any], key: str, choices: tuple[str, ...], where: str, path: str) -> Any:
        raw = table.get(key)
        if raw is None:
            return None
        if raw not in choices:
            options = ", ".join(f'"{c}"' for c in choices)
            hint = suggest(str(raw), choices) or f"Use one of {options}."
            self.report(
                tr(
                    "'{key}' in {where} is {what}, not one of {options}.",
                    key=key,
                    where=where,
                    what=describe(raw),
                    options=options,
                ),
                self.lines.key(path, key),
                hint,
            )
            return None
        return raw

    def flag(self, table: Mapping[str, Any], key: str, where: str, path: str) -> bool:
        raw = table.get(key, False)
        if not isinstance(raw, bool):
            self.report(
                tr("'{key}' in {where} must be true or false, not {what}.", key=key, where=where, what=describe(raw)),
                self.lines.key(path, key),
            )
            return False
        return raw

    def moment(self, table: Mapping[str, Any], where: str, path: str, line: int | None = None) -> dt.datetime | None:
        """`recorded`: a date-time with a UTC offset, or None (reported when it is something else)."""
        recorded = table.get("recorded")
        if recorded is not None and (not isinstance(recorded, dt.datetime) or recorded.tzinfo is None):
            self.report(
                tr(
                    "'recorded' in {where} must be a date-time with a UTC offset, like 2026-01-05T09:30:00+08:00.",
                    where=where,
                ),
                self.lines.key(path, "recorded") or line,
            )
            return None
        return recorded

    def number(self, table: Mapping[str, Any], key: str, where: str, path: str) -> float | None:
        raw = table.get(key)
        if raw is None:
            self.report(
                tr("{where} has no '{key}'.", where=where, key=key), self.lines.key(path, key) or self.lines.table(path)
            )
            return None
        value, reason = check_number(raw)
        if reason:
            self.report(
                tr("'{key}' in {where} {reason}.", key=key, where=where, reason=reason), self.lines.key(path, key)
            )
        return value

    def day(self, table: Mapping[str, Any], key: str, where: str, path: str) -> dt.date | None:
        raw = table.get(key)
        line = self.lines.key(path, key)
        if raw is None:
            self.report(
                tr("{where} has no '{key}'.", where=where, key=key),
                line or self.lines.table(path),
                tr("Add {key} = 2025-12-31.", key=key),
            )
            return None
        if isinstance(raw, dt.datetime) or not isinstance(raw, dt.date):
            self.report(
                tr(
                    "'{key}' in {where} must be a date like 2025-12-31, not {what}.",
                    key=key,
                    where=where,
                    what=describe(raw),
                ),
                line,
                tr("Write it without quotes and without a time.") if isinstance(raw, str) else None,
            )
            return None
        if not in_range(raw):
            self.report(
                tr("'{key}' in {where} is {day}.", key=key, where=where, day=raw.isoformat()), line, tr(RANGE_HINT)
            )
            return None
        return raw

    # -- sections ---------------------------------------------------------------------------------

    def sources(self, raw: Any) -> dict[str, Source]:
        result: dict[str, Source] = {}
        if raw is None:
            return result
        if not isinstance(raw, dict):
            self.report(tr("'sources' must be a table, not {what}.", what=describe(raw)), self.lines.key("", "sources"))
            return result
        for source_id, table in raw.items():
            path = f"sources.{source_id}"
            where = tr("source '{source_id}'", source_id=source_id)
            if not is_id_shaped(source_id):
                self.report(
                    tr("source id '{source_id}' is not a valid id.", source_id=source_id),
                    self.lines.table(path),
                    tr(ID_HINT),
                )
            if not isinstance(table, dict):
                self.report(
                    tr("{where} must be a table, not {what}.", where=where, what=describe(table)),
                    self.lines.table(path),
                )
                continue
            self.unknown_keys(table, SOURCE_KEYS, where, path)
            title = self.text(table, "title", where, path, required=True)
            date_raw = table.get("date")
            date_text: str | None = None
            if isinstance(date_raw, dt.date) and not isinstance(date_raw, dt.datetime):
                date_text = date_raw.isoformat()
            elif isinstance(date_raw, str) and SOURCE_DATE_PATTERN.match(date_raw):
                date_text = date_raw
            elif date_raw is not None:
                self.report(
                    tr(
                        '\'date\' in {where} must be a date or a "YYYY" / "YYYY-MM" string, not {what}.',
                        where=where,
                        what=describe(date_raw),
                    ),
                    self.lines.key(path, "date"),
                )
            result[source_id] = Source(
                id=source_id,
                title=title or "",
                publisher=self.text(table, "publisher", where, path),
                author=self.text(table, "author", where, path),
                date=date_text,
                url=self.text(table, "url", where, path),
                note=self.text(table, "note", where, path),
            )
        return result

    def _inline_table(
        self, raw: Any, allowed: set[str], date_key: str, example: str, where: str, path: str, line: int | None
    ) -> tuple[float | None, dt.date | None, dict[str, str | None]] | None:
        """The value, the date and the texts shared by targets and baselines."""
        if not isinstance(raw, dict):
            self.report(tr("{where} must be an inline table like {example}.", where=where, example=example), line)
            return None
        self.unknown_keys(raw, allowed, where, path)
        value = self._inline_number(raw, "value", where, line)
        day = self._inline_date(raw, date_key, where, line)
        texts = {key: self._inline_text(raw, key, where, line) for key in ("source", "quote", "note")}
        return value, day, texts

    def target(self, raw: Any, where: str, path: str, line: int | None) -> Target | None:
        allowed = TARGET_KEYS | AVERAGE_KEYS
        parts = self._inline_table(raw, allowed, "by", "{ value = 100, by = 2026-12-31 }", where, path, line)
        if parts is None:
            return None
        value, by, texts = parts
        qualifier = self._inline_choice(raw, "qualifier", QUALIFIERS, where, line)
        average = self._average(raw, by, where, line)
        if value is None or by is None:
            return None
        return Target(value=value, by=by, qualifier=qualifier, **texts, **average)

    def _average(self, raw: Mapping[str, Any], by: dt.date | None, where: str, line: int | None) -> dict[str, Any]:
        """`average_over = "2022/2026"` (and `mean`): a target for the average of those years' figures."""
        span = raw.get("average_over")
        mean = self._inline_choice(raw, "mean", MEANS, where, line)
        if span is None:
            if "mean" in raw:
                self.report(
                    tr("'mean' in {where} only applies to a target with 'average_over'.", where=where),
                    line,
                    tr('Add average_over = "2022/2026", or remove mean.'),
                )
            return {}
        match = AVERAGE_PATTERN.match(span) if isinstance(span, str) else None
        if match is None:
            self.report(tr("'average_over' in {where} must be a span of years like \"2022/2026\".", where=where), line)
            return {}
        first, last = int(match.group(1)), int(match.group(2))
        if not 1 <= last - first + 1 <= LONGEST_AVERAGE_YEARS or first < 1:
            self.report(
                tr(
                    "'average_over' in {where} must run forward over 1 to {count} years.",
                    where=where,
                    count=LONGEST_AVERAGE_YEARS,
                ),
                line,
            )
            return {}
        if by is not None and by != dt.date(last, 12, 31):
            self.report(
                tr(
                    "the target of an average over {span} is due at the end of {year}, not on {by}.",
                    span=span,
                    year=last,
                    by=by.isoformat(),
                ),
                line,
                tr("Write by = {day}.", day=dt.date(last, 12, 31).isoformat()),
            )
        return {"average_over": span, "mean": mean}

    def average_goal(self, goal: Goal, where: str, line: int | None) -> None:
        """What an average target asks of its goal: rising figures, and per-cent rates for a geometric mean."""
        for target in goal.targets:
            if target.average_over is None:
                continue
            if goal.direction != "increase":
                self.report(
                    tr("{where} has an average target; zibo judges those only for goals that increase.", where=where),
                    line,
                )
            if target.average_kind == "geometric" and goal.unit != "%":
                self.report(
                    tr(
                        "{where} averages growth rates geometrically, so its unit must be '%', not '{unit}'.",
                        where=where,
                        unit=goal.unit,
                    ),
                    line,
                    tr('For yearly rises (e.g. in 个百分点), add mean = "arithmetic" to the target.'),
                )
            return

    def baseline(self, raw: Any, where: str, path: str, line: int | None) -> Baseline | None:
        parts = self._inline_table(raw, BASELINE_KEYS, "date", "{ value = 50, date = 2023-12-31 }", where, path, line)
        if parts is None:
            return None
        value, day, texts = parts
        derived = raw.get("derived", False)
        if not isinstance(derived, bool):
            self.report(tr("'derived' in {where} must be true or false.", where=where), line)
            derived = False
        if value is None or day is None:
            return None
        return Baseline(value=value, date=day, derived=derived, **texts)

    def _inline_number(self, raw: Mapping[str, Any], key: str, where: str, line: int | None) -> float | None:
        if key not in raw:
            self.report(tr("{where} has no '{key}'.", where=where, key=key), line)
            return None
        value, reason = check_number(raw[key])
        if reason:
            self.report(tr("'{key}' in {where} {reason}.", key=key, where=where, reason=reason), line)
        return value

    def _inline_date(self, raw: Mapping[str, Any], key: str, where: str, line: int | None) -> dt.date | None:
        if key not in raw:
            self.report(
                tr("{where} has no '{key}'.", where=where, key=key), line, tr("Add {key} = 2026-12-31.", key=key)
            )
            return None
        value = raw[key]
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.report(
                tr(
                    "'{key}' in {where} must be a date like 2026-12-31, not {what}.",
                    key=key,
                    where=where,
                    what=describe(value),
                ),
                line,
            )
            return None
        if not in_range(value):
            self.report(
                tr("'{key}' in {where} is {day}.", key=key, where=where, day=value.isoformat()), line, tr(RANGE_HINT)
            )
            return None
        return value

    def _inline_choice(
        self, raw: Mapping[str, Any], key: str, choices: tuple[str, ...], where: str, line: int | None
    ) -> Any:
        value = raw.get(key)
        if value is not None and value not in choices:
            options = ", ".join(f'"{c}"' for c in choices)
            self.report(
                tr(
                    "'{key}' in {where} is {what}, not one of {options}.",
                    key=key,
                    where=where,
                    what=describe(value),
                    options=options,
                ),
                line,
            )
            return None
        return value

    def _inline_text(self, raw: Mapping[str, Any], key: str, where: str, line: int | None) -> str | None:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            self.report(
                tr("'{key}' in {where} must be a string, not {what}.", key=key, where=where, what=describe(value)), line
            )
            return None
        return value

    def goals(self, raw: Any) -> dict[str, Goal]:
        result: dict[str, Goal] = {}
        if raw is None:
            self.report(tr("the file has no [goals] table."), None, tr("Add at least one [goals.ID] table."))
            return result
        if not isinstance(raw, dict):
            self.report(tr("'goals' must be a table, not {what}.", what=describe(raw)), self.lines.key("", "goals"))
            return result
        for goal_id, table in raw.items():
            path = f"goals.{goal_id}"
            where = tr("goal '{goal_id}'", goal_id=goal_id)
            line = self.lines.table(path)
            if not is_id_shaped(goal_id):
                label = tr("an empty goal id") if goal_id == "" else tr("goal id '{goal_id}'", goal_id=goal_id)
                self.report(tr("{label} is not a valid id.", label=label), line, tr(ID_HINT))
            if not isinstance(table, dict):
                self.report(tr("{where} must be a table, not {what}.", where=where, what=describe(table)), line)
                continue
            self.unknown_keys(table, GOAL_KEYS | MEASURE_KEYS, where, path)
            name = self.text(table, "name", where, path, required=True)
            unit = self.text(table, "unit", where, path, required=True)
            if unit is not None and (unit != unit.strip() or _looks_numeric(unit)):
                self.report(
                    tr("unit '{unit}' of {where} is not a unit.", unit=unit, where=where), self.lines.key(path, "unit")
                )
            lag = table.get("lag")
            if lag is not None and (isinstance(lag, bool) or not isinstance(lag, int) or not 0 <= lag <= MAX_LAG_DAYS):
                self.report(
                    tr(
                        "'lag' in {where} must be a whole number of days from 0 to {most}.",
                        where=where,
                        most=MAX_LAG_DAYS,
                    ),
                    self.lines.key(path, "lag"),
                )
                lag = None
            baseline = None
            if "baseline" in table:
                baseline_line = self.lines.key(path, "baseline") or line
                baseline = self.baseline(
                    table["baseline"], tr("the baseline of {where}", where=where), path, baseline_line
                )
            targets = self._goal_targets(table, where, path, line)
            result[goal_id] = Goal(
                id=goal_id,
                name=name or "",
                unit=unit or "",
                name_en=self.text(table, "name_en", where, path),
                category=self.text(table, "category", where, path),
                direction=self.choice(table, "direction", DIRECTIONS, where, path) or "increase",
                cadence=self.choice(table, "cadence", CADENCES, where, path),
                lag=lag,
                method=self.choice(table, "method", METHODS, where, path) or "auto",
                source=self.text(table, "source", where, path),
                quote=self.text(table, "quote", where, path),
                note=self.text(table, "note", where, path),
                baseline=baseline,
                targets=targets,
                measure=self.choice(table, "measure", MEASURES, where, path),
            )
            self._source_reference(result[goal_id].source, where, self.lines.key(path, "source"))
            self.average_goal(result[goal_id], where, line)
        return result

    def _goal_targets(self, table: Mapping[str, Any], where: str, path: str, line: int | None) -> tuple[Target, ...]:
        if "target" in table and "targets" in table:
            self.report(
                tr("{where} has both 'target' and 'targets'.", where=where),
                line,
                tr("Keep one: 'targets' lists stages."),
            )
            return ()
        if "target" in table:
            target_line = self.lines.key(path, "target") or line
            target = self.target(table["target"], tr("the target of {where}", where=where), path, target_line)
            return (target,) if target else ()
        if "targets" not in table:
            return ()
        raw = table["targets"]
        targets_line = self.lines.key(path, "targets") or line
        if not isinstance(raw, list) or not raw:
            self.report(
                tr("'targets' in {where} must be a non-empty array of {{ value, by }} tables.", where=where),
                targets_line,
            )
            return ()
        stages = []
        for number, stage in enumerate(raw, start=1):
            target = self.target(stage, tr("stage {number} of {where}", number=number, where=where), path, targets_line)
            if target:
                stages.append(target)
        if any(later.by <= earlier.by for earlier, later in itertools.pairwise(stages)):
            self.report(
                tr("the stages of {where} must be in order of 'by', each later than the one before.", where=where),
                targets_line,
            )
        return tuple(stages)

    def _source_reference(self, source: str | None, where: str, line: int | None) -> None:
        if source and is_id_shaped(source) and source not in self.known_sources:
            self.report(
                tr("{where} cites source '{source}', which is not in [sources].", where=where, source=source),
                line,
                suggest(source, self.known_sources)
                or tr("Add [sources.{source}] or write the source out in full.", source=source),
            )

    def observations(self, raw: Any, goals: Mapping[str, Goal]) -> list[Observation]:
        result: list[Observation] = []
        if raw is None:
            return result
        if not isinstance(raw, list):
            self.report(
                tr("'observations' must be an array of tables ([[observations]]), not {what}.", what=describe(raw)),
                self.lines.key("", "observations"),
            )
            return result
        quick = quick_observations(raw, goals, self.known_sources, self.today, self._single, self.source_dates)
        if quick is not None:
            return quick
        for index, table in enumerate(raw):
            path = f"observations#{index}"
            # An inline `observations = [...]` has no [[observations]] headers: point at the key.
            line = self.lines.item("observations", index) or self.lines.key("", "observations")
            where = tr("observation {index_1}", index_1=index + 1)
            if not isinstance(table, dict):
                self.report(tr("{where} must be a table, not {what}.", where=where, what=describe(table)), line)
                continue
            observation = self.observation(table, where, path, line, goals)
            if observation is not None:
                result.append(observation)
        return result

    def _single(self, table: dict[str, Any]) -> Observation | None:
        """One table, checked in full on its own; None if it has any problem (they are left unreported)."""
        checker = _Validator(LineIndex(), self.today)
        checker.known_sources = self.known_sources
        checker.source_dates = self.source_dates
        observation = checker.observation(table, "", "", None, self._goals)
        return None if checker.problems else observation

    def observation(
        self, table: Mapping[str, Any], where: str, path: str, line: int | None, goals: Mapping[str, Goal]
    ) -> Observation | None:
        self.unknown_keys(table, OBSERVATION_KEYS | PUBLISHED_KEYS, where, path)
        goal_id = self.text(table, "goal", where, path, required=True)
        if goal_id is not None and goal_id not in goals:
            self.report(
                tr("{where} is for goal '{goal_id}', which is not in [goals].", where=where, goal_id=goal_id),
                self.lines.key(path, "goal") or line,
                suggest(goal_id, goals) or tr("Add the goal first, or fix the id."),
            )
        day = self.day(table, "date", where, path)
        if day is not None and self.today is not None and day > self.today:
            self.report(
                tr("{where} is dated {day_isoformat}, in the future.", where=where, day_isoformat=day.isoformat()),
                self.lines.key(path, "date"),
                tr("A figure is dated by the day or period it is for, which cannot be after today."),
            )
        value = self.number(table, "value", where, path)
        precision = self.choice(table, "precision", PRECISIONS, where, path) or "day"
        period = self.text(table, "period", where, path)
        if period is not None and day is not None:
            self._period(period, day, where, self.lines.key(path, "period"))
        recorded = self.moment(table, where, path)
        source = self.text(table, "source", where, path)
        self._source_reference(source, where, self.lines.key(path, "source"))
        observation_fields: dict[str, Any] = {
            "qualifier": self.choice(table, "qualifier", QUALIFIERS, where, path),
            "preliminary": self.flag(table, "preliminary", where, path),
            "derived": self.flag(table, "derived", where, path),
            "quote": self.text(table, "quote", where, path),
            "note": self.text(table, "note", where, path),
        }
        published = self._published(table, where, path)
        if goal_id is None or day is None or value is None:
            return None
        return Observation(
            goal=goal_id,
            date=day,
            value=value,
            precision=precision,
            period=period,
            source=source,
            recorded=recorded,
            published=published,
            source_published=self.source_dates.get(source) if source else None,
            **observation_fields,
        )

    def _published(self, table: Mapping[str, Any], where: str, path: str) -> dt.date | None:
        """`published`: the day the figure became public (a date, not in the future)."""
        if "published" not in table:
            return None
        day = self.day(table, "published", where, path)
        if day is not None and self.today is not None and day > self.today:
            self.report(
                tr("'published' in {where} is {day}, in the future.", where=where, day=day.isoformat()),
                self.lines.key(path, "published"),
            )
            return None
        return day

    def _period(self, period: str, day: dt.date, where: str, line: int | None) -> None:
        match = PERIOD_PATTERN.match(period)
        if not match:
            self.report(
                tr('\'period\' in {where} must look like "2024-01/2024-11" or "2024-01-01/2024-11-30".', where=where),
                line,
            )
            return
        start, end = match.groups()
        if start > end:
            self.report(tr("'period' in {where} ends before it starts.", where=where), line)
        if not day.isoformat().startswith(end):
            self.report(
                tr(
                    "'period' in {where} ends at {end}, but the date is {day_isoformat}.",
                    where=where,
                    end=end,
                    day_isoformat=day.isoformat(),
                ),
                line,
            )


_FIELDS = Observation._fields
_DEFAULTS = tuple(Observation._field_defaults.get(name) for name in _FIELDS)
_KEYS = frozenset(OBSERVATION_KEYS | PUBLISHED_KEYS)  # what a table may hold (`source_published` is filled in)
_new_observation = functools.partial(tuple.__new__, Observation)


_CONSTANTS = ("day", None, False)  # every default an Observation field has


def _has_any(period: object, published: object) -> bool:
    return period is not None or published is not None


class _UnknownKey(Exception):
    pass


class _Builders(dict[tuple[str, ...], Callable[[dict[str, Any]], Observation]]):
    def __missing__(self, shape: tuple[str, ...]) -> Callable[[dict[str, Any]], Observation]:
        build = self[shape] = _builder(shape)
        return build


def _refuse(_: dict[str, Any]) -> Observation:
    raise _UnknownKey


def _builder(shape: tuple[str, ...]) -> Callable[[dict[str, Any]], Observation]:
    """How to make an Observation of a table with these keys in this order: take its values in one call,
    append the defaults, arrange them in field order in one more (0.5 µs a table instead of 1.2 µs
    for a `get` per field); `_refuse` when a key is not an observation's."""
    if not shape or not set(shape) <= _KEYS:
        return _refuse
    take = itemgetter(*shape) if len(shape) > 1 else (lambda table: (table[shape[0]],))
    positions = [
        shape.index(name) if name in shape else len(shape) + _CONSTANTS.index(default)
        for name, default in zip(_FIELDS, _DEFAULTS, strict=True)
    ]
    arrange = itemgetter(*positions)
    return lambda table: _new_observation(arrange(take(table) + _CONSTANTS))


def quick_observations(
    tables: list[Any],
    goals: Mapping[str, Goal],
    known_sources: set[str],
    today: dt.date | None,
    one_by_one: Callable[[dict[str, Any]], Observation | None],
    source_dates: Mapping[str, dt.date],
) -> list[Observation] | None:
    """Figure tables validated column by column, or None when the full checks must look (they then report).

    A city's file holds 1k-10k figures and a benchmark's 100k; checking each table key by key cost ~3 µs,
    most of the whole load. Here every table becomes an Observation at once (a missing goal, date or value
    is None, which the checks refuse), and each field is checked over all figures in one pass. Tables with
    a `period` or a `published` day are checked `one_by_one`. Accepting here implies that the full checks
    find nothing; each figure then gets its source's date (`source_dates`), as the full checks give it.
    """
    builders = _Builders()
    try:  # a table's keys in their order pick its builder: a file has a handful of such shapes
        built = [builders[tuple(table)](table) for table in tables]
    except (TypeError, _UnknownKey):  # a table that is not one, or has a key no observation has
        return None
    field = dict(zip(_FIELDS, (list(map(itemgetter(index), built)) for index in range(len(_FIELDS))), strict=True))
    dates, values = field["date"], field["value"]
    if set(map(type, dates)) - {dt.date}:
        return None
    if dates and (min(dates) < EARLIEST or max(dates) > (LATEST if today is None else min(today, LATEST))):
        return None
    kinds = set(map(type, values))
    if kinds - {int, float} or not all(-LARGEST_VALUE <= value <= LARGEST_VALUE for value in values):
        return None  # a bool, a string, nan (it fails both comparisons), a figure too large
    try:
        if set(field["goal"]) - goals.keys() or set(field["precision"]) - set(PRECISIONS):
            return None
        if set(field["qualifier"]) - {None, *QUALIFIERS}:
            return None
        sources = set(field["source"]) - {None} - known_sources
    except TypeError:  # unhashable: a list or a table where text belongs
        return None
    if set(map(type, field["preliminary"])) | set(map(type, field["derived"])) != {bool}:
        return None
    if (set(map(type, field["quote"])) | set(map(type, field["note"]))) - {str, type(None)}:
        return None
    recorded = [moment for moment in field["recorded"] if moment is not None]
    if set(map(type, recorded)) - {dt.datetime} or any(moment.tzinfo is None for moment in recorded):
        return None
    if any(type(source) is not str or is_id_shaped(source) for source in sources):
        return None
    # What is left touches only the few figures that need it, found without a Python step per figure.
    if int in kinds:
        for index in compress(range(len(built)), map(is_, map(type, values), repeat(int))):
            built[index] = built[index]._replace(value=float(values[index]))
    for index in compress(range(len(built)), map(_has_any, field["period"], field["published"])):
        if (checked := one_by_one(tables[index])) is None:
            return None
        built[index] = checked
    if source_dates:
        for index in compress(range(len(built)), map(source_dates.__contains__, field["source"])):
            if built[index].published is None and built[index].source_published is None:
                built[index] = built[index]._replace(source_published=source_dates[field["source"][index]])
    return built


ID_HINT = ID_HINT = "Ids use lower-case a-z, 0-9, '-' and '_', and start with a letter or digit."


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def source_day(text: str | None) -> dt.date | None:
    """A source's date as a day it was surely public by: "2025-01" → 2025-01-31, "2025" → 2025-12-31."""
    if not text:
        return None
    try:
        if len(text) == 4:
            return dt.date(int(text), 12, 31)
        if len(text) == 7:
            from zibo_cli.core.dates import month_end

            return month_end(int(text[:4]), int(text[5:7]))
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def source_days(sources: Mapping[str, Source]) -> dict[str, dt.date]:
    days = {source_id: source_day(source.date) for source_id, source in sources.items()}
    return {source_id: day for source_id, day in days.items() if day is not None}


def _started(validator: _Validator, data: Mapping[str, Any], lines: LineIndex | None) -> dt.datetime | None:
    """The top-level `started` that `zibo init` writes: an offset date-time."""
    raw = data.get("started")
    if raw is None:
        return None
    if not isinstance(raw, dt.datetime) or raw.tzinfo is None:
        validator.report(
            tr("'started' must be a date-time with a UTC offset, like 2026-01-05T09:30:00+08:00."),
            lines and lines.key("", "started"),
        )
        return None
    return raw


def build_goals_file(
    data: Mapping[str, Any], lines: LineIndex | None = None, today: dt.date | None = None
) -> tuple[GoalsFile | None, list[Problem]]:
    """Validate a parsed document; the GoalsFile is returned only when there is no problem at all."""
    validator = _Validator(lines or LineIndex(), today)
    validator.unknown_keys(data, TOP_KEYS | STARTED_KEYS | RETRACTION_KEYS, tr("the top level"), "")
    schema = data.get("schema")
    if schema is None:
        validator.report(
            tr("the file has no 'schema' key."),
            1,
            tr("Add `schema = {schema_version}` as the first line.", schema_version=SCHEMA_VERSION),
        )
    elif isinstance(schema, bool) or not isinstance(schema, int):
        validator.report(
            tr("'schema' must be a whole number, not {what}.", what=describe(schema)), lines and lines.key("", "schema")
        )
    elif schema > SCHEMA_VERSION:
        validator.report(
            tr(
                "the file is written for schema {schema}, but this zibo reads schema {schema_version}.",
                schema=schema,
                schema_version=SCHEMA_VERSION,
            ),
            lines and lines.key("", "schema"),
            tr("Upgrade zibo to read it."),
        )
        return None, validator.problems
    elif schema < 1:
        validator.report(
            tr("schema {schema} does not exist.", schema=schema),
            lines and lines.key("", "schema"),
            tr("Use `schema = 1`."),
        )
    title = validator.text(data, "title", tr("the top level"), "")
    sources = validator.sources(data.get("sources"))
    validator.known_sources = set(sources)
    validator.source_dates = source_days(sources)
    goals = validator.goals(data.get("goals"))
    started = _started(validator, data, lines)
    if started is not None:
        goals = {goal_id: dataclasses.replace(goal, file_started=started) for goal_id, goal in goals.items()}
    if "retractions" in data:
        from zibo_cli.core.retractions import attach_retractions

        goals = attach_retractions(validator, data["retractions"], goals)
    validator._goals = goals
    observations = validator.observations(data.get("observations"), goals)
    if validator.problems:
        return None, validator.problems
    return GoalsFile(
        schema=SCHEMA_VERSION,
        title=title,
        sources=sources,
        goals=goals,
        observations=observations,
    ), []


def validate_observation(
    table: Mapping[str, Any], goals_file: GoalsFile, today: dt.date | None, where: str | None = None
) -> tuple[Observation | None, list[Problem]]:
    """Validate one observation about to be appended, against an already valid file.

    `where` names it in messages (default "the new observation"; import says "the figure").
    """
    validator = _Validator(LineIndex(), today)
    validator.known_sources = set(goals_file.sources)
    cited = table.get("source")
    if isinstance(cited, str) and cited in goals_file.sources:  # only its own source: import validates each row
        validator.source_dates = source_days({cited: goals_file.sources[cited]})
    observation = validator.observation(table, where or tr("the new observation"), "", None, goals_file.goals)
    return observation, validator.problems
