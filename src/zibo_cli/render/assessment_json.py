"""The JSON shape of an assessment: stable keys that later versions only ever add to."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from zibo_cli.core.model import Observation
from zibo_cli.core.progress import Assessment, StageAssessment


def number(value: float | None) -> float | int | None:
    """JSON has no inf or nan: those become null. Whole floats stay floats so types are stable."""
    if value is None or not math.isfinite(value):
        return None
    return value


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def observation_json(observation: Observation) -> dict[str, Any]:
    return {
        "date": observation.date.isoformat(),
        "value": number(observation.value),
        "precision": observation.precision,
        "period": observation.period,
        "qualifier": observation.qualifier,
        "preliminary": observation.preliminary,
        "derived": observation.derived,
        "source": observation.source,
        "recorded": observation.recorded.isoformat() if observation.recorded else None,
        "published": day(observation.public_on),
    }


def target_json(stage: StageAssessment) -> dict[str, Any]:
    target = stage.target
    document: dict[str, Any] = {"value": number(target.value), "by": target.by.isoformat()}
    if target.average_over is not None:
        document.update({"average_over": target.average_over, "mean": target.average_kind})
    return document


def stage_json(stage: StageAssessment) -> dict[str, Any]:
    return {
        "target": target_json(stage),
        "status": stage.status.value,
        "method": stage.method,
        "ratio": number(stage.ratio),
        "progress": number(stage.progress),
        "cagr_actual": number(stage.cagr_actual),
        "cagr_required": number(stage.cagr_required),
        "projected": number(stage.projected),
        "projected_lsq": number(stage.projected_lsq),
        "projected_date": day(stage.projected_date),
        "needed_per_year": number(stage.needed_per_year),
        "awaiting": stage.awaiting,
        "provisional": stage.provisional,
        "buffer_days": stage.buffer_days,
        "average_achieved": number(stage.average_achieved),
        "average_needed": number(stage.average_needed),
        "years": [
            {"year": y.year, "value": number(y.value), "derived": y.derived, "provisional": y.provisional}
            for y in stage.years
        ],
    }


_STAGE_DEFAULTS: dict[str, Any] = {
    "method": None,
    "ratio": None,
    "cagr_actual": None,
    "cagr_required": None,
    "projected": None,
    "projected_lsq": None,
    "projected_date": None,
    "needed_per_year": None,
    "awaiting": False,
    "provisional": False,
    "buffer_days": None,
    "average_achieved": None,
    "average_needed": None,
}


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    goal = assessment.goal
    stage = stage_json(assessment.stage) if assessment.stage else None
    latest = assessment.latest
    baseline = assessment.baseline
    trend = assessment.trend
    result: dict[str, Any] = {
        "id": goal.id,
        "name": goal.name,
        "name_en": goal.name_en,
        "unit": goal.unit,
        "category": goal.category,
        "direction": goal.direction,
        "status": assessment.status.value,
        "progress": stage["progress"] if stage else None,
        "latest": None
        if latest is None
        else {
            "date": latest.date.isoformat(),
            "value": number(latest.value),
            "qualifier": latest.qualifier,
            "preliminary": latest.preliminary,
        },
        "target": stage["target"] if stage else None,
        "baseline": None if baseline is None else {"date": baseline.date.isoformat(), "value": number(baseline.value)},
    }
    result.update({key: stage[key] for key in _STAGE_DEFAULTS} if stage else _STAGE_DEFAULTS)
    result.update(
        {
            "stale": assessment.stale,
            "stale_since": day(assessment.stale_since),
            "trend": trend.word if trend else None,
            "trend_rate": number(trend.rate) if trend else None,
            "stages": [stage_json(s) for s in assessment.stages],
        }
    )
    return result
