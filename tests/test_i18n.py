"""Every message template has its Chinese; the language is chosen as documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zibo_cli.core import toml_errors
from zibo_cli.core.model import Status
from zibo_cli.i18n import resolve_language
from zibo_cli.messages_zh import ZH
from zibo_cli.render import show_view
from zibo_cli.render.text import STATUS_LABELS

SOURCE = Path(__file__).parents[1] / "src" / "zibo_cli"


def templates_in_code() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_tr = isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args
            if is_tr and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
    return found


def test_every_literal_template_has_chinese() -> None:
    missing = sorted(templates_in_code() - set(ZH))
    assert not missing, f"add these to messages_zh.py: {missing}"


def test_every_dynamic_template_has_chinese() -> None:
    dynamic = set(STATUS_LABELS.values()) | {"{count} " + label for label in STATUS_LABELS.values()}
    dynamic |= set(show_view.DIRECTIONS.values()) | set(show_view.CADENCES.values())
    dynamic |= {"cagr", "linear", "--file", "ZIBO_FILE", "./goals.toml", "user data file", "bundled dataset"}
    dynamic |= {toml_errors.SYNTAX_HINT}
    for header in ("Goal", "Latest", "Target", "Progress", "Status", "Left", "Ratio", "Needed", "Projected"):
        dynamic.add(header)
    dynamic |= {"Category", "ID", "Name", "Unit", "#", "target", "left", "status", "progress", "ratio", "method"}
    dynamic |= {"date", "value", "source", "note"}
    assert not sorted(dynamic - set(ZH))
    assert len({ZH[STATUS_LABELS[status]] for status in Status}) == len(Status)


def test_placeholders_match() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for english, chinese in ZH.items():
        assert fields(english) == fields(chinese), english


@pytest.mark.parametrize(
    ("option", "variables", "expected"),
    [
        ("zh", {}, "zh"),
        ("en", {"ZIBO_LANG": "zh"}, "en"),
        (None, {"ZIBO_LANG": "zh_CN"}, "zh"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LANG": "C"}, "en"),
        (None, {}, "en"),
    ],
)
def test_language_resolution(option: str | None, variables: dict[str, str], expected: str) -> None:
    assert resolve_language(option, variables) == expected


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        resolve_language("fr", {})
