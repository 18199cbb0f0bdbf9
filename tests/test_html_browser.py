"""The HTML report in real Chromium: no horizontal scroll at 1280 px (a laptop) or 390 px (a phone),
and every chart figure drawn over its own period's label, in English and Chinese.

Needs Debian's `chromium` (and `fonts-noto-cjk` for the Chinese page); .ci/run installs both when it
can. Skipped, saying so, where no Chromium is found.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable

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


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
QUARTERS_ZH = "一二三四"


def _month(name: str) -> int:
    return MONTHS.index(name) + 1


def _figure_period_end(title: str) -> tuple[int, int]:
    """The year and last month of the period a dot's tooltip names ('Q3 2026: …', '2022–2024年平均：…',
    'Jan–Nov 2024: …'): read from the figure's own date, not from chart.py's tick keys."""
    date = re.split("[:：]", title, maxsplit=1)[0].removeprefix("average ")
    if len(re.findall(r"\d{4}", date)) == 2:  # a span of years or across years ends where its last part does
        date = date.split("–")[-1]
    date = date.removesuffix("平均")
    patterns: list[tuple[str, Callable[[re.Match[str]], tuple[int, int]]]] = [
        (r"(\d{4})年?", lambda m: (int(m[1]), 12)),
        (r"Q([1-4]) (\d{4})", lambda m: (int(m[2]), 3 * int(m[1]))),
        (r"(\d{4})年([一二三四])季度", lambda m: (int(m[1]), 3 * (QUARTERS_ZH.index(m[2]) + 1))),
        (r"H([12]) (\d{4})", lambda m: (int(m[2]), 6 * int(m[1]))),
        (r"(\d{4})年([上下])半年", lambda m: (int(m[1]), 6 if m[2] == "上" else 12)),
        (r"(?:\d{1,2} )?(?:[A-Z][a-z]{2}–)?([A-Z][a-z]{2}) (\d{4})", lambda m: (int(m[2]), _month(m[1]))),
        (r"(\d{4})年(?:\d{1,2}–)?(\d{1,2})月(?:\d{1,2}日)?", lambda m: (int(m[1]), int(m[2]))),
    ]
    for pattern, period in patterns:
        match = re.fullmatch(pattern, date)
        if match:
            return period(match)
    raise AssertionError(f"a tooltip this test cannot read: {title!r}")


def _read_labels(labels: list[dict]) -> list[dict]:
    """Each period label left to right with the year and months its text names. A label within a year
    says only 'Q2' or '7月': its year is the one the last label that says a year said."""
    read, year = [], None
    for label in sorted(labels, key=lambda label: label["centre"]):
        text = label["text"]
        if match := re.fullmatch(r"\d{4}", text):
            year, months = int(text), (1, 12)
        elif match := re.fullmatch(r"Q([1-4])(?: (\d{4}))?", text):
            quarter = int(match[1])
            year, months = int(match[2] or 0) or year, (3 * quarter - 2, 3 * quarter)
        elif match := re.fullmatch(r"(?:(\d{4})年)?([一二三四])季度", text):
            quarter = QUARTERS_ZH.index(match[2]) + 1
            year, months = int(match[1] or 0) or year, (3 * quarter - 2, 3 * quarter)
        elif match := re.fullmatch(r"([A-Z][a-z]{2})(?: (\d{4}))?", text):
            year, months = int(match[2] or 0) or year, (_month(match[1]),) * 2
        elif match := re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月", text):
            year, months = int(match[1] or 0) or year, (int(match[2]),) * 2
        else:
            raise AssertionError(f"a period label this test cannot read: {text!r}")
        assert year is not None, f"the axis's first label says no year: {text!r}"
        read.append({**label, "year": year, "months": months})
    return read


def _names(label: dict, period_end: tuple[int, int]) -> bool:
    year, month = period_end
    return label["year"] == year and label["months"][0] <= month <= label["months"][1]


def test_every_chart_point_stands_over_the_label_naming_its_period(measured: list[dict]) -> None:
    """The first period label at or right of a figure reads the figure's own period (its year, quarter or
    month, as the tooltip dates the figure): labels mark period ends, so a yearly figure stands right
    above its year and a part of a year lies before the year's label."""
    checked = 0
    for page in measured:
        assert page["points"], page["name"]
        for point in page["points"]:
            period_end = _figure_period_end(point["title"])
            labels = _read_labels(point["labels"])
            if not any(_names(label, period_end) for label in labels):  # a long span labels every n-th period only
                continue
            ahead = [label for label in labels if label["centre"] >= point["x"] - 1.5]
            assert ahead, (page["name"], point["chart"], point["title"])
            assert _names(ahead[0], period_end), (page["name"], point["chart"], point["title"], ahead[0]["text"])
            checked += 1
    assert checked >= 40


def test_yearly_figures_sit_on_their_year(measured: list[dict]) -> None:
    """A figure for a whole year is drawn within the label that reads its year, not a year to its right
    (issue 17)."""
    page = next(page for page in measured if page["name"] == "bundled-en@1280")
    gdp = [point for point in page["points"] if point["chart"] == "goal-gdp"]
    years = {point["title"].split(":")[0] for point in gdp}
    assert years >= {"2019", "2021", "2024", "2025"}
    for point in gdp:
        year = point["title"].split(":")[0]
        own = next(label for label in point["labels"] if label["text"] == year)
        assert own["left"] <= point["x"] <= own["right"], (year, own)


def test_monthly_and_quarterly_figures_sit_on_their_own_label(measured: list[dict]) -> None:
    """Over a short span each figure's own month or quarter is labelled, and the figure is drawn above the
    label that reads it (a monthly series of nine months once got quarter labels, January over "Q4 2025")."""
    for page in (page for page in measured if page["name"].startswith("periods-")):
        points = [point for point in page["points"] if point["chart"] != "goal-avg-rise"]
        kinds = {re.split("[:：]", point["title"])[0] for point in points}
        assert len(kinds) >= 8, (page["name"], kinds)  # five months and three quarters of 2026, two years
        for point in points:
            period_end = _figure_period_end(point["title"])
            own = [label for label in _read_labels(point["labels"]) if _names(label, period_end)]
            assert own, (page["name"], point["chart"], point["title"])
            assert own[0]["left"] - 1 <= point["x"] <= own[0]["right"] + 1, (page["name"], point["title"], own[0])
