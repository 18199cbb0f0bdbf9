#!/bin/sh
# Render the HTML report in headless Chromium to PNGs, in English and in Chinese, so a person can look at it.
#
#   scripts/render-report-screenshot.sh [GOALS_FILE] [OUT_PREFIX] [AS_OF] [WIDTH] [HEIGHT]
#
# Defaults: the bundled dataset (goals.toml), ./report (→ report-en.png, report-zh.png), 2026-06-30,
# 1280 px. Needs `zibo` (the project's venv or on PATH) and Chromium (Debian: apt-get install chromium;
# for Chinese text also a CJK font, e.g. fonts-noto-cjk). Not run by the tests (tests/test_html_browser.py
# measures the page in the same browser instead).
# Chromium is started with networking and updates off and a throwaway profile; the report itself
# loads nothing from outside (see the Content-Security-Policy in its <head>).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
goals=${1:-"$here/goals.toml"}
prefix=${2:-"$PWD/report"}
as_of=${3:-2026-06-30}
width=${4:-1280}
height=${5:-10000}  # the whole bundled report (about 7,800 px at 1280 px wide), the sources table included

if [ -x "$here/.venv/bin/zibo" ]; then zibo="$here/.venv/bin/zibo"; else zibo=zibo; fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "render-report-screenshot: no Chromium found; install it (Debian: apt-get install chromium fonts-noto-cjk)." >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac
for lang in en zh; do
    html="$work/report-$lang.html"
    "$zibo" --lang "$lang" --file "$goals" report --as-of "$as_of" \
        --since 7d --format html --output "$html"
    "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --hide-scrollbars \
        --user-data-dir="$work/profile" --window-size="$width,$height" \
        --screenshot="$prefix-$lang.png" "file://$html" >"$work/chromium.log" 2>&1 || {
        cat "$work/chromium.log" >&2
        exit 1
    }
    echo "Wrote $prefix-$lang.png"
done
