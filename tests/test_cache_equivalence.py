"""The cache's one promise: what a command sees with it always equals what it sees under ZIBO_NO_CACHE=1.

Random sequences of what happens to a goals file in real life — `zibo add`, figures appended by hand, a
figure corrected in place keeping the size and the mtime, an older copy restored with `cp -p`, another
file renamed over it — each followed by a load through the cache, compared with a load without it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE
from loading import TABLE, TODAY, head_outcome, outcome
from zibo_cli.store.append import append_tables
from zibo_cli.store.locate import Cache, Location

STEPS = ("add", "append", "same-size-edit", "restore", "swap", "damage-cache", "retract", "hand-retract")
RETRACTION = '[[retractions]]\nref = "{ref}"\ngoal = "{goal}"\nreason = "by hand"\n\n'


def _retract(path: Path, number: int, cache: Cache | None) -> None:
    """Retract (or, when it is retracted, restore) one of the file's figures, as `zibo retract` does;
    without a cache, by hand."""
    import datetime as dt

    from zibo_cli.core.counting import active_retractions
    from zibo_cli.core.model import GoalsFile
    from zibo_cli.core.refs import figure_ref
    from zibo_cli.core.retractions import retraction_table

    def record_for(goals_file: GoalsFile) -> dict[str, object]:
        figure = goals_file.observations[number % len(goals_file.observations)]
        ref, goal = figure_ref(figure), goals_file.goals[figure.goal]
        undo = ref in active_retractions(goal.retractions)
        now = dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)
        return retraction_table(ref, goal.id, None if undo else "wrong", now, undo)

    if cache is not None:
        append_tables(Location(path, "--file"), TODAY, cache, lambda whole: ([], [record_for(whole)]))
        return
    goals_file = outcome(path, None)
    if not isinstance(goals_file, GoalsFile) or not goals_file.observations:
        return
    figure = goals_file.observations[number % len(goals_file.observations)]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(RETRACTION.format(ref=figure_ref(figure), goal=figure.goal))


def _apply(step: str, number: int, path: Path, backup: Path, other: Path, cache: Cache) -> None:
    if step == "add":
        table = {"goal": "gdp", "date": TODAY.replace(day=1 + number % 27), "value": 4000.0 + number}
        append_tables(Location(path, "--file"), TODAY, cache, lambda _: ([table], []))
    elif step == "append":
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(TABLE.format(goal="robots", date="2025-06-30", value=number))
    elif step == "same-size-edit":
        info = path.stat()
        data = path.read_bytes()
        at = data.rfind(b"value = ")
        if at != -1 and data[at + 8 : at + 9].isdigit():
            digit = data[at + 8]
            changed = data[: at + 8] + bytes([ord("1") + (digit - ord("0")) % 8]) + data[at + 9 :]
            with open(path, "r+b") as handle:
                handle.write(changed)
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    elif step in ("retract", "hand-retract"):
        _retract(path, number, cache if step == "retract" else None)
    elif step == "restore":
        shutil.copy2(backup, path)  # cp -p: the old content with its old mtime
    elif step == "swap":
        shutil.copyfile(path, other)
        with open(other, "a", encoding="utf-8") as handle:
            handle.write(TABLE.format(goal="share", date="2025-03-31", value=50 + number % 9))
        os.replace(other, path)
    else:  # the cache's own database damaged: it must be ignored, never believed
        for database in cache.folder.glob("*.sqlite"):
            data = bytearray(database.read_bytes())
            if data:
                data[(number * 7919) % len(data)] ^= 0xFF
                database.write_bytes(bytes(data))


@settings(
    max_examples=int(os.environ.get("ZIBO_EQUIVALENCE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 10_000)), min_size=1, max_size=8))
def test_the_cache_gives_what_no_cache_gives_whatever_happens_to_the_file(
    tmp_path: Path, steps: list[tuple[str, int]]
) -> None:
    folder = tmp_path / os.urandom(4).hex()
    folder.mkdir()
    path, backup, other = folder / "goals.toml", folder / "backup.toml", folder / "other.toml"
    shutil.copyfile(SAMPLE, path)
    shutil.copy2(path, backup)
    cache = Cache(folder / "cache")
    assert outcome(path, cache) == outcome(path, None)
    for step, number in steps:
        _apply(step, number, path, backup, other, cache)
        assert outcome(path, cache) == outcome(path, None), step
        assert outcome(path, cache) == outcome(path, None), f"{step}, then a warm load"
        assert head_outcome(path, cache) == head_outcome(path, None), f"{step}: what add and show see"
