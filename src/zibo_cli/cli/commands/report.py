"""`zibo report`: the weekly report cron mails or publishes, in text, Markdown, HTML or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from zibo_cli.cli.common import (
    AsOfOption,
    FileOption,
    OutputOption,
    as_of_day,
    fail,
    handles_errors,
    load_for,
    parse_day,
    state_of,
)
from zibo_cli.core.model import Status
from zibo_cli.core.window import DEFAULT_HORIZON_DAYS, DEFAULT_SINCE, MAX_HORIZON_DAYS, SINCE_HELP
from zibo_cli.errors import ExitCode, ZiboError
from zibo_cli.i18n import tr

if TYPE_CHECKING:
    from zibo_cli.core.report import ReportData

FORMATS = ("text", "md", "html", "json")
_ALIASES = {"txt": "text", "markdown": "md", "htm": "html"}
_SUFFIXES = {".txt": "text", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


@handles_errors
def report(
    ctx: typer.Context,
    since: Annotated[
        str,
        typer.Option(
            "--since",
            metavar="DURATION|DATE",
            help=f"The window of recent changes: {SINCE_HELP}. 7d means the 7 days ending with the as-of day; "
            "a date means from that day to the as-of day, both included. Figures count by the day they were "
            "recorded.",
        ),
    ] = DEFAULT_SINCE,
    as_of: AsOfOption = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="text, md, html or json (default: from --output's extension, else text).",
            show_default=False,
        ),
    ] = None,
    output: OutputOption = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="STATUS",
            help="Exit 1 when any goal has this status or a worse one (e.g. at_risk), after writing the report.",
        ),
    ] = None,
    horizon: Annotated[
        int, typer.Option("--horizon", metavar="DAYS", help="List deadlines falling due within this many days.")
    ] = DEFAULT_HORIZON_DAYS,
    recorded_by: Annotated[
        str | None,
        typer.Option(
            "--recorded-by",
            metavar="DATE",
            help="Count only figures recorded by the end of this day (YYYY-MM-DD). With --as-of the same "
            "day, this is what cron printed on that day.",
        ),
    ] = None,
    file: FileOption = None,
) -> None:
    """Example: zibo report --since 7d --format md --output reports/week.md

    A report on every goal: counts per status, the full status table, what changed in the window (figures
    recorded in it, and goals whose status changed between its start and its end), deadlines coming up,
    stale goals and the sources cited. Plain text fits 80 columns and never has colour codes, so cron can
    mail it; md is GitHub-flavoured Markdown; html is one self-contained page with a chart per goal; json
    has stable keys.

    A report as of a day judges every goal as `zibo status --as-of` does: on the figures dated and
    public by then (public from a figure's `published` day, else its source's date, else the day it
    was recorded). What changed in the window goes by the day figures were recorded; the window is a
    run of whole days ending with the as-of day. --recorded-by DAY leaves out figures recorded after
    DAY, so --as-of D --recorded-by D reprints what cron printed on D. Output is UTF-8.
    """
    from zibo_cli.cli.output import write_output, write_stdout
    from zibo_cli.core.window import SinceError, parse_since

    state = state_of(ctx)
    chosen_format = _format(output_format, output)
    threshold = _status(fail_on) if fail_on is not None else None
    if not 0 <= horizon <= MAX_HORIZON_DAYS:
        raise fail(
            tr("--horizon {days} is not a number of days from 0 to {limit}.", days=horizon, limit=MAX_HORIZON_DAYS)
        )
    day = as_of_day(state, as_of)
    known_by = parse_day(recorded_by, "--recorded-by") if recorded_by is not None else None
    try:
        window = parse_since(since, day)
    except SinceError as error:
        raise fail(
            tr("--since {error}", error=error), tr("For example --since 7d, --since 1m or --since 2026-01-05.")
        ) from None
    from zibo_cli.core.report import build_report

    loaded = load_for(state, file)
    bundled = loaded.location.origin == "bundled dataset"
    report_data = build_report(loaded.goals_file, day, window, loaded.label, horizon, known_by, bundled)
    data = _render(chosen_format, report_data).encode("utf-8")
    goals_path = loaded.location.path
    if output is not None and output != "-":
        write_output(state.env, output, data, protect=goals_path, suffixes=_SUFFIXES)
    else:
        write_stdout(state.env, data)
    if threshold is not None:
        flagged = [a.goal.id for a in report_data.assessments if a.status.at_least_as_bad_as(threshold)]
        if flagged:
            ids = ", ".join(flagged[:10]) + (" …" if len(flagged) > 10 else "")
            raise ZiboError(
                tr("goals {status} or worse: {count} ({ids}).", status=threshold.value, count=len(flagged), ids=ids),
                tr("(--fail-on {status}; the report was written in full.)", status=threshold.value),
                ExitCode.FINDINGS,
            )


def _format(requested: str | None, output: str | None) -> str:
    if requested is None:
        if output is not None:
            from pathlib import Path

            return _SUFFIXES.get(Path(output).suffix.lower(), "text")
        return "text"
    name = _ALIASES.get(requested.strip().lower(), requested.strip().lower())
    if name not in FORMATS:
        raise fail(
            tr("--format {value!r} is not a report format.", value=requested),
            tr("Use one of: {choices}.", choices=", ".join(FORMATS)),
        )
    return name


def _status(text: str) -> Status:
    try:
        return Status(text.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise fail(
            tr("--fail-on {value!r} is not a status.", value=text),
            tr("Use one of (most at risk first): {choices}.", choices=names),
        ) from None


def _render(name: str, data: ReportData) -> str:
    if name == "md":
        from zibo_cli.render.report_markdown import render_markdown

        return render_markdown(data)
    if name == "html":
        from zibo_cli.render.report_html import render_html

        return render_html(data)
    if name == "json":
        from zibo_cli.render.report_json import render_json

        return render_json(data)
    from zibo_cli.render.report_text import render_text

    return render_text(data)
