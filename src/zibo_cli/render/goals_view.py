"""The `zibo goals` table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zibo_cli.core.model import Goal
from zibo_cli.i18n import is_chinese, tr
from zibo_cli.render.text import clean, display_name, format_target

if TYPE_CHECKING:
    from rich.table import Table


def goals_table(goals: Sequence[Goal], color: bool) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD if color else box.SIMPLE, show_edge=False, pad_edge=False)
    for header in ("ID", "Name", "Unit", "Category", "Target"):
        table.add_column(tr(header), overflow="fold")
    for goal in goals:
        other = clean(goal.name_en if is_chinese() else goal.name)
        name = display_name(goal) + (f"\n{other}" if other and other != display_name(goal) else "")
        targets = "\n".join(format_target(t, goal.unit) for t in goal.targets) or tr("fact")
        table.add_row(goal.id, name, clean(goal.unit), clean(goal.category), targets)
    return table
