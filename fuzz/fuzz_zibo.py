"""Coverage-guided fuzzing of zibo's parsers with atheris (libFuzzer). Not run in CI.

The hypothesis tests in tests/test_fuzz.py run on every commit; this harness is for long runs by hand,
where coverage guidance finds inputs random generation would not. The contract is the same: the
loader returns a GoalsFile or located problems, `zibo add`'s parsers return a result or raise their
ValueError subclass, and anything else is a crash libFuzzer reports (and saves as crash-*).

    pip install atheris            # needs clang; see its README
    mkdir -p fuzz/corpus && cp tests/data/*.toml goals.toml fuzz/corpus/
    python fuzz/fuzz_zibo.py fuzz/corpus -max_total_time=3600 -rss_limit_mb=4096
"""

from __future__ import annotations

import datetime as dt
import sys

import atheris

with atheris.instrument_imports():
    from zibo_cli.core.dates import DateError, parse_iso_date
    from zibo_cli.core.values import ValueParseError, parse_value
    from zibo_cli.store.read import analyse

TODAY = dt.date(2026, 11, 27)
UNITS = ["亿元", "万元", "%", "百分点", "家", "个", "万人", ""]


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    target = provider.ConsumeIntInRange(0, 3)
    if target <= 1:  # the loader gets most of the time
        raw = provider.ConsumeBytes(provider.remaining_bytes())
        text, goals_file, problems = analyse(raw, TODAY)
        if goals_file is None:
            assert problems, "no file and no problem"
        else:
            assert not problems
            assert text is not None
    elif target == 2:
        unit = UNITS[provider.ConsumeIntInRange(0, len(UNITS) - 1)]
        try:
            parsed = parse_value(provider.ConsumeUnicodeNoSurrogates(64), unit)
        except ValueParseError:
            return
        assert abs(parsed.value) <= 1e15
    else:
        try:
            parse_iso_date(provider.ConsumeUnicodeNoSurrogates(32))
        except DateError:
            return


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
