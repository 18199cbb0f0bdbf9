"""tomllib's refusals as problems a person can act on: its wording, with what it usually means for a
hand-edited goals file, and the line (and column) it names."""

from __future__ import annotations

import re
import tomllib

from zibo_cli.core.model import Problem
from zibo_cli.i18n import tr

_POSITION = r"\s*\(at line (\d+), column (\d+)\)$"
_END_OF_DOCUMENT = r"\s*\(at end of document\)$"
_DECLARED_TWICE = r"^cannot declare \((.*)\) twice$"
_LONG_NUMBER = r"\d[\d_]{4299,}"
SYNTAX_HINT = "Fix the TOML at that line and column; `zibo check` lists every problem."


def explained(error: Exception, text: str) -> Problem:
    """The problem for what `tomllib.loads(text)` raised."""
    if isinstance(error, RecursionError):  # tomllib recurses once per level of nested arrays and tables
        return Problem(
            tr("TOML syntax error: arrays or inline tables are nested too deeply to read."),
            hint=tr("A goals file never needs more than a few levels; remove the nesting."),
        )
    if not isinstance(error, tomllib.TOMLDecodeError):
        # An integer beyond Python's digit limit for int(str) escapes tomllib as a plain ValueError.
        long_number = re.search(_LONG_NUMBER, text)
        line = text.count("\n", 0, long_number.start()) + 1 if long_number else None
        return Problem(
            tr("TOML value error: a number has too many digits to read."),
            line,
            hint=tr("No real figure needs more than 15 digits."),
        )
    message = str(error)
    line = column = None
    position = re.search(_POSITION, message)
    if position:
        line, column = int(position.group(1)), int(position.group(2))
        message = message[: position.start()]
    elif re.search(_END_OF_DOCUMENT, message):
        line = text.count("\n") + 1
        message = re.sub(_END_OF_DOCUMENT, "", message)
    return Problem(
        tr("TOML syntax error: {message}.", message=_wording(message[0].lower() + message[1:])),
        line,
        column,
        tr(SYNTAX_HINT),
    )


def _wording(message: str) -> str:
    """tomllib's wording, with what it usually means for a hand-edited file."""
    if message == "illegal character '\\n'":
        return tr("a string is not closed before the end of the line (illegal character '\\n')")
    if message.startswith("unterminated string") or message == 'expected "\'"':
        return tr("a string is never closed ({message})", message=message)
    if message == "cannot overwrite a value":
        return tr("a key is given a value twice (cannot overwrite a value)")
    declared = re.match(_DECLARED_TWICE, message)
    if declared:
        parts = re.findall(r"'((?:[^'\\]|\\.)*)'", declared.group(1))
        return tr("the table [{name}] is declared twice", name=".".join(parts))
    return message
