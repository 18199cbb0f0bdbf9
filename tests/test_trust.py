"""Issue 15 — trustworthy figures: the plausibility guard, retraction, which figure counts, preliminary
figures and undated adds. Each case runs the installed `zibo` as a subprocess, as a user would."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import BUNDLED, SAMPLE, run_installed

STRICT_TIME = {"ZIBO_NOW": "2026-12-03T10:00:00+08:00"}  # after the bundled figures were recorded


@pytest.fixture
def bundled(world: Path) -> Path:
    path = world / "goals.toml"
    shutil.copyfile(BUNDLED, path)
    return path


CACHE_ON = {"ZIBO_NO_CACHE": "", "ZIBO_CACHE_MIN_BYTES": "0"}  # the cache even for the bundled file


def zibo(
    path: Path, *args: str, now: str = "2026-12-03T10:00:00+08:00", lang: str = "en", env: dict[str, str] | None = None
):
    environment = {"ZIBO_NOW": now, **(env or {})}
    return run_installed("--lang", lang, "-f", str(path), *args, env=environment, cwd=path.parent)


# -- 1. the plausibility guard ----------------------------------------------------------------------

REFUSED = [
    (["add", "gdp", "5000万元", "--date", "2025"], "about 9,768 times smaller", "Did you mean 5000亿元?"),
    (["add", "four-strong-share", "0.6", "--date", "2025"], "about 99 times smaller", "Did you mean 60%?"),
    (["add", "gdp", "-5", "--date", "2025"], "not above zero", "give --force"),
    (["add", "gdp", "0", "--date", "2025"], "not above zero", "give --force"),
    (["add", "four-strong-share", "160", "--date", "2025"], "not a share", "give --force"),
    (["add", "gdp", "5000", "--date", "1980"], "more than 20 years before", "Check the year."),
    (["add", "gdp", "48841000", "--date", "2025"], "times larger", "Did you mean 4884.1亿元?"),
    (["add", "water-quality-rank", "0", "--date", "2025"], "not a place", "give --force"),
    (["add", "gdp-growth", "-120", "--date", "2025-06"], "fall of 100% or more", "give --force"),
    (["add", "four-strong-share", "0", "--date", "2025"], "a share of nothing", "give --force"),
]


@pytest.mark.parametrize(("args", "reason", "hint"), REFUSED, ids=[" ".join(a[1:3]) for a, _, _ in REFUSED])
def test_a_slip_is_refused_with_a_hint_and_nothing_written_unless_forced(
    bundled: Path, args: list[str], reason: str, hint: str
) -> None:
    before = bundled.read_bytes()
    refused = zibo(bundled, *args)
    assert refused.exit_code == 2, refused.stdout
    assert reason in refused.stderr, refused.stderr
    assert hint in refused.stderr, refused.stderr
    assert "nothing was written" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 2  # one sentence, one hint
    assert bundled.read_bytes() == before
    forced = zibo(bundled, *args, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert bundled.read_bytes().startswith(before)
    assert len(bundled.read_bytes()) > len(before)


def test_the_refusal_is_in_chinese_too(bundled: Path) -> None:
    refused = zibo(bundled, "add", "gdp", "5000万元", "--date", "2025", lang="zh")
    assert refused.exit_code == 2
    assert "已拒绝" in refused.stderr
    assert "是否应为 5000亿元？" in refused.stderr


def test_growth_rates_swing_without_refusal(bundled: Path) -> None:
    for value, date in (("9.4", "2026-03"), ("0.5", "2026-06"), ("-3", "2026-09")):
        result = zibo(bundled, "add", "gdp-growth", value, "--date", date)
        assert result.exit_code == 0, result.stderr


def test_a_flow_may_be_zero(bundled: Path) -> None:
    result = zibo(bundled, "add", "new-listed-companies", "0", "--date", "2026-06")
    assert result.exit_code == 0, result.stderr


def test_no_bundled_figure_would_have_been_refused() -> None:
    from zibo_cli.core.plausibility import file_suspicions, reference_of, suspicion
    from zibo_cli.store.read import analyse

    goals_file, problems = analyse(BUNDLED.read_bytes(), None)
    assert goals_file is not None
    assert not problems
    assert all(goal.measure for goal in goals_file.goals.values()), "every bundled goal says what it measures"
    checked = 0
    for goal_id, figures in goals_file.observations_by_goal().items():
        goal = goals_file.goals[goal_id]
        assert file_suspicions(goal, figures) == []
        for index, figure in enumerate(figures):  # as added in file order, and against all the others
            for others in (figures[:index], figures[:index] + figures[index + 1 :]):
                assert suspicion(goal, reference_of(goal, others), figure.value, figure.date) is None, figure
            checked += 1
    assert checked == len(goals_file.observations) > 50


def test_import_lists_every_suspicious_row_and_force_takes_them_all(bundled: Path) -> None:
    rows = "goal,date,value\ngdp,2023,5000万元\nfour-strong-share,2024,0.6\ngdp,2023,4800\n"
    (bundled.parent / "new.csv").write_text(rows, encoding="utf-8")
    before = bundled.read_bytes()
    refused = zibo(bundled, "import", "new.csv")
    assert refused.exit_code == 2
    assert "2 rows look like slips" in refused.stderr
    assert "row 2: 0.5亿元 is about" in refused.stderr
    assert "row 3: 0.6% is about" in refused.stderr
    assert "row 4" not in refused.stderr
    assert "--force" in refused.stderr
    assert bundled.read_bytes() == before
    forced = zibo(bundled, "import", "--force", "new.csv")
    assert forced.exit_code == 0, forced.stderr
    assert "Imported 3 figures" in forced.stdout


def test_check_is_silent_but_strict_lists_slips_already_in_the_file(bundled: Path) -> None:
    assert zibo(bundled, "check", "--strict").exit_code == 0  # the bundled file is clean
    assert zibo(bundled, "add", "gdp", "0.5", "--date", "2023", "--force").exit_code == 0
    plain = zibo(bundled, "check")
    assert (plain.exit_code, plain.stdout) == (0, "")
    strict = zibo(bundled, "check", "--strict")
    assert strict.exit_code == 1
    [line] = strict.stdout.splitlines()
    number = len(bundled.read_text(encoding="utf-8").splitlines()) - 5  # the appended [[observations]] line
    assert line.startswith(f"goals.toml:{number}: warning: a figure of gdp looks like a slip: 0.5亿元")


def test_check_validates_measure(bundled: Path) -> None:
    text = bundled.read_text(encoding="utf-8").replace('measure = "share"', 'measure = "shares"', 1)
    bundled.write_text(text, encoding="utf-8")
    result = zibo(bundled, "check")
    assert result.exit_code == 1
    assert "'measure' in goal" in result.stdout
    assert "Did you mean 'share'?" in result.stdout


# -- 2. retraction, end to end ----------------------------------------------------------------------


def refs_of(path: Path, goal: str) -> list[dict[str, object]]:
    shown = zibo(path, "show", goal, "--json")
    assert shown.exit_code == 0, shown.stderr
    return json.loads(shown.stdout)["goal"]["observations"]


def test_retraction_end_to_end_and_the_file_only_grows(bundled: Path) -> None:
    original = bundled.read_bytes()
    status_before = zibo(bundled, "status", "--json").stdout
    assert zibo(bundled, "add", "gdp", "1200亿元", "--date", "2024", "--force").exit_code == 0
    [mistake] = [o for o in refs_of(bundled, "gdp") if o["value"] == 1200]
    ref = str(mistake["ref"])
    assert re.fullmatch(r"[0-9a-f]{16}", ref)
    assert mistake["counts"] is True
    shown = zibo(bundled, "show", "gdp").stdout
    assert ref[:6] in shown  # the history shows the short ref
    chart = shown[shown.index("┼") :]

    grown = bundled.read_bytes()
    retracted = zibo(bundled, "retract", ref[:6], "--reason", "typed 1200 for 4884.1", now="2026-12-03T11:00:00+08:00")
    assert retracted.exit_code == 0, retracted.stderr
    assert "Retracted gdp = 120 bn yuan for 2024" in retracted.stdout
    after = bundled.read_bytes()
    assert after.startswith(grown)
    assert grown.startswith(original)  # the file only grew
    assert after[len(grown) :].decode().strip().startswith(f'[[retractions]]\nref = "{ref}"\ngoal = "gdp"')

    # status and every computation: as if the mistake had never been added
    assert zibo(bundled, "status", "--json").stdout == status_before
    figures = {o["ref"]: o for o in refs_of(bundled, "gdp")}
    assert figures[ref]["retracted"] == "typed 1200 for 4884.1"
    assert figures[ref]["counts"] is False
    shown = zibo(bundled, "show", "gdp").stdout
    assert "retracted: typed 1200 for 4884.1" in " ".join(shown.split())  # (wrapped in its column)
    new_chart = shown[shown.index("┼") :]
    # The y axis went down to 200 bn yuan for the 120 bn yuan mistake; without it, it starts near 400.
    assert "200 bn yuan ┼" in chart
    assert "200 bn yuan ┼" not in new_chart
    assert new_chart.count("●") == chart.count("●")  # the 2024 point is 4884.1's again, not 1200's
    # export: a retracted column
    exported = list(csv.DictReader(io.StringIO(zibo(bundled, "export").stdout.lstrip("\ufeff"))))
    assert [row["retracted"] for row in exported if row["ref"] == ref] == ["typed 1200 for 4884.1"]
    # report: under what changed in the window
    report = zibo(bundled, "report", "--since", "1d", "--format", "json", now="2026-12-03T12:00:00+08:00")
    entries = json.loads(report.stdout)["recorded"]
    assert [e["retraction"]["reason"] for e in entries if e["retraction"]] == ["typed 1200 for 4884.1"]
    text = zibo(bundled, "report", "--since", "1d", now="2026-12-03T12:00:00+08:00").stdout
    assert "retracted: typed 1200 for" in " ".join(text.split())
    # check: all is well
    assert (zibo(bundled, "check").exit_code, zibo(bundled, "check").stdout) == (0, "")

    # twice: a clear error; undo: a new record, and the figure counts again
    again = zibo(bundled, "retract", ref[:6], "--reason", "again")
    assert again.exit_code == 2
    assert "already retracted" in again.stderr
    assert "--undo" in again.stderr
    assert bundled.read_bytes() == after
    undone = zibo(bundled, "retract", "--undo", ref[:8])
    assert undone.exit_code == 0
    assert "counts again" in undone.stdout
    assert bundled.read_bytes().startswith(after)
    assert {o["ref"]: o for o in refs_of(bundled, "gdp")}[ref]["counts"] is True
    not_retracted = zibo(bundled, "retract", "--undo", ref)
    assert not_retracted.exit_code == 2
    assert "is not retracted" in not_retracted.stderr


@pytest.mark.parametrize(
    ("ref", "message"),
    [("abcdef", "no figure has the ref 'abcdef'"), ("xyz123", "is not a figure's ref"), ("", "is not a figure's ref")],
)
def test_an_unknown_ref_is_a_clear_error(bundled: Path, ref: str, message: str) -> None:
    before = bundled.read_bytes()
    result = zibo(bundled, "retract", ref, "--reason", "x")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert bundled.read_bytes() == before


def test_a_retraction_needs_a_reason(bundled: Path) -> None:
    ref = str(refs_of(bundled, "gdp")[0]["ref"])
    result = zibo(bundled, "retract", ref)
    assert result.exit_code == 2
    assert "needs a reason" in result.stderr


def test_an_ambiguous_prefix_is_refused(bundled: Path) -> None:
    import datetime as dt

    from zibo_cli.core.model import Observation
    from zibo_cli.core.refs import figure_ref
    from zibo_cli.store.read import analyse

    goals_file, _ = analyse(bundled.read_bytes(), None)
    assert goals_file is not None
    known = {figure_ref(o)[:4]: figure_ref(o) for o in goals_file.observations}
    recorded = dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    value = next(
        v
        for v in range(1000, 10**6)
        if figure_ref(Observation("parks", dt.date(2025, 12, 31), v, recorded=recorded))[:4] in known
    )
    new = figure_ref(Observation("parks", dt.date(2025, 12, 31), value, recorded=recorded))
    with bundled.open("a", encoding="utf-8") as handle:  # a figure whose ref shares four characters with another's
        handle.write(
            f'\n[[observations]]\ngoal = "parks"\ndate = 2025-12-31\nvalue = {value}\n'
            f"recorded = {recorded.isoformat()}\n"
        )
    before = bundled.read_bytes()
    result = zibo(bundled, "retract", new[:4], "--reason", "x")
    assert result.exit_code == 2
    assert f"the ref '{new[:4]}' is ambiguous: 2 figures' refs start with it" in result.stderr
    assert bundled.read_bytes() == before
    assert zibo(bundled, "retract", new, "--reason", "x").exit_code == 0


def test_two_identical_figures_are_one_figure_and_retracted_together(bundled: Path) -> None:
    block = (
        '\n[[observations]]\ngoal = "parks"\ndate = 2025-12-31\nvalue = 7000\nrecorded = 2026-12-01T09:00:00+08:00\n'
    )
    with bundled.open("a", encoding="utf-8") as handle:
        handle.write(block + block)
    twins = [o for o in refs_of(bundled, "parks") if o["value"] == 7000]
    assert len(twins) == 2
    assert twins[0]["ref"] == twins[1]["ref"]
    result = zibo(bundled, "retract", str(twins[0]["ref"])[:7], "--reason", "duplicate")
    assert result.exit_code == 0, result.stderr
    assert "holds this figure 2 times" in result.stdout
    assert "every copy" in result.stdout
    assert all(o["retracted"] == "duplicate" for o in refs_of(bundled, "parks") if o["value"] == 7000)


def test_check_warns_of_a_retraction_whose_figure_is_gone(bundled: Path) -> None:
    assert zibo(bundled, "add", "gdp", "1200亿元", "--date", "2024", "--force").exit_code == 0
    [mistake] = [o for o in refs_of(bundled, "gdp") if o["value"] == 1200]
    assert zibo(bundled, "retract", str(mistake["ref"]), "--reason", "typo").exit_code == 0
    text = bundled.read_text(encoding="utf-8").replace("value = 1200\n", "value = 1201\n")
    bundled.write_text(text, encoding="utf-8")  # the figure edited by hand
    result = zibo(bundled, "check")
    assert result.exit_code == 1
    line = text.splitlines().index("[[retractions]]") + 1
    assert result.stdout.startswith(f"goals.toml:{line}: warning: retraction 1 names a figure of gdp")
    assert zibo(bundled, "status").exit_code == 0  # a warning: other commands still read the file


def test_export_then_import_into_an_empty_copy_keeps_retractions(bundled: Path) -> None:
    assert zibo(bundled, "add", "gdp", "1200亿元", "--date", "2024", "--force").exit_code == 0
    [mistake] = [o for o in refs_of(bundled, "gdp") if o["value"] == 1200]
    assert zibo(bundled, "retract", str(mistake["ref"]), "--reason", "typo").exit_code == 0
    (bundled.parent / "all.csv").write_bytes(zibo(bundled, "export").stdout.encode())
    empty = bundled.parent / "empty.toml"
    text = bundled.read_text(encoding="utf-8")
    empty.write_text(text[: text.index("\n[[observations]]\n")], encoding="utf-8")
    before = empty.read_bytes()
    dry = zibo(empty, "import", "--dry-run", "all.csv")
    assert "Would retract 1 figure again" in dry.stdout
    assert empty.read_bytes() == before
    imported = zibo(empty, "import", "all.csv")  # no --force: the 1,200 slip is marked retracted, so not judged
    assert imported.exit_code == 0, imported.stderr
    assert "Retracted 1 figure again" in imported.stdout
    assert zibo(empty, "status", "--json").stdout.replace(str(empty), "F") == zibo(
        bundled, "status", "--json"
    ).stdout.replace(str(bundled), "F")
    copied = {o["ref"]: o for o in refs_of(empty, "gdp")}
    assert copied[mistake["ref"]]["retracted"] == "typo"


# -- 3. which figure counts -------------------------------------------------------------------------


def test_a_later_record_for_the_same_period_supersedes_and_show_says_so(bundled: Path) -> None:
    assert zibo(bundled, "add", "gdp", "4900亿元", "--date", "2024").exit_code == 0
    figures = [o for o in refs_of(bundled, "gdp") if o["date"] == "2024-12-31"]
    assert [(o["value"], o["counts"], o["superseded"]) for o in figures] == [
        (4884.1, False, True),
        (4900.0, True, False),
    ]
    assert "superseded by a later record" in " ".join(zibo(bundled, "show", "gdp").stdout.split())


# -- 4. preliminary figures, 5. undated adds ----------------------------------------------------------


@pytest.mark.parametrize("args", [["预计5000亿元"], ["初步核算，5000亿元"], ["5000亿元", "--preliminary"]])
def test_a_preliminary_figure_is_marked(bundled: Path, args: list[str]) -> None:
    result = zibo(bundled, "add", "gdp", *args, "--date", "2025", "--source", "淄博日报 2026-01-20")
    assert result.exit_code == 0, result.stderr
    assert bundled.read_text(encoding="utf-8").endswith(
        'value = 5000\nprecision = "year"\npreliminary = true\n'
        'source = "淄博日报 2026-01-20"\nrecorded = 2026-12-03T10:00:00+08:00\n'
    )


def test_an_undated_figure_of_a_yearly_goal_is_for_last_year_and_says_so(bundled: Path) -> None:
    result = zibo(bundled, "add", "gdp", "5100亿元")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "No --date given: the figure is for 2025, the last finished year (give --date for another)."
    )
    assert 'date = 2025-12-31\nvalue = 5100\nprecision = "year"' in bundled.read_text(encoding="utf-8")


# -- refs: hypothesis ---------------------------------------------------------------------------------

hex_refs = st.lists(st.text("0123456789abcdef", min_size=16, max_size=16), max_size=60)


@given(hex_refs)
def test_shortest_unique_prefixes_are_unique_minimal_and_at_least_six(refs: list[str]) -> None:
    from zibo_cli.core.refs import MIN_SHOWN, matching, shortest_unique

    short = shortest_unique(refs)
    assert set(short) == set(refs)
    for ref, prefix in short.items():
        assert ref.startswith(prefix)
        assert len(prefix) >= MIN_SHOWN
        assert matching(prefix, refs) == [ref]  # accepted, and names only this ref
        if len(prefix) > MIN_SHOWN:  # one shorter would be ambiguous
            assert len(matching(prefix[:-1], refs)) > 1


@given(hex_refs, st.text("0123456789abcdef", min_size=1, max_size=16))
def test_a_prefix_matches_exactly_the_refs_starting_with_it(refs: list[str], prefix: str) -> None:
    from zibo_cli.core.refs import matching

    assert matching(prefix, refs) == sorted({ref for ref in refs if ref.startswith(prefix)})


def test_a_ref_depends_only_on_what_identifies_the_figure() -> None:
    import datetime as dt

    from zibo_cli.core.model import Observation
    from zibo_cli.core.refs import figure_ref

    figure = Observation("gdp", dt.date(2024, 12, 31), 4884.1, source="plan")
    assert figure_ref(figure) == figure_ref(figure._replace(note="other", precision="year", quote="q"))
    for changed in ({"value": 4884.2}, {"source": None}, {"date": dt.date(2024, 12, 30)}, {"goal": "x"}):
        assert figure_ref(figure._replace(**changed)) != figure_ref(figure)
    assert re.fullmatch(r"[0-9a-f]{16}", figure_ref(figure))


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


@example("level", "亿元", 90071992548.0, 2.2250738585e-313)  # divides to 0
@example(None, "亿元", 1e-300, 1e300)  # divides to inf
@example("share", "%", 1e-300, 50.0)
@example("level", "亿元", 1.0, 1000.0)  # exactly the limit: accepted ("more than")
@example("level", "亿元", 1.0, 1000.5)
@given(
    st.sampled_from([None, "level", "flow", "share", "rate", "index", "rank"]),
    st.sampled_from(["亿元", "%", "‰", "位", "家"]),
    st.one_of(st.none(), finite),
    finite,
)
def test_the_guard_gives_an_answer_for_any_finite_figure(
    measure: str | None, unit: str, reference: float | None, value: float
) -> None:
    """Denormals, vast values and zeros included (hypothesis found value 2.2e-313 against 9e10 dividing to 0)."""
    import datetime as dt

    from zibo_cli.core.model import Goal
    from zibo_cli.core.plausibility import Reference, suspicion

    goal = Goal("g", "g", unit, measure=measure)  # type: ignore[arg-type]
    kind = "none" if reference is None else "median"
    found = suspicion(goal, Reference(reference, kind, dt.date(2020, 1, 1)), value, dt.date(2025, 12, 31))
    if found is not None:
        assert found.reason
        assert "--force" in found.hint
    if measure == "level" and reference is not None and reference > 0 and value > 0:
        factor = value / reference
        assert (found is not None) == (not 1 / 1000 <= factor <= 1000)


@pytest.mark.parametrize("env", [{}, CACHE_ON], ids=["parsed", "cached"])
def test_import_judges_only_new_unretracted_rows_and_re_runs_leave_the_file_alone(
    bundled: Path, env: dict[str, str]
) -> None:
    """A slip already in the file (forced once) or marked retracted is not judged again, and re-running
    an import of a retracted row adds no second, dangling retraction (cron may re-run an import), with
    the file read from the cache as well as parsed."""
    (bundled.parent / "slips.csv").write_text("goal,date,value\ngdp,2023,5000万元\n", encoding="utf-8")
    assert zibo(bundled, "import", "--force", "slips.csv", env=env).exit_code == 0
    again = zibo(bundled, "import", "slips.csv", env=env)
    assert again.exit_code == 0, again.stderr
    assert "Nothing new" in again.stdout
    (bundled.parent / "retracted.csv").write_text("goal,date,value,retracted\ngdp,2024,1200,typo\n", encoding="utf-8")
    assert zibo(bundled, "import", "retracted.csv", env=env).exit_code == 0  # a slip, but retracted: not refused
    once = bundled.read_bytes()
    assert once.count(b"[[retractions]]") == 1
    rerun = zibo(bundled, "import", "retracted.csv", now="2026-12-03T11:00:00+08:00", env=env)
    assert rerun.exit_code == 0, rerun.stderr
    assert bundled.read_bytes() == once  # the figure is there and retracted already: nothing to write
    assert zibo(bundled, "check", env=env).exit_code == 0


def test_a_retracted_row_is_not_what_the_rows_after_it_are_compared_with(world: Path) -> None:
    """A goal's first figure, imported as a retracted typo (1 for 10,000), is not the reference of the
    row after it: against the typo, 9,000 would look like a 万 slip."""
    path = world / "goals.toml"
    new_goal = '[goals.firms]\nname = "企业数"\nunit = "家"\ncategory = "industry"\nmeasure = "level"\n\n'
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("[[observations]]", new_goal + "[[observations]]", 1))
    (world / "two.csv").write_text("goal,date,value,retracted\nfirms,2019,1,typo\nfirms,2020,9000,\n", encoding="utf-8")
    result = zibo(path, "import", "two.csv")
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8").count("value = 9000") == 1


def test_import_marks_a_preliminary_value_as_add_does(bundled: Path) -> None:
    (bundled.parent / "p.csv").write_text("goal,date,value\ngdp,2025,预计5100亿元\n", encoding="utf-8")
    assert zibo(bundled, "import", "p.csv").exit_code == 0
    assert (
        bundled.read_text(encoding="utf-8")
        .rstrip()
        .endswith("preliminary = true\nrecorded = 2026-12-03T10:00:00+08:00")
    )


def test_a_final_figure_written_by_hand_below_a_preliminary_one_counts(bundled: Path) -> None:
    """Hand-written figures have no `recorded` time: below the figures for their period, they replace them."""
    with bundled.open("a", encoding="utf-8") as handle:
        handle.write('\n[[observations]]\ngoal = "gdp"\ndate = 2025-12-31\nprecision = "year"\nvalue = 5120\n')
    figures = {o["value"]: o for o in refs_of(bundled, "gdp")}
    assert figures[5120]["counts"] is True
    assert figures[5000]["superseded"] is True


def test_retract_refuses_to_append_tables_after_a_static_retractions_array(bundled: Path) -> None:
    """`retractions = []` written by hand cannot be followed by `[[retractions]]` tables (invalid TOML):
    retract says so and writes nothing, rather than leave a file no command can read."""
    text = bundled.read_text(encoding="utf-8")
    bundled.write_text(text.replace("\nschema = 1\n", "\nschema = 1\nretractions = []\n", 1), encoding="utf-8")
    assert zibo(bundled, "check").exit_code == 0
    before = bundled.read_bytes()
    ref = str(refs_of(bundled, "gdp")[0]["ref"])
    refused = zibo(bundled, "retract", ref, "--reason", "typo")
    assert refused.exit_code == 2
    assert "invalid file" in refused.stderr
    assert bundled.read_bytes() == before
