"""Where reports and exports go: stdout, or a file written atomically (temp + fsync + rename)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from zibo_cli.environment import Environment
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr


def write_stdout(env: Environment, data: bytes) -> None:
    """Reports and exports are UTF-8 whatever the locale (cron's is often C): bytes straight to the stream.

    On a terminal a person reads them, so control characters from the file (an ESC in a note) are
    made visible rather than obeyed, as `ls` does; piped or redirected output stays byte-exact.
    """
    if env.stdout_isatty:
        from zibo_cli.render.text import clean

        lines = data.decode("utf-8").split("\r\n")  # CSV's own line ends stay
        data = "\r\n".join(clean(line) for line in lines).encode("utf-8")
    stream = env.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8"))
        stream.flush()


def write_output(
    env: Environment, output: str, data: bytes, protect: Path | None = None, suffixes: Iterable[str] = ()
) -> Path:
    """Replace OUTPUT's content atomically under the folder lock; refuse a missing folder, the goals
    file, or an extension not in `suffixes` (a report.pdf zibo cannot write)."""
    from zibo_cli.store.atomic import atomic_write, write_lock
    from zibo_cli.store.locate import display_path

    path = Path(output).expanduser()
    if not path.is_absolute():
        path = env.cwd / path
    label = display_path(path, env.cwd)
    if not output.strip():
        raise ZiboError(tr("--output is empty."), tr("Give a file name, e.g. --output report.md."))
    if path.is_dir():
        raise ZiboError(tr("--output {path} is a folder, not a file.", path=label), tr("Give a file name inside it."))
    if path.exists() and not path.is_file():  # a FIFO, a device or a socket: never opened, never replaced
        raise ZiboError(
            tr("--output {path} is not a regular file (a device, pipe or socket).", path=label),
            tr("Choose another file name."),
        )
    folder = Path(os.path.realpath(path)).parent
    if not folder.is_dir():
        raise ZiboError(
            tr(
                "--output {path}: the folder {folder} does not exist; nothing was written.",
                path=label,
                folder=display_path(folder, env.cwd),
            ),
            tr("Create the folder first, or choose another path."),
        )
    if protect is not None and _same_file(path, protect):
        raise ZiboError(
            tr("--output {path} is the goals file itself; writing there would destroy it.", path=label),
            tr("Choose another file name."),
        )
    known = tuple(suffixes)
    if known and path.suffix and path.suffix.lower() not in known:
        raise ZiboError(
            tr(
                "--output {path}: zibo cannot write {suffix} files; nothing was written.",
                path=label,
                suffix=path.suffix,
            ),
            tr("Name the file with one of: {choices}.", choices=", ".join(known)),
        )
    with write_lock(path):
        atomic_write(path, data)
    return path


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.realpath(one) == os.path.realpath(other) or (one.exists() and one.samefile(other))
    except OSError:
        return False
