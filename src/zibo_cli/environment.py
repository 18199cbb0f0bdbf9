"""Everything a command learns from the outside world, in one swappable object (after httpie's Environment).

Tests build one with fixed streams, width, clock and variables; the real one reads the process.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr

DEFAULT_WIDTH = 80


def _parse_now(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.astimezone()


@dataclass
class Environment:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO | None = field(default_factory=lambda: sys.stdin)
    variables: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: Path = field(default_factory=Path.cwd)

    @property
    def stdout_isatty(self) -> bool:
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty and isatty())

    @property
    def stdin_isatty(self) -> bool:
        isatty = getattr(self.stdin, "isatty", None)
        return bool(self.stdin is not None and isatty and isatty())

    @property
    def color(self) -> bool:
        """Colour only for a person at a terminal: never piped, under NO_COLOR or with TERM=dumb."""
        if "NO_COLOR" in self.variables or self.variables.get("TERM") == "dumb":
            return False
        return self.stdout_isatty

    @property
    def width(self) -> int:
        """COLUMNS wins (tests and scripts set it); then the terminal; 80 when there is none."""
        columns = self.variables.get("COLUMNS", "")
        if columns.isdigit() and int(columns) >= 20:
            return int(columns)
        if self.stdout_isatty:
            return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
        return DEFAULT_WIDTH

    def now(self) -> dt.datetime:
        """The current moment with its UTC offset; ZIBO_NOW pins it for reproducible runs and tests."""
        pinned = self.variables.get("ZIBO_NOW")
        if pinned:
            try:
                return _parse_now(pinned)
            except ValueError:
                raise ZiboError(
                    tr("ZIBO_NOW={pinned!r} is not an ISO date-time.", pinned=pinned),
                    tr("Use a form like 2026-01-05T09:30:00+08:00."),
                ) from None
        return dt.datetime.now().astimezone().replace(microsecond=0)

    def today(self) -> dt.date:
        return self.now().date()
