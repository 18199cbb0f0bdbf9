"""Shared by the tests of loading through the cache (test_grown, test_cache_equivalence):
what a command sees with and without it, how many full parses were done, and edits of a file's text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from zibo_cli.core import progress
from zibo_cli.errors import ZiboError
from zibo_cli.store import read as read_module
from zibo_cli.store.load import load
from zibo_cli.store.locate import Cache, Location

TODAY = dt.date(2026, 11, 27)
TABLE = '[[observations]]\ngoal = "{goal}"\ndate = {date}\nvalue = {value}\n\n'  # one figure, as a file holds it


def count_full_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one for each full parse loading does (not the tests' own, through `analyse`)."""
    calls: list[int] = []
    real = read_module.parse_file

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    from zibo_cli.store import load as load_module

    monkeypatch.setattr(load_module, "parse_file", counting)
    return calls


def count_goals_assessed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the goals assessed one by one from now on."""
    assessed: list[str] = []
    real = progress.assess

    def counting(goal: object, *args: object, **kwargs: object) -> object:
        assessed.append(goal.id)  # type: ignore[attr-defined]
        return real(goal, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(progress, "assess", counting)
    return assessed


def outcome(path: Path, cache: Cache | None) -> object:
    """The goals file, or the error's text: what a command would see."""
    try:
        return load(Location(path, "--file"), TODAY, cache).goals_file
    except ZiboError as error:
        return str(error)


def head_outcome(path: Path, cache: Cache | None) -> object:
    """What `add` and `show` see (store/load.load_head): the definitions, one goal's figures, every
    ref and the whole file, or the error's text."""
    from zibo_cli.store.load import load_head

    try:
        head = load_head(Location(path, "--file"), TODAY, cache)
    except ZiboError as error:
        return str(error)
    try:
        return head.definitions, head.figures("gdp"), sorted(head.refs()), head.complete()
    finally:
        head.close()


def full_parse(path: Path) -> object:
    goals_file, problems = read_module.analyse(path.read_bytes(), TODAY)
    return problems or goals_file


def tables(text: str) -> list[int]:
    """Where each literal `[[observations]]` table starts."""
    return [match.start() for match in re.finditer(r"^\[\[observations\]\]", text, re.MULTILINE)]


def change_value(text: str, number: int, value: str) -> str:
    start = text.index("value = ", tables(text)[number])
    end = text.index("\n", start)
    return text[:start] + f"value = {value}" + text[end:]
