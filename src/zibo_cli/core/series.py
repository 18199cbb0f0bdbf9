"""The figures a goal's charts and sparklines draw: the ones its assessment counts.

One small function, so every picture of a goal (the `show` chart, the `status` sparkline, the HTML
report's charts) shows exactly the figures the verdict rests on, and a change to which figures count
is made in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zibo_cli.core.model import Observation
    from zibo_cli.core.progress import Assessment, Point


def charted_figures(assessment: Assessment) -> Sequence[Observation]:
    """The figures the assessment counted (dated and public by its as-of day), in date order; of two
    for one date, the later in the file, as the assessment takes it."""
    by_date = {figure.date: figure for figure in assessment.observations}  # already in date order
    return list(by_date.values())


def charted_points(assessment: Assessment) -> list[Point]:
    from zibo_cli.core.progress import Point

    return [Point(figure.date, figure.value) for figure in charted_figures(assessment)]
