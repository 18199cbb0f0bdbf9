"""The README stays the user's manual: every command is documented, and its examples are real output."""

from __future__ import annotations

import re

from conftest import GOLDEN, REPO
from zibo_cli.cli.app import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented_in_the_readme() -> None:
    for command in app.registered_commands:
        assert f"zibo {command.name}" in README, f"`zibo {command.name}` is missing from README.md"


def test_readme_opens_with_the_two_setup_commands_and_ci_runs_the_test_command() -> None:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block is not None
    commands = block.group(1).strip().splitlines()
    assert len(commands) == 2
    assert commands[0].endswith("zibo status")
    assert "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text()
    install, test = commands[1].split(" && ")[1:]
    assert install.replace("pip install", "pip install -q") in ci
    assert test in ci


def test_readme_status_tables_are_the_real_output() -> None:
    for name in ("status-bundled-120.txt", "status-bundled-80-zh.txt"):
        golden = (GOLDEN / name).read_text(encoding="utf-8")
        assert golden in README
