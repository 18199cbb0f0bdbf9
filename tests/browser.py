"""Measure an HTML report in real headless Chromium: overflow at a given width, and where chart marks sit.

Each chart dot comes back with its tooltip (the figure's own date, as the tables print it) and every
period label with the text the reader sees, so a test can check what a label says, not only the
`data-period` key that chart.py puts on both.

Each report goes into an <iframe srcdoc> of the width to test (Chromium's own window is never narrower
than 500 px, an iframe is). A script in the harness page, not in the report (whose
Content-Security-Policy forbids scripts), measures with getBoundingClientRect once everything has
loaded, and writes its findings into the page; `--dump-dom` prints them. No DevTools protocol, no
network: one browser process for every page and width.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

MEASURE = r"""
function measure(frame) {
  const doc = frame.contentDocument, width = frame.clientWidth;
  const root = doc.documentElement;
  const wide = [];
  for (const element of doc.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) {
      wide.push(element.tagName.toLowerCase() + (element.className ? '.' + element.className : '') +
                ' ' + Math.round(box.left) + '..' + Math.round(box.right));
    }
  }
  const points = [];
  for (const svg of doc.querySelectorAll('svg')) {
    const labels = [...svg.querySelectorAll('text.period')].map(t => {
      const b = t.getBoundingClientRect();
      return {period: t.dataset.period, text: t.textContent, centre: b.left + b.width / 2, left: b.left,
              right: b.right};
    });
    for (const dot of svg.querySelectorAll('circle[data-period]')) {
      const b = dot.getBoundingClientRect();
      const title = dot.querySelector('title');
      points.push({chart: svg.closest('figure').id, period: dot.dataset.period, x: b.left + b.width / 2,
                   title: title ? title.textContent : '', labels: labels});
    }
  }
  return {name: frame.name, width: width, scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
          wide: wide.slice(0, 20), points: points};
}
window.addEventListener('load', () => {
  const results = [...document.querySelectorAll('iframe')].map(measure);
  document.getElementById('results').textContent = JSON.stringify(results);
});
"""


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def harness(pages: dict[str, str], widths: tuple[int, ...]) -> str:
    frames = "".join(
        f'<iframe name="{html.escape(name)}@{width}" style="width:{width}px;height:3000px;border:0;display:block" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
        for name, page in pages.items()
        for width in widths
    )
    body = f'{frames}<pre id="results"></pre><script>{MEASURE}</script>'
    return f'<!DOCTYPE html><html><body style="margin:0">{body}</body></html>'


def measure_pages(browser: str, pages: dict[str, str], widths: tuple[int, ...]) -> list[dict[str, object]]:
    """Load every page at every width in one headless Chromium run; what the harness measured."""
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "harness.html"
        page.write_text(harness(pages, widths), encoding="utf-8")
        completed = subprocess.run(
            [
                browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                "--disable-background-networking", "--disable-component-update", "--disable-extensions",
                f"--user-data-dir={work}/profile", f"--window-size={max(widths) + 40},3000",
                "--virtual-time-budget=10000", "--dump-dom", page.as_uri(),
            ],
            capture_output=True, text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"},
        )  # fmt: skip
    start = completed.stdout.find('<pre id="results">')
    if start < 0:
        raise RuntimeError(f"Chromium printed no results (exit {completed.returncode}): {completed.stderr[-2000:]}")
    text = completed.stdout[start + len('<pre id="results">') : completed.stdout.index("</pre>", start)]
    return json.loads(html.unescape(text))
