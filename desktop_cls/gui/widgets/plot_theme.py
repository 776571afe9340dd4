"""Plots in the palette's colours: background from Base, axes, ticks and titles from Text.

pyqtgraph draws on a black panel by default, whatever the window looks like; `themed_plot` makes a
plot follow the window's palette, also when the theme changes while it is shown. The curve colours in
SERIES are mid-tones with a contrast of at least 4:1 against both a white and a dark background, so
the same colour (and the same legend) works in both themes.
"""

from __future__ import annotations

from typing import TypeVar

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette

from desktop_cls.gui.widgets.theme import follow_palette

# Tableau's ten colours, each moved to the lightness that reads on white and on the dark theme's Base
SERIES = ((34, 132, 200), (204, 96, 0), (40, 144, 40), (222, 74, 75), (150, 106, 190), (171, 111, 99),
          (215, 60, 168), (125, 125, 125), (129, 130, 23), (17, 139, 151))
BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, OLIVE, TEAL = SERIES
AXES = ("left", "bottom", "right", "top")

P = TypeVar("P", bound=pg.PlotWidget)


def series(i: int) -> tuple[int, int, int]:
    """The i-th curve colour (they repeat after ten)."""
    return SERIES[i % len(SERIES)]


def plot_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """(background, foreground) of a plot drawn in this palette."""
    return palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)


def style_plot(plot: pg.PlotWidget) -> None:
    """Paint PLOT in its palette's colours now."""
    background, foreground = plot_colours(plot.palette())
    plot.setBackground(background)
    item = plot.getPlotItem()
    for name in AXES:
        axis = item.getAxis(name)
        axis.setPen(foreground)
        axis.setTextPen(foreground)
    title = item.titleLabel
    title.setAttr("color", foreground.name())
    title.setText(title.text)


def themed_plot(plot: P) -> P:
    """PLOT styled from the palette now and again whenever the palette changes (while it is out of sight, when it
    is next shown: a theme switch restyled every plot of every page in its own event-loop turn); returns it."""
    follow_palette(plot, lambda: style_plot(plot), when_shown=True)
    return plot
