"""Typed model of a goals file, kept separate from parsing so the maths never sees raw TOML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NamedTuple

Direction = Literal["increase", "decrease"]
Cadence = Literal["yearly", "quarterly", "monthly"]
Method = Literal["auto", "cagr", "linear"]
Qualifier = Literal["approx", "at_least", "at_most"]
Precision = Literal["day", "month", "quarter", "half", "year"]
Mean = Literal["geometric", "arithmetic"]
Measure = Literal["level", "flow", "share", "rate", "index", "rank"]

SCHEMA_VERSION = 1

DEFAULT_LAG_DAYS: dict[str, int] = {"yearly": 120, "quarterly": 60, "monthly": 30}

QUALIFIER_SYMBOLS: dict[str, str] = {"approx": "≈", "at_least": "≥", "at_most": "≤"}


class Status(StrEnum):
    """Goal statuses, declared most at risk first: that order is the sort order."""

    DETERIORATING = "deteriorating"
    MISSED = "missed"
    OFF_TRACK = "off_track"
    AT_RISK = "at_risk"
    INSUFFICIENT = "insufficient"
    NO_DATA = "no_data"
    ON_TRACK = "on_track"
    ACHIEVED = "achieved"
    FACT = "fact"

    @property
    def rank(self) -> int:
        return list(Status).index(self)

    def at_least_as_bad_as(self, other: Status) -> bool:
        return self.rank <= other.rank


class Source(NamedTuple):
    id: str
    title: str
    publisher: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None


class Baseline(NamedTuple):
    value: float
    date: dt.date
    source: str | None = None
    quote: str | None = None
    note: str | None = None
    derived: bool = False


class Target(NamedTuple):
    """A value to reach by a day; with `average_over`, an average of yearly figures over those years.

    `average_over = "2022/2026"` makes the target the average of the goal's yearly figures for 2022
    to 2026 (年均增长7%: the geometric mean of five yearly growth rates, or with `mean = "arithmetic"`
    the plain mean, for yearly rises in percentage points), not a level to climb to.
    """

    value: float
    by: dt.date
    qualifier: Qualifier | None = None
    source: str | None = None
    quote: str | None = None
    note: str | None = None
    average_over: str | None = None
    mean: Mean | None = None

    @property
    def average_years(self) -> tuple[int, int] | None:
        """The first and last year an average target is over, or None for a level target."""
        if self.average_over is None:
            return None
        first, _, last = self.average_over.partition("/")
        return int(first), int(last)

    @property
    def average_kind(self) -> Mean:
        return self.mean or "geometric"


@dataclass(frozen=True, slots=True)
class Retraction:
    """A `[[retractions]]` record: the figure `ref` names is withdrawn (or, with `undo`, restored).

    Nothing is deleted: a mistake is withdrawn by appending one of these (see core/refs.py for refs).
    `index` is its place among the file's retraction records, so `check` can give its line.
    """

    ref: str
    goal: str
    reason: str | None = None
    recorded: dt.datetime | None = None
    undo: bool = False
    index: int = 0


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    name: str
    unit: str
    name_en: str | None = None
    category: str | None = None
    direction: Direction = "increase"
    cadence: Cadence | None = None
    lag: int | None = None
    method: Method = "auto"
    source: str | None = None
    quote: str | None = None
    note: str | None = None
    baseline: Baseline | None = None
    targets: tuple[Target, ...] = ()
    # The file's top-level `started` (written by `zibo init`): figures recorded by then are where the
    # file started, not news. Kept on every goal because the parse cache stores goals whole but not
    # the file's other top-level keys.
    file_started: dt.datetime | None = None
    # What the goal measures (level, flow, share, rate, index, rank): the plausibility guard's rules.
    measure: Measure | None = None
    # The file's `[[retractions]]` records for this goal, in file order: kept on the goal, as `file_started`
    # is, so the cache carries them with the definitions and every assessment sees them.
    retractions: tuple[Retraction, ...] = ()

    @property
    def is_fact(self) -> bool:
        return not self.targets

    @property
    def effective_cadence(self) -> Cadence | None:
        """Goals with a target are yearly unless told otherwise; facts only go stale if given a cadence."""
        if self.cadence is not None:
            return self.cadence
        return None if self.is_fact else "yearly"

    @property
    def lag_days(self) -> int:
        if self.lag is not None:
            return self.lag
        return DEFAULT_LAG_DAYS[self.effective_cadence or "yearly"]


class Observation(NamedTuple):
    """One reported figure. A named tuple, not a dataclass: a city's file holds 10,000 of them and a
    benchmark's 100,000, and a tuple is built ten times faster (store/cache.py builds them in bulk)."""

    goal: str
    date: dt.date
    value: float
    precision: Precision = "day"
    period: str | None = None
    qualifier: Qualifier | None = None
    preliminary: bool = False
    derived: bool = False
    source: str | None = None
    quote: str | None = None
    note: str | None = None
    recorded: dt.datetime | None = None
    published: dt.date | None = None  # when the figure became public, if the file says so
    # The cited [sources] entry's date (the last day of a "YYYY" or "YYYY-MM" date), filled in when the
    # file is validated: a figure is public once its source is.
    source_published: dt.date | None = None

    @property
    def public_on(self) -> dt.date | None:
        """When the figure became public: `published`, else its source's date, else the day it was
        recorded; None when nothing says (then it counts as always public)."""
        if self.published is not None:
            return self.published
        if self.source_published is not None:
            return self.source_published
        return self.recorded.date() if self.recorded is not None else None

    def counts_on(self, day: dt.date) -> bool:
        """Whether the figure counts as of `day`: dated by then and public by then."""
        public = self.public_on
        return self.date <= day and (public is None or public <= day)

    def recorded_by(self, day: dt.date) -> bool:
        """Whether it had been recorded by the end of `day` (figures with no recorded time always had)."""
        return self.recorded is None or self.recorded.date() <= day

    @property
    def estimate(self) -> bool:
        """Preliminary or approximate: a verdict resting on it may change with the final figure."""
        return self.preliminary or self.qualifier == "approx"


@dataclass(slots=True)
class GoalsFile:
    schema: int
    title: str | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    goals: Mapping[str, Goal] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    # Each goal's figures in file order, when whoever built the file had them so (the cache stores them
    # so): never copied by dataclasses.replace, which builds a file with other observations.
    by_goal: dict[str, list[Observation]] | None = field(default=None, init=False, repr=False, compare=False)

    def observations_for(self, goal_id: str) -> list[Observation]:
        return [o for o in self.observations if o.goal == goal_id]

    def observations_by_goal(self) -> dict[str, list[Observation]]:
        if self.by_goal is not None:
            return {goal_id: list(self.by_goal.get(goal_id, ())) for goal_id in self.goals}  # the caller's own lists
        grouped: dict[str, list[Observation]] = {goal_id: [] for goal_id in self.goals}
        appending = {goal_id: figures.append for goal_id, figures in grouped.items()}
        for observation in self.observations:  # 100,000 in a large file: a bound append each, no lookup of it
            if (append := appending.get(observation[0])) is None:
                append = appending[observation[0]] = grouped.setdefault(observation[0], []).append
            append(observation)
        return grouped


class Problem(NamedTuple):
    """One thing wrong with a goals file, located as precisely as the parser allows."""

    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def located(self, path: str) -> str:
        where = path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" {self.hint}"
        return text
