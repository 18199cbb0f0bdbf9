"""The HTML report: one self-contained page to publish or mail as an attachment.

Inline CSS, one inline SVG chart per goal with a target, and no external resource of any kind (no
src, no <link>, no @import, no url(); a Content-Security-Policy says so to the browser as well).
Every string from the goals file goes through `h()`: control characters made visible, then
html.escape. Source URLs become links only when they are http(s); anything else is shown as text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from zibo_cli.core.model import Goal, Observation, Status
from zibo_cli.core.progress import Assessment, Point
from zibo_cli.core.report import CitedSource, ReportData
from zibo_cli.core.units import in_english
from zibo_cli.i18n import is_chinese, tr
from zibo_cli.render import report_parts as parts
from zibo_cli.render.chart import all_ticks, nice_ticks, period_of, period_ticks
from zibo_cli.render.text import (
    clean,
    format_number,
    format_observation,
    format_value,
    needs_text,
    observation_date,
    status_label,
)

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1160px; padding: 24px 28px 48px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial,
  "Noto Sans CJK SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h2 .n { color: var(--muted); font-weight: normal; }
h3 { font-size: 16px; margin: 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0;
  color: var(--muted); }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line);
  overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.id, .sub { display: block; color: var(--muted); font-size: 12px; }
td .id, .ref { white-space: nowrap; }  /* an id is copied into `zibo show`: not broken at its hyphens */
.none { color: var(--muted); font-style: italic; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12.5px; font-weight: 600;
  white-space: nowrap; color: #fff; background: #6e7781; }
.status { white-space: nowrap; }
.flag { display: inline-block; margin-left: 4px; font-size: 12px; color: var(--muted); }
.s-deteriorating { background: #82071e; } .s-missed { background: #cf222e; } .s-off_track { background: #d1242f; }
.s-at_risk { background: #bf8700; } .s-insufficient { background: #8250df; } .s-no_data { background: #6e7781; }
.s-on_track { background: #1a7f37; } .s-achieved { background: #116329; } .s-fact { background: #0969da; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; list-style: none; padding: 0; margin: 0; }
.counts li { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.counts .n { display: block; font-size: 22px; font-weight: 700; }
.bar { display: inline-block; width: 80px; height: 8px; margin-right: 6px; border-radius: 4px;
  background: #eaeef2; vertical-align: middle; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--accent); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(520px, 100%), 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
figure.chart header { display: flex; justify-content: space-between; gap: 10px; align-items: baseline; }
figure.chart .facts { margin: 4px 0 6px; color: var(--muted); font-size: 13px; }
figure.chart svg { display: block; width: 100%; height: auto; }
figure.chart figcaption { color: var(--muted); font-size: 12px; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; fill: #59636e; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
svg .path { stroke: #8c959f; stroke-width: 2; stroke-dasharray: 6 4; fill: none; }
svg .trend { stroke: #0969da; stroke-width: 1.5; fill: none; opacity: .55; }
svg .obs { fill: #0969da; stroke: #fff; stroke-width: 1.5; }
svg .obs.preliminary { fill: #fff; stroke: #0969da; }
svg .deadline { stroke: #cf222e; stroke-width: 1.2; stroke-dasharray: 3 3; }
svg .target { fill: #fff; stroke: #cf222e; stroke-width: 2; }
svg .asof { stroke: #bf8700; stroke-width: 1; }
svg text.deadline-label { fill: #cf222e; }
svg text.asof-label { fill: #9a6700; }
.key { display: inline-block; margin-right: 12px; }
.key .dot { color: #0969da; } .key .dash { color: #8c959f; } .key .ring { color: #cf222e; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
a { color: var(--accent); overflow-wrap: anywhere; word-break: break-all; }
dl.meta dd, h1 { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  body { padding: 16px 14px 32px; }
  h1 { font-size: 21px; }
  table, thead, tbody, tr, th, td { display: block; }
  thead { display: none; }
  tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  td, td.num { border: 0; padding: 2px 0; text-align: left; white-space: normal; }
  td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-weight: 600; }
  .status { white-space: normal; }
  td:empty { display: none; }
  .counts li { min-width: 0; flex: 1 1 40%; }
  dl.meta { grid-template-columns: 1fr; }
  dl.meta dd { margin-bottom: 4px; }
}
@media print { body { padding: 0; } figure.chart { break-inside: avoid; } }
""".strip()

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def h(text: str | None) -> str:
    """User text as HTML: control characters made visible, everything escaped, line breaks kept."""
    import html

    if not text:
        return ""
    return html.escape(clean(text), quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def _badge(status: Status) -> str:
    return f'<span class="badge s-{status.value}">{h(status_label(status))}</span>'


def _goal_cell(goal: Goal) -> str:
    return f'{h(parts.name(goal))}<span class="id">{h(goal.id)}</span>'


def _none() -> str:
    return f'<p class="none">{h(parts.none())}</p>'


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[str] = ()) -> str:
    """A table from our headers and already escaped cells."""
    head = "".join(f'<th class="num">{h(x)}</th>' if x in numeric else f"<th>{h(x)}</th>" for x in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num" data-label="{h(header)}">{cell}</td>'
            if header in numeric
            else f'<td data-label="{h(header)}">{cell}</td>'
            for header, cell in zip(headers, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(section_id: str, title: str, body: str, count: int | None = None) -> str:
    number = f' <span class="n">({count})</span>' if count is not None else ""
    return f'<section id="{section_id}"><h2>{h(title)}{number}</h2>{body}</section>'


def _link(url: str | None) -> str:
    """A link to the source page (navigation, not a resource the report loads), http(s) only."""
    if not url:
        return ""
    cleaned = clean(url).strip()
    if cleaned.lower().startswith(("https://", "http://")) and not any(c.isspace() for c in cleaned):
        return f'<a href="{h(cleaned)}" rel="noopener noreferrer nofollow">{h(cleaned)}</a>'
    return h(cleaned)


def _progress(assessment: Assessment) -> str:
    stage = assessment.stage
    if stage is None or stage.progress is None or not math.isfinite(stage.progress):
        return ""
    width = max(0.0, min(1.0, stage.progress)) * 100
    return f'<span class="bar"><span style="width:{width:.0f}%"></span></span>{h(parts.progress_text(assessment))}'


def _status_cell(assessment: Assessment) -> str:
    cell = _badge(assessment.status)
    stage = assessment.stage
    if stage is not None and stage.awaiting:
        cell += f'<span class="flag">{h(tr("awaiting final"))}</span>'
    if assessment.provisional:
        cell += f'<span class="flag">{h(tr("provisional"))}</span>'
    if needs_text(assessment):
        cell += f'<span class="flag">{h(needs_text(assessment))}</span>'
    if assessment.stale:
        cell += f'<span class="flag">{h(tr("stale"))}</span>'
    return f'<span class="status">{cell}</span>'


def _with_date(value: str, date: str) -> str:
    if not value and not date:
        return ""  # an empty cell: a phone's layout leaves it out
    return f'{h(value)}<span class="sub">{h(date)}</span>'


def _status_table(assessments: Sequence[Assessment]) -> str:
    rows = []
    for assessment in assessments:
        rows.append(
            (
                _goal_cell(assessment.goal),
                _with_date(*parts.latest_text(assessment)),
                _with_date(*parts.target_text(assessment)),
                _progress(assessment),
                h(parts.left_text(assessment)),
                _status_cell(assessment),
            )
        )
    latest, target, left = tr("Latest"), tr("Target"), tr("Left")
    headers = (tr("Goal"), latest, target, tr("Progress"), left, tr("Status"))
    return _table(headers, rows, (latest, target, left))


# --- charts ---------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 520, 230
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 18, 16, 36


def _f(number: float) -> str:
    """SVG coordinates: one decimal, no '-0.0'."""
    text = f"{number:.1f}"
    return "0.0" if text == "-0.0" else text


def chart_svg(assessment: Assessment) -> str:
    """Figures as dots against the straight required path from the baseline to each target; deadlines
    marked. An average target's chart follows the average: the average so far at each year's end
    against the target average."""
    goal = assessment.goal
    # Plot in the unit the reader sees in the tables (an English report shows 亿元 as bn yuan).
    factor, unit = (1.0, goal.unit) if is_chinese() else in_english(1.0, goal.unit)
    from zibo_cli.core.series import charted_figures

    observations = list(charted_figures(assessment))
    points = [Point(o.date, o.value * factor) for o in observations]
    baseline = Point(assessment.baseline.date, assessment.baseline.value * factor) if assessment.baseline else None
    stages = [stage.target for stage in assessment.stages]
    targets = [Point(target.by, target.value * factor) for target in stages]
    averaged = assessment.stage if assessment.stage is not None and assessment.stage.years else None
    if averaged is not None:
        from zibo_cli.core.progress import running_averages

        target = averaged.target
        points = [Point(p.date, p.value * factor) for p in running_averages(averaged)]
        first_year = averaged.years[0].year
        baseline = Point(dt.date(first_year - 1, 12, 31), target.value * factor)
        stages, targets = [target], [Point(target.by, target.value * factor)]
    everything = points + targets + ([baseline] if baseline else [])
    dates = [p.date for p in everything] + [assessment.as_of]
    values = [p.value for p in everything]
    first, last = min(dates), max(dates)
    if first == last:
        first, last = first - dt.timedelta(days=180), last + dt.timedelta(days=180)
    low, high = min(values), max(values)
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    plot_w = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    span = (last - first).days

    def x(day: dt.date) -> float:
        return MARGIN_LEFT + (day - first).days / span * plot_w

    def y(value: float) -> float:
        return MARGIN_TOP + (high - value) / (high - low) * plot_h

    label = tr("{name}: figures against the required path", name=parts.name(goal))
    out = [
        f'<svg viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        f'role="img" aria-label="{h(label)}">'
    ]
    bottom, right = MARGIN_TOP + plot_h, MARGIN_LEFT + plot_w
    out.append(f'<text class="unit" x="4" y="10">{h(clean(unit))}</text>')
    for tick in nice_ticks(low, high):
        ty = y(tick)
        out.append(f'<line class="grid" x1="{MARGIN_LEFT}" y1="{_f(ty)}" x2="{right}" y2="{_f(ty)}"/>')
        out.append(f'<text x="{MARGIN_LEFT - 6}" y="{_f(ty + 4)}" text-anchor="end">{h(format_number(tick))}</text>')
    out.append(f'<line class="axis" x1="{MARGIN_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}"/>')
    # Marks at period ends, each labelled with the period that ends there: a figure for 2019 is
    # dated 31 Dec 2019 and sits right above "2019" (labels at year starts put it over "2020").
    periods = all_ticks(first, last)
    for tick in period_ticks(periods, first, last):
        tx = x(tick.day)
        out.append(f'<line class="axis" x1="{_f(tx)}" y1="{bottom}" x2="{_f(tx)}" y2="{bottom + 4}"/>')
        out.append(
            f'<text class="period" data-period="{h(tick.period)}" x="{_f(tx)}" y="{bottom + 16}" '
            f'text-anchor="middle">{h(tick.label)}</text>'
        )
    if first <= assessment.as_of <= last:
        ax = x(assessment.as_of)
        out.append(f'<line class="asof" x1="{_f(ax)}" y1="{MARGIN_TOP}" x2="{_f(ax)}" y2="{bottom}"/>')
        label_x, anchor = (ax + 4, "start") if ax < MARGIN_LEFT + 40 else (ax - 4, "end")
        out.append(
            f'<text class="asof-label" x="{_f(label_x)}" y="{MARGIN_TOP + 10}" text-anchor="{anchor}">'
            f"{h(tr('as of'))}</text>"
        )
    if baseline is not None:
        path = [baseline] + [t for t in targets if t.date > baseline.date]
        if len(path) > 1:
            coordinates = " ".join(f"{_f(x(p.date))},{_f(y(p.value))}" for p in path)
            out.append(f'<polyline class="path" points="{coordinates}"/>')
    for stage_target, target in zip(stages, targets, strict=True):
        tx = x(target.date)
        out.append(f'<line class="deadline" x1="{_f(tx)}" y1="{MARGIN_TOP}" x2="{_f(tx)}" y2="{bottom}"/>')
        anchor = "end" if tx > right - 36 else "start" if tx < MARGIN_LEFT + 36 else "middle"
        out.append(
            f'<text class="deadline-label" x="{_f(tx)}" y="{bottom + 30}" text-anchor="{anchor}">'
            f"{target.date.isoformat()}</text>"
        )
        value = format_value(stage_target.value, goal.unit, stage_target.qualifier)
        tip = tr("target {value} by {date}", value=value, date=target.date.isoformat())
        out.append(
            f'<circle class="target" cx="{_f(tx)}" cy="{_f(y(target.value))}" r="5"><title>{h(tip)}</title></circle>'
        )
    if len(points) > 1:
        coordinates = " ".join(f"{_f(x(p.date))},{_f(y(p.value))}" for p in points)
        out.append(f'<polyline class="trend" points="{coordinates}"/>')
    for css, tip, point in _dots(assessment, observations, points, averaged is not None):
        out.append(
            f'<circle class="{css}" data-period="{h(period_of(point.date, periods))}" cx="{_f(x(point.date))}" '
            f'cy="{_f(y(point.value))}" r="4"><title>{h(tip)}</title></circle>'
        )
    if not points:
        out.append(
            f'<text x="{_f(MARGIN_LEFT + plot_w / 2)}" y="{_f(MARGIN_TOP + plot_h / 2)}" '
            f'text-anchor="middle">{h(tr("no figures yet"))}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _dots(
    assessment: Assessment, observations: Sequence[Observation], points: Sequence[Point], averaged: bool
) -> list[tuple[str, str, Point]]:
    """Each dot's CSS class, tooltip and place: a figure, or an average target's average so far."""
    goal = assessment.goal
    if not averaged:
        return [
            (
                "obs preliminary" if o.preliminary else "obs",
                f"{observation_date(o)}: {format_observation(o, goal.unit)}",
                point,
            )
            for o, point in zip(observations, points, strict=True)
        ]
    stage = assessment.stage
    first = stage.years[0].year if stage is not None else 0
    provisional = stage is not None and stage.provisional
    return [
        (
            "obs preliminary" if provisional else "obs",
            tr(
                "average {first}–{last}: {value}" if first != point.date.year else "{first}: {value}",
                first=first,
                last=point.date.year,
                value=format_value(point.value, goal.unit, estimate=True),
            ),
            point,
        )
        for point in points
    ]


def _chart_card(assessment: Assessment) -> str:
    goal = assessment.goal
    latest, latest_for = parts.latest_text(assessment)
    target, by = parts.target_text(assessment)
    facts = [tr("latest {value} ({date})", value=latest, date=latest_for) if latest_for else tr("no figures yet")]
    facts.append(tr("target {value} {by}", value=target, by=by))
    if parts.progress_text(assessment):
        facts.append(tr("progress {percent}", percent=parts.progress_text(assessment)))
    if parts.left_text(assessment):
        facts.append(tr("{time} left", time=parts.left_text(assessment)))
    averaged = assessment.stage is not None and bool(assessment.stage.years)
    legend = [
        ("dot", "●", tr("average so far (hollow: provisional)" if averaged else "figures (hollow: preliminary)")),
        ("dash", "- - -", tr("required path")),
        ("ring", "○", tr("target; dashed red line: deadline")),
    ]
    keys = "".join(
        f'<span class="key"><span class="{css}">{mark}</span> {h(text)}</span>' for css, mark, text in legend
    )
    return (
        f'<figure class="chart" id="goal-{h(goal.id)}"><header><h3>{h(parts.name(goal))}'
        f'<span class="id">{h(goal.id)}</span></h3>{_status_cell(assessment)}</header>'
        f'<p class="facts">{h(" · ".join(facts))}</p>{chart_svg(assessment)}<figcaption>{keys}</figcaption></figure>'
    )


def _sections(data: ReportData) -> list[str]:
    counts = "".join(f'<li><span class="n">{count}</span>{h(label)}</li>' for label, count in parts.summary_rows(data))
    sections = [_section("summary", parts.section_summary(), f'<ul class="counts">{counts}</ul>')]
    status = _status_table(data.assessments) if data.assessments else _none()
    sections.append(_section("status", parts.section_status(), status))
    cards = "".join(_chart_card(a) for a in data.targeted)
    charts = f'<div class="charts">{cards}</div>' if cards else _none()
    sections.append(_section("charts", parts.section_charts(), charts, len(data.targeted)))

    rows = []
    for entry in data.recorded:
        recorded, cells = parts.recorded_cells(entry)
        rows.append((h(recorded), _goal_cell(entry.goal), *map(h, cells)))
    figure = tr("Figure")
    headers = (tr("Recorded"), tr("Goal"), figure, tr("For"), tr("Source"), tr("Flags"), tr("Note"))
    body = _table(headers, rows, (figure,)) if rows else _none()
    sections.append(_section("recorded", parts.section_recorded(), body, len(rows)))

    rows = [
        (_goal_cell(c.goal), _badge(c.before.status), _badge(c.after.status), _with_date(*parts.latest_text(c.after)))
        for c in data.changes
    ]
    latest = tr("Latest")
    body = _table((tr("Goal"), tr("Before"), tr("Now"), latest), rows, (latest,)) if rows else _none()
    sections.append(_section("changes", parts.section_changes(), body, len(rows)))

    rows = [
        (
            d.target.by.isoformat(),
            _goal_cell(d.goal),
            h(parts.deadline_target(d)),
            h(parts.deadline_left(d)),
            _badge(d.status),
        )
        for d in data.deadlines
    ]
    target, left = tr("Target"), tr("Left")
    headers = (tr("By"), tr("Goal"), target, left, tr("Status"))
    body = _table(headers, rows, (target, left)) if rows else _none()
    sections.append(_section("deadlines", parts.section_deadlines(data), body, len(rows)))

    rows = [
        (_goal_cell(a.goal), h(parts.stale_latest(a)), a.stale_since.isoformat() if a.stale_since else "")
        for a in data.stale
    ]
    body = _table((tr("Goal"), tr("Latest figure"), tr("Stale since")), rows) if rows else _none()
    sections.append(_section("stale", parts.section_stale(), body, len(rows)))

    rows = [_source_row(cited) for cited in data.sources]
    body = _table((tr("Source"), tr("Description"), tr("Link"), tr("Cited by")), rows) if rows else _none()
    sections.append(_section("sources", parts.section_sources(), body, len(rows)))
    return sections


def _source_row(cited: CitedSource) -> tuple[str, str, str, str]:
    return (
        f'<span class="ref">{h(parts.source_kind(cited))}</span>' if cited.source else h(parts.source_kind(cited)),
        h(parts.source_description(cited)),
        _link(cited.source.url if cited.source is not None else None),
        ", ".join(f'<span class="ref">{h(goal_id)}</span>' for goal_id in cited.goals),
    )


def render_html(data: ReportData) -> str:
    title = parts.title(data)
    meta = "".join(f"<dt>{h(label)}</dt><dd>{h(value)}</dd>" for label, value in parts.meta_rows(data))
    body = "\n".join(_sections(data))
    footer = tr("Made by zibo from {file}. Figures are shown as recorded in the goals file.", file=data.file)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if is_chinese() else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{h(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f'<header><h1>{h(title)}</h1><dl class="meta">{meta}</dl></header>\n{body}\n'
        f"<footer>{h(footer)}</footer>\n"
        "</body>\n</html>\n"
    )
