"""`zibo export`: every figure as CSV or JSON, for spreadsheets, pandas and DuckDB."""

from __future__ import annotations

from typing import Annotated

import typer

from zibo_cli.cli.common import FileOption, OutputOption, fail, handles_errors, load_for, parse_day, state_of
from zibo_cli.i18n import tr

FORMATS = ("csv", "json")
EXTENSIONS = (".csv", ".json", ".txt")  # what --output may be named


@handles_errors
def export(
    ctx: typer.Context,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="csv or json (default: from --output's extension, else csv).",
            show_default=False,
        ),
    ] = None,
    output: OutputOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Only the figures dated and public by this day (retracted ones too, marked).",
        ),
    ] = None,
    file: FileOption = None,
) -> None:
    """Example: zibo export --format csv --output figures.csv

    One row per figure, in file order: goal, name, unit, date, value, precision, period, qualifier,
    preliminary, derived, source, quote, note, recorded, ref (the figure's full ref) and retracted (the
    reason, or empty). CSV is UTF-8, in a file with a byte-order mark (so
    Excel shows Chinese correctly) and a header; a text cell starting with = + - @, a tab or a carriage return
    gets a leading ' so no spreadsheet runs it as a formula (values stay plain numbers). `zibo import`
    reads the file back exactly. JSON is an array of objects with the same keys.
    """
    from pathlib import Path

    from zibo_cli.cli.output import write_output, write_stdout
    from zibo_cli.core.exchange import CSV_BOM, export_records, to_csv, to_json

    state = state_of(ctx)
    if output_format is None:
        chosen = "json" if output is not None and Path(output).suffix.lower() == ".json" else "csv"
    else:
        chosen = output_format.strip().lower()
        if chosen not in FORMATS:
            raise fail(
                tr("--format {value!r} is not an export format.", value=output_format),
                tr("Use one of: {choices}.", choices=", ".join(FORMATS)),
            )
    day = parse_day(as_of, "--as-of") if as_of is not None else None
    loaded = load_for(state, file)
    records = export_records(loaded.goals_file, day)
    text = to_csv(records) if chosen == "csv" else to_json(records)
    if output is not None and output != "-":
        write_output(state.env, output, text.encode("utf-8"), protect=loaded.location.path, suffixes=EXTENSIONS)
    else:  # the byte-order mark is for Excel opening a file; in a pipe it is a stray character
        write_stdout(state.env, text.removeprefix(CSV_BOM).encode("utf-8"))
