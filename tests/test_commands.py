"""Every command through CliRunner, with the pinned world of conftest."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED, SAMPLE, run

ANSI = re.compile(r"\x1b\[")


# -- status -----------------------------------------------------------------------------------------


def test_status_shows_targets_most_at_risk_first(sample: Path) -> None:
    result = run("status", "--as-of", "2025-06-30")
    assert result.exit_code == 0
    lines = result.stdout
    # at risk, then no data, then on track
    assert lines.index("GDP") < lines.index("Robot industry") < lines.index("Share of the four")
    assert "Parks" not in lines  # facts need --all
    assert "2 facts not shown" in lines


def test_status_in_chinese(sample: Path) -> None:
    result = run("--lang", "zh", "status", "--all", "--as-of", "2025-06-30")
    assert "地区生产总值" in result.stdout
    assert "≥1000处" in result.stdout
    assert "有风险" in result.stdout
    assert "截至 2025-06-30" in result.stdout


def test_language_from_environment_and_refusal(sample: Path) -> None:
    assert "地区生产总值" in run("status", env={"ZIBO_LANG": "", "LANG": "zh_CN.UTF-8", "LC_ALL": ""}).stdout
    assert "GDP" in run("status", env={"ZIBO_LANG": "", "LC_ALL": "C"}).stdout
    refused = run("--lang", "fr", "status")
    assert refused.exit_code == 2
    assert "fr" in refused.stderr


def test_errors_in_chinese(sample: Path) -> None:
    result = run("--lang", "zh", "add", "gdq", "5")
    assert result.exit_code == 2
    assert "文件中没有目标“gdq”" in result.stderr
    assert "您是否要找 'gdp'" in result.stderr


def test_status_all_includes_facts(sample: Path) -> None:
    result = run("status", "--all", "--as-of", "2025-06-30")
    assert "Parks" in result.stdout
    assert "≥1,000 sites" in result.stdout


def test_status_json_has_the_documented_keys(sample: Path) -> None:
    result = run("status", "--json", "--as-of", "2025-06-30")
    document = json.loads(result.stdout)
    assert document["as_of"] == "2025-06-30"
    assert document["file"].endswith("goals.toml")
    by_id = {goal["id"]: goal for goal in document["goals"]}
    gdp = by_id["gdp"]
    for key in ("id", "name", "unit", "status", "progress", "latest", "target"):
        assert key in gdp
    assert gdp["latest"] == {"date": "2024-12-31", "value": 4884.1, "qualifier": None, "preliminary": False}
    assert gdp["target"] == {"value": 7000.0, "by": "2026-12-31"}
    assert gdp["progress"] == pytest.approx((4884.1 - 4000) / 3000)
    for key in ("method", "ratio", "cagr_actual", "cagr_required", "projected", "projected_lsq", "projected_date"):
        assert key in gdp
    for key in ("needed_per_year", "awaiting", "stale", "stale_since", "stages"):
        assert key in gdp
    assert by_id["robots"]["latest"] is None
    assert by_id["robots"]["status"] == "no_data"


def test_status_json_progress_is_not_clamped(sample: Path) -> None:
    goals = json.loads(run("status", "--json", "--as-of", "2025-06-30").stdout)["goals"]
    share = next(goal for goal in goals if goal["id"] == "share")
    assert share["progress"] == pytest.approx((59.6 - 47.3) / (60 - 47.3))
    run("add", "share", "66", "--date", "2025")
    goals = json.loads(run("status", "--json").stdout)["goals"]
    share = next(goal for goal in goals if goal["id"] == "share")
    assert share["progress"] > 1


def test_status_as_of_hides_later_figures(sample: Path) -> None:
    """A figure counts once it is dated and public: both GDP figures cite a plan dated 2025-03-21."""

    def latest(day: str) -> object:
        goals = json.loads(run("status", "--json", "--as-of", day).stdout)["goals"]
        return next(goal for goal in goals if goal["id"] == "gdp")["latest"]

    assert latest("2025-03-20") is None
    assert latest("2025-03-21")["date"] == "2024-12-31"  # type: ignore[index]
    sample.write_text(sample.read_text().replace("date = 2025-03-21\n", "date = 2024-01-31\n", 1))
    assert latest("2024-06-30")["date"] == "2023-12-31"  # type: ignore[index]


def test_status_filters(sample: Path) -> None:
    only = json.loads(run("status", "--json", "--status", "no_data", "--as-of", "2025-06-30").stdout)["goals"]
    assert [goal["id"] for goal in only] == ["robots"]
    economy = json.loads(run("status", "--json", "--category", "economy", "--as-of", "2025-06-30").stdout)["goals"]
    assert [goal["id"] for goal in economy] == ["gdp"]
    bad = run("status", "--status", "great")
    assert bad.exit_code == 2
    assert "not a status" in bad.stderr


def test_status_sort_orders(sample: Path) -> None:
    by_id = json.loads(run("status", "--json", "--sort", "id", "--as-of", "2025-06-30").stdout)["goals"]
    assert [goal["id"] for goal in by_id] == sorted(goal["id"] for goal in by_id)
    assert run("status", "--sort", "size").exit_code == 2


def test_status_plain_when_piped_or_no_color(sample: Path) -> None:
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}, {}):
        result = run("status", "--as-of", "2025-06-30", env=env)
        assert not ANSI.search(result.stdout)


def test_status_drops_secondary_columns_when_narrow(sample: Path) -> None:
    narrow = run("status", "--as-of", "2025-06-30", env={"COLUMNS": "80"}).stdout
    wide = run("status", "--as-of", "2025-06-30", env={"COLUMNS": "160"}).stdout
    forced = run("status", "--as-of", "2025-06-30", "--wide", env={"COLUMNS": "80"}).stdout
    assert "Needed" not in narrow
    assert "Needed" in wide
    assert "Category" in forced
    assert all(len(line) <= 80 for line in narrow.splitlines())


def test_status_exits_zero_whatever_the_statuses(sample: Path) -> None:
    assert run("status", "--as-of", "2031-01-01").exit_code == 0


def test_status_without_any_file_uses_bundled_dataset(world: Path) -> None:
    result = run("status", "--as-of", "2026-06-30")
    assert result.exit_code == 0
    assert "bundled dataset" in result.stdout
    assert "Robot industry" in result.stdout


# -- where the file is -------------------------------------------------------------------------------


def test_file_option_before_or_after_the_command(world: Path) -> None:
    other = world / "elsewhere.toml"
    shutil.copyfile(SAMPLE, other)
    before = run("--file", str(other), "goals")
    after = run("goals", "-f", str(other))
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout
    assert "elsewhere.toml" in after.stdout


def test_file_precedence(world: Path) -> None:
    env_file = world / "from-env.toml"
    shutil.copyfile(SAMPLE, env_file)
    user_file = Path(world.parent / "home" / ".local" / "share" / "zibo" / "goals.toml")
    user_file.parent.mkdir(parents=True)
    shutil.copyfile(SAMPLE, user_file)
    assert "user data file" in run("goals").stdout
    shutil.copyfile(SAMPLE, world / "goals.toml")
    assert "./goals.toml" in run("goals").stdout
    assert "ZIBO_FILE" in run("goals", env={"ZIBO_FILE": str(env_file)}).stdout
    assert "--file" in run("goals", "-f", str(env_file), env={"ZIBO_FILE": "nope"}).stdout


def test_verbose_names_the_file(sample: Path) -> None:
    result = run("--verbose", "check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "goals.toml (./goals.toml)" in result.stderr


# -- add ---------------------------------------------------------------------------------------------


def test_add_appends_and_reports_the_change(sample: Path) -> None:
    before = sample.read_bytes()
    result = run("add", "gdp", "5100亿元", "--date", "2025", "--source", "plan", "--note", "first estimate")
    assert result.exit_code == 0, result.stderr
    assert "488.41 bn yuan (2024) → 510 bn yuan (2025)" in result.stdout
    assert "progress:" in result.stdout
    after = sample.read_bytes()
    assert after.startswith(before)
    appended = after[len(before) :].decode()
    assert 'goal = "gdp"' in appended
    assert "date = 2025-12-31" in appended
    assert 'precision = "year"' in appended
    assert "value = 5100" in appended
    assert "recorded = 2026-11-27T10:00:00+08:00" in appended
    assert run("check").exit_code == 0


def test_add_keeps_hand_written_comments_and_layout(sample: Path) -> None:
    original = sample.read_text() + "# a trailing comment the user wrote\n   # indented oddly\n"
    sample.write_text(original)
    assert run("add", "share", "61.2", "--date", "2025-Q4").exit_code == 0
    assert sample.read_text().startswith(original)


def test_add_finds_goal_by_name_and_prefix(sample: Path) -> None:
    assert run("add", "机器人", "50", "--date", "2025").exit_code == 0
    assert run("add", "rob", "60", "--date", "2026-03").exit_code == 0
    text = sample.read_text()
    assert text.count('goal = "robots"') == 2


def test_add_qualifier_and_conversion(sample: Path) -> None:
    result = run("add", "gdp", "约0.5万亿元", "--date", "2025")
    assert result.exit_code == 0
    assert "read as" in result.stdout
    assert 'qualifier = "approx"' in sample.read_text()
    assert "value = 5000" in sample.read_text()


def test_add_date_forms(sample: Path) -> None:
    for form, written in [("2025-06", "2025-06-30"), ("2025-Q3", "2025-09-30"), ("2025-11-02", "2025-11-02")]:
        assert run("add", "share", "60", "--date", form).exit_code == 0
        assert f"date = {written}" in sample.read_text()


def test_add_without_date_is_for_the_last_finished_period_and_says_so(sample: Path) -> None:
    # Decision (issue 15): a goal with a target is yearly, so an undated figure is for last year.
    result = run("add", "share", "60")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("No --date given: the figure is for 2025, the last finished year")
    assert 'date = 2025-12-31\nvalue = 60\nprecision = "year"' in sample.read_text()


def test_add_without_date_on_a_fact_without_cadence_is_today(sample: Path) -> None:
    result = run("add", "parks", "40")
    assert result.exit_code == 0, result.stderr
    assert "No --date given" not in result.stdout
    assert "date = 2026-11-27\nvalue = 40\n" in sample.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "gdq", "5"], "Did you mean 'gdp'"),
        (["add", "gdp", "abc"], "not a number"),
        (["add", "gdp", "nan"], "not a number"),
        (["add", "gdp", "1e400"], "too large"),
        (["add", "gdp", "1e300"], "too large"),
        (["add", "gdp", "50家"], "does not convert"),
        (["add", "gdp", "5", "--date", "2025-02-30"], "not a real date"),
        (["add", "gdp", "5", "--date", "2099"], "in the future"),
        (["add", "gdp", "5", "--date", "yesterdayish"], "not a date"),
        (["add", "gdp", "5", "--source", "plam"], "Did you mean 'plan'"),
        (["add", "in", "5"], "matches"),
    ],
)
def test_add_refusals_leave_the_file_unchanged(sample: Path, args: list[str], message: str) -> None:
    before = sample.read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert sample.read_bytes() == before


def test_add_to_bundled_dataset_is_refused(world: Path) -> None:
    before = BUNDLED.read_bytes()
    result = run("add", "robot", "5", "--date", "2025")
    assert result.exit_code == 2
    assert "bundled dataset" in result.stderr
    assert "zibo init" in result.stderr
    assert BUNDLED.read_bytes() == before


def test_add_to_read_only_file_is_refused(sample: Path) -> None:
    before = sample.read_bytes()
    sample.chmod(0o444)
    result = run("add", "gdp", "5", "--date", "2025")
    assert result.exit_code == 2
    assert "read-only" in result.stderr
    assert sample.read_bytes() == before


def test_add_to_invalid_file_is_refused(sample: Path) -> None:
    sample.write_text(sample.read_text() + "\n[goals.bad]\nname = 'x'\n")
    before = sample.read_bytes()
    result = run("add", "gdp", "5", "--date", "2025")
    assert result.exit_code == 2
    assert "goals.toml:" in result.stderr
    assert sample.read_bytes() == before


def test_add_preserves_crlf_and_bom(sample: Path) -> None:
    sample.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes().replace(b"\n", b"\r\n"))
    assert run("add", "gdp", "5000", "--date", "2025").exit_code == 0
    data = sample.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert run("check").exit_code == 0


def test_add_writes_through_symlink_and_keeps_mode(sample: Path) -> None:
    real = sample.parent / "real.toml"
    sample.rename(real)
    real.chmod(0o640)
    sample.symlink_to(real)
    assert run("add", "gdp", "5000", "--date", "2025").exit_code == 0
    assert sample.is_symlink()
    assert (real.stat().st_mode & 0o777) == 0o640
    assert "value = 5000" in real.read_text()
    assert not list(sample.parent.glob(".*zibo-tmp"))


# -- show and goals ----------------------------------------------------------------------------------


def test_show_lists_history_sources_and_chart(sample: Path) -> None:
    result = run("show", "gdp", "--as-of", "2025-06-30")
    assert result.exit_code == 0
    out = result.stdout
    assert "GDP" in out
    assert "488.41 bn yuan" in out
    assert "Sample plan" in out
    assert "●" in out
    assert "◎" in out


def test_show_json(sample: Path) -> None:
    document = json.loads(run("show", "gdp", "--json", "--as-of", "2025-06-30").stdout)
    assert [o["value"] for o in document["goal"]["observations"]] == [4500, 4884.1]


def test_show_goal_without_data_says_so(sample: Path) -> None:
    assert "No figures yet" in run("show", "robots").stdout


def test_show_unknown_goal(sample: Path) -> None:
    result = run("show", "robts")
    assert result.exit_code == 2
    assert "Did you mean 'robots'" in result.stderr


def test_goals_lists_every_goal(sample: Path) -> None:
    result = run("goals")
    assert result.exit_code == 0
    for goal_id in ("gdp", "share", "robots", "water", "parks"):
        assert goal_id in result.stdout
    ids = [goal["id"] for goal in json.loads(run("goals", "--json").stdout)]
    assert ids == ["gdp", "share", "robots", "water", "parks"]


# -- check and init ----------------------------------------------------------------------------------


def test_check_is_silent_on_the_shipped_dataset(world: Path) -> None:
    result = run("check", "-f", str(BUNDLED))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_check_lists_every_problem_with_lines(sample: Path) -> None:
    text = sample.read_text().replace('direction = "decrease"', 'direction = "down"')
    text += '\n[[observations]]\ngoal = "gpd"\ndate = 2024-01-01\nvalue = 1\nunknown = 3\n'
    sample.write_text(text)
    result = run("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert any(re.match(r"goals\.toml:\d+: 'direction' in goal 'water'", line) for line in lines)
    assert any("Did you mean 'gdp'" in line for line in lines)
    assert any("unknown key 'unknown'" in line for line in lines)


def test_check_reports_toml_syntax_with_line_and_column(sample: Path) -> None:
    sample.write_text('schema = 1\n[goals.a]\nname = "unclosed\n')
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.startswith("goals.toml:3:")


def test_init_writes_bundled_copy_and_never_overwrites(world: Path) -> None:
    assert run("init").exit_code == 0
    copy = (world / "goals.toml").read_bytes()
    marker = re.search(rb"\n# Written by `zibo init`[^\n]*\nstarted = [^\n]*\n", copy)
    assert marker is not None
    assert copy[: marker.start() + 1] + copy[marker.end() :] == BUNDLED.read_bytes()  # only `started` is added
    again = run("init")
    assert again.exit_code == 2
    assert "never overwrites" in again.stderr


def test_init_empty_template_passes_check(world: Path) -> None:
    assert run("init", "--empty", "mine.toml").exit_code == 0
    assert run("check", "-f", "mine.toml").exit_code == 0
    assert "schema = 1" in (world / "mine.toml").read_text()


def test_init_user_writes_xdg_file(world: Path) -> None:
    assert run("init", "--user").exit_code == 0
    user_file = world.parent / "home" / ".local" / "share" / "zibo" / "goals.toml"
    assert user_file.exists()
    assert "user data file" in run("goals").stdout


def test_every_command_help_leads_with_an_example(world: Path) -> None:
    from zibo_cli.cli.app import app

    names = [command.name for command in app.registered_commands]
    assert names
    for name in names:
        help_text = run(name, "--help").stdout
        body = help_text.split("\n\n", 1)[1].strip()
        assert body.startswith("Example: zibo"), name
