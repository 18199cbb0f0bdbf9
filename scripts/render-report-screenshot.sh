#!/bin/sh
# Render the HTML report in headless Chromium to a PNG, so a person can look at it.
#
#   scripts/render-report-screenshot.sh [GOALS_FILE] [OUT.png] [AS_OF]
#
# Defaults: tests/data/report.toml, ./report-screenshot.png, 2026-10-05. Needs `zibo` (the
# project's venv or on PATH) and Chromium (Debian: apt-get install chromium; for Chinese text also a
# CJK font, e.g. fonts-noto-cjk). Not run by the tests.
# Chromium is started with networking and updates off and a throwaway profile; the report itself
# loads nothing from outside (see the Content-Security-Policy in its <head>).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
goals=${1:-"$here/tests/data/report.toml"}
out=${2:-"$PWD/report-screenshot.png"}
as_of=${3:-2026-10-05}

if [ -x "$here/.venv/bin/zibo" ]; then zibo="$here/.venv/bin/zibo"; else zibo=zibo; fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "render-report-screenshot: no Chromium found; install it (Debian: apt-get install chromium)." >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
html="$work/report.html"
"$zibo" --file "$goals" report --as-of "$as_of" \
    --since 7d --format html --output "$html"

case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size=1200,2000 \
    --screenshot="$out" "file://$html" >"$work/chromium.log" 2>&1 || {
    cat "$work/chromium.log" >&2
    exit 1
}
echo "Wrote $out"
