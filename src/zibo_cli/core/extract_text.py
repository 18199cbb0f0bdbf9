"""A text's shape for `zibo extract`: lines, paragraphs, headings, sentences and clauses, offsets kept.

Pure. Every position refers to the text as the user gave it, so a quote is always the words as written
(traditional characters stay traditional in the quote); matching reads the normalised twin of each
line, which has the same length: full-width forms folded (NFKC, one character for one) and traditional
characters made simplified by the converter the caller passes in (OpenCC in `zibo extract`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

Converter = Callable[[str], str]

SENTENCE_ENDS = "。！？!?"
CLAUSE_ENDS = "，,；;：:"
HEADING_MAX = 40
_LIST_MARK = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|第[一二三四五六七八九十]+[部分章节条]、?)"
)


def normalise_line(line: str, convert: Converter | None) -> str:
    """The line for reading: same length, full-width folded, simplified characters."""
    folded = "".join(_fold(ch) for ch in line)
    if convert is None:
        return folded
    simplified = convert(folded)
    if len(simplified) == len(folded):
        return simplified
    # A phrase conversion changed the length (rare): convert character by character instead.
    return "".join(_keep_length(convert(ch), ch) for ch in folded)


def _fold(ch: str) -> str:
    if ch in "　\u00a0":
        return " "
    if ch == "−":
        return "-"
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _keep_length(converted: str, original: str) -> str:
    return converted if len(converted) == 1 else original


@dataclass(frozen=True, slots=True)
class Clause:
    start: int  # offsets in the line
    end: int
    sentence: int  # index of the sentence in its paragraph


@dataclass(slots=True)
class Paragraph:
    """One non-empty line: a paragraph of an article, a bullet of a plan, or a heading."""

    number: int  # 1-based line number in the text
    original: str
    text: str  # normalised, same length as `original`
    heading: bool
    sentences: list[tuple[int, int]] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)

    @property
    def body_start(self) -> int:
        """Where the words start, after any list numbering (一、, （二）, 3.)."""
        match = _LIST_MARK.match(self.text)
        return match.end() if match else len(self.text) - len(self.text.lstrip())


def paragraphs(text: str, convert: Converter | None) -> list[Paragraph]:
    """The text's non-empty lines, each split into sentences and clauses."""
    result = []
    for number, original in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not original.strip():
            continue
        normalised = normalise_line(original, convert)
        paragraph = Paragraph(number, original, normalised, is_heading(normalised))
        _split(paragraph)
        result.append(paragraph)
    return result


def is_heading(text: str) -> bool:
    """A short line that does not end a sentence: a title, a section heading, 一、2021年…执行情况."""
    stripped = text.strip()
    if len(stripped) > HEADING_MAX or stripped[-1:] in SENTENCE_ENDS + CLAUSE_ENDS + "”’":
        return bool(_LIST_MARK.match(stripped)) and len(stripped) <= HEADING_MAX and "。" not in stripped[:-1]
    return True


def _split(paragraph: Paragraph) -> None:
    text = paragraph.text
    depth = 0  # inside quotes or brackets a comma does not end a clause of the sentence around it
    sentence_start = clause_start = 0
    sentence_index = 0
    for index, ch in enumerate(text):
        if ch in "“‘《「『(（":
            depth += 1
        elif ch in "”’》」』)）" and depth:
            depth -= 1
        if ch in SENTENCE_ENDS or (ch in CLAUSE_ENDS and depth == 0) or index == len(text) - 1:
            end = index + 1
            paragraph.clauses.append(Clause(clause_start, end, sentence_index))
            clause_start = end
            if ch in SENTENCE_ENDS or index == len(text) - 1:
                paragraph.sentences.append((sentence_start, end))
                sentence_start = end
                sentence_index += 1
                depth = 0
