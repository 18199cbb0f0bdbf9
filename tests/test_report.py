"""`zibo report`: goldens for every format, the window and status-change rules, --output, --fail-on, injection."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from conftest import TESTS, assert_golden, run
from zibo_cli.core.model import Goal, GoalsFile, Observation, Status, Target
from zibo_cli.core.report import build_report, known_by
from zibo_cli.core.window import SinceError, Window, parse_since

REPORT_DATA = TESTS / "data" / "report.toml"
AS_OF = "2026-10-05"
ESCAPE = re.compile(r"\x1b|\x9b")


@pytest.fixture
def report_file(world: Path) -> Path:
    path = world / "goals.toml"
    shutil.copyfile(REPORT_DATA, path)
    return path


def report(*args: str, lang: str = "en") -> str:
    result = run("--lang", lang, "report", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


# --- goldens --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("md", "md"), ("html", "html"), ("json", "json")])
def test_report_golden(report_file: Path, fmt: str, suffix: str, lang: str) -> None:
    text = report("--format", fmt, lang=lang)
    # English is report.*, Chinese report-zh.*; JSON is the same in every language.
    assert_golden("report.json" if fmt == "json" else f"report{'' if lang == 'en' else '-' + lang}.{suffix}", text)
    if fmt == "md":
        assert_tables_are_rectangular(text)
    if fmt == "text":
        assert all(cell_len(line) <= 80 for line in text.splitlines())


def test_text_is_the_default_and_fits_80_columns_without_escape_codes(report_file: Path) -> None:
    text = report()
    assert text == report("--format", "text")
    assert not ESCAPE.search(text)
    assert all(cell_len(line) <= 80 for line in text.splitlines())


def test_text_ignores_the_terminal_width(report_file: Path) -> None:
    narrow = run("report", "--as-of", AS_OF, env={"COLUMNS": "40"})
    wide = run("report", "--as-of", AS_OF, env={"COLUMNS": "200"})
    assert narrow.stdout == wide.stdout == report()


def test_bundled_dataset_text_report_fits_80_columns(world: Path) -> None:
    result = run("report", "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.stderr
    assert all(cell_len(line) <= 80 for line in result.stdout.splitlines())
    assert "淄博" in result.stdout


def test_json_report_keys_are_stable(report_file: Path) -> None:
    document = json.loads(report("--format", "json"))
    assert list(document) == [
        "report_format", "title", "file", "as_of", "window", "horizon_days", "counts", "goals", "recorded",
        "changes", "deadlines", "stale", "sources",
    ]  # fmt: skip
    assert document["window"] == {"first": "2026-09-29", "last": "2026-10-05", "days": 7}
    assert document["counts"]["total"] == 6
    assert sum(document["counts"][s.value] for s in Status) == 6
    status = json.loads(run("status", "--as-of", AS_OF, "--all", "--json").stdout)
    assert [g["id"] for g in document["goals"]] == [g["id"] for g in status["goals"]]
    by_id = {g["id"]: g for g in status["goals"]}
    # The share figure recorded after the as-of day is not yet known to the report; everything else agrees.
    for goal in document["goals"]:
        if goal["id"] != "share":
            assert goal == by_id[goal["id"]]


def test_format_follows_the_output_extension(report_file: Path) -> None:
    for name, start in [
        ("r.md", "# "),
        ("r.html", "<!DOCTYPE html>"),
        ("r.json", "{"),
        ("r.txt", "Sample — report as of"),
    ]:
        assert run("report", "--as-of", AS_OF, "--output", name).exit_code == 0
        assert (report_file.parent / name).read_text(encoding="utf-8").startswith(start)


# --- what the report says -------------------------------------------------------------------------


def test_recorded_in_the_window_counts_by_recorded_day_not_figure_date(report_file: Path) -> None:
    document = json.loads(report("--format", "json"))
    recorded = [(e["goal"], e["recorded"]) for e in document["recorded"]]
    assert recorded == [
        ("water", "2026-09-29T00:10:00+08:00"),  # first day of the window: in
        ("gdp", "2026-09-30T09:15:00+08:00"),
        ("robots", "2026-10-02T16:40:00+08:00"),
        ("firms", "2026-10-05T20:00:00+08:00"),  # the as-of day, late evening: in
    ]  # parks, recorded 2026-09-28 23:59, is the day before; share, 2026-10-20, is after


def test_status_changes_compare_window_start_with_end(report_file: Path) -> None:
    document = json.loads(report("--format", "json"))
    changes = {c["goal"]: (c["before"], c["after"]) for c in document["changes"]}
    assert changes == {"gdp": ("at_risk", "off_track"), "robots": ("no_data", "insufficient")}
    two_days = json.loads(report("--format", "json", "--since", "2d"))
    assert {c["goal"] for c in two_days["changes"]} == set()  # gdp and robots were recorded earlier


def test_report_as_of_a_past_day_shows_what_was_known_then(report_file: Path) -> None:
    later = json.loads(run("report", "--as-of", "2026-10-21", "--format", "json").stdout)
    share = next(g for g in later["goals"] if g["id"] == "share")
    assert share["latest"]["date"] == "2025-12-31"
    now = json.loads(report("--format", "json"))
    share = next(g for g in now["goals"] if g["id"] == "share")
    assert share["latest"]["date"] == "2024-11-30"


def test_deadlines_follow_the_horizon(report_file: Path) -> None:
    assert len(json.loads(report("--format", "json"))["deadlines"]) == 4
    assert json.loads(report("--format", "json", "--horizon", "30"))["deadlines"] == []
    everything = json.loads(report("--format", "json", "--horizon", "3650"))["deadlines"]
    assert [(d["goal"], d["stage"]) for d in everything][-1] == ("firms", 2)


def test_stale_and_sources(report_file: Path) -> None:
    document = json.loads(report("--format", "json"))
    assert [(s["goal"], s["stale_since"]) for s in document["stale"]] == [("share", "2026-03-31")]
    sources = {(s["id"], s["text"]): s["cited_by"] for s in document["sources"]}
    assert sources == {
        ("plan", None): ["gdp", "firms"],
        (None, "淄博日报 2026-10-01"): ["robots"],
        (None, "Parks bureau bulletin"): ["parks"],
    }


def _goal(goal_id: str, target: float = 100) -> Goal:
    return Goal(id=goal_id, name=goal_id, unit="家", targets=(Target(target, dt.date(2027, 12, 31)),))


def _moment(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + "T12:00:00+08:00")


def test_observations_without_recorded_are_always_known_but_never_recent() -> None:
    old = Observation("a", dt.date(2024, 12, 31), 50)
    new = Observation("a", dt.date(2025, 12, 31), 80, recorded=_moment("2026-03-03"))
    goals_file = GoalsFile(schema=1, goals={"a": _goal("a")}, observations=[old, new])
    assert known_by([old, new], dt.date(2026, 3, 2)) == [old]
    window = parse_since("7d", dt.date(2026, 3, 5))
    data = build_report(goals_file, dt.date(2026, 3, 5), window, "f.toml")
    assert [entry.observation for entry in data.recorded] == [new]
    assert data.assessments[0].latest == new
    before = build_report(goals_file, dt.date(2026, 3, 2), parse_since("7d", dt.date(2026, 3, 2)), "f.toml")
    assert before.recorded == ()
    assert before.assessments[0].latest == old


# --- --since --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("7d", "2026-01-06"),
        ("1d", "2026-01-12"),
        ("2w", "2025-12-30"),
        ("1m", "2025-12-13"),
        ("1y", "2025-01-13"),
        (" 7D ", "2026-01-06"),
        ("2026-01-05", "2026-01-05"),
        ("2026-01-12", "2026-01-12"),
    ],
)
def test_parse_since(text: str, first: str) -> None:
    window = parse_since(text, dt.date(2026, 1, 12))
    assert window == Window(dt.date.fromisoformat(first), dt.date(2026, 1, 12))


@pytest.mark.parametrize("text", ["0d", "7", "d", "seven days", "2026-02-30", "2026-01-13", "", "-7d", "2026/01/05"])
def test_parse_since_refuses(text: str) -> None:
    with pytest.raises(SinceError):
        parse_since(text, dt.date(2026, 1, 12))


@given(st.integers(1, 5000), st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)))
def test_a_window_of_n_days_holds_n_days_ending_on_as_of(days: int, as_of: dt.date) -> None:
    window = parse_since(f"{days}d", as_of)
    assert window.days == days
    assert window.last == as_of
    assert window.start == as_of - dt.timedelta(days=days)
    assert window.contains(as_of)
    assert not window.contains(window.start)


def test_bad_since_is_a_clean_refusal(report_file: Path) -> None:
    before = report_file.read_bytes()
    result = run("report", "--as-of", AS_OF, "--since", "lastweek")
    assert result.exit_code == 2
    assert "--since" in result.stderr
    assert "Traceback" not in result.stderr
    assert report_file.read_bytes() == before


# --- --fail-on and --output -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [("deteriorating", 0), ("missed", 0), ("off_track", 1), ("at_risk", 1), ("at-risk", 1), ("fact", 1)],
)
def test_fail_on(report_file: Path, status: str, code: int) -> None:
    result = run("report", "--as-of", AS_OF, "--fail-on", status)
    assert result.exit_code == code
    assert result.stdout == report()  # the report is written in full either way
    if code:
        assert "or worse" in result.stderr


def test_fail_on_unknown_status(report_file: Path) -> None:
    result = run("report", "--as-of", AS_OF, "--fail-on", "doomed")
    assert result.exit_code == 2
    assert "at_risk" in result.stderr
    assert result.stdout == ""


def test_output_is_written_atomically_and_equals_stdout(report_file: Path) -> None:
    target = report_file.parent / "out" / "week.md"
    target.parent.mkdir()
    target.write_text("old content\n")
    result = run("report", "--as-of", AS_OF, "--format", "md", "--output", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == report("--format", "md")
    assert [p.name for p in target.parent.iterdir()] == ["week.md"]  # no temp file left behind


def test_output_dash_means_stdout(report_file: Path) -> None:
    result = run("report", "--as-of", AS_OF, "--output", "-", "--format", "md")
    assert result.stdout == report("--format", "md")
    assert not (report_file.parent / "-").exists()


def test_output_into_a_missing_folder(report_file: Path) -> None:
    before = report_file.read_bytes()
    result = run("report", "--as-of", AS_OF, "--output", "missing/week.txt")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (report_file.parent / "missing").exists()
    assert report_file.read_bytes() == before


def test_output_never_overwrites_the_goals_file(report_file: Path) -> None:
    before = report_file.read_bytes()
    link = report_file.parent / "link.toml"
    link.symlink_to(report_file)
    for target in ("goals.toml", "./goals.toml", str(report_file), "link.toml"):
        result = run("report", "--as-of", AS_OF, "--output", target)
        assert result.exit_code == 2, target
        assert "goals file itself" in result.stderr
    assert report_file.read_bytes() == before


@pytest.mark.parametrize("args", [("--format", "pdf"), ("--horizon", "-1"), ("--as-of", "soon")])
def test_bad_options(report_file: Path, args: tuple[str, ...]) -> None:
    result = run("report", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


# --- HTML structure -------------------------------------------------------------------------------


class Structure(HTMLParser):
    """Counts what the structural checks need, and fails on unbalanced tags."""

    VOID: ClassVar[set[str]] = {"meta", "br", "link", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> Structure:
    parser = Structure()
    parser.feed(text)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


def assert_no_external_resource(text: str, parser: Structure) -> None:
    lowered = text.lower()
    assert "src=" not in lowered
    assert "<link" not in lowered
    assert "@import" not in lowered
    assert "url(" not in lowered
    assert not any(tag in ("script", "iframe", "object", "embed", "img", "link") for tag, _ in parser.tags)
    for tag, attributes in parser.tags:
        for name, value in attributes.items():
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            if tag != "a" and value:
                assert not re.search(r"https?:", value, re.IGNORECASE), (tag, name, value)


def test_html_structure(report_file: Path) -> None:
    text = report("--format", "html")
    parser = parse_html(text)
    svgs = [attrs for tag, attrs in parser.tags if tag == "svg"]
    document = json.loads(report("--format", "json"))
    targeted = [g for g in document["goals"] if g["stages"]]
    assert len(svgs) == len(targeted) == 4
    figures = [attrs["id"] for tag, attrs in parser.tags if tag == "figure"]
    assert figures == [f"goal-{g['id']}" for g in targeted]
    assert_no_external_resource(text, parser)
    assert text.count("<style>") == 1
    links = [attrs["href"] for tag, attrs in parser.tags if tag == "a"]
    assert links == ["https://example.org/plan"]
    circles = [attrs for tag, attrs in parser.tags if tag == "circle" and "obs" in (attrs.get("class") or "")]
    assert len(circles) == 8  # gdp 3, firms 2, robots 1, share 2 (its figure recorded later is not yet known)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_chart_marks_lie_inside_the_plot(report_file: Path, lang: str) -> None:
    """Every figure, target and path point is drawn inside the plotting area, whatever unit is shown."""
    from zibo_cli.render.report_html import (
        CHART_HEIGHT,
        CHART_WIDTH,
        MARGIN_BOTTOM,
        MARGIN_LEFT,
        MARGIN_RIGHT,
        MARGIN_TOP,
    )

    parser = parse_html(report("--format", "html", lang=lang))
    left, right = MARGIN_LEFT, CHART_WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, CHART_HEIGHT - MARGIN_BOTTOM
    points: list[tuple[float, float]] = []
    for tag, attrs in parser.tags:
        if tag == "circle":
            points.append((float(attrs["cx"] or "nan"), float(attrs["cy"] or "nan")))
        if tag == "polyline":
            points += [tuple(map(float, pair.split(","))) for pair in (attrs["points"] or "").split()]  # type: ignore[misc]
    assert len(points) > 8
    for cx, cy in points:
        assert left <= cx <= right
        assert top <= cy <= bottom


NASTY = {
    "name": "Evil <script>alert('name')</script> | pipe",
    "note": '<script>alert(1)</script> | a|b\nsecond line [red]red[/red] \x1b[2J =HYPERLINK("x") *em* `code`',
    "source": "<img src=x onerror=alert(2)>",
    "url": "javascript:alert(3)",
}


@pytest.fixture
def nasty_file(world: Path) -> Path:
    path = world / "goals.toml"
    path.write_text(
        f"""schema = 1
title = "T <b>bold</b> & co"

[sources.bad]
title = "Bad | source <i>"
url = {json.dumps(NASTY["url"])}

[goals.evil]
name = {json.dumps(NASTY["name"])}
unit = "家"
target = {{ value = 10, by = 2026-12-31 }}
source = "bad"

[[observations]]
goal = "evil"
date = 2025-12-31
value = 5
source = {json.dumps(NASTY["source"])}
note = {json.dumps(NASTY["note"])}
recorded = 2026-10-01T10:00:00+08:00
""",
        encoding="utf-8",
    )
    return path


def test_html_escapes_everything_from_the_file(nasty_file: Path) -> None:
    text = report("--format", "html")
    parser = parse_html(text)
    assert not any(tag in ("script", "img", "b", "i") for tag, _ in parser.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    assert "&lt;img src=x onerror=alert(2)&gt;" in text
    assert "javascript:" not in [attrs.get("href") for tag, attrs in parser.tags if tag == "a"]
    assert not any("javascript" in (attrs.get("href") or "") for _, attrs in parser.tags)
    visible = "".join(parser.text)
    assert "<script>alert(1)</script>" in visible  # shown as text, exactly
    assert "\x1b" not in text
    assert len([tag for tag, _ in parser.tags if tag == "svg"]) == 1
    assert_no_external_resource(text.replace("src=x", ""), parser)


def test_markdown_keeps_pipes_and_newlines_inside_cells(nasty_file: Path) -> None:
    text = report("--format", "md")
    assert "<script" not in text
    assert "\x1b" not in text
    row = next(line for line in text.splitlines() if "&lt;script&gt;alert(1)" in line)
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    assert len(cells) == 7  # the recorded-figures table has 7 columns: no | escaped out of its cell
    assert "a\\|b<br>second line" in row
    assert "\\[red\\]" in row
    assert "\\*em\\*" in row
    assert "\\`code\\`" in row
    assert_tables_are_rectangular(text)


def assert_tables_are_rectangular(text: str) -> None:
    """Every row of every Markdown table has as many cells as its header: no stray | or newline split one."""
    tables: list[list[str]] = []
    previous_was_row = False
    for line in text.splitlines():
        is_row = line.startswith("|")
        if is_row and not previous_was_row:
            tables.append([])
        if is_row:
            tables[-1].append(line)
        previous_was_row = is_row
    assert tables
    for table in tables:
        widths = {len(re.split(r"(?<!\\)\|", row.strip()[1:-1])) for row in table}
        assert len(widths) == 1, table


def test_text_neutralises_escape_sequences_and_markup(nasty_file: Path) -> None:
    text = report()
    assert "\x1b" not in text
    assert "\nevil" in text  # the goal's id, whole
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    shown = run("show", "evil", "--as-of", AS_OF).stdout  # the compact report leaves notes to `show`
    assert "\x1b" not in shown
    assert "\\x1b[2J" in shown
    assert "[red]red[/red]" in shown  # shown literally, not interpreted as Rich markup


def test_json_report_keeps_text_exact(nasty_file: Path) -> None:
    document = json.loads(report("--format", "json"))
    assert document["recorded"][0]["note"] == NASTY["note"]
    assert document["goals"][0]["name"] == NASTY["name"]


def test_a_tab_in_a_note_is_expanded_by_rich() -> None:  # in `show`; the text report lists no notes
    from zibo_cli.render import report_text

    goals_file = GoalsFile(
        schema=1,
        goals={"a": _goal("a")},
        observations=[Observation("a", dt.date(2026, 3, 1), 50, note="one\ttwo", recorded=_moment("2026-03-03"))],
    )
    from zibo_cli.core.progress import assess
    from zibo_cli.render.console import plain_console
    from zibo_cli.render.show_view import show_goal

    console = plain_console(80)
    show_goal(console, assess(goals_file.goals["a"], goals_file.observations, dt.date(2026, 3, 5)), goals_file)
    assert "one     two" in console.file.getvalue()  # type: ignore[attr-defined]  # Rich expands the tab
    data = build_report(goals_file, dt.date(2026, 3, 5), parse_since("7d", dt.date(2026, 3, 5)), "f.toml")
    assert "\t" not in report_text.render_text(data)
