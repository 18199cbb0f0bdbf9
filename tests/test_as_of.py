"""One meaning of --as-of everywhere: a figure counts once it is dated and public (issue 16, point 3).

Public from its `published` day, else its source's date, else the day it was recorded. Reports list
news by `recorded`; --recorded-by reproduces what cron printed; a fresh `zibo init` copy is a
starting point, not news.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BUNDLED, run

FILE = """\
schema = 1

[sources.later-page]
title = "A page that reposted the figure"
date = 2026-02-20

[sources.monthly]
title = "A monthly bulletin"
date = "2026-01"

[goals.g]
name = "指标"
unit = "亿元"
baseline = { value = 100, date = 2024-12-31 }
target = { value = 200, by = 2026-12-31 }

[[observations]]
goal = "g"
date = 2025-12-31
value = 150
precision = "year"
source = "later-page"
published = 2026-01-10
recorded = 2026-03-01T09:00:00+08:00
"""


@pytest.fixture
def goals(world: Path) -> Path:
    path = world / "goals.toml"
    path.write_text(FILE, encoding="utf-8")
    return path


def status_of(*args: str) -> dict[str, object]:
    result = run("status", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return {goal["id"]: goal for goal in json.loads(result.stdout)["goals"]}


def report_of(*args: str) -> dict[str, object]:
    result = run("report", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_figure_published_before_and_recorded_after_the_day_counts_that_day(goals: Path) -> None:
    """Public on 2026-01-10 (before its source page, 2026-02-20), typed in on 2026-03-01."""
    assert status_of("--as-of", "2026-01-09")["g"]["latest"] is None
    counted = status_of("--as-of", "2026-01-10")["g"]
    assert counted["latest"]["value"] == 150
    report = report_of("--as-of", "2026-01-10")
    assert report["goals"][0]["latest"]["value"] == 150
    assert report["goals"][0]["status"] == counted["status"]
    assert report["recorded"] == []  # recorded on 2026-03-01, outside the window 2026-01-04..10


def test_recorded_by_reprints_what_cron_printed(goals: Path) -> None:
    """Cron, running on 2026-02-01, had not seen the figure yet: --recorded-by leaves it out."""
    then = report_of("--as-of", "2026-02-01", "--recorded-by", "2026-02-01")
    assert then["goals"][0]["status"] == "no_data"
    now = report_of("--as-of", "2026-02-01")
    assert now["goals"][0]["latest"]["value"] == 150


def test_the_window_lists_figures_by_when_they_were_recorded(goals: Path) -> None:
    report = report_of("--as-of", "2026-03-03")
    assert [entry["value"] for entry in report["recorded"]] == [150]
    assert report["recorded"][0]["published"] == "2026-01-10"
    # news to whoever reads the report: the status at the window's start was judged on what had been
    # recorded by then (nothing)
    assert [(c["before"], c["after"]) for c in report["changes"]] == [("no_data", report["goals"][0]["status"])]


def test_without_published_a_figure_is_public_from_its_source(goals: Path) -> None:
    goals.write_text(FILE.replace("published = 2026-01-10\n", ""), encoding="utf-8")
    assert status_of("--as-of", "2026-02-19")["g"]["latest"] is None
    assert status_of("--as-of", "2026-02-20")["g"]["latest"]["value"] == 150


def test_a_source_dated_by_month_is_public_at_the_months_end(goals: Path) -> None:
    goals.write_text(
        FILE.replace("published = 2026-01-10\n", "").replace('source = "later-page"', 'source = "monthly"'),
        encoding="utf-8",
    )
    assert status_of("--as-of", "2026-01-30")["g"]["latest"] is None
    assert status_of("--as-of", "2026-01-31")["g"]["latest"]["value"] == 150


def test_without_a_source_date_a_figure_is_public_from_when_it_was_recorded(goals: Path) -> None:
    goals.write_text(
        FILE.replace("published = 2026-01-10\n", "").replace('source = "later-page"', 'source = "a phone call"'),
        encoding="utf-8",
    )
    assert status_of("--as-of", "2026-02-28")["g"]["latest"] is None
    assert status_of("--as-of", "2026-03-01")["g"]["latest"]["value"] == 150


def test_show_and_export_count_the_same_figures(goals: Path) -> None:
    shown = json.loads(run("show", "g", "--json", "--as-of", "2026-01-09").stdout)["goal"]
    assert shown["observations"] == []
    assert len(json.loads(run("show", "g", "--json", "--as-of", "2026-01-10").stdout)["goal"]["observations"]) == 1
    assert json.loads(run("export", "--format", "json", "--as-of", "2026-01-09").stdout) == []
    assert len(json.loads(run("export", "--format", "json", "--as-of", "2026-01-10").stdout)) == 1
    assert len(json.loads(run("export", "--format", "json").stdout)) == 1


def test_published_in_the_future_is_refused(goals: Path) -> None:
    goals.write_text(FILE.replace("published = 2026-01-10", "published = 2027-01-10"), encoding="utf-8")
    result = run("status")
    assert result.exit_code == 2
    assert "'published' in observation 1 is 2027-01-10, in the future." in result.stderr


def test_a_bad_recorded_by_is_one_plain_sentence(goals: Path) -> None:
    result = run("report", "--recorded-by", "last monday")
    assert result.exit_code == 2
    assert result.stderr.startswith("zibo: --recorded-by 'last monday' is not a date.")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "day",
    ["2019-12-31", "2022-06-30", "2022-12-31", "2023-01-18", "2024-08-06", "2026-01-20", "2026-06-30", "2026-11-27"],
)
def test_status_and_report_agree_for_every_as_of(world: Path, day: str) -> None:
    statuses = {
        goal_id: goal["status"] for goal_id, goal in status_of("-f", str(BUNDLED), "--all", "--as-of", day).items()
    }
    report = report_of("-f", str(BUNDLED), "--as-of", day)
    assert {goal["id"]: goal["status"] for goal in report["goals"]} == statuses


def test_the_bundled_work_report_figures_count_from_the_day_it_was_delivered(world: Path) -> None:
    before = status_of("-f", str(BUNDLED), "--as-of", "2022-12-30")["gdp"]["latest"]
    assert before["date"] == "2021-12-31"
    after = status_of("-f", str(BUNDLED), "--as-of", "2022-12-31")["gdp"]["latest"]
    assert after == {"date": "2022-12-31", "value": 4500.0, "qualifier": None, "preliminary": True}


# -- a fresh copy is a starting point ------------------------------------------------------------------


def test_a_fresh_inits_report_lists_no_news(world: Path) -> None:
    assert run("init").exit_code == 0
    copy = (world / "goals.toml").read_text(encoding="utf-8")
    assert "\nstarted = 2026-12-02T07:30:00+08:00\n" in copy  # the newest recorded time: after ZIBO_NOW
    report = report_of("--since", "30d")
    assert report["recorded"] == []
    assert report["changes"] == []
    assert report_of("--since", "30d", "--recorded-by", "2026-11-27")["recorded"] == []
    assert run("check").exit_code == 0


def test_figures_added_after_init_are_news(world: Path) -> None:
    assert run("init").exit_code == 0
    env = {"ZIBO_NOW": "2026-12-03T09:00:00+08:00"}
    added = run("add", "robot-industry", "92亿", "--date", "2025", "--source", "a briefing", env=env)
    assert added.exit_code == 0, added.stderr
    report = json.loads(run("report", "--format", "json", env=env).stdout)
    assert [(entry["goal"], entry["value"]) for entry in report["recorded"]] == [("robot-industry", 92.0)]
    assert [change["goal"] for change in report["changes"]] == ["robot-industry"]


def test_the_bundled_file_itself_has_no_started_marker(world: Path) -> None:
    report = report_of("-f", str(BUNDLED), "--as-of", "2026-11-27")
    assert len(report["recorded"]) == 56  # the bundled file is not a copy: its figures were recorded that day
