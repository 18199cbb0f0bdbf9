"""Find the line a TOML table or key was written on.

tomllib reports positions only for syntax errors, so `check` recovers the lines of tables and
keys with a light scan of the text. It is a best effort: a key it cannot place gets no line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*\[(\[)?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.-]+)\s*=')


def _unquote_path(raw: str) -> str:
    parts = [_unquote(part.strip()) for part in re.split(r"\.(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", raw)]
    return ".".join(parts)


def _unquote(part: str) -> str:
    """A key as TOML reads it: `"observ\\u0061tions"` is `observations` (else its figures are one table off)."""
    if part.startswith('"') and "\\" in part:
        import tomllib

        try:
            return str(tomllib.loads(f"key = {part}")["key"])
        except Exception:
            pass  # not a string TOML reads: the file has a problem, reported with the lines found as before
    return part.strip('"').strip("'")


@dataclass(slots=True)
class LineIndex:
    tables: dict[str, int] = field(default_factory=dict)
    array_items: dict[str, list[int]] = field(default_factory=dict)
    keys: dict[tuple[str, str], int] = field(default_factory=dict)

    def table(self, path: str) -> int | None:
        return self.tables.get(path)

    def item(self, array: str, index: int) -> int | None:
        lines = self.array_items.get(array, [])
        return lines[index] if index < len(lines) else None

    def key(self, table: str, key: str) -> int | None:
        return self.keys.get((table, key))


def _enter_table(index: LineIndex, is_array: bool, path: str, line: int) -> str:
    """Record a [table] or [[array item]] header; returns the key its keys are filed under."""
    current = path
    if is_array:
        items = index.array_items.setdefault(path, [])
        current = f"{path}#{len(items)}"
        items.append(line)
    index.tables.setdefault(current, line)
    return current


def index_lines(text: str) -> LineIndex:
    """Map table headers, array-of-table items and their keys to 1-based line numbers."""
    index = LineIndex()
    current = ""
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            current = _enter_table(index, bool(header.group(1)), _unquote_path(header.group(2)), number)
            continue
        key = _KEY.match(line)
        if key:
            name = key.group(1).strip('"')
            index.keys.setdefault((current, name), number)
            if "." in name and not key.group(1).startswith('"'):
                index.keys.setdefault((current, name.split(".")[0]), number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
                break
    return index
