"""The HTML report in real Chromium: no horizontal scroll at 1280 px (a laptop) or 390 px (a phone),
and every chart figure drawn over its own period's label, in English and Chinese.

Needs Debian's `chromium` (and `fonts-noto-cjk` for the Chinese page); .ci/run installs both when it
can. Skipped, saying so, where no Chromium is found.
"""

from __future__ import annotations

import shutil

import pytest

from browser import find_browser, measure_pages
from conftest import BUNDLED, TESTS, run

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    browser = find_browser()
    if browser is None:
        pytest.skip("no Chromium found (Debian: apt-get install chromium fonts-noto-cjk); the HTML layout is unchecked")
    pages = {}
    mp = pytest.MonkeyPatch()
    try:
        work = tmp_path_factory.mktemp("browser")
        mp.chdir(work)
        from conftest import PINNED_ENV

        for key, value in PINNED_ENV.items():
            mp.setenv(key, value)
        mp.setenv("HOME", str(work))
        shutil.copyfile(TESTS / "data" / "report.toml", work / "goals.toml")
        for language in ("en", "zh"):
            for name, args in (
                ("report", ("--as-of", "2026-10-05")),
                ("bundled", ("-f", str(BUNDLED), "--as-of", "2026-06-30")),
                ("periods", ("-f", str(TESTS / "data" / "periods.toml"), "--as-of", "2026-10-15")),
            ):
                result = run("--lang", language, "report", "--format", "html", *args)
                assert result.exit_code == 0, result.stderr
                pages[f"{name}-{language}"] = result.stdout
    finally:
        mp.undo()
    return measure_pages(browser, pages, WIDTHS)


def test_every_page_was_measured(measured: list[dict]) -> None:
    assert sorted(page["name"] for page in measured) == sorted(
        f"{name}-{language}@{width}"
        for name in ("report", "bundled", "periods")
        for language in ("en", "zh")
        for width in WIDTHS
    )
    assert all(page["width"] in WIDTHS for page in measured)


def test_no_horizontal_overflow(measured: list[dict]) -> None:
    for page in measured:
        assert page["scrollWidth"] <= page["clientWidth"], (page["name"], page["wide"])
        assert page["wide"] == [], (page["name"], page["wide"])


def test_every_chart_point_lies_over_its_own_period(measured: list[dict]) -> None:
    """The first period label at or right of a figure is its own period's: labels mark period ends,
    so a yearly figure stands right above its year and a part of a year lies before the year's label."""
    checked = 0
    for page in measured:
        assert page["points"], page["name"]
        for point in page["points"]:
            ahead = [label for label in point["labels"] if label["centre"] >= point["x"] - 1.5]
            own = [label for label in point["labels"] if label["period"] == point["period"]]
            if not own:  # a long span labels every n-th period only
                continue
            assert ahead, (page["name"], point["chart"], point["period"])
            first = min(ahead, key=lambda label: label["centre"])
            assert first["period"] == point["period"], (page["name"], point["chart"], point["period"], first)
            checked += 1
    assert checked >= 40


def test_yearly_figures_sit_on_their_year(measured: list[dict]) -> None:
    """A figure for a whole year is drawn within its label, not a year to its right (issue 17)."""
    page = next(page for page in measured if page["name"] == "bundled-en@1280")
    gdp = [point for point in page["points"] if point["chart"] == "goal-gdp"]
    assert {point["period"] for point in gdp} >= {"2019", "2021", "2024", "2025"}
    for point in gdp:
        own = next(label for label in point["labels"] if label["period"] == point["period"])
        assert own["left"] <= point["x"] <= own["right"]


def test_monthly_and_quarterly_figures_sit_on_their_own_label(measured: list[dict]) -> None:
    """Over a short span each figure's own month or quarter is labelled, and the figure is drawn above it
    (a monthly series of nine months once got quarter labels, January over "Q4 2025")."""
    for page in (page for page in measured if page["name"].startswith("periods-")):
        points = [point for point in page["points"] if point["chart"] != "goal-avg-rise"]
        assert {point["period"][5:] for point in points} >= {"01", "02", "Q1", "Q2"}, page["name"]
        for point in points:
            own = [label for label in point["labels"] if label["period"] == point["period"]]
            assert own, (page["name"], point["chart"], point["period"])
            assert own[0]["left"] - 1 <= point["x"] <= own[0]["right"] + 1, (page["name"], point["period"], own[0])
