"""`zibo edit`: edit the goals file in your editor, safely (after visudo and crontab -e)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from zibo_cli.cli.common import FileOption, handles_errors, location_for, one_line, state_of
from zibo_cli.environment import Environment
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr

DEFAULT_EDITOR = "vi"


@handles_errors
def edit(
    ctx: typer.Context,
    force: Annotated[
        bool, typer.Option("--force", help="Accept new figures the plausibility guard refuses (a slip of 万 for 亿 …).")
    ] = False,
    file: FileOption = None,
) -> None:
    """Example: zibo edit -f goals.toml

    Open the goals file in $VISUAL or $EDITOR (default vi) on a private temporary copy. When the editor
    exits, zibo checks the copy: if it has problems, it lists them and asks whether to edit again or
    abort (with no terminal, it aborts). The file is replaced atomically, and only if the copy is valid
    and the file has not changed on disk meanwhile; otherwise your edited copy is kept and zibo says
    where. Exactly the bytes you saved are written: comments and layout stay yours. New figures that
    look like slips (as `zibo add` refuses them) count as problems unless --force is given.
    """
    from zibo_cli.store.append import check_appendable
    from zibo_cli.store.edit import ChangedMeanwhile, discard_copy, make_private_copy, replace_if_unchanged
    from zibo_cli.store.locate import display_path
    from zibo_cli.store.read import analyse, read_bytes

    state = state_of(ctx)
    env = state.env
    location = location_for(state, file)
    check_appendable(location)  # the bundled dataset, a read-only or missing file: say so before any editing
    label = display_path(location.path)
    command = editor_command(env.variables)
    original = read_bytes(location)
    before = None if force else analyse(original, env.today())[0]  # what the guard compares new figures with
    copy = make_private_copy(original, location.path.name)
    try:
        while True:
            run_editor(command, copy, env, original)
            edited = read_copy(copy)
            if edited == original:
                discard_copy(copy)
                env.stdout.write(tr("No changes; {label} was not written.", label=label) + "\n")
                return
            goals_file, problems = analyse(edited, env.today())
            if goals_file is not None and not problems and not force:
                from zibo_cli.core.warnings import new_suspicions

                problems = new_suspicions(before, goals_file, edited)
            if goals_file is not None and not problems:
                break
            if len(problems) == 1:
                heading = tr("your edit of {label} has 1 problem:", label=label)
            else:
                heading = tr("your edit of {label} has {count} problems:", label=label, count=len(problems))
            env.stderr.write(f"zibo: {heading}\n")
            for problem in problems:
                env.stderr.write(f"  {one_line(problem.located(label))}\n")
            if not ask_to_edit_again(env):
                raise kept(copy, tr("nothing was written"))
        try:
            replace_if_unchanged(location, original, edited)
        except ChangedMeanwhile as changed:
            raise kept(
                copy,
                tr("{label} changed on disk while you were editing it; nothing was written", label=changed.label),
                tr(
                    "Compare your copy with the file (diff {copy} {label}), merge, then run `zibo edit` again.",
                    copy=copy,
                    label=label,
                ),
            ) from None
        except ZiboError as failed:  # the disk is full, permission denied…: the edit must not be lost
            raise kept(copy, failed.message.rstrip(".。"), failed.hint) from None
    except ZiboError:
        if not copy.exists() or copy.read_bytes() == original:
            discard_copy(copy)  # nothing of the user's to keep (the editor did not start, or saved nothing)
        raise
    except KeyboardInterrupt:
        if copy.exists() and copy.read_bytes() != original:
            env.stderr.write("zibo: " + tr("your edited copy is kept at {copy}", copy=copy) + "\n")
        else:
            discard_copy(copy)
        raise
    discard_copy(copy)
    goals_count, observations_count = len(goals_file.goals), len(goals_file.observations)
    written = tr(
        "Wrote {label}: {goals} goals, {observations} observations.",
        label=label,
        goals=goals_count,
        observations=observations_count,
    )
    env.stdout.write(written + "\n")
    from zibo_cli.core.warnings import file_warnings

    for warning in file_warnings(goals_file, edited, strict=False):  # e.g. a retracted figure the edit changed
        env.stderr.write(f"zibo: {one_line(warning.located(label))}\n")


def editor_command(variables: Mapping[str, str]) -> list[str]:
    """$VISUAL, else $EDITOR, else vi; split like a shell would split words, but never run by a shell."""
    import shlex

    for name in ("VISUAL", "EDITOR"):
        value = variables.get(name, "").strip()
        if not value:
            continue
        try:
            words = shlex.split(value)
        except ValueError as error:
            raise ZiboError(
                tr(
                    "${name} ({value}) cannot be split into a command: {error}.",
                    name=name,
                    value=repr(value),
                    error=error,
                )
            ) from None
        if words:
            return words
    return [DEFAULT_EDITOR]


def run_editor(command: list[str], copy: Path, env: Environment, original: bytes) -> None:
    """Run the editor on the copy, attached to the user's terminal, and wait for it."""
    import subprocess

    try:
        completed = subprocess.run([*command, str(copy)], env=dict(env.variables), check=False)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise ZiboError(
            tr(
                "could not start the editor {editor} ({reason}); nothing was written.",
                editor=repr(command[0]),
                reason=reason,
            ),
            tr("Set VISUAL or EDITOR to your editor, e.g. EDITOR=nano."),
        ) from None
    if completed.returncode != 0:
        failed = tr("the editor exited with status {status}; nothing was written", status=completed.returncode)
        if copy.exists() and copy.read_bytes() != original:
            raise kept(copy, failed)
        raise ZiboError(tr("{message}.", message=failed))


def read_copy(copy: Path) -> bytes:
    try:
        return copy.read_bytes()
    except OSError:
        raise ZiboError(tr("the edited copy {copy} is gone; nothing was written.", copy=copy)) from None


def ask_to_edit_again(env: Environment) -> bool:
    """Only a person at a terminal is asked; anything else (cron, a pipe, end of input) aborts."""
    if not env.stdin_isatty or env.stdin is None:
        return False
    while True:
        env.stderr.write(tr("What now? (e)dit again, (a)bort: "))
        env.stderr.flush()
        answer = env.stdin.readline()
        if not answer:
            env.stderr.write("\n")
            return False
        choice = answer.strip().lower()
        if choice in ("e", "edit"):
            return True
        if choice in ("a", "abort", "q", "quit"):
            return False


def kept(copy: Path, what: str, hint: str | None = None) -> ZiboError:
    """A refusal that keeps the user's work, and says where it is."""
    return ZiboError(
        tr("{what}. Your edited copy is kept at {copy}", what=what, copy=copy),
        hint or tr("Fix it, then copy it over the goals file, or run `zibo edit` again."),
    )
