"""Rich consoles configured from the Environment: colour for people, plain text for pipes and cron."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from zibo_cli.environment import Environment


_PADDING = re.compile(r" +(?=\n)")


def make_console(env: Environment, *, stderr: bool = False) -> Console:
    color = env.color
    stream = env.stderr if stderr else env.stdout
    return _console(stream if color else Unpadded(stream), env.width, color)


class Unpadded:
    """A stream for plain output without the blanks Rich pads each line with to its table's width
    (piped, they end every line of `status` and `show` in spaces, which mail, diff and `less` show).
    Rich writes each print at once, so a line's padding is never split between two writes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_PADDING.sub("", text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, encoding, fileno …: the stream's own
        return getattr(self._stream, name)


def plain_console(width: int) -> Console:
    """A Console writing to memory: never a terminal, no colour, blind to the environment, and like
    plain output without Rich's padding (`console.file.getvalue()` reads the StringIO beneath)."""
    import io

    return _console(Unpadded(io.StringIO()), width, color=False)


def _console(file: TextIO, width: int, color: bool) -> Console:
    from rich.console import Console

    return Console(
        file=file,
        width=width,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        soft_wrap=False,
        _environ={},
    )
