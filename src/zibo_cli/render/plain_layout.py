"""Rich's layout of tables and paragraphs, for plain text, without Rich's console.

Piped output (cron, scripts, `| less`) has no colour, so all Rich does there is lay text out. Importing
`rich.console` and `rich.table` costs ~30 ms, and drawing the 784-row status table of a 100,000-figure
file ~0.4 s; this module lays out the same text in a few milliseconds, measuring cells with
`rich.cells` so that Chinese takes the same two cells. The output is byte-identical to a Rich `Table`
(`box.SIMPLE`, no edge, no edge padding) printed on a plain console: tests/test_plain_layout.py
compares the two on generated tables and paragraphs. Anything this module does not reproduce (tabs,
control characters, columns too narrow for their padding) raises `Unsupported`, and the caller
lets Rich draw it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Literal, NamedTuple

from rich.cells import cell_len as rich_cell_len
from rich.cells import chop_cells, set_cell_size

Justify = Literal["left", "right"]
Range = tuple[int, int]

_WORD = re.compile(r"\s*\S+\s*")
_TEXT_RUN = re.compile(r"\S+")
_TRAILING_SPACE = re.compile(r"\s+$")
# Control characters, and the zero-width joiner: Rich measures a stray one by the segment it falls in.
_UNSUPPORTED = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200d]")


def cell_len(text: str) -> int:
    """Rich's cell length; printable ASCII (all that reaches here, control characters are refused) is one cell each."""
    return len(text) if text.isascii() else rich_cell_len(text)


class Unsupported(Exception):
    """The text needs something only Rich does (tabs, control characters, degenerate widths)."""


class PlainColumn(NamedTuple):
    header: str
    justify: Justify = "left"
    no_wrap: bool = False


def check_supported(text: str) -> None:
    if _UNSUPPORTED.search(text):
        raise Unsupported(text)


def measure(text: str) -> Range:
    """Rich's measurement of a text: (longest word, longest line), in cells."""
    width = len if text.isascii() else cell_len
    widest = max(map(width, text.splitlines()), default=0)
    words = text.split()
    narrowest = max(map(width, words)) if words else widest
    return _normalized(narrowest, widest)


def _normalized(minimum: int, maximum: int) -> Range:
    minimum = min(max(0, minimum), maximum)
    return max(0, minimum), max(0, minimum, maximum)


def divide_line(text: str, width: int) -> list[int]:
    """Offsets at which word wrapping (folding words longer than the width) breaks a line."""
    if text.isascii() and width > 0:
        return _divide_ascii(text, width)
    return _divide_cells(text, width)


def _divide_cells(text: str, width: int) -> list[int]:
    """Rich's `divide_line`, word by word: a word is its text and the spaces after it."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            folded = chop_cells(word, width)
            for index, piece in enumerate(folded):
                if start:
                    breaks.append(start)
                if index == len(folded) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def _divide_ascii(text: str, width: int) -> list[int]:
    """`_divide_cells` for printable ASCII (a cell a character), a line at a time instead of a word.

    A line that begins at position `line` holds every following word whose text (spaces after it
    aside) ends by `line + width`; so the first word that ends later, found by bisection over the
    words' ends, is where the line breaks — or, if that word alone is wider than a line, where it is
    folded into pieces `width` characters long, the last of which begins the next line.
    """
    runs = [match.span() for match in _TEXT_RUN.finditer(text)]
    if not runs:
        return []
    ends = [end for _, end in runs]
    breaks: list[int] = []
    line = 0
    index = bisect_right(ends, width)  # the first word that does not fit on the first line
    while index < len(runs):
        start = runs[index][0] if index else 0  # the first word takes the spaces before it too
        if ends[index] - start > width:  # longer than a line: folded
            end = runs[index + 1][0] if index + 1 < len(runs) else len(text)
            pieces = -(-(end - start) // width)
            breaks.extend(position for position in range(start, start + pieces * width, width) if position)
            line = start + (pieces - 1) * width
        else:
            breaks.append(start)
            line = start
        index = bisect_right(ends, line + width, index + 1)
    return breaks


def _divided(text: str, offsets: list[int]) -> list[str]:
    if not offsets:
        return [text]
    bounds = [0, *offsets, len(text)]
    return [text[start:end] for start, end in pairwise(bounds)]


def _rstrip_end(text: str, size: int) -> str:
    """Trailing space beyond `size` characters (characters, not cells, as Rich counts here) goes."""
    excess = len(text) - size
    if excess > 0 and (match := _TRAILING_SPACE.search(text)):
        return text[: len(text) - min(len(match.group(0)), excess)]
    return text


def _truncated(text: str, width: int, pad: bool = False) -> str:
    length = cell_len(text)
    if length > width:
        text = set_cell_size(text, width)
    if pad and length < width:
        text += " " * (width - length)
    return text


def wrap(text: str, width: int, justify: Justify | None = None, no_wrap: bool = False) -> list[str]:
    """The lines Rich's `Text.wrap` gives, with overflow "fold"; `None` is Rich's "default" justify."""
    lines: list[str] = []
    for line in text.split("\n"):
        length = cell_len(line)
        if length <= width and len(line) <= width:  # it fits: nothing to break, strip or crop
            if justify == "left":
                lines.append(line + " " * (width - length))
            elif justify == "right":
                stripped = line.rstrip()
                lines.append(" " * (width - cell_len(stripped)) + stripped)
            else:
                lines.append(line)
            continue
        if no_wrap:
            pieces = [line]
        else:
            pieces = [_rstrip_end(piece, width) for piece in _divided(line, divide_line(line, width))]
        if justify == "left":
            pieces = [_truncated(piece, width, pad=True) for piece in pieces]
        elif justify == "right":
            pieces = [_truncated(piece.rstrip(), width) for piece in pieces]
            pieces = [" " * (width - cell_len(piece)) + piece for piece in pieces]
        lines.extend(_truncated(piece, width) for piece in pieces)
    return lines


def _fitted(line: str, width: int) -> str:
    """A line cropped or padded to exactly `width` cells, as Rich's `render_lines` does."""
    length = cell_len(line)
    if length == width:
        return line
    return set_cell_size(line, width) if length > width else line + " " * (width - length)


def paragraph(text: str, width: int) -> list[str]:
    """What `Console.print(text)` writes: word-wrapped, lines cropped to the width, not padded."""
    check_supported(text.replace("\n", " "))
    return [_truncated(line, width) for line in wrap(text, width)]


class MeasuredColumn:
    """A column's header and cells, checked and measured once, however many tables it is tried in."""

    def __init__(self, column: PlainColumn, cells: Sequence[str]) -> None:
        self.column = column
        self.cells = [column.header, *cells]
        for cell in self.cells:
            check_supported(cell.replace("\n", " "))
        measured = [measure(cell) for cell in self.cells]
        self.widest_minimum = max(minimum for minimum, _ in measured)
        self.widest_maximum = max(maximum for _, maximum in measured)

    def range_at(self, width: int, padding: int) -> Range:
        """`Table._measure_column`: the widest minimum and maximum of the column's padded cells.

        Rich clamps each cell's measurement to the width and pads it; both steps are monotonic, so
        clamping and padding the widest measurements gives the same as doing it cell by cell.
        """
        if width < 1:
            return (0, 0)
        if width - padding < 1:
            return (width, width)
        minimum = min(min(self.widest_minimum, width) + padding, width)
        return minimum, min(min(self.widest_maximum, width) + padding, width)


class PlainTable:
    """A table laid out as `rich.table.Table(box=box.SIMPLE, show_edge=False, pad_edge=False)`."""

    def __init__(self, columns: Sequence[MeasuredColumn]) -> None:
        if not columns or len({len(column.cells) for column in columns}) != 1:
            raise ValueError("every column needs the same number of cells")
        self.measured = list(columns)
        self.columns = [measured.column for measured in columns]
        self.row_count = len(columns[0].cells) - 1

    @classmethod
    def of(cls, columns: Sequence[PlainColumn], rows: Sequence[Sequence[str]]) -> PlainTable:
        if any(len(row) != len(columns) for row in rows):
            raise ValueError("every row needs one cell per column")
        return cls([MeasuredColumn(column, [row[index] for row in rows]) for index, column in enumerate(columns)])

    def _padding(self, index: int) -> tuple[int, int]:
        last = len(self.columns) - 1
        return (0 if index == 0 else 1), (0 if index == last else 1)

    def _column_range(self, index: int, width: int) -> Range:
        return self.measured[index].range_at(width, sum(self._padding(index)))

    @property
    def _extra_width(self) -> int:
        return len(self.columns) - 1

    def natural_width(self) -> int:
        """The width the table takes when nothing has to wrap (Rich's measurement of the table)."""
        return sum(self._column_range(index, 10_000)[1] for index in range(len(self.columns))) + self._extra_width

    def column_widths(self, max_width: int) -> list[int]:
        """`Table._calculate_column_widths` for a table that does not expand: padding included."""
        available = max_width - self._extra_width
        widths = [self._column_range(index, available)[1] or 1 for index in range(len(self.columns))]
        if sum(widths) > available:
            widths = _collapsed(widths, [not column.no_wrap for column in self.columns], available)
            if sum(widths) > available:
                widths = _reduced(sum(widths) - available, [1] * len(widths), widths, widths)
            widths = [self._column_range(index, width)[1] or 0 for index, width in enumerate(widths)]
        return widths

    def lines(self, width: int) -> list[str]:
        """The table as printed on a console `width` cells wide, each line without its newline."""
        widths = self.column_widths(width)
        rendered: dict[tuple[int, str], list[str]] = {}
        for index, column_width in enumerate(widths):
            if column_width - sum(self._padding(index)) < 1:
                raise Unsupported("a column narrower than its padding")
        output: list[str] = []
        for row in range(self.row_count + 1):
            cells = [self._cell_lines(index, row, widths[index], rendered) for index in range(len(self.columns))]
            height = max(len(cell) for cell in cells)
            for index, cell in enumerate(cells):
                blank = [" " * widths[index]] * (height - len(cell))
                # Rich sets headers on the bottom line of the header row, cells at the top of theirs.
                cells[index] = blank + cell if row == 0 else cell + blank
            output.extend(" ".join(parts) for parts in zip(*cells, strict=True))
            if row == 0:
                output.append("─" * (sum(widths) + self._extra_width))
        return [_truncated(line, width) for line in output]

    def _cell_lines(self, index: int, row: int, width: int, rendered: dict[tuple[int, str], list[str]]) -> list[str]:
        text = self.measured[index].cells[row]
        key = (index, text)
        if key not in rendered:  # dates, "by 2026", empty cells: the same text comes back often
            left, right = self._padding(index)
            inner = width - left - right
            column = self.columns[index]
            lines = wrap(text, inner, column.justify, column.no_wrap)
            rendered[key] = [" " * left + _fitted(line, inner) + " " * right for line in lines]
        return rendered[key]


def _collapsed(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """`Table._collapse_widths`: narrow the widest wrapable columns first, until the table fits."""
    total = sum(widths)
    excess = total - max_width
    if any(wrapable):
        while total and excess > 0:
            widest = max(width for width, allowed in zip(widths, wrapable, strict=True) if allowed)
            second = max(
                width if allowed and width != widest else 0 for width, allowed in zip(widths, wrapable, strict=True)
            )
            difference = widest - second
            ratios = [
                1 if (width == widest and allowed) else 0 for width, allowed in zip(widths, wrapable, strict=True)
            ]
            if not any(ratios) or not difference:
                break
            widths = _reduced(excess, ratios, [min(excess, difference)] * len(widths), widths)
            total = sum(widths)
            excess = total - max_width
    return widths


def _reduced(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """`rich._ratio.ratio_reduce`: take `total` off the values in proportion to the ratios."""
    ratios = [ratio if maximum else 0 for ratio, maximum in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result: list[int] = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def joined(lines: Iterator[str] | Sequence[str]) -> str:
    return "".join(line + "\n" for line in lines)
