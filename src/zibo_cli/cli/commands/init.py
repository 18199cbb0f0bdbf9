"""`zibo init`: start a goals file from the bundled dataset or an empty template, never overwriting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zibo_cli.cli.common import fail, handles_errors, state_of
from zibo_cli.i18n import tr

TEMPLATE = """\
# zibo goals file — see the README's "The goals file" for every key.
schema = 1
title = "My goals"

# [sources.my-source]
# title = "Title of the page or report"
# publisher = "Who published it"
# date = 2025-03-21
# url = "https://…"

[goals]
# [goals.example]
# name = "示例指标"
# name_en = "Example indicator"
# unit = "亿元"
# category = "economy"
# direction = "increase"
# baseline = { value = 50, date = 2023-12-31 }
# target = { value = 100, by = 2026-12-31 }

# Figures are appended below by `zibo add`; you can also write them by hand:
# [[observations]]
# goal = "example"
# date = 2025-12-31
# value = 92
# source = "my-source"
"""


@handles_errors
def init(
    ctx: typer.Context,
    path: Annotated[str | None, typer.Argument(help="Where to write (default ./goals.toml).")] = None,
    empty: Annotated[bool, typer.Option("--empty", help="Write a commented template instead of the dataset.")] = False,
    user: Annotated[bool, typer.Option("--user", help="Write the user's data file (XDG data dir).")] = False,
) -> None:
    """Example: zibo init --empty my-goals.toml

    Write a goals file you can edit and add to: a copy of the bundled Zibo dataset, or with --empty a
    commented template. Never overwrites an existing file. The copy gets a `started` time: figures
    recorded by then are its starting point, and reports do not list them as news.
    """
    from zibo_cli.store.atomic import create_new
    from zibo_cli.store.locate import bundled_file, display_path, user_data_file

    state = state_of(ctx)
    if path and user:
        raise fail(tr("give either a PATH or --user, not both."))
    if user:
        target = user_data_file(state.env.variables)
        target.parent.mkdir(parents=True, exist_ok=True)
    else:
        target = state.env.cwd / (path or "goals.toml")
    if empty:
        content = TEMPLATE.encode()
    else:  # the copy is a starting point: `started` keeps its figures out of the first report's news
        from zibo_cli.core.started import with_started

        content = with_started(Path(bundled_file()).read_bytes().decode("utf-8"), state.env.now()).encode("utf-8")
    create_new(target, content)
    what = tr("an empty template") if empty else tr("the bundled Zibo dataset")
    state.env.stdout.write(tr("Wrote {what} to {path}.", what=what, path=display_path(target, state.env.cwd)) + "\n")
