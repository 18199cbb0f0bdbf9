"""Measure `zibo extract` on the hand-checked corpus in tests/data/extract: recall and matching precision.

Each text `NAME.txt` has `NAME.expected.toml`: every figure the text states, read by hand, with the
goal of the bundled goals.toml it is for ("" for none). A found figure is one extracted on the same
line with the same value, unit, kind and qualifier. Matching is judged on found figures: right (the
expected goal), wrong (another goal — never acceptable), missed (no goal where one was expected).

`python tests/extract_corpus.py` prints the table that docs/extract.md shows.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "data" / "extract"
HOME = "淄博"
REPO = Path(__file__).parents[1]


@dataclass
class Score:
    name: str
    style: str
    expected: int = 0
    found: int = 0
    spurious: list[str] = field(default_factory=list)  # extracted, but no figure of the text
    with_goal: int = 0  # found figures whose expected goal is a goal
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    other_place_matched: list[str] = field(default_factory=list)
    dates_right: int = 0
    dates_checked: int = 0
    not_found: list[str] = field(default_factory=list)
    matched: int = 0  # extracted figures with a goal
    places_right: int = 0
    preliminary_right: int = 0
    other: list[str] = field(default_factory=list)  # wrong date, place or preliminary flag

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        """Of the figures matched to a goal, the share matched to the right one."""
        judged = self.right + len(self.wrong)
        return self.right / judged if judged else 1.0

    @property
    def match_recall(self) -> float:
        return self.right / self.with_goal if self.with_goal else 1.0


def texts() -> list[Path]:
    return sorted(CORPUS.glob("*.expected.toml"))


def bundled_goals() -> Any:
    from zibo_cli.store.read import analyse

    goals_file, problems = analyse((REPO / "goals.toml").read_bytes(), dt.date(2026, 11, 27))
    assert not problems
    return goals_file


def _key(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["line"], round(float(item["value"]), 9), item["unit"], item["kind"], item.get("qualifier") or None)


def _describe(item: dict[str, Any]) -> str:
    return f"line {item['line']}: {item['value']:g}{item['unit']} ({item['kind']})"


def _same_date(expected: dict[str, Any], record: dict[str, Any]) -> bool:
    from zibo_cli.core.dates import parse_iso_date

    if "by" in expected:
        return record["by"] == expected["by"]
    if "date" not in expected:
        return record["date"] is None
    if record["date"] is None:
        return False
    want, _ = parse_iso_date(expected["date"])
    got, _ = parse_iso_date(record["date"])
    return want == got and (expected.get("period") or None) == (record["period"] or None)


def measure(path: Path, goals_file: Any = None) -> Score:
    """Extract one text and score it against its expectations."""
    import opencc

    from zibo_cli.core.dates import parse_iso_date
    from zibo_cli.core.extract import extract
    from zibo_cli.core.extract_dates import When

    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    goals_file = goals_file or bundled_goals()
    day, precision = parse_iso_date(spec["published"])
    text = (CORPUS / spec["text"]).read_text(encoding="utf-8")
    figures = extract(text, goals_file, When(day, precision), opencc.OpenCC("t2s").convert)
    records = [f.record() | {"kind": f.kind, "unit": f.unit} for f in figures]
    score = Score(spec["text"].removesuffix(".txt"), spec.get("style", ""))
    pool = list(records)
    for expected in spec["figures"]:
        score.expected += 1
        candidates = [r for r in pool if _key(r) == _key(expected)]
        if not candidates:
            score.not_found.append(_describe(expected))
            continue
        goal = expected.get("goal") or None
        chosen = next((r for r in candidates if r["goal"] == goal), candidates[0])
        pool.remove(chosen)
        score.found += 1
        score.dates_checked += 1
        same_date = _same_date(expected, chosen)
        score.dates_right += same_date
        place = chosen["place"] if chosen["place"] != HOME else None
        same_place = place == expected.get("place")
        score.places_right += same_place
        same_preliminary = chosen["preliminary"] == expected.get("preliminary", False)
        score.preliminary_right += same_preliminary
        for ok, what, got in (
            (same_date, "date", chosen["by"] or chosen["date"]),
            (same_place, "place", chosen["place"]),
            (same_preliminary, "preliminary", chosen["preliminary"]),
        ):
            if not ok:
                score.other.append(f"{_describe(expected)}: {what} {got}")
        if goal:
            score.with_goal += 1
        if chosen["goal"] is None:
            if goal:
                score.missed.append(f"{_describe(expected)} → {goal}: {chosen['reason']}")
        elif chosen["goal"] == goal:
            score.right += 1
        else:
            score.wrong.append(f"{_describe(expected)}: matched {chosen['goal']}, expected {goal or 'none'}")
            if expected.get("place"):
                score.other_place_matched.append(_describe(expected))
    score.spurious = [_describe(r) for r in pool]
    score.matched = sum(1 for r in records if r["goal"])
    return score


def measure_all() -> list[Score]:
    goals_file = bundled_goals()
    return [measure(path, goals_file) for path in texts()]


def table(scores: list[Score]) -> str:
    """The Markdown table of docs/extract.md."""
    lines = [
        "| text | style | figures | found | recall | not figures taken | matched | right | wrong | "
        "matching precision | matching recall | date right | place right | preliminary right |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total = Score("all", "")
    for s in scores:
        lines.append(
            f"| {s.name} | {s.style} | {s.expected} | {s.found} | {s.recall:.0%} | {len(s.spurious)} | "
            f"{s.right + len(s.wrong)} | {s.right} | {len(s.wrong)} | {s.precision:.0%} | "
            f"{s.right}/{s.with_goal} ({s.match_recall:.0%}) | {s.dates_right}/{s.dates_checked} | "
            f"{s.places_right}/{s.found} | {s.preliminary_right}/{s.found} |"
        )
        total.places_right += s.places_right
        total.preliminary_right += s.preliminary_right
        total.expected += s.expected
        total.found += s.found
        total.spurious += s.spurious
        total.right += s.right
        total.wrong += s.wrong
        total.with_goal += s.with_goal
        total.dates_right += s.dates_right
        total.dates_checked += s.dates_checked
    t = total
    lines.append(
        f"| **all** | | {t.expected} | {t.found} | {t.recall:.1%} | {len(t.spurious)} | {t.right + len(t.wrong)} | "
        f"{t.right} | {len(t.wrong)} | {t.precision:.0%} | {t.right}/{t.with_goal} ({t.match_recall:.0%}) | "
        f"{t.dates_right}/{t.dates_checked} | {t.places_right}/{t.found} | {t.preliminary_right}/{t.found} |"
    )
    return "\n".join(lines)


def details(scores: list[Score]) -> str:
    out = []
    for s in scores:
        for label, items in (
            ("not found", s.not_found),
            ("taken as a figure but none", s.spurious),
            ("wrong goal", s.wrong),
            ("no goal", s.missed),
            ("other", s.other),
        ):
            for item in items:
                out.append(f"- {s.name}, {label}: {item}")
    return "\n".join(out)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    results = measure_all()
    print(table(results))
    print()
    print(details(results))
    assert all(math.isfinite(s.recall) for s in results)
