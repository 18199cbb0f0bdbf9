"""The `started` marker `zibo init` writes into a copy of the bundled dataset.

A copy's figures keep the `recorded` times they were curated with, so a report run right after
`zibo init` would list all of them as recorded in its window. The copy is a starting point, not a
week of changes: `started` says so without touching any figure (core/report.py reads it).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib

_SCHEMA_LINE = re.compile(r"^schema[ \t]*=[^\r\n]*(\r?\n)", re.MULTILINE)
COMMENT = "# Written by `zibo init`: figures recorded by this moment are where this file started, not news."


def started_at(text: str, now: dt.datetime) -> dt.datetime:
    """The moment to write: now, or the newest `recorded` time in the copy if that is later (a clock
    behind the dataset's curation must not turn the copy's own figures into news)."""
    recorded = [
        table["recorded"]
        for table in tomllib.loads(text).get("observations", [])
        if isinstance(table, dict) and isinstance(table.get("recorded"), dt.datetime)
    ]
    aware = [moment for moment in recorded if moment.tzinfo is not None]
    return max([now, *aware])


def with_started(text: str, now: dt.datetime) -> str:
    """The goals file `text` with `started = …` written after its `schema` line (top-level keys must
    come before the first table), or at the top when there is none; every other byte as it was."""
    moment = started_at(text, now).replace(microsecond=0).isoformat()
    match = _SCHEMA_LINE.search(text)
    newline = match.group(1) if match else ("\r\n" if "\r\n" in text else "\n")
    block = f"{COMMENT}{newline}started = {moment}{newline}"
    if match is None:
        return block + text
    return text[: match.end()] + block + text[match.end() :]
