"""Rich consoles configured from the Environment: colour for people, plain text for pipes and cron."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from zibo_cli.environment import Environment


def make_console(env: Environment, *, stderr: bool = False) -> Console:
    color = env.color
    return _console(env.stderr if stderr else env.stdout, env.width, color)


def plain_console(width: int) -> Console:
    """A Console writing to memory: never a terminal, no colour, blind to the environment."""
    import io

    return _console(io.StringIO(), width, color=False)


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
