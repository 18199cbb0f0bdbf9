"""`zibo report` the way cron runs it: the installed command, no terminal, stdin closed, a bare environment."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import GOLDEN, TESTS, zibo_command

AS_OF = "2026-10-05"


def _close_stdin() -> None:
    os.close(0)


def cron_run(folder: Path, locale: str, *args: str, closed_stdin: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Like `env -i PATH=… HOME=… LC_ALL=… zibo …` from a crontab: nothing else inherited."""
    command = zibo_command()
    bin_dir = Path(command[0]).parent
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(folder / "home"), "LANG": locale, "LC_ALL": locale}
    return subprocess.run(
        [*command, "--file", "goals.toml", "report", "--as-of", AS_OF, *args],
        env=env,
        cwd=folder,
        capture_output=True,
        stdin=None if closed_stdin else subprocess.DEVNULL,
        preexec_fn=_close_stdin if closed_stdin else None,
        timeout=120,
    )


@pytest.fixture
def cron_folder(tmp_path: Path) -> Path:
    shutil.copyfile(TESTS / "data" / "report.toml", tmp_path / "goals.toml")
    (tmp_path / "home").mkdir()
    return tmp_path


# The locale picks the language (as documented under "Languages"); the encoding is UTF-8 either way.
LOCALES = [("C", "en"), ("zh_CN.UTF-8", "zh")]


def golden_name(lang: str, suffix: str) -> str:
    return f"report.{suffix}" if lang == "en" else f"report-{lang}.{suffix}"


@pytest.mark.parametrize(("locale", "lang"), LOCALES)
def test_cron_text_report_is_plain_and_reproducible(cron_folder: Path, locale: str, lang: str) -> None:
    first = cron_run(cron_folder, locale)
    second = cron_run(cron_folder, locale, closed_stdin=False)
    assert first.returncode == 0, first.stderr.decode(errors="replace")
    assert first.stderr == b""
    assert first.stdout == second.stdout
    text = first.stdout.decode("utf-8")  # UTF-8 whatever the locale
    assert "\x1b" not in text
    assert "\x9b" not in text  # the one-character CSI
    # The locale picks the language: C gives the English report, zh_CN the Chinese one.
    assert ("偏离轨道" in text) == locale.startswith("zh")
    assert text == (GOLDEN / golden_name(lang, "txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(("locale", "lang"), LOCALES)
def test_cron_markdown_to_a_dated_file_and_fail_on(cron_folder: Path, locale: str, lang: str) -> None:
    (cron_folder / "reports").mkdir()
    result = cron_run(cron_folder, locale, "--output", f"reports/{AS_OF}.md", "--fail-on", "off_track")
    assert result.returncode == 1  # gdp is off track: cron gets the alert ...
    assert result.stdout == b""
    assert b"off_track" in result.stderr
    assert b"\x1b" not in result.stderr
    written = (cron_folder / "reports" / f"{AS_OF}.md").read_text(encoding="utf-8")  # ... and the report
    assert written == (GOLDEN / golden_name(lang, "md")).read_text(encoding="utf-8")
    assert sorted(p.name for p in (cron_folder / "reports").iterdir()) == [f"{AS_OF}.md"]
