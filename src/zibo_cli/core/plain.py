"""A file's definitions (title, sources, goals) as JSON and back: what the cache stores of them.

Each dataclass is tagged with its class and each date with its kind, so that reading gives back objects
equal to the ones validated. No id can start with "_", so no tag can be a goal's or a source's id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from zibo_cli.core.model import Baseline, Goal, Source, Target

_CLASSES: dict[str, Any] = {cls.__name__: cls for cls in (Source, Baseline, Target, Goal)}


def definitions_json(definitions: dict[str, Any]) -> str:
    return json.dumps(definitions, ensure_ascii=False, default=_plain)


def definitions_from_json(text: str) -> dict[str, Any]:
    """What `definitions_json` wrote; raises ValueError, KeyError or TypeError for anything else."""
    return dict(json.loads(text, object_hook=_revived))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"__class__": type(value).__name__, **fields}
    raise TypeError(type(value).__name__)


def _revived(document: dict[str, Any]) -> Any:
    if "__date__" in document:
        return dt.date.fromisoformat(document["__date__"])
    if "__datetime__" in document:
        return dt.datetime.fromisoformat(document["__datetime__"])
    name = document.pop("__class__", None)
    if name is None:
        return document
    if name == "Goal":
        document["targets"] = tuple(document["targets"])
    return _CLASSES[name](**document)
