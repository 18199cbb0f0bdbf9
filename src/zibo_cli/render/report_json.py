"""The JSON report: the same content as the other formats, with stable keys later versions only add to.

Goal entries are exactly `zibo status --json`'s (render/assessment_json.py); the keys are documented
in the README ("The JSON report").
"""

from __future__ import annotations

from typing import Any

from zibo_cli.core.model import Observation
from zibo_cli.core.report import CitedSource, RecordedFigure, ReportData
from zibo_cli.render.assessment_json import assessment_json, number, observation_json

REPORT_FORMAT_VERSION = 1


def _goal_ref(goal_id: str, name: str, unit: str) -> dict[str, Any]:
    return {"goal": goal_id, "name": name, "unit": unit}


def _observation(observation: Observation) -> dict[str, Any]:
    entry = observation_json(observation)
    entry.update({"quote": observation.quote, "note": observation.note})
    return entry


def _retraction(entry: RecordedFigure) -> dict[str, Any] | None:
    """A retraction recorded in the window: its reason, whether it undoes one, and when."""
    record = entry.retraction
    if record is None:
        return None
    recorded = record.recorded.isoformat() if record.recorded else None
    return {"reason": record.reason, "undo": record.undo, "recorded": recorded}


def _source(cited: CitedSource) -> dict[str, Any]:
    source = cited.source
    return {
        "id": cited.reference if source is not None else None,
        "text": cited.reference if source is None else None,
        "title": source.title if source else None,
        "publisher": source.publisher if source else None,
        "author": source.author if source else None,
        "date": source.date if source else None,
        "url": source.url if source else None,
        "cited_by": list(cited.goals),
    }


def report_document(data: ReportData) -> dict[str, Any]:
    window = data.window
    counts = {status.value: count for status, count in data.counts.items()}
    return {
        "report_format": REPORT_FORMAT_VERSION,
        "title": data.title,
        "file": data.file,
        "as_of": data.as_of.isoformat(),
        "window": {"first": window.first.isoformat(), "last": window.last.isoformat(), "days": window.days},
        "horizon_days": data.horizon_days,
        "counts": {**counts, "stale": len(data.stale), "total": len(data.assessments)},
        "goals": [assessment_json(a) for a in data.assessments],
        "recorded": [
            {
                **_goal_ref(e.goal.id, e.goal.name, e.goal.unit),
                **_observation(e.observation),
                "retraction": _retraction(e),
            }
            for e in data.recorded
        ],
        "changes": [
            {
                **_goal_ref(c.goal.id, c.goal.name, c.goal.unit),
                "before": c.before.status.value,
                "after": c.after.status.value,
                "progress_before": number(c.before.stage.progress) if c.before.stage else None,
                "progress_after": number(c.after.stage.progress) if c.after.stage else None,
            }
            for c in data.changes
        ],
        "deadlines": [
            {
                **_goal_ref(d.goal.id, d.goal.name, d.goal.unit),
                "by": d.target.by.isoformat(),
                "value": number(d.target.value),
                "qualifier": d.target.qualifier,
                "stage": d.stage + 1,
                "stages": len(d.assessment.stages),
                "days_left": d.days_left,
                "status": d.status.value,
            }
            for d in data.deadlines
        ],
        "stale": [
            {
                **_goal_ref(a.goal.id, a.goal.name, a.goal.unit),
                "latest_date": a.latest.date.isoformat() if a.latest else None,
                "stale_since": a.stale_since.isoformat() if a.stale_since else None,
            }
            for a in data.stale
        ],
        "sources": [_source(cited) for cited in data.sources],
    }


def render_json(data: ReportData) -> str:
    import json

    return json.dumps(report_document(data), ensure_ascii=False, indent=2) + "\n"
