"""What the text report's layout depends on besides the report itself.

Apart from render/report_text.py so that a remembered report (store/results.py) is looked up by it
without importing the renderers.
"""

from __future__ import annotations

import os

WIDTH = 80  # the text report's columns, whatever the terminal: cron mails it


def layout_key() -> tuple[int, str | None]:
    """The width, and the Unicode version Rich measures cells by (its own UNICODE_VERSION variable)."""
    return WIDTH, os.environ.get("UNICODE_VERSION")
