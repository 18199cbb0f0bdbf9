"""What `import` and `extract` read: a file named on the command line, or standard input (`-`)."""

from __future__ import annotations

from typing import Literal

from zibo_cli.environment import Environment
from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr

# Each kind of input words its refusals in its own terms ("the CSV", "the text").
_WORDS = {
    "csv": (
        "standard input is closed, so there is no CSV to read.",
        "Check the path of the CSV.",
        "{name} is a folder, not a CSV file.",
    ),
    "text": (
        "standard input is closed, so there is no text to read.",
        "Check the path of the text.",
        "{name} is a folder, not a text file.",
    ),
}


def read_input(env: Environment, argument: str, kind: Literal["csv", "text"]) -> tuple[str, bytes]:
    """(name for messages, bytes) of the file or of standard input; a plain refusal when unreadable."""
    from pathlib import Path

    from zibo_cli.store.locate import display_path

    closed, check_path, folder = _WORDS[kind]
    if argument == "-":
        stream = env.stdin
        if stream is None:
            raise ZiboError(tr(closed), tr("Give a file name instead of -."))
        buffer = getattr(stream, "buffer", None)
        return tr("standard input"), buffer.read() if buffer is not None else stream.read().encode("utf-8")
    path = Path(argument).expanduser()
    if not path.is_absolute():
        path = env.cwd / path
    name = display_path(path, env.cwd)
    try:
        return name, path.read_bytes()
    except FileNotFoundError:
        raise ZiboError(tr("{name}: no such file.", name=name), tr(check_path)) from None
    except IsADirectoryError:
        raise ZiboError(tr(folder, name=name)) from None
    except PermissionError:
        raise ZiboError(tr("{name}: permission denied when reading.", name=name)) from None
    except OSError as error:
        raise ZiboError(tr("{name}: cannot be read ({reason}).", name=name, reason=error.strerror or error)) from None


def decoded(name: str, raw: bytes, problem: str, hint: str) -> str:
    """The UTF-8 text, or a refusal naming the first line that is not (`problem` takes {name} and {line})."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ZiboError(tr(problem, name=name, line=line), tr(hint)) from None
