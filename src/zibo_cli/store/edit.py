"""The disk side of `zibo edit`: a private copy to edit, and a replace that refuses if the file moved on.

Like visudo and crontab -e, the user never edits the goals file itself: a half-saved or invalid
file never exists under its name, and a change made meanwhile (a cron `zibo import`, say) is never
silently overwritten.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from zibo_cli.errors import ZiboError
from zibo_cli.i18n import tr
from zibo_cli.store.atomic import atomic_write, write_lock
from zibo_cli.store.locate import Location, display_path
from zibo_cli.store.read import read_bytes

COPY_PREFIX = "zibo-edit-"


class ChangedMeanwhile(ZiboError):
    """The goals file on disk is no longer the one the edit started from."""

    def __init__(self, label: str) -> None:
        super().__init__(tr("{label} changed on disk while you were editing it.", label=label))
        self.label = label


def make_private_copy(raw: bytes, name: str) -> Path:
    """The bytes in a new folder only this user can enter (0700), as a file only they can read (0600).

    The copy keeps the original's name, so editors pick TOML highlighting.
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix=COPY_PREFIX))
        copy = folder / name
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as error:
        raise ZiboError(
            tr("cannot make a temporary copy to edit ({reason}).", reason=(error.strerror or str(error)).lower()),
            tr("Check that TMPDIR (or /tmp) exists and has room."),
        ) from None
    return copy


def discard_copy(copy: Path) -> None:
    """Remove the copy and its private folder (only ever one zibo made)."""
    if copy.parent.name.startswith(COPY_PREFIX):
        shutil.rmtree(copy.parent, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            copy.unlink()


def replace_if_unchanged(location: Location, original: bytes, edited: bytes) -> None:
    """Under the lock: if the file still holds `original`, replace it atomically with `edited`."""
    with write_lock(location.path):
        if read_bytes(location) != original:
            raise ChangedMeanwhile(display_path(location.path))
        atomic_write(location.path, edited)
