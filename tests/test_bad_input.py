"""The bad-input catalogue: whatever is typed or written, zibo refuses cleanly and touches nothing.

Every case asserts the exit code (1 for `check` findings, 2 for a refusal), a message that names
the problem, its `file:line` (and column for TOML syntax) where there is one, no traceback, and
every file in the working folder (and the bundled dataset) byte-for-byte unchanged.

A file case runs `check` (problems on stdout, exit 1) and then `status` and `add` (the first problem
on stderr, exit 2). An argument case runs one command against the valid sample file. The must-work
table at the end holds inputs that look odd but are fine: a BOM, CRLF line endings.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import BUNDLED, SAMPLE, Result, run

MARK = "# <<"  # ends the line a file case expects the problem on


def toml(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


HEAD = (
    "schema = 1",
    "",
    "[sources.plan]",
    'title = "Plan"',
    "",
    "[goals.gdp]",
    'name = "地区生产总值"',
    'unit = "亿元"',
    "baseline = { value = 4000, date = 2021-12-31 }",
    "target = { value = 7000, by = 2026-12-31 }",
)


def with_goal(*lines: str) -> bytes:
    """The valid head plus one more goal table."""
    return toml(*HEAD, "", *lines)


def with_observation(*lines: str) -> bytes:
    """The valid head plus one observation."""
    return toml(*HEAD, "", "[[observations]]", *lines)


Setup = Callable[[Path, pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Case:
    id: str
    content: bytes | None  # goals.toml in the working folder; None: the sample file
    message: str  # regex: what must be said
    args: tuple[str, ...] = ()  # empty: a file case, run as check, status and add
    code: int = 2
    where: str | None = None  # "goals.toml" plus ":line[:column]"; None: no location is expected
    column: int | None = None  # for TOML syntax errors
    setup: Setup | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def file_case(self) -> bool:
        return not self.args

    def location(self) -> str | None:
        """`file:line[:column]`, the line being the one that ends with MARK in the content."""
        if self.where is not None or self.content is None:
            return self.where
        lines = self.content.decode("utf-8", "replace").splitlines()
        marked = [number for number, line in enumerate(lines, start=1) if line.endswith(MARK)]
        if not marked:
            return "goals.toml"
        return f"goals.toml:{marked[0]}" + (f":{self.column}" if self.column else "")


def file_case(case_id: str, content: bytes, message: str, column: int | None = None, where: str | None = None) -> Case:
    return Case(case_id, content, message, column=column, where=where)


def arg_case(case_id: str, message: str, *args: str, **more: object) -> Case:
    return Case(case_id, None, message, args=args, **more)  # type: ignore[arg-type]


# -- setups that cannot be written as file content -------------------------------------------------


def make_directory(world: Path, _: pytest.MonkeyPatch) -> None:
    (world / "folder.toml").mkdir()


def make_unreadable(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000; as root (CI), where modes stop nothing, reading the file is made to fail instead."""
    target = world / "goals.toml"
    target.chmod(0)
    if os.geteuid() == 0:
        real_open = os.open

        def refuse(file: object, *args: object, **kwargs: object) -> int:
            if Path(str(file)).resolve() == target.resolve():
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

        # The store opens the file with os.open (without blocking, see store/read.py).
        monkeypatch.setattr(os, "open", refuse)


def make_read_only(world: Path, _: pytest.MonkeyPatch) -> None:
    (world / "goals.toml").chmod(0o444)


def remove_goals_file(world: Path, _: pytest.MonkeyPatch) -> None:
    """No file anywhere: zibo falls back to the bundled dataset."""
    (world / "goals.toml").unlink()


def csv_file(content: bytes) -> Setup:
    """A figures.csv for `zibo import` beside the goals file."""

    def write(world: Path, _: pytest.MonkeyPatch) -> None:
        (world / "figures.csv").write_bytes(content)

    return write


def link_to_goals_file(world: Path, _: pytest.MonkeyPatch) -> None:
    (world / "latest.md").symlink_to(world / "goals.toml")


DEEP = "x = " + "[" * 5000 + "]" * 5000

# fmt: off
CASES: list[Case] = [
    # -- TOML syntax: line and column ----------------------------------------------------------------
    file_case("unclosed-string", toml("schema = 1", 'title = "Sample ' + MARK, "[goals]"),
              r"TOML syntax error: a string is not closed", column=21),
    file_case("unclosed-string-at-end", toml("schema = 1", "[goals]", "", 'title = "never closed ' + MARK)[:-1],
              r"TOML syntax error: a string is never closed", where="goals.toml:4"),
    file_case("duplicate-key", with_goal("[goals.gdp2]", 'name = "a"', 'name = "b" ' + MARK),
              r"TOML syntax error: a key is given a value twice", column=11),
    file_case("duplicate-goal-id", with_goal("[goals.gdp] " + MARK, 'name = "again"', 'unit = "亿元"'),
              r"TOML syntax error: the table \[goals\.gdp\] is declared twice", column=11),
    file_case("date-that-does-not-exist", with_observation('goal = "gdp"', "date = 2025-02-30 " + MARK, "value = 1"),
              r"TOML syntax error: invalid date", column=8),
    file_case("target-by-not-a-leap-year", with_goal("[goals.b]", 'name = "b"', 'unit = "个"',
                                                    "target = { value = 1, by = 2026-02-29 } " + MARK),
              r"TOML syntax error: invalid date", column=28),
    file_case("bad-escape", with_observation('goal = "gdp"', "date = 2024-12-31", "value = 1",
                                             'note = "C:\\path\\file" ' + MARK),
              r"TOML syntax error: unescaped '\\'", column=13),
    file_case("missing-equals", toml("schema = 1", "[goals.a]", 'name "GDP" ' + MARK),
              r"TOML syntax error: expected '=' after a key", column=6),
    file_case("nested-too-deeply", toml("schema = 1", DEEP, "[goals]"),
              r"unknown key 'x' in the top level", where="goals.toml:2"),
    # -- encoding and emptiness ----------------------------------------------------------------------
    file_case("empty-file", b"", r"the file is empty\. Run `zibo init --empty`", where="goals.toml:1"),
    file_case("only-whitespace", b"\n  \n\t\n", r"the file is empty", where="goals.toml:1"),
    file_case("invalid-utf8", b'schema = 1\ntitle = "caf\xe9"\n[goals]\n', r"not valid UTF-8 text",
              where="goals.toml:2:13"),
    file_case("utf16-file", "schema = 1\n[goals]\n".encode("utf-16"), r"not valid UTF-8 text. Save it as UTF-8",
              where="goals.toml:1:1"),
    # -- schema ----------------------------------------------------------------------------------------
    file_case("schema-missing", toml('title = "x"', "[goals]"), r"the file has no 'schema' key",
              where="goals.toml:1"),
    file_case("schema-from-the-future", toml("schema = 2 " + MARK, "[goals]"),
              r"written for schema 2, but this zibo reads schema 1. Upgrade zibo"),
    file_case("schema-not-a-number", toml('schema = "1" ' + MARK, "[goals]"),
              r"'schema' must be a whole number, not the string '1'"),
    file_case("schema-zero", toml("schema = 0 " + MARK, "[goals]"), r"schema 0 does not exist"),
    file_case("no-goals-table", toml("schema = 1"), r"the file has no \[goals\] table", where="goals.toml"),
    # -- goals -----------------------------------------------------------------------------------------
    file_case("goal-without-name", with_goal("[goals.b] " + MARK, 'unit = "个"'), r"goal 'b' has no 'name'"),
    file_case("goal-without-unit", with_goal("[goals.b] " + MARK, 'name = "b"'), r"goal 'b' has no 'unit'"),
    file_case("goal-with-empty-name", with_goal("[goals.b]", 'name = "  " ' + MARK, 'unit = "个"'),
              r"'name' in goal 'b' is empty"),
    file_case("unit-that-is-a-number", with_goal("[goals.b]", 'name = "b"', 'unit = "100" ' + MARK),
              r"unit '100' of goal 'b' is not a unit"),
    file_case("unknown-direction", with_goal("[goals.b]", 'name = "b"', 'unit = "个"', 'direction = "up" ' + MARK),
              r"'direction' in goal 'b' is the string 'up', not one of \"increase\", \"decrease\""),
    file_case("empty-goal-id", with_goal('[goals.""] ' + MARK, 'name = "b"', 'unit = "个"'),
              r"an empty goal id is not a valid id"),
    file_case("goal-id-with-capitals", with_goal("[goals.GDP] " + MARK, 'name = "b"', 'unit = "个"'),
              r"goal id 'GDP' is not a valid id. Ids use lower-case"),
    file_case("unknown-key-typo", with_goal("[goals.b]", 'name = "b"', 'unti = "个" ' + MARK, 'unit = "个"'),
              r"unknown key 'unti' in goal 'b'. Did you mean 'unit'\?"),
    file_case("negative-lag", with_goal("[goals.b]", 'name = "b"', 'unit = "个"', "lag = -5 " + MARK),
              r"'lag' in goal 'b' must be a whole number of days"),
    file_case("target-without-by", with_goal("[goals.b]", 'name = "b"', 'unit = "个"',
                                             "target = { value = 100 } " + MARK),
              r"the target of goal 'b' has no 'by'"),
    file_case("target-without-value", with_goal("[goals.b]", 'name = "b"', 'unit = "个"',
                                                "target = { by = 2026-12-31 } " + MARK),
              r"the target of goal 'b' has no 'value'"),
    file_case("target-by-quoted", with_goal("[goals.b]", 'name = "b"', 'unit = "个"',
                                            'target = { value = 1, by = "2026-12-31" } ' + MARK),
              r"'by' in the target of goal 'b' must be a date like 2026-12-31, not the string"),
    file_case("stages-out-of-order", with_goal("[goals.b]", 'name = "b"', 'unit = "个"',
                                               "targets = [{ value = 2, by = 2026-12-31 }, "
                                               "{ value = 1, by = 2025-12-31 }] " + MARK),
              r"the stages of goal 'b' must be in order of 'by'"),
    file_case("target-and-targets", with_goal("[goals.b] " + MARK, 'name = "b"', 'unit = "个"',
                                              "target = { value = 1, by = 2026-12-31 }",
                                              "targets = [{ value = 1, by = 2026-12-31 }]"),
              r"goal 'b' has both 'target' and 'targets'"),
    file_case("goal-cites-unknown-source", with_goal("[goals.b]", 'name = "b"', 'unit = "个"',
                                                      'source = "plna" ' + MARK),
              r"goal 'b' cites source 'plna', which is not in \[sources\]. Did you mean 'plan'\?"),
    # -- observations ----------------------------------------------------------------------------------
    file_case("value-not-a-number", with_observation('goal = "gdp"', "date = 2024-12-31", 'value = "100亿" ' + MARK),
              r"'value' in observation 1 must be a number, not the string '100亿'"),
    file_case("value-boolean", with_observation('goal = "gdp"', "date = 2024-12-31", "value = true " + MARK),
              r"'value' in observation 1 must be a number, not the boolean true"),
    file_case("value-nan", with_observation('goal = "gdp"', "date = 2024-12-31", "value = nan " + MARK),
              r"'value' in observation 1 must be a finite number \(not nan or inf\)"),
    file_case("value-inf", with_observation('goal = "gdp"', "date = 2024-12-31", "value = -inf " + MARK),
              r"'value' in observation 1 must be a finite number"),
    file_case("value-huge", with_observation('goal = "gdp"', "date = 2024-12-31", "value = 1e300 " + MARK),
              r"'value' in observation 1 is too large to be a real figure"),
    file_case("value-with-5000-digits", with_observation('goal = "gdp"', "date = 2024-12-31",
                                                         "value = " + "9" * 5000 + " " + MARK),
              r"'value' in observation 1 is too large to be a real figure", where="goals.toml:15"),
    file_case("value-missing", with_observation('goal = "gdp"', "date = 2024-12-31"),
              r"observation 1 has no 'value'", where="goals.toml:12"),
    file_case("observation-for-unknown-goal", with_observation('goal = "gpd" ' + MARK, "date = 2024-12-31",
                                                               "value = 1"),
              r"observation 1 is for goal 'gpd', which is not in \[goals\]. Did you mean 'gdp'\?"),
    file_case("observation-without-date", with_observation('goal = "gdp"', "value = 1"),
              r"observation 1 has no 'date'", where="goals.toml:12"),
    file_case("observation-date-time", with_observation('goal = "gdp"', "date = 2024-12-31T10:00:00 " + MARK,
                                                        "value = 1"),
              r"'date' in observation 1 must be a date like 2025-12-31, not a date-time"),
    file_case("observation-quoted-date", with_observation('goal = "gdp"', 'date = "2024-12-31" ' + MARK, "value = 1"),
              r"'date' in observation 1 must be a date like 2025-12-31, not the string '2024-12-31'. "
              r"Write it without quotes"),
    file_case("observation-far-in-the-future", with_observation('goal = "gdp"', "date = 2099-12-31 " + MARK,
                                                                "value = 1"),
              r"observation 1 is dated 2099-12-31, in the future"),
    file_case("period-not-ending-at-date", with_observation('goal = "gdp"', "date = 2024-12-31", "value = 1",
                                                            'period = "2024-01/2024-11" ' + MARK),
              r"'period' in observation 1 ends at 2024-11, but the date is 2024-12-31"),
    file_case("recorded-without-offset", with_observation('goal = "gdp"', "date = 2024-12-31", "value = 1",
                                                          "recorded = 2025-01-05T09:30:00 " + MARK),
              r"'recorded' in observation 1 must be a date-time with a UTC offset"),
    file_case("unknown-qualifier", with_observation('goal = "gdp"', "date = 2024-12-31", "value = 1",
                                                    'qualifier = "about" ' + MARK),
              r"'qualifier' in observation 1 is the string 'about', not one of"),
    file_case("observations-not-tables", toml("schema = 1", "observations = [1, 2] " + MARK, "[goals]"),
              r"observation 1 must be a table, not 1"),
    # -- the path given as the goals file ---------------------------------------------------------------
    arg_case("path-is-a-directory", r"folder.toml is a directory, not a goals file", "status", "-f", "folder.toml",
             setup=make_directory, where="folder.toml"),
    arg_case("check-on-a-directory", r"folder.toml is a directory, not a goals file", "check", "-f", "folder.toml",
             setup=make_directory, where="folder.toml"),
    arg_case("path-missing", r"missing.toml: no such file\.\n  Create one with `zibo init`", "status", "-f",
             "missing.toml",
             where="missing.toml"),
    arg_case("path-in-missing-folder", r"nowhere/goals.toml: no such file", "add", "-f", "nowhere/goals.toml",
             "gdp", "5000", "--date", "2025", where="nowhere/goals.toml"),
    arg_case("path-through-a-file", r"goals.toml/x: cannot be read \([Nn]ot a directory\)", "check", "-f",
             "goals.toml/x", where="goals.toml/x"),
    arg_case("path-is-a-device", r"/dev/zero is not a regular file \(a device, pipe or socket\)", "check", "-f",
             "/dev/zero", where="/dev/zero"),
    arg_case("zibo-file-variable-missing", r"elsewhere.toml: no such file", "status",
             env={"ZIBO_FILE": "elsewhere.toml"}, where="elsewhere.toml"),
    arg_case("file-option-empty", r"--file is empty", "add", "-f", "", "gdp", "5000", "--date", "2025"),
    arg_case("unreadable-file", r"goals.toml: permission denied when reading", "status", setup=make_unreadable,
             where="goals.toml"),
    arg_case("read-only-file-on-add",
             r"goals.toml is read-only; nothing was written\.\n  Make it writable \(chmod u\+w", "add", "gdp", "5000",
             "--date", "2025", setup=make_read_only, where="goals.toml"),
    arg_case("add-to-bundled-dataset", r"bundled dataset, which is read-only\.\n  Run `zibo init`", "add", "gdp",
             "5000", "--date", "2025", setup=remove_goals_file),
    arg_case("init-over-existing-file", r"goals.toml already exists; zibo never overwrites it", "init",
             where="goals.toml"),
    arg_case("init-into-missing-folder", r"the folder nowhere does not exist", "init", "nowhere/goals.toml"),
    # -- options and arguments ---------------------------------------------------------------------------
    arg_case("option-before-command", r"No such option: --as-of", "--as-of", "2025-06-30", "status"),
    arg_case("extra-argument", r"unexpected extra argument.*gdp", "status", "gdp"),
    arg_case("missing-argument", r"Missing argument '(VALUE|value)'", "add", "gdp"),
    arg_case("unknown-command", r"No such command 'stauts'", "stauts"),
    arg_case("unknown-option", r"No such option: --colour", "status", "--colour"),
    arg_case("misspelt-option-on-add", r"unexpected extra argument.*\(--sorce plan\)", "add", "gdp", "5000",
             "--sorce", "plan"),
    arg_case("as-of-garbage", r"--as-of 'next tuesday' is not a date\.\n  Write it as YYYY-MM-DD", "status", "--as-of",
             "next tuesday"),
    arg_case("as-of-impossible-day", r"--as-of '2025-02-30' is not a date", "show", "gdp", "--as-of", "2025-02-30"),
    arg_case("as-of-empty", r"--as-of '' is not a date", "status", "--as-of", ""),
    arg_case("sort-unknown", r"--sort 'size' is not an order zibo knows\.\n  Use one of: risk, id, deadline",
             "status", "--sort", "size"),
    arg_case("status-filter-unknown", r"--status 'late' is not a status", "status", "--status", "late"),
    arg_case("clock-variable-garbage", r"ZIBO_NOW='soon' is not an ISO date-time", "add", "gdp", "5000",
             env={"ZIBO_NOW": "soon"}),
    # -- values given to add -----------------------------------------------------------------------------
    arg_case("add-value-not-a-number", r"'abc' is not a number\.\n  Give the value in 亿元, the unit of 'gdp'",
             "add", "gdp", "abc", "--date", "2025"),
    arg_case("value-nan-typed", r"'nan' is not a number", "add", "gdp", "nan", "--date", "2025"),
    arg_case("value-empty", r"the value is empty", "add", "gdp", "", "--date", "2025"),
    arg_case("value-only-a-qualifier", r"'约' is not a number", "add", "gdp", "约", "--date", "2025"),
    arg_case("value-chinese-numerals", r"not a Chinese numeral zibo can read; type it with digits", "add", "gdp",
             "一百百", "--date", "2025"),
    arg_case("value-wrong-unit", r"'100万美元' is in 万美元, which does not convert into this goal's unit, 亿元",
             "add", "gdp", "100万美元", "--date", "2025"),
    arg_case("value-percent-for-money", r"'90%' is in %, which does not convert", "add", "gdp", "90%", "--date",
             "2025"),
    arg_case("add-value-huge", r"'1e300' is too large to be a real figure", "add", "gdp", "1e300", "--date", "2025"),
    arg_case("value-400-digits", r"'9{39}…' is too large to be a real figure", "add", "gdp", "9" * 400,
             "--date", "2025"),
    # -- goals and dates given to add ----------------------------------------------------------------------
    arg_case("unknown-goal", r"no goal 'gpd' in the file.\n  Did you mean 'gdp'\?", "add", "gpd", "5000",
             "--date", "2025"),
    arg_case("empty-goal", r"the goal is empty", "add", "", "5000", "--date", "2025"),
    arg_case("ambiguous-goal", r"'industr' matches 2 goals: share, robots", "add", "industr", "5"),
    arg_case("show-unknown-goal", r"no goal 'nothing-like-it' in the file", "show", "nothing-like-it"),
    arg_case("add-date-that-does-not-exist", r"--date: '2025-02-30' is not a real date", "add", "gdp", "5000",
             "--date", "2025-02-30"),
    arg_case("date-month-13", r"--date: month 13 does not exist", "add", "gdp", "5000", "--date", "2025-13"),
    arg_case("date-quarter-5", r"--date: '2025-Q5' is not a date zibo understands", "add", "gdp", "5000",
             "--date", "2025-Q5"),
    arg_case("date-garbage", r"--date: 'the day before' is not a date zibo understands", "add", "gdp", "5000",
             "--date", "the day before"),
    arg_case("date-empty", r"--date: the date is empty", "add", "gdp", "5000", "--date", ""),
    arg_case("date-far-in-the-future", r"dated 2099-12-31, in the future", "add", "gdp", "5000", "--date",
             "2099-12-31"),
    arg_case("source-id-unknown", r"cites source 'plna', which is not in \[sources\].\n  Did you mean 'plan'\?",
             "add", "gdp", "5000", "--date", "2025", "--source", "plna"),
    # -- a valid file that cannot be appended to -----------------------------------------------------------
    Case("static-observations-after-a-bom",
         b"\xef\xbb\xbf" + toml("observations = []", "schema = 1", "[goals.a]", 'name = "a"', 'unit = "x"'),
         r"appending would leave an invalid file \(goals.toml:7:15: TOML syntax error: cannot mutate.*nothing "
         r"was written\.\n  If the file lists observations = \[\.\.\.\] inline",
         args=("add", "a", "5", "--date", "2025")),
    Case("static-observations-with-an-escaped-key",
         toml("schema = 1", '"\\u006fbservations" = []', "[goals.a]", 'name = "a"', 'unit = "x"'),
         r"appending would leave an invalid file \(goals.toml:\d+:\d+: TOML syntax error: cannot mutate",
         args=("add", "a", "5", "--date", "2025")),
    # -- report and export -------------------------------------------------------------------------------
    arg_case("report-unknown-format", r"--format 'pdf' is not a report format\.\n  Use one of: text, md, html, json",
             "report", "--format", "pdf"),
    arg_case("export-unknown-format", r"--format 'xml' is not an export format\.\n  Use one of: csv, json",
             "export", "--format", "xml"),
    arg_case("report-output-into-missing-folder", r"--output nowhere/week.md: the folder nowhere does not exist; "
             r"nothing was written", "report", "--output", "nowhere/week.md"),
    arg_case("export-output-into-missing-folder", r"--output nowhere/all.csv: the folder nowhere does not exist",
             "export", "--output", "nowhere/all.csv"),
    arg_case("report-output-is-a-folder", r"--output folder.toml is a folder, not a file", "report", "--output",
             "folder.toml", setup=make_directory),
    arg_case("report-output-over-the-goals-file", r"--output goals.toml is the goals file itself; writing there "
             r"would destroy it", "report", "--output", "goals.toml"),
    arg_case("export-output-through-a-link-to-the-goals-file", r"--output latest.md is the goals file itself",
             "export", "--output", "latest.md", setup=link_to_goals_file),
    arg_case("report-since-garbage", r"--since 'last week' is neither a duration nor a date", "report", "--since",
             "last week"),
    arg_case("report-fail-on-unknown", r"--fail-on 'bad' is not a status", "report", "--fail-on", "bad"),
    # -- import ---------------------------------------------------------------------------------------------
    arg_case("import-missing-csv", r"nowhere.csv: no such file", "import", "nowhere.csv"),
    arg_case("import-bad-rows", r"cannot import figures.csv: 3 rows have problems, so nothing was written\.\n"
             r"  row 3: date: '2025-02-30' is not a real date.*\n  row 4: value: 'abc' is not a number\.\n"
             r"  row 5: no goal 'gpd' in the file\. Did you mean 'gdp'\?", "import", "figures.csv",
             setup=csv_file(b"goal,date,value\ngdp,2025,5000\ngdp,2025-02-30,1\nshare,2025,abc\ngpd,2025,3\n")),
    arg_case("import-empty-csv", r"cannot import figures.csv: it is empty", "import", "figures.csv",
             setup=csv_file(b"")),
    arg_case("import-csv-without-date-column", r"its header has no column date \(the header is: goal,value\)",
             "import", "figures.csv",
             setup=csv_file(b"goal,value\ngdp,5\n")),
    arg_case("import-csv-not-utf8", r"cannot import figures.csv: line 2 is not UTF-8 text", "import", "figures.csv",
             setup=csv_file(b"goal,date,value\ngdp,2025,\xff\xfe\n")),
    arg_case("import-csv-unclosed-quote", r"not readable as CSV near line 2", "import", "figures.csv",
             setup=csv_file(b'goal,date,value\n"gdp,2025,5\n')),
    arg_case("import-into-bundled-dataset", r"bundled dataset, which is read-only", "import", "figures.csv",
             setup=lambda world, mp: (remove_goals_file(world, mp), csv_file(b"goal,date,value\n")(world, mp))),
]
# fmt: on


def snapshot(world: Path) -> dict[str, object]:
    """Every file's bytes (and every folder) under the working folder, plus the bundled dataset."""
    state: dict[str, object] = {"<bundled>": BUNDLED.read_bytes()}
    for path in sorted(world.rglob("*")):
        key = str(path.relative_to(world))
        if path.is_dir():
            state[key] = "<dir>"
            continue
        try:
            state[key] = path.read_bytes()
        except PermissionError:
            info = path.stat()
            state[key] = ("<unreadable>", info.st_size, info.st_mtime_ns)
        state[key + "<mode>"] = stat.S_IMODE(path.stat().st_mode)
    return state


def assert_clean(result: Result) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
        assert "\x1b" not in stream


def located(text: str, where: str | None) -> None:
    """`where` starts the message, or a `(file:line…)` inside it names the place."""
    if where is not None:
        place = re.escape(where)
        pattern = rf"(^|zibo: ){place}(: | is | already )|\({place}:\d"
        assert re.search(pattern, text, re.MULTILINE), f"expected {where} in:\n{text}"


def test_the_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input_is_refused_cleanly(case: Case, world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = world / "goals.toml"
    data.write_bytes(SAMPLE.read_bytes() if case.content is None else case.content)
    if case.setup:
        case.setup(world, monkeypatch)
    before = snapshot(world)
    where = case.location()

    if case.file_case:
        checked = run("check", env=case.env)
        assert_clean(checked)
        assert checked.exit_code == 1, checked.stdout + checked.stderr
        first = checked.stdout.splitlines()[0]
        assert re.search(case.message, first), first
        assert where is not None
        assert first.startswith(f"{where}: "), f"expected {where}: in {first!r}"
        for args in (("status", "--as-of", "2025-06-30"), ("add", "gdp", "5000", "--date", "2025")):
            refused = run(*args, env=case.env)
            assert_clean(refused)
            assert refused.exit_code == 2, refused.stdout
            # The same first problem, on stderr, and nothing on stdout.
            assert refused.stderr.splitlines()[0] == f"zibo: {first}"
            assert refused.stdout == ""
    else:
        result = run(*case.args, env=case.env)
        assert_clean(result)
        assert result.exit_code == case.code, result.stdout + result.stderr
        assert re.search(case.message, result.stderr), result.stderr
        located(result.stderr, where)
        assert result.stdout == ""

    assert snapshot(world) == before, "a refused command changed a file"


# -- inputs that look odd but must work ------------------------------------------------------------------

BOM = b"\xef\xbb\xbf"


def crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


WORKS: dict[str, bytes] = {
    "utf8-bom": BOM + SAMPLE.read_bytes(),
    "crlf-line-endings": crlf(SAMPLE.read_bytes()),
    "bom-and-crlf": BOM + crlf(SAMPLE.read_bytes()),
    "no-final-newline": SAMPLE.read_bytes().rstrip(b"\n"),
    "ends-in-a-comment": SAMPLE.read_bytes() + b"# the end, no newline",
    "ends-in-blank-lines": SAMPLE.read_bytes() + b"\n\n\n",
    "tabs-and-spaces": SAMPLE.read_bytes().replace(b"name = ", b"name\t=\t"),
}


@pytest.mark.parametrize("name", WORKS)
def test_odd_but_valid_files_work(name: str, world: Path) -> None:
    original = WORKS[name]
    data = world / "goals.toml"
    data.write_bytes(original)
    checked = run("check")
    assert (checked.exit_code, checked.stdout, checked.stderr) == (0, "", "")
    shown = run("status", "--as-of", "2025-06-30")
    assert shown.exit_code == 0, shown.stderr
    assert "GDP" in shown.stdout

    # A plain add (no --date, the shortest entry) appends and keeps every byte that was there.
    added = run("add", "gdp", "5000", "--note", "odd file")
    assert added.exit_code == 0, added.stderr
    after = data.read_bytes()
    assert after.startswith(original)
    appended = after[len(original) :]
    newline = b"\r\n" if b"\r\n" in original else b"\n"
    assert b"[[observations]]" + newline + b'goal = "gdp"' + newline in appended
    if newline == b"\r\n":
        assert appended.count(b"\n") == appended.count(b"\r\n")
    else:
        assert b"\r" not in appended
    assert after.count(BOM) == original.count(BOM)
    assert run("check").exit_code == 0
    assert "odd file" in run("show", "gdp").stdout


@pytest.mark.parametrize(
    ("typed", "written"),
    [("0", "value = 0"), ("0.0", "value = 0"), ("-0", "value = 0"), ("约0", "value = 0"), ("-12.5", "value = -12.5"),
     ("-2.1e3", "value = -2100")],
)  # fmt: skip
def test_edge_values_are_written_as_typed(typed: str, written: str, sample: Path) -> None:
    """0 once lost its value (0 == False in Python); a negative figure was read as an unknown option."""
    result = run("add", "parks", typed, "--date", "2025-06-30")
    assert result.exit_code == 0, result.stderr
    appended = sample.read_text(encoding="utf-8").split("[[observations]]")[-1]
    assert written + "\n" in appended
    assert run("check").exit_code == 0
