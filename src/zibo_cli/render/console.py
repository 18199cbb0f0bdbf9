"""Rich consoles configured from the Environment: colour for people, plain text for pipes and cron."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from zibo_cli.environment import Environment


def make_console(env: Environment, *, stderr: bool = False) -> Console:
    from rich.console import Console

    color = env.color
    return Console(
        file=env.stderr if stderr else env.stdout,
        width=env.width,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        soft_wrap=False,
        _environ={},
    )
