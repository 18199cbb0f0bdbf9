"""The `zibo goals` list: one line per goal, its id whole; `zibo show ID` has the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zibo_cli.core.model import Goal
from zibo_cli.i18n import tr
from zibo_cli.render.text import GAP, ID_WIDTH, category_label, display_name, format_target, pad

if TYPE_CHECKING:
    from rich.console import RenderableType

NAME_MIN = 24  # the category is shown only when the name keeps at least this many cells


def _target(goal: Goal) -> str:
    """The first target, and how many stages follow; 'fact' for a goal without one."""
    if not goal.targets:
        return tr("fact")
    text = format_target(goal.targets[0], goal.unit)
    more = len(goal.targets) - 1
    return text + (" " + tr("(+{count} more)", count=more) if more else "")


def goals_table(goals: Sequence[Goal], color: bool, width: int = 80) -> RenderableType:
    """Id, name, target and (where the width allows) category; names cut with "…" to fit the line."""
    from rich.cells import cell_len
    from rich.console import Group
    from rich.text import Text

    from zibo_cli.render.status_view import fitted_name

    rows = [(goal.id, display_name(goal), _target(goal), category_label(goal.category)) for goal in goals]
    headers = (tr("ID"), tr("Name"), tr("Target"), tr("Category"))
    id_width = min(ID_WIDTH, max(cell_len(text) for text in [headers[0], *(row[0] for row in rows)]))
    target_width = max(cell_len(text) for text in [headers[2], *(row[2] for row in rows)])
    category_width = max(cell_len(text) for text in [headers[3], *(row[3] for row in rows)])
    name_room = width - id_width - target_width - 2 * len(GAP)
    with_category = name_room - category_width - len(GAP) >= NAME_MIN
    if with_category:
        name_room -= category_width + len(GAP)
    name_width = max(cell_len(headers[1]), min(name_room, max(cell_len(row[1]) for row in rows) if rows else 0))

    def line(goal_id: str, name: str, target: str, category: str, header: bool = False) -> Text:
        room = name_width - max(0, cell_len(goal_id) - id_width)  # a long id takes from its own name
        text = Text(no_wrap=True, overflow="ignore")
        id_style = "bold" if header else "cyan" if color else None
        if not header and cell_len(goal_id) > id_width and room < NAME_MIN // 2:  # whole, on a line of its own
            text.append(goal_id + "\n", style=id_style)
            goal_id, room = "", name_width
        fitted = name if header else fitted_name(name, max(1, room), lines=1)[0]
        text.append(pad(goal_id, id_width), style=id_style)
        text.append(GAP + pad(fitted, room) + GAP + pad(target, target_width))
        if with_category:
            text.append(GAP + category, style=None if header else "dim")
        text.rstrip()
        return text

    used = id_width + name_width + target_width + 2 * len(GAP) + (category_width + len(GAP) if with_category else 0)
    rule = Text("─" * min(width, used), style="dim")
    return Group(line(*headers, header=True), rule, *(line(*row) for row in rows))
