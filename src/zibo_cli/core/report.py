"""What a report says, assembled once so that text, Markdown, HTML and JSON all say the same thing.

Time in a report has three axes. A figure's `date` is the day or period it is *for*; it became
*public* on its `published` day (else its source's date, else the day it was recorded); its
`recorded` time is when `zibo add` or `zibo import` wrote it down. A report as of day D judges every
goal as `zibo status --as-of D` does: on the figures dated and public by D. What changed in the
window is news, so it goes by `recorded`: the figures recorded in the window, and the goals whose
status at the window's end differs from their status at its start as judged on what had been
recorded by then. `recorded_by` (`--recorded-by DAY`) leaves out every figure recorded after DAY:
`zibo report --as-of D --recorded-by D` prints what cron printed on D, as long as the file has only
been appended to since.

Figures recorded by the file's `started` time (written by `zibo init`) are where the file started,
not news: like figures without a `recorded` time, they count as always known and never as recent.

The window is a run of whole days ending with the as-of day, compared against the calendar date
written in each `recorded` timestamp (in its own UTC offset, exactly as it reads in the file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zibo_cli.core.model import Goal, GoalsFile, Observation, Retraction, Source, Status, Target
from zibo_cli.core.window import DEFAULT_HORIZON_DAYS, Window

if TYPE_CHECKING:  # the progress engine is loaded when a report is built, not when the CLI starts
    from zibo_cli.core.progress import Assessment


def known_by(observations: Iterable[Observation], day: dt.date) -> list[Observation]:
    """What had been recorded by the end of `day`; figures without a recorded time are always known."""
    return [o for o in observations if o.recorded_by(day)]


def is_news(observation: Observation, goal: Goal) -> bool:
    """Recorded after the file started (`zibo init`'s `started`): a change, not the starting point."""
    if observation.recorded is None:
        return False
    return goal.file_started is None or observation.recorded > goal.file_started


def _known_at(observations: Iterable[Observation], goal: Goal, day: dt.date) -> list[Observation]:
    """What had been recorded by the end of `day`, the file's starting point always included."""
    return [o for o in observations if not is_news(o, goal) or o.recorded_by(day)]


@dataclass(frozen=True, slots=True)
class RecordedFigure:
    """A figure recorded in the window; or, with `retraction`, a figure retracted (or restored) in it."""

    goal: Goal
    observation: Observation
    retraction: Retraction | None = None

    @property
    def recorded(self) -> dt.datetime | None:
        return self.retraction.recorded if self.retraction is not None else self.observation.recorded


def goal_known_at(goal: Goal, day: dt.date) -> Goal:
    """The goal with only the retractions recorded by the end of `day` (those without a time always)."""
    if not goal.retractions:
        return goal
    kept = tuple(r for r in goal.retractions if r.recorded is None or r.recorded.date() <= day)
    return dataclasses.replace(goal, retractions=kept)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A goal whose status at the window's end differs from its status at the start."""

    before: Assessment
    after: Assessment

    @property
    def goal(self) -> Goal:
        return self.after.goal


@dataclass(frozen=True, slots=True)
class Deadline:
    """One target (stage) of a goal falling due within the horizon."""

    assessment: Assessment
    stage: int  # index into assessment.stages

    @property
    def goal(self) -> Goal:
        return self.assessment.goal

    @property
    def target(self) -> Target:
        return self.assessment.stages[self.stage].target

    @property
    def status(self) -> Status:
        return self.assessment.stages[self.stage].status

    @property
    def days_left(self) -> int:
        return (self.target.by - self.assessment.as_of).days


@dataclass(frozen=True, slots=True)
class CitedSource:
    """A source the report's goals and figures cite: a [sources] entry, or free text (source is None)."""

    reference: str
    source: Source | None
    goals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    title: str | None
    file: str
    as_of: dt.date
    window: Window
    horizon_days: int
    assessments: tuple[Assessment, ...]  # every goal, facts included, most at risk first
    recorded: tuple[RecordedFigure, ...]
    changes: tuple[StatusChange, ...]
    deadlines: tuple[Deadline, ...]
    stale: tuple[Assessment, ...]
    sources: tuple[CitedSource, ...]
    bundled: bool = False  # the file is the dataset zibo ships (the header says so)

    @property
    def counts(self) -> dict[Status, int]:
        """Goals per status, every status present, in Status order (most at risk first)."""
        counted = Counter(a.status for a in self.assessments)
        return {status: counted[status] for status in Status}

    @property
    def targeted(self) -> tuple[Assessment, ...]:
        """Goals with a target, in table order: the ones that get a chart."""
        return tuple(a for a in self.assessments if not a.goal.is_fact)

    def at_least_as_bad_as(self, status: Status) -> list[Assessment]:
        return [a for a in self.assessments if a.status.at_least_as_bad_as(status)]


@dataclass(frozen=True, slots=True)
class Findings:
    """What a report takes from the figures, as of a day and for a window.

    A function of the file, the as-of day and the window only (not of --horizon or the format): the
    part of a report that reads every figure, apart from the part that only lays it out.
    """

    current: tuple[Assessment, ...]  # every goal in file order, judged on what was known on as_of
    changes: tuple[StatusChange, ...]  # most at risk first
    recorded: tuple[RecordedFigure, ...]  # figures recorded in the window, by recorded time
    figure_sources: tuple[tuple[str, ...], ...]  # per goal of `current`: the sources its counted figures cite


def build_report(
    goals_file: GoalsFile,
    as_of: dt.date,
    window: Window,
    file_label: str,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    recorded_by: dt.date | None = None,
    bundled: bool = False,
) -> ReportData:
    """Everything a report shows, from the file as it stood on `as_of` (with `recorded_by`, only the
    figures recorded by the end of that day)."""
    findings = find(goals_file, as_of, window, recorded_by)
    report = assemble_report(goals_file, findings, as_of, window, file_label, horizon_days)
    return dataclasses.replace(report, bundled=True) if bundled else report


def find(goals_file: GoalsFile, as_of: dt.date, window: Window, recorded_by: dt.date | None = None) -> Findings:
    """Assess the file as of `as_of` (as `status` does) and at the window's start on what had been
    recorded by then, and pick the figures recorded in the window."""
    from zibo_cli.core.progress import assess_file

    if recorded_by is not None:
        goals = {goal_id: goal_known_at(goal, recorded_by) for goal_id, goal in goals_file.goals.items()}
        goals_file = dataclasses.replace(
            goals_file, goals=goals, observations=known_by(goals_file.observations, recorded_by)
        )
    current = assess_file(goals_file, as_of)
    return Findings(
        current=tuple(current),
        changes=_changes(goals_file, current, window),
        recorded=_recorded_in(goals_file, window),
        figure_sources=tuple(tuple(dict.fromkeys(o.source for o in a.observations if o.source)) for a in current),
    )


def assemble_report(
    goals_file: GoalsFile,
    findings: Findings,
    as_of: dt.date,
    window: Window,
    file_label: str,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> ReportData:
    """The report from its findings; of the file, only the title, goals and sources are read."""
    from zibo_cli.core.progress import sort_assessments

    current = findings.current
    return ReportData(
        title=goals_file.title,
        file=file_label,
        as_of=as_of,
        window=window,
        horizon_days=horizon_days,
        assessments=tuple(sort_assessments(current, "risk")),
        recorded=findings.recorded,
        changes=findings.changes,
        deadlines=_deadlines(current, as_of, horizon_days),
        stale=tuple(
            sorted((a for a in current if a.stale), key=lambda a: a.stale_since or dt.date.min)  # stable: file order
        ),
        sources=_cited(goals_file, current, findings.figure_sources),
    )


def _recorded_in(goals_file: GoalsFile, window: Window) -> tuple[RecordedFigure, ...]:
    entries = [
        RecordedFigure(goals_file.goals[observation.goal], observation)
        for observation in goals_file.observations
        if observation.recorded is not None
        and window.contains(observation.recorded.date())
        and is_news(observation, goals_file.goals[observation.goal])
    ]
    entries += _retracted_in(goals_file, window)
    return tuple(sorted(entries, key=lambda entry: entry.recorded or dt.datetime.min.replace(tzinfo=dt.UTC)))


def _retracted_in(goals_file: GoalsFile, window: Window) -> list[RecordedFigure]:
    """The retractions (and undos) recorded in the window, each with the figure it names."""
    from zibo_cli.core.refs import figure_ref

    entries = []
    grouped = goals_file.observations_by_goal()
    for goal in goals_file.goals.values():
        recent = [r for r in goal.retractions if r.recorded is not None and window.contains(r.recorded.date())]
        if recent:
            figures = {figure_ref(figure): figure for figure in grouped.get(goal.id, [])}
            entries += [RecordedFigure(goal, figures[r.ref], r) for r in recent if r.ref in figures]
    return entries


def _changes(goals_file: GoalsFile, current: Sequence[Assessment], window: Window) -> tuple[StatusChange, ...]:
    """Status at the start: the figures recorded by the end of `start` (and the file's starting point),
    judged as of `start`."""
    from zibo_cli.core.progress import assess

    grouped = goals_file.observations_by_goal()
    changes = []
    for after in current:
        if after.goal.is_fact:
            continue
        goal = goal_known_at(after.goal, window.start)
        before = assess(goal, _known_at(grouped.get(goal.id, []), goal, window.start), window.start)
        if before.status is not after.status:
            changes.append(StatusChange(before=before, after=after))
    changes.sort(key=lambda change: change.after.status.rank)
    return tuple(changes)


def _deadlines(current: Sequence[Assessment], as_of: dt.date, horizon_days: int) -> tuple[Deadline, ...]:
    until = as_of + dt.timedelta(days=horizon_days)
    due = [
        Deadline(assessment, index)
        for assessment in current
        for index, stage in enumerate(assessment.stages)
        if as_of <= stage.target.by <= until
    ]
    due.sort(key=lambda deadline: deadline.target.by)
    return tuple(due)


def _cited(
    goals_file: GoalsFile, current: Sequence[Assessment], figure_sources: Sequence[Sequence[str]]
) -> tuple[CitedSource, ...]:
    """Sources named by the goals (statement, baseline, targets) and by the figures the report counts."""
    citing: dict[str, dict[str, None]] = {}
    for assessment, figures in zip(current, figure_sources, strict=True):
        goal = assessment.goal
        references = [goal.source, goal.baseline.source if goal.baseline else None]
        references += [target.source for target in goal.targets]
        references += figures
        for reference in references:
            if reference:
                citing.setdefault(reference, {})[goal.id] = None
    known = [r for r in goals_file.sources if r in citing]
    free = [r for r in citing if r not in goals_file.sources]
    return tuple(
        CitedSource(reference=r, source=goals_file.sources.get(r), goals=tuple(citing[r])) for r in known + free
    )
