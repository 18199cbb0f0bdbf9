"""Exit codes and the one exception type every layer raises for a clean, traceback-free refusal."""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # the command ran and reports a negative finding (check problems, report --fail-on)
    REFUSED = 2  # it could not do what was asked: usage, bad input, an unusable file, a refused overwrite


class ZiboError(Exception):
    """A refusal to show the user: what is wrong (with file:line), and how to fix it."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        exit_code: ExitCode = ExitCode.REFUSED,
        details: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code
        self.details = details  # one line each, between the message and the hint (import's "row N: …")

    def lines(self) -> list[str]:
        return [self.message, *self.details] + ([self.hint] if self.hint else [])


def plain_reason(error: OSError) -> str:
    """An operating-system error in the words of zibo's messages (translated where it is a common one)."""
    from zibo_cli.i18n import tr

    if error.errno == errno.ENOSPC:
        return tr("the disk is full")
    if error.errno in (errno.EACCES, errno.EPERM):
        return tr("permission denied")
    return (error.strerror or str(error)).lower()
