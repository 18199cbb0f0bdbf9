"""Stable references to figures, shown like git's abbreviated hashes.

A figure's ref is a hash of what identifies it — goal, date, value, source and recorded time — so it
never changes as the file grows. Two figures alike in all five are one figure written twice and share
their ref. People see the shortest prefix (at least MIN_SHOWN characters) that no other ref in the
file starts with, and may type any unique prefix.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from zibo_cli.core.model import Observation

FULL_LENGTH = 16  # hex digits: 64 bits, so two figures of a million share a full ref with odds of 1 in 10⁷
MIN_SHOWN = 6


def ref_number(figure: Observation) -> int:
    """A figure's ref as a number (what the cache stores, 8 bytes a figure)."""
    recorded = figure.recorded.isoformat() if figure.recorded is not None else ""
    text = (
        f"{figure.goal}\x1f{figure.date.isoformat()}\x1f{float(figure.value)!r}\x1f{figure.source or ''}\x1f{recorded}"
    )
    from blake3 import blake3  # the cache's hash, already loaded where refs are needed; `status` never is

    return int.from_bytes(blake3(text.encode("utf-8")).digest(FULL_LENGTH // 2), "big")


def figure_ref(figure: Observation) -> str:
    """The full ref of a figure."""
    return f"{ref_number(figure):0{FULL_LENGTH}x}"


def shown_refs(wanted: Iterable[str], every: Iterable[int], minimum: int = MIN_SHOWN) -> dict[str, str]:
    """Each ref of `wanted` → its shortest prefix (≥ `minimum`) that no other ref of `every` starts with.

    Sorted, a ref's nearest rivals are its neighbours: the prefix must be one digit longer than the most
    it shares with either (equal leading hex digits, from the XOR of the numbers). One sort of the file's
    refs, then a binary search per ref shown: `show` on a million figures looks at its goal's only.
    """
    ordered = sorted(set(every))
    shown = {}
    for ref in wanted:
        number = int(ref, 16)
        at = bisect.bisect_left(ordered, number)
        rivals = [rival for rival in ordered[max(0, at - 1) : at + 2] if rival != number]
        common = max(((4 * FULL_LENGTH - (number ^ rival).bit_length()) // 4 for rival in rivals), default=0)
        shown[ref] = ref[: max(minimum, common + 1)]
    return shown


def shortest_unique(refs: Iterable[str], minimum: int = MIN_SHOWN) -> dict[str, str]:
    """Each distinct ref → its shortest unique prefix among `refs` (≥ `minimum`)."""
    distinct = set(refs)
    return shown_refs(distinct, (int(ref, 16) for ref in distinct), minimum)


def matching(prefix: str, refs: Sequence[str]) -> list[str]:
    """The distinct refs that start with `prefix` (case-insensitive), in sorted order."""
    wanted = prefix.strip().lower()
    return sorted({ref for ref in refs if ref.startswith(wanted)})


def is_ref_text(text: str) -> bool:
    """Whether `text` could be a typed ref: hex digits, at least four (shorter ones match too much)."""
    cleaned = text.strip().lower()
    return 4 <= len(cleaned) <= FULL_LENGTH and all(char in "0123456789abcdef" for char in cleaned)
