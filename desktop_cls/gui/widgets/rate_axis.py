"""The learning-rate plot's value axis: a rate is a small number read by its order of magnitude, and its strip is
short. pyqtgraph's axis put four or five labels ("0.2 0.4 0.6 0.8", scaled by an SI prefix) into it, on top of each
other; this one shows only as many as fit with room between them (at most three), written as rates are ("5e-4").
An empty plot has no rate to read: its axis shows no labels (pyqtgraph's default range 0-1 put a made-up "8e-1"
on the Train page before any training)."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

MOST_LABELS = 3
LINES_PER_LABEL = 2.5  # a label's own line and room around it


def rate_text(value: float) -> str:
    """0.0005 -> "5e-4", 0.00025 -> "2.5e-4", 0 -> "0": the way learning rates are written."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


class RateAxis(pg.AxisItem):
    """A left axis with few, well-spaced labels and no SI-prefix scaling."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("left", **kwargs)
        self.enableAutoSIPrefix(False)

    def _line_height(self) -> float:
        font = self.style.get("tickFont") or QApplication.font()
        return QFontMetricsF(font).height()

    def _has_data(self) -> bool:
        """Whether the plot this axis belongs to shows any finite value (a view of empty curves has no y bounds)."""
        view = self.linkedView()
        return view is None or view.childrenBounds()[1] is not None

    def refresh(self) -> None:
        """Draw the labels again: a plot emptied without a change of range keeps its old picture otherwise."""
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        """The ticks of the finest of pyqtgraph's levels whose labels fit the height (size) with room between them,
        else the coarsest thinned to fit, keeping the largest rate; never the minor ticks alone, and none so near an
        edge that its label would be cut off. (pyqtgraph's finer levels leave out the coarser levels' values: taken
        alone, the level of 5e-4 labeled "5e-4, 1.5e-3" without the 1e-3 and 2e-3 between them.)"""
        if not self._has_data():
            return []
        line = self._line_height()
        room = max(1, min(MOST_LABELS, int(size / (LINES_PER_LABEL * line))))
        margin = (maxVal - minVal) * 0.5 * line / max(size, 1.0)
        levels: list[tuple[float, list[float]]] = []
        shown: list[float] = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            shown = sorted([*shown, *(v for v in values if minVal + margin <= v <= maxVal - margin)])
            if shown:
                levels.append((spacing, shown))
        if not levels:
            return []
        fitting = [level for level in levels if len(level[1]) <= room]
        if fitting:
            return [fitting[-1]]
        spacing, values = levels[0]
        step = -(-len(values) // room)  # ceil: every step-th tick keeps at most `room` of them
        return [(spacing * step, sorted(values[::-1][::step]))]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [rate_text(v * scale) for v in values]
