"""Stable references to figures, shown like git's abbreviated hashes.

A figure's ref is a hash of what identifies it — goal, date, value, source and recorded time — so it
never changes as the file grows. Two figures alike in all five are one figure written twice and share
their ref. People see the shortest prefix (at least MIN_SHOWN characters) that no other ref in the
file starts with, and may type any unique prefix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from zibo_cli.core.model import Observation

FULL_LENGTH = 16  # hex digits: 64 bits, so two figures of a million share a full ref with odds of 1 in 10⁷
MIN_SHOWN = 6


def figure_ref(figure: Observation) -> str:
    """The full ref of a figure."""
    recorded = figure.recorded.isoformat() if figure.recorded is not None else ""
    text = (
        f"{figure.goal}\x1f{figure.date.isoformat()}\x1f{float(figure.value)!r}\x1f{figure.source or ''}\x1f{recorded}"
    )
    return hashlib.blake2b(text.encode("utf-8"), digest_size=FULL_LENGTH // 2).hexdigest()


def shortest_unique(refs: Iterable[str], minimum: int = MIN_SHOWN) -> dict[str, str]:
    """Each distinct ref → its shortest prefix (≥ `minimum`) that no other distinct ref starts with.

    Sorted, a ref's nearest rivals are its neighbours: the prefix must be one longer than the longest
    prefix it shares with either, so a million refs take one sort and one pass.
    """
    ordered = sorted(set(refs))
    shared = [0] * len(ordered)
    for index in range(1, len(ordered)):
        common = _common(ordered[index - 1], ordered[index])
        shared[index - 1] = max(shared[index - 1], common)
        shared[index] = max(shared[index], common)
    return {ref: ref[: max(minimum, common + 1)] for ref, common in zip(ordered, shared, strict=True)}


def _common(first: str, second: str) -> int:
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return length


def matching(prefix: str, refs: Sequence[str]) -> list[str]:
    """The distinct refs that start with `prefix` (case-insensitive), in sorted order."""
    wanted = prefix.strip().lower()
    return sorted({ref for ref in refs if ref.startswith(wanted)})


def is_ref_text(text: str) -> bool:
    """Whether `text` could be a typed ref: hex digits, at least four (shorter ones match too much)."""
    cleaned = text.strip().lower()
    return 4 <= len(cleaned) <= FULL_LENGTH and all(char in "0123456789abcdef" for char in cleaned)
