"""The floor: an argparse + Rich script printing a table the size of `zibo status` on the bundled data.

Nothing a Python command-line program with a Rich table can do costs less than this, so `zibo status` on
the bundled data is measured against it, on a terminal (colour) and piped (target: at most 1.6×). Rich
decides on colour itself, as zibo's console does: on a terminal unless NO_COLOR or TERM=dumb.
"""

from __future__ import annotations

import argparse
import os
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description="Print a status-like table of ROWS rows.")
    parser.add_argument("--rows", type=int, default=20, help="rows, as many as `zibo status` prints")
    options = parser.parse_args()

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = int(os.environ.get("COLUMNS", "80"))
    console = Console(file=sys.stdout, width=width, highlight=False, markup=False, emoji=False)
    table = Table(box=box.SIMPLE_HEAD if console.is_terminal else box.SIMPLE, show_edge=False, pad_edge=False)
    for header, justify in (("Goal", "left"), ("Latest", "right"), ("Target", "right"), ("Progress", "left")):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    table.add_column("Status")
    for row in range(options.rows):
        name = Text(f"指标{row:03d}")
        name.append(f"\ngoal-{row:03d}", style="dim")
        latest = Text(f"{4884.1 + row:,.1f}亿元")
        latest.append("\n2024", style="dim")
        target = Text("≥7,000亿元")
        target.append("\nby 2026", style="dim")
        table.add_row(name, latest, target, Text("██████░░░░ 62%", style="green"), Text("on track", style="green"))
    console.print(table)
    console.print(f"{options.rows} on track")
    console.print("as of 2026-11-27 · file: goals.toml", style="dim")


if __name__ == "__main__":
    main()
