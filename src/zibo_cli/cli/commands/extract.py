"""`zibo extract`: list the figures of a Chinese article or plan, matched to goals, for review and import."""

from __future__ import annotations

from typing import Annotated

import typer

from zibo_cli.cli.common import FileOption, JsonOption, OutputOption, fail, handles_errors, load_for, state_of
from zibo_cli.i18n import tr

FORMATS = ("table", "json", "csv")


@handles_errors
def extract(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(metavar="PATH", help="The text to read (UTF-8); - reads standard input.")],
    published: Annotated[
        str | None,
        typer.Option(
            "--published",
            "-p",
            metavar="DATE",
            help="When the text was published: 2025-01-20, 2025-01 or 2025 (default today). 去年, 今年, "
            "截至目前 are read from it.",
        ),
    ] = None,
    json_output: JsonOption = False,
    output_format: Annotated[
        str | None,
        typer.Option("--format", metavar="FORMAT", help="table, json, or csv (the rows `zibo import` reads)."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="A [sources] id or free text for the CSV's source column.")
    ] = None,
    output: OutputOption = None,
    file: FileOption = None,
) -> None:
    """Example: zibo extract article.txt --published 2025-01 --format csv --output new.csv

    Find every figure a Chinese text states (simplified or traditional characters): its value and unit as
    written, whether it is a level, a change or a target, its qualifier (约, 以上, 以内), whether it is
    preliminary (预计), the date or period it is for, whose figure it is (the city's, a district's, the
    province's), and the goal of the goals file it is for — or none, and why. Figures already in the
    file are marked. --format csv writes the matched new observations in the columns `zibo import`
    reads: review it, delete wrong rows, fill any empty date, then `zibo import` it.
    """
    from zibo_cli.core.dates import DateError, parse_iso_date
    from zibo_cli.core.extract import csv_records, extract_csv, ordered
    from zibo_cli.core.extract import extract as extract_figures
    from zibo_cli.core.extract_dates import When

    state = state_of(ctx)
    env = state.env
    chosen = _format(output_format, json_output, output)
    if published is None:
        when = When(env.today(), "day")
    else:
        try:
            day, precision = parse_iso_date(published)
        except DateError as error:
            raise fail(
                tr("--published: {error}.", error=error), tr("Give the day the text was published, e.g. 2025-01-20.")
            ) from None
        when = When(day, precision)
    from zibo_cli.cli.input import decoded, read_input

    name, raw = read_input(env, path, "text")
    text = decoded(
        name,
        raw,
        "{name}: line {line} is not UTF-8 text.",
        "Save the text as UTF-8 (a GBK file can be converted with: iconv -f GBK -t UTF-8).",
    )
    loaded = load_for(state, file)
    figures = ordered(extract_figures(text, loaded.goals_file, when, _converter()))
    if chosen == "json":
        import json

        data = json.dumps([f.record() for f in figures], ensure_ascii=False, indent=2) + "\n"
        _write(state, output, data, loaded)
        return
    if chosen == "csv":
        rows = csv_records(figures, source)
        _write(state, output, extract_csv(rows), loaded)
        undated = [index for index, row in enumerate(rows, start=2) if not row["date"]]
        if undated:
            env.stderr.write(
                "zibo: "
                + tr(
                    "{count} rows have no date (rows {rows}); fill in the date column before `zibo import`.",
                    count=len(undated),
                    rows=", ".join(map(str, undated)),
                )
                + "\n"
            )
        return
    from zibo_cli.render.console import make_console
    from zibo_cli.render.extract_view import extract_summary, extract_table

    console = make_console(env)
    console.print(extract_table(figures, loaded.goals_file, console.is_terminal))
    console.print(extract_summary(figures, name, when), soft_wrap=True)
    console.print(f"file: {loaded.label}", style="dim", soft_wrap=True)


def _format(output_format: str | None, json_output: bool, output: str | None) -> str:
    if output_format is None:
        if json_output:
            return "json"
        if output is not None and output != "-":
            return "json" if output.lower().endswith(".json") else "csv"
        return "table"
    chosen = output_format.strip().lower()
    if chosen not in FORMATS:
        raise fail(
            tr("--format {value!r} is not an extract format.", value=output_format),
            tr("Use one of: {choices}.", choices=", ".join(FORMATS)),
        )
    if json_output and chosen != "json":
        raise fail(tr("--json and --format {value} ask for two formats.", value=chosen), tr("Give one of them."))
    return chosen


def _write(state: object, output: str | None, text: str, loaded: object) -> None:
    from zibo_cli.cli.output import write_output, write_stdout

    env = state.env  # type: ignore[attr-defined]
    data = text.encode("utf-8")
    if output is not None and output != "-":
        write_output(env, output, data, protect=loaded.location.path)  # type: ignore[attr-defined]
    else:
        write_stdout(env, data)


def _converter() -> object:
    """Traditional → simplified characters (OpenCC), loaded only when a text is read."""
    try:
        import opencc
    except ImportError:
        raise fail(
            tr("the opencc package is missing, so traditional characters cannot be read."),
            tr("Install it with: pip install opencc"),
        ) from None
    return opencc.OpenCC("t2s").convert
