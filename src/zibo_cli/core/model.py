"""Typed model of a goals file, kept separate from parsing so the maths never sees raw TOML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NamedTuple

Direction = Literal["increase", "decrease"]
Cadence = Literal["yearly", "quarterly", "monthly"]
Method = Literal["auto", "cagr", "linear"]
Qualifier = Literal["approx", "at_least", "at_most"]
Precision = Literal["day", "month", "quarter", "half", "year"]

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


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    publisher: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Baseline:
    value: float
    date: dt.date
    source: str | None = None
    quote: str | None = None
    note: str | None = None
    derived: bool = False


@dataclass(frozen=True, slots=True)
class Target:
    value: float
    by: dt.date
    qualifier: Qualifier | None = None
    source: str | None = None
    quote: str | None = None
    note: str | None = None


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


@dataclass(slots=True)
class GoalsFile:
    schema: int
    title: str | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)

    def observations_for(self, goal_id: str) -> list[Observation]:
        return [o for o in self.observations if o.goal == goal_id]

    def observations_by_goal(self) -> dict[str, list[Observation]]:
        grouped: dict[str, list[Observation]] = {goal_id: [] for goal_id in self.goals}
        appending = {goal_id: figures.append for goal_id, figures in grouped.items()}
        for observation in self.observations:  # 100,000 in a large file: a bound append each, no lookup of it
            if (append := appending.get(observation[0])) is None:
                append = appending[observation[0]] = grouped.setdefault(observation[0], []).append
            append(observation)
        return grouped


@dataclass(frozen=True, slots=True)
class Problem:
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
