"""Plain text a command printed before, printed again for the same bytes, day and options.

A repeated `status` or `show` on a large file printed the very text it printed the last time, after
reading the cache and laying it out again (docs/performance.md). The text is remembered beside the
cache (store/results.py, `recall_printed`) under a key that spells out everything it depends on besides
the file's bytes and zibo's code: the command and its options, today and the as-of day, the language,
the width, the Unicode version Rich measures cells by, and the file's label and origin in the footer.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from zibo_cli.cli.common import State, cache_of

if TYPE_CHECKING:
    import datetime as dt

    from zibo_cli.store.cache import Identity
    from zibo_cli.store.locate import Location


def _text(document: Any) -> str | None:
    return document if isinstance(document, str) else None


class PrintedText:
    """One command's plain text for one file, day and set of options."""

    def __init__(
        self, state: State, location: Location, command: str, day: dt.date, options: tuple[object, ...]
    ) -> None:
        from zibo_cli.i18n import language
        from zibo_cli.store.locate import display_path
        from zibo_cli.store.results import text_key

        self._cache: Any = cache_of(state)
        self._location = location
        layout = (language(), state.env.width, os.environ.get("UNICODE_VERSION"))
        footer = (display_path(location.path), location.origin)
        self._key = text_key(command, state.env.today(), day, (*options, *layout, *footer))

    def recalled(self) -> str | None:
        """The text printed for these very bytes before, once their digest is confirmed; or None."""
        if self._cache is None:
            return None
        from zibo_cli.store.results import recall_printed

        found = recall_printed(self._location, self._key, self._cache, _text)
        return found.value if found is not None and found.confirmed() else None

    def keep(self, identity: Identity | None, text: str) -> None:
        """Remember `text` for the bytes with this (confirmed) identity; nothing without a cache."""
        if self._cache is not None and identity is not None:
            from zibo_cli.store.results import remember

            remember(self._cache, identity, self._key, text)
