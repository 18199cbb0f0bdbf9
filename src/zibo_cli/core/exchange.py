"""Figures in and out as tables: the export's CSV and JSON, and the validation of a CSV to import.

Pure: text in, text out. The CSV is what spreadsheets, pandas and DuckDB read; it is made safe for
spreadsheets (cells that would start a formula are prefixed with a single quote) in a way `import`
reverses exactly, so export → import gives back every figure unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zibo_cli.core.dates import DateError, parse_iso_date
from zibo_cli.core.model import GoalsFile
from zibo_cli.core.schema import PRECISIONS, QUALIFIERS, validate_observation
from zibo_cli.core.values import ValueParseError, parse_value
from zibo_cli.i18n import tr

EXPORT_COLUMNS = (
    "goal", "name", "unit", "date", "value", "precision", "period", "qualifier", "preliminary", "derived",
    "source", "quote", "note", "recorded", "ref", "retracted",
)  # fmt: skip
REQUIRED_COLUMNS = ("goal", "date", "value")
# `name` is informational; `unit` is the unit the value is written in (converted into the goal's unit).
IMPORT_COLUMNS = frozenset(EXPORT_COLUMNS)

# Spreadsheets start a formula with these (OWASP's list); such cells get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
CSV_BOM = "\ufeff"  # so Excel opens the UTF-8 file with its Chinese intact

TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}
MAX_PROBLEMS_SHOWN = 20
_SLASHED_DATE = re.compile(r"^\d{4}/\d{1,2}(/\d{1,2})?$")


def neutralise(text: str) -> str:
    """A cell a spreadsheet will not run: prefix a quote to formula starts (and to a quote that could be taken for one).

    Reversible: `restore(neutralise(s)) == s` for every string.
    """
    return QUOTE + text if text.startswith(FORMULA_STARTS) or _protected(text) else text


def _protected(text: str) -> bool:
    """A quote followed by a formula start or another quote: what `restore` takes for a neutralised cell."""
    return text.startswith(QUOTE) and text[1:2] != "" and text[1] in (*FORMULA_STARTS, QUOTE)


def restore(text: str) -> str:
    """Undo `neutralise`: drop a leading quote that protects a formula start or another quote."""
    return text[1:] if _protected(text) else text


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly this float; whole numbers without '.0'."""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def plain_number(value: float) -> int | float:
    """Write 5000 rather than 5000.0 when the figure is whole (as `zibo add` does)."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def export_records(goals_file: GoalsFile, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """One record per observation, in file order, with its goal's name and unit; with `as_of`, only
    those that count as of that day (dated and public by then), as `status --as-of` counts them."""
    from zibo_cli.core.counting import active_retractions
    from zibo_cli.core.refs import figure_ref

    records = []
    retracted = {goal_id: active_retractions(goal.retractions) for goal_id, goal in goals_file.goals.items()}
    for observation in goals_file.observations:
        if as_of is not None and not observation.counts_on(as_of):
            continue
        goal = goals_file.goals[observation.goal]
        ref = figure_ref(observation)
        retraction = retracted[goal.id].get(ref)
        records.append(
            {
                "goal": goal.id,
                "name": goal.name,
                "unit": goal.unit,
                "date": observation.date.isoformat(),
                "value": plain_number(observation.value),
                "precision": observation.precision,
                "period": observation.period,
                "qualifier": observation.qualifier,
                "preliminary": observation.preliminary,
                "derived": observation.derived,
                "source": observation.source,
                "quote": observation.quote,
                "note": observation.note,
                "recorded": observation.recorded.isoformat() if observation.recorded else None,
                "ref": ref,
                "retracted": retraction.reason if retraction else None,
            }
        )
    return records


def to_csv(records: Iterable[Mapping[str, Any]], columns: Sequence[str] = EXPORT_COLUMNS) -> str:
    """CSV with a header, BOM first, CRLF line ends (RFC 4180); text neutralised, numbers left numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_csv_cell(column, record.get(column)) for column in columns])
    return CSV_BOM + buffer.getvalue()


def _csv_cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column == "value":
        return number_text(float(value))
    return neutralise(str(value))


def to_json(records: Sequence[Mapping[str, Any]]) -> str:
    """A JSON array of records with the CSV's keys; values typed (numbers, booleans, null)."""
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


# --- import -----------------------------------------------------------------------------------------


class ImportFormatError(ValueError):
    """The CSV as a whole cannot be read (no header, missing or unknown columns, broken quoting)."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    table: dict[str, Any]
    retracted: str | None = None  # the `retracted` column: the reason the figure was withdrawn


@dataclass(slots=True)
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "row N: reason"
    suspicious: list[str] = field(default_factory=list)  # "row N: reason": what the guard would refuse


def observation_key(goal: str, date: dt.date, value: float, source: str | None) -> tuple[Any, ...]:
    """What makes a figure a re-import: same goal, date, value and source."""
    return (goal, date, float(value), source or None)


def fresh_tables(goals_file: GoalsFile, tables: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The tables not already in the file (nor earlier in the same batch)."""
    seen = {observation_key(o.goal, o.date, o.value, o.source) for o in goals_file.observations}
    fresh = []
    for table in tables:
        key = observation_key(table["goal"], table["date"], table["value"], table.get("source"))
        if key not in seen:
            seen.add(key)
            fresh.append(table)
    return fresh


def _delimiter(first_line: str) -> str:
    """Comma, or the semicolon or tab some spreadsheets write, whichever splits out a 'goal' column."""
    for candidate in (",", ";", "\t"):
        names = [name.strip().lower() for name in first_line.split(candidate)]
        if "goal" in names:
            return candidate
    return ","


def read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower-cased, trimmed) and each record with its spreadsheet row number."""
    text = text.removeprefix(CSV_BOM)
    if not text.strip():
        raise ImportFormatError(tr("it is empty; a CSV with a header row goal,date,value is needed."))
    first_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True)
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFormatError(
            tr("it is not readable as CSV near line {line}: {error}.", line=reader.line_num, error=error)
        ) from None
    header = [name.strip().lower() for name in records[0]]
    _check_header(header)
    return header, [(number, cells) for number, cells in enumerate(records[1:], start=2)]


def _check_header(header: list[str]) -> None:
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFormatError(
            tr(
                "its header has no column {missing} (the header is: {header}); the first row must name the "
                "columns, at least goal,date,value.",
                missing=", ".join(missing),
                header=",".join(header),
            )
        )
    for name in header:
        if name not in IMPORT_COLUMNS:
            close = difflib.get_close_matches(name, sorted(IMPORT_COLUMNS), n=1, cutoff=0.6)
            hint = " " + tr("Did you mean '{name}'?", name=close[0]) if close else ""
            raise ImportFormatError(
                tr("its header has an unknown column '{name}'.", name=name)
                + hint
                + " "
                + tr("Known columns: {columns}.", columns=", ".join(EXPORT_COLUMNS))
            )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ImportFormatError(tr("its header names the column '{name}' twice.", name=duplicates[0]))


def plan_import(
    text: str, goals_file: GoalsFile, today: dt.date, now: dt.datetime, default_source: str | None = None
) -> ImportPlan:
    """Validate every row; the plan has either rows to append or problems, each 'row N: reason'.

    `default_source` (import --source) is the source of rows that name none.
    """
    from zibo_cli.core.plausibility import RunningReference, suspicion

    header, records = read_rows(text)
    plan = ImportPlan()
    by_goal = goals_file.observations_by_goal()
    references: dict[str, RunningReference] = {}
    known = {observation_key(o.goal, o.date, o.value, o.source) for o in goals_file.observations}
    for number, cells in records:
        if not any(cell.strip() for cell in cells):  # blank lines in a spreadsheet export are no figures
            continue
        if len(cells) > len(header):
            problem = tr("it has {cells} cells but the header names {columns}.", cells=len(cells), columns=len(header))
            plan.problems.append(tr("row {row}: {problem}", row=number, problem=problem))
            continue
        row = {name: restore(cells[index]) if index < len(cells) else "" for index, name in enumerate(header)}
        if default_source and not row.get("source", "").strip():
            row["source"] = default_source
        table, problem = _row_table(row, goals_file, today, now)
        if problem:
            plan.problems.append(tr("row {row}: {problem}", row=number, problem=problem))
        elif table is not None:
            retracted = row.get("retracted", "").strip() or None
            plan.rows.append(ImportRow(number, table, retracted))
            key = observation_key(table["goal"], table["date"], table["value"], table["source"])
            # A figure already in the file is skipped, and a retracted one never counts: neither is judged,
            # and neither is what the rows after it are compared with.
            if not retracted and key not in known:
                goal = goals_file.goals[table["goal"]]
                if (running := references.get(goal.id)) is None:
                    running = references[goal.id] = RunningReference(goal, by_goal.get(goal.id, ()))
                if (found := suspicion(goal, running.reference(), table["value"], table["date"])) is not None:
                    plan.suspicious.append(tr("row {row}: {problem}", row=number, problem=found.reason))
                running.add(table["date"], table["value"])
            known.add(key)
    return plan


def retraction_records(goals_file: GoalsFile, rows: Sequence[ImportRow], now: dt.datetime) -> list[dict[str, Any]]:
    """The `[[retractions]]` records for rows whose `retracted` column is filled, as `export` writes it,
    so export → import keeps retractions; none for a figure already retracted in the file."""
    from zibo_cli.core.counting import active_retractions
    from zibo_cli.core.model import Observation
    from zibo_cli.core.refs import figure_ref
    from zibo_cli.core.retractions import retraction_table

    records: dict[str, dict[str, Any]] = {}
    # A row already in the file (skipped by the import) retracts that figure, not one with the row's new time.
    present = {observation_key(o.goal, o.date, o.value, o.source): o for o in reversed(goals_file.observations)}
    by_goal = goals_file.observations_by_goal()
    for row in rows:
        if row.retracted is None:
            continue
        fields = ("goal", "date", "value", "source", "recorded")
        key = observation_key(row.table["goal"], row.table["date"], row.table["value"], row.table["source"])
        ref = figure_ref(Observation(**{name: row.table[name] for name in fields}))
        same = [figure_ref(o) for o in by_goal.get(row.table["goal"], [])]
        if ref not in same and key in present:
            ref = figure_ref(present[key])
        if ref not in active_retractions(goals_file.goals[row.table["goal"]].retractions):
            records[ref] = retraction_table(ref, row.table["goal"], row.retracted, now, False)
    return list(records.values())


def _row_table(
    row: Mapping[str, str], goals_file: GoalsFile, today: dt.date, now: dt.datetime
) -> tuple[dict[str, Any] | None, str | None]:
    goal_id = row.get("goal", "").strip()
    if not goal_id:
        return None, tr("the goal is empty.")
    goal = goals_file.goals.get(goal_id)
    if goal is None:
        close = difflib.get_close_matches(goal_id, list(goals_file.goals), n=1, cutoff=0.6)
        hint = " " + tr("Did you mean '{name}'?", name=close[0]) if close else ""
        return None, tr("no goal '{query}' in the file.", query=goal_id) + hint
    date_text = row.get("date", "").strip()
    if not date_text:
        return None, tr("the date is empty; fill in the day or period the figure is for (2024, 2024-11, 2024-12-31).")
    if _SLASHED_DATE.match(date_text):  # how spreadsheets in China write dates: 2025/12/31, 2025/12
        date_text = date_text.replace("/", "-")
    try:
        day, precision = parse_iso_date(date_text)
    except DateError as error:
        return None, tr("date: {error}", error=error)
    value_text = row.get("value", "").strip()
    unit = row.get("unit", "").strip()
    if unit and value_text[-1:].isdigit():
        value_text += unit
    try:
        parsed = parse_value(value_text, goal.unit)
    except ValueParseError as error:
        return None, tr("value: {error}", error=error)
    qualifier = _choice(row.get("qualifier", ""))
    if qualifier and qualifier not in QUALIFIERS:
        return None, tr("qualifier '{value}' is not one of {choices}.", value=qualifier, choices=", ".join(QUALIFIERS))
    if qualifier and parsed.qualifier and qualifier != parsed.qualifier:
        return None, tr(
            "the value says {said} but the qualifier column says {column}.", said=parsed.qualifier, column=qualifier
        )
    stated_precision = _choice(row.get("precision", ""))
    if stated_precision:
        if stated_precision not in PRECISIONS:
            return None, tr(
                "precision '{value}' is not one of {choices}.", value=stated_precision, choices=", ".join(PRECISIONS)
            )
        precision = stated_precision  # type: ignore[assignment]
    flags: dict[str, bool] = {}
    for name in ("preliminary", "derived"):
        word = row.get(name, "").strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            return None, tr("{column} is '{value}', not true or false.", column=name, value=row.get(name))
        flags[name] = word in TRUE_WORDS
    recorded: dt.datetime = now
    recorded_text = row.get("recorded", "").strip()
    if recorded_text:
        try:
            recorded = dt.datetime.fromisoformat(recorded_text)
        except ValueError:
            return None, tr(
                "recorded '{value}' is not a date-time like 2026-01-05T09:30:00+08:00.", value=recorded_text
            )
        if recorded.tzinfo is None:
            return None, tr("recorded '{value}' has no UTC offset; add one, like +08:00.", value=recorded_text)
    table: dict[str, Any] = {
        "goal": goal.id,
        "date": day,
        "value": plain_number(parsed.value),
        "precision": None if precision == "day" else precision,
        "period": row.get("period", "").strip() or None,
        "qualifier": qualifier or parsed.qualifier,
        "preliminary": flags["preliminary"] or parsed.preliminary,  # a 预计… cell marks it, as `add` does
        "derived": flags["derived"],
        "source": _source(row.get("source", ""), goals_file),
        "quote": row.get("quote") or None,
        "note": row.get("note") or None,
        "recorded": recorded,
    }
    present = {key: value for key, value in table.items() if value is not None}
    _, problems = validate_observation(present, goals_file, today, where=tr("the figure"))
    if problems:
        return None, problems[0].message + (f" {problems[0].hint}" if problems[0].hint else "")
    return table, None


def _choice(text: str) -> str:
    return text.strip().lower()


def _source(text: str, goals_file: GoalsFile) -> str | None:
    """Free text is kept exactly; spaces around a [sources] id (", plan") are dropped."""
    if text.strip() in goals_file.sources:
        return text.strip()
    return text or None
