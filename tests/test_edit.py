"""`zibo edit`: edit a private copy; write it back only valid, only if the file did not move on.

The editor is a small Python script (EDITOR="python editor.py") that follows a plan, one step per
time it is started: rewrite the copy, break it, leave it alone, exit with an error, or run a
`zibo add` on the real file meanwhile, as a cron job would.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import stat
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE, Result, run, run_installed, zibo_command
from zibo_cli.cli.app import app
from zibo_cli.cli.commands.edit import editor_command
from zibo_cli.cli.common import State
from zibo_cli.environment import Environment
from zibo_cli.errors import ZiboError

EDITOR = textwrap.dedent(
    """
    import json, os, subprocess, sys
    from pathlib import Path

    here = Path(__file__).parent
    copy = Path(sys.argv[-1])
    plan = json.loads((here / "plan.json").read_text())
    log = here / "log.json"
    calls = json.loads(log.read_text()) if log.exists() else []
    step = plan[len(calls)]
    info = os.stat(copy)
    calls.append({"path": str(copy), "args": sys.argv[1:], "mode": info.st_mode & 0o777,
                  "folder_mode": os.stat(copy.parent).st_mode & 0o777})
    log.write_text(json.dumps(calls))
    text = copy.read_text(encoding="utf-8")
    if "replace" in step:
        old, new = step["replace"]
        assert old in text, old
        text = text.replace(old, new)
    if "append" in step:
        text += step["append"]
    if "zibo" in step:  # someone else changes the real file while we edit
        subprocess.run(step["zibo"], check=True, capture_output=True)
    if "delete" in step:
        copy.unlink()
    else:
        copy.write_bytes(text.encode("utf-8"))
    sys.exit(step.get("exit", 0))
    """
)

VALID_CHANGE = {"replace": ['title = "Sample"', 'title = "Edited by hand" # a comment stays']}
BREAK_IT = {"replace": ['unit = "亿元"\ncategory = "economy"', 'category = "economy"']}  # gdp loses its unit
FIX_IT = {"replace": ['category = "economy"', 'unit = "亿元"\ncategory = "economy"']}
NO_CHANGE: dict[str, Any] = {}


class Editor:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()
        self.script = folder / "editor.py"
        self.script.write_text(EDITOR)

    def plan(self, *steps: dict[str, Any]) -> dict[str, str]:
        (self.folder / "plan.json").write_text(json.dumps(list(steps)))
        (self.folder / "log.json").unlink(missing_ok=True)
        return {"EDITOR": shlex.join([sys.executable, str(self.script)]), "VISUAL": ""}

    @property
    def private_copies(self) -> list[Path]:
        """What `zibo edit` left in the temp folder (tests point it at tmp_path/tmp)."""
        return sorted((self.folder.parent / "tmp").iterdir())

    @property
    def calls(self) -> list[dict[str, Any]]:
        log = self.folder / "log.json"
        return json.loads(log.read_text()) if log.exists() else []


@pytest.fixture
def editor(tmp_path: Path, world: Path, monkeypatch: pytest.MonkeyPatch) -> Editor:
    """The editor script; private copies go under tmp_path, not the machine's /tmp."""
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    return Editor(tmp_path / "editor")


def kept_copy(result: Result) -> Path:
    marker = "Your edited copy is kept at "
    line = next(line for line in result.stderr.splitlines() if marker in line)
    return Path(line.split(marker, 1)[1].strip())


def test_a_valid_edit_replaces_the_file_with_exactly_what_was_saved(sample: Path, editor: Editor) -> None:
    sample.chmod(0o640)
    before = sample.read_bytes()
    result = run("edit", env=editor.plan(VALID_CHANGE))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Wrote goals.toml: 5 goals, 6 observations.\n"
    edited = before.replace(b'title = "Sample"', b'title = "Edited by hand" # a comment stays')
    assert sample.read_bytes() == edited
    assert stat.S_IMODE(sample.stat().st_mode) == 0o640
    (call,) = editor.calls
    assert call["mode"] == 0o600, "the copy must be private"
    assert call["folder_mode"] == 0o700
    assert Path(call["path"]).name == "goals.toml", "the copy keeps the name, for the editor's highlighting"
    assert not Path(call["path"]).parent.exists(), "the private copy was not cleaned up"
    assert sorted(p.name for p in sample.parent.iterdir()) == ["goals.toml"]


def test_an_unchanged_file_is_not_written(sample: Path, editor: Editor) -> None:
    before = sample.stat()
    result = run("edit", env=editor.plan(NO_CHANGE))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "No changes; goals.toml was not written.\n"
    assert editor.private_copies == []
    after = sample.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not Path(editor.calls[0]["path"]).parent.exists()


def test_an_invalid_edit_with_no_terminal_aborts_and_keeps_the_copy(sample: Path, editor: Editor) -> None:
    before = sample.read_bytes()
    result = run("edit", env=editor.plan(BREAK_IT))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "zibo: your edit of goals.toml has 1 problem:\n  goals.toml:11: goal 'gdp' has no 'unit'." in result.stderr
    assert "nothing was written. Your edited copy is kept at" in result.stderr
    assert "What now?" not in result.stderr
    assert sample.read_bytes() == before
    copy = kept_copy(result)
    assert 'unit = "亿元"\ncategory = "economy"' not in copy.read_text(encoding="utf-8")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_at_terminal(answers: str, *args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """Run in-process with stdin a terminal that types `answers`."""
    stdout, stderr = io.StringIO(), io.StringIO()
    variables = {**os.environ, **env}
    environment = Environment(stdout=stdout, stderr=stderr, stdin=Terminal(answers), variables=variables)
    result = CliRunner().invoke(app, list(args), obj=State(environment), catch_exceptions=False)
    return result.exit_code, stdout.getvalue(), stderr.getvalue()


def test_at_a_terminal_an_invalid_edit_can_be_edited_again(sample: Path, editor: Editor) -> None:
    code, out, err = run_at_terminal("x\ne\n", "edit", env=editor.plan(BREAK_IT, FIX_IT))
    assert code == 0, err
    assert err.count("What now? (e)dit again, (a)bort: ") == 2  # "x" is not an answer: asked again
    assert "goals.toml:11: goal 'gdp' has no 'unit'." in err
    assert out == "No changes; goals.toml was not written.\n"  # broken, then mended: back to the original
    assert len(editor.calls) == 2
    assert editor.calls[0]["path"] == editor.calls[1]["path"], "the second round edits the same copy"


def test_at_a_terminal_an_edit_fixed_differently_is_written(sample: Path, editor: Editor) -> None:
    fix_and_change = {"replace": ['category = "economy"', 'unit = "亿元"\ncategory = "经济"']}
    code, out, err = run_at_terminal("e\n", "edit", env=editor.plan(BREAK_IT, fix_and_change))
    assert code == 0, err
    assert out.startswith("Wrote goals.toml")
    assert 'category = "经济"' in sample.read_text(encoding="utf-8")


@pytest.mark.parametrize("answers", ["a\n", "abort\n", ""], ids=["a", "abort", "end-of-input"])
def test_at_a_terminal_abort_keeps_the_copy(answers: str, sample: Path, editor: Editor) -> None:
    before = sample.read_bytes()
    code, out, err = run_at_terminal(answers, "edit", env=editor.plan(BREAK_IT))
    assert code == 2
    assert out == ""
    assert "Your edited copy is kept at" in err
    assert sample.read_bytes() == before
    assert len(editor.calls) == 1


def test_a_change_on_disk_during_the_edit_is_never_overwritten(sample: Path, editor: Editor) -> None:
    add = [*zibo_command(), "add", "-f", str(sample), "gdp", "5100", "--date", "2025", "--note", "from cron"]
    result = run("edit", env=editor.plan({**VALID_CHANGE, "zibo": add}))
    assert result.exit_code == 2
    assert "goals.toml changed on disk while you were editing it; nothing was written." in result.stderr
    assert "diff " in result.stderr
    text = sample.read_text(encoding="utf-8")
    assert "from cron" in text, "the other writer's change was lost"
    assert 'title = "Sample"' in text
    copy = kept_copy(result)
    assert b"Edited by hand" in copy.read_bytes()


def test_the_bundled_dataset_is_refused_before_editing(world: Path, editor: Editor) -> None:
    result = run("edit", env=editor.plan(VALID_CHANGE))
    assert result.exit_code == 2
    assert "is the bundled dataset, which is read-only." in result.stderr
    assert "zibo init" in result.stderr
    assert editor.calls == []


def test_a_read_only_file_is_refused_before_editing(sample: Path, editor: Editor) -> None:
    sample.chmod(0o444)
    result = run("edit", env=editor.plan(VALID_CHANGE))
    assert result.exit_code == 2
    assert "goals.toml is read-only; nothing was written." in result.stderr
    assert editor.calls == []


def test_a_missing_editor_is_reported(sample: Path, editor: Editor) -> None:
    result = run("edit", env={"EDITOR": "no-such-editor-anywhere --wait", "VISUAL": ""})
    assert result.exit_code == 2
    assert "could not start the editor 'no-such-editor-anywhere'" in result.stderr
    assert "Set VISUAL or EDITOR" in result.stderr
    assert sample.read_bytes() == SAMPLE.read_bytes()
    assert editor.private_copies == [], "the unused copy was left behind"


@pytest.mark.parametrize("change", [NO_CHANGE, VALID_CHANGE], ids=["unchanged", "changed"])
def test_an_editor_that_fails_writes_nothing(change: dict[str, Any], sample: Path, editor: Editor) -> None:
    result = run("edit", env=editor.plan({**change, "exit": 1}))
    assert result.exit_code == 2
    assert "the editor exited with status 1; nothing was written" in result.stderr
    assert sample.read_bytes() == SAMPLE.read_bytes()
    assert ("kept at" in result.stderr) == bool(change), "a changed copy is kept, an unchanged one removed"
    assert len(editor.private_copies) == (1 if change else 0)


def test_a_deleted_copy_writes_nothing(sample: Path, editor: Editor) -> None:
    result = run("edit", env=editor.plan({"delete": True}))
    assert result.exit_code == 2
    assert "is gone; nothing was written" in result.stderr
    assert sample.read_bytes() == SAMPLE.read_bytes()
    assert editor.private_copies == []


def test_the_editor_is_never_run_by_a_shell(sample: Path, editor: Editor, world: Path) -> None:
    env = editor.plan(NO_CHANGE)
    env["EDITOR"] += " --flag 'two words' ; touch pwned $(touch pwned2)"
    result = run("edit", env=env)
    assert result.exit_code == 0, result.stderr
    assert editor.calls[0]["args"][:4] == ["--flag", "two words", ";", "touch"]
    assert not (world / "pwned").exists()
    assert not (world / "pwned2").exists()


def test_visual_wins_over_editor(sample: Path, editor: Editor) -> None:
    env = editor.plan(VALID_CHANGE)
    env["VISUAL"], env["EDITOR"] = env["EDITOR"], "no-such-editor-anywhere"
    assert run("edit", env=env).exit_code == 0


def test_editor_command_choice() -> None:
    assert editor_command({}) == ["vi"]
    assert editor_command({"EDITOR": "nano -w"}) == ["nano", "-w"]
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vi"}) == ["code", "--wait"]
    assert editor_command({"VISUAL": "  ", "EDITOR": "'my editor' -x"}) == ["my editor", "-x"]
    with pytest.raises(ZiboError, match="cannot be split"):
        editor_command({"EDITOR": "vim 'unclosed"})


def test_a_symlinked_file_is_edited_through_its_link(world: Path, editor: Editor) -> None:
    real = world / "data" / "real.toml"
    real.parent.mkdir()
    real.write_bytes(SAMPLE.read_bytes())
    (world / "goals.toml").symlink_to(real)
    result = run("edit", env=editor.plan(VALID_CHANGE))
    assert result.exit_code == 0, result.stderr
    assert (world / "goals.toml").is_symlink()
    assert b"Edited by hand" in real.read_bytes()


def test_the_installed_command_edits_with_no_terminal(sample: Path, editor: Editor) -> None:
    result = run_installed("edit", env=editor.plan(VALID_CHANGE), cwd=sample.parent)
    assert result.exit_code == 0, result.stderr
    assert b"Edited by hand" in sample.read_bytes()
    broken = run_installed("edit", env=editor.plan(BREAK_IT), cwd=sample.parent)
    assert broken.exit_code == 2
    assert "goal 'gdp' has no 'unit'" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_the_parse_cache_never_serves_the_file_from_before_an_edit(sample: Path, editor: Editor) -> None:
    cache = {"ZIBO_NO_CACHE": ""}
    assert "Robot industry" in run("goals", env=cache).stdout
    assert any((sample.parent.parent / "home" / ".cache" / "zibo").iterdir()), "the cache was not used"
    env = {**editor.plan({"replace": ['name_en = "Robot industry"', 'name_en = "Robots, renamed by hand"']}), **cache}
    assert run("edit", env=env).exit_code == 0
    assert "Robots, renamed by hand" in run("goals", env=cache).stdout


def test_edit_speaks_the_users_language(sample: Path, editor: Editor) -> None:
    result = run("edit", env={**editor.plan(BREAK_IT), "ZIBO_LANG": "zh"})
    assert result.exit_code == 2
    assert "zibo: 你对 goals.toml 的修改有1个问题：" in result.stderr
    assert "未写入任何内容。你编辑的副本保存在 " in result.stderr
    assert kept_copy_zh(result).exists()
    unchanged = run("edit", env={**editor.plan(NO_CHANGE), "ZIBO_LANG": "zh"})
    assert unchanged.stdout == "没有改动；未写入 goals.toml。\n"


def kept_copy_zh(result: Result) -> Path:
    marker = "你编辑的副本保存在 "
    line = next(line for line in result.stderr.splitlines() if marker in line)
    return Path(line.split(marker, 1)[1].strip())


def test_a_real_terminal_is_asked_and_can_edit_again(sample: Path, editor: Editor) -> None:
    """The installed command with its stdin on a pseudo-terminal: it asks, and "e" edits again."""
    import subprocess

    from conftest import PINNED_ENV

    env = {**os.environ, **PINNED_ENV, **editor.plan(BREAK_IT, {"replace": ['category = "economy"',
                                                                 'unit = "亿元"\ncategory = "经济"']})}  # fmt: skip
    main, secondary = os.openpty()
    try:
        os.write(main, b"e\n")  # typed ahead; read when zibo asks
        completed = subprocess.run(
            [*zibo_command(), "edit"],
            stdin=secondary,
            capture_output=True,
            text=True,
            env=env,
            cwd=sample.parent,
            timeout=120,
        )
    finally:
        os.close(main)
        os.close(secondary)
    assert completed.returncode == 0, completed.stderr
    assert "What now? (e)dit again, (a)bort: " in completed.stderr
    assert completed.stdout.startswith("Wrote goals.toml")
    assert len(editor.calls) == 2
    assert 'category = "经济"' in sample.read_text(encoding="utf-8")


def test_an_edit_that_changes_a_retracted_figure_says_its_retraction_no_longer_applies(
    sample: Path, editor: Editor
) -> None:
    """Changing a retracted figure by hand makes it count again: the edit is written, with a warning."""
    shown = json.loads(run("show", "gdp", "--json").stdout)["goal"]["observations"]
    ref = next(figure["ref"] for figure in shown if figure["value"] == 4500)
    assert run("retract", ref[:8], "--reason", "a test").exit_code == 0
    result = run("edit", env=editor.plan({"replace": ["value = 4500\n", "value = 4600\n"]}))
    assert result.exit_code == 0, result.stderr
    assert "warning: retraction 1 names a figure of gdp" in result.stderr
    assert "goals.toml:" in result.stderr  # with the record's line
