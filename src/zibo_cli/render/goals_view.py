"""The `zibo goals` table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zibo_cli.core.model import Goal
from zibo_cli.render.text import clean, format_target

if TYPE_CHECKING:
    from rich.table import Table


def goals_table(goals: Sequence[Goal], color: bool) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD if color else box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column("ID", overflow="fold")
    table.add_column("Name", overflow="fold")
    table.add_column("Unit", overflow="fold")
    table.add_column("Category", overflow="fold")
    table.add_column("Target", overflow="fold")
    for goal in goals:
        name = clean(goal.name) + (f"\n{clean(goal.name_en)}" if goal.name_en else "")
        targets = "\n".join(format_target(t, goal.unit) for t in goal.targets) or "fact"
        table.add_row(goal.id, name, clean(goal.unit), clean(goal.category), targets)
    return table
