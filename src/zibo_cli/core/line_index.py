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
        try:
            import tomli as toml
        except ImportError:  # pragma: no cover - tomli is a dependency, as in store/read.py
            import tomllib as toml
        try:
            return str(toml.loads(f"key = {part}")["key"])
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


_CANDIDATE = re.compile(rb"^[ \t]*\[[^\n]*", re.MULTILINE)
# Line breaks that str.splitlines() honours besides \n and \r\n, as UTF-8.
_UNUSUAL_BREAKS = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


def index_headers(data: bytes) -> LineIndex | None:
    """Only the table and array-item lines of `index_lines`, found without reading every line.

    `data` is the file's UTF-8 text as bytes, without a BOM. Headers are all a valid file needs
    (goals and observations keep their line); key lines only serve to locate problems, and a file
    with problems is indexed again in full. This gives exactly what `index_lines` gives for headers
    when the text is valid TOML with no multi-line string and no line break but \n and \r\n: then
    a header is a line whose first character after spaces and tabs is "[". Otherwise it returns
    None and the caller uses `index_lines`.
    """
    if b'"""' in data or b"'''" in data or any(brk in data for brk in _UNUSUAL_BREAKS):
        return None
    if data.count(b"\r") != data.count(b"\r\n"):
        return None
    index = LineIndex()
    line, position = 1, 0
    headers: dict[bytes, tuple[bool, str] | None] = {}  # a file repeats [[observations]] thousands of times
    for match in _CANDIDATE.finditer(data):
        start = match.start()
        line += data.count(b"\n", position, start)
        position = start
        raw = match.group()
        known = headers.get(raw, False)
        if known is False:
            header = _HEADER.match(raw.removesuffix(b"\r").decode("utf-8"))
            known = headers[raw] = None if header is None else (bool(header.group(1)), _unquote_path(header.group(2)))
        if known is None:
            continue
        _enter_table(index, *known, line)
    return index
