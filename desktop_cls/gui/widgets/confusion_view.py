"""The confusion matrix as a table that fits its pane and takes its colours from the palette.

Cells share the pane; when the pane is short they use a smaller font (down to MIN_FONT_SCALE) and class
names are shortened to what fits (the full name is the header's tooltip), so a 10 x 10 matrix fits a
1024 x 640 window; only a matrix that cannot fit even then scrolls. Cell colours are worked out when
painted, from the view's palette, so a switch between light and dark recolours them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import NamedTuple, cast

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop_cls.gui.widgets.confusion_cells import HeatDelegate, cell_colours, heat_colour
from desktop_cls.gui.widgets.confusion_model import FULL_NAME_ROLE, HEAT_ROLE, ConfusionModel, longest_count
from desktop_cls.gui.widgets.resized_sections import paint_resized_sections_at_once

__all__ = ["FULL_NAME_ROLE", "HEAT_ROLE", "ConfusionMatrixView", "cell_colours", "heat_colour"]
FONT_SCALES = (1.0, 0.9, 0.8, 0.7)
MIN_FONT_SCALE = FONT_SCALES[-1]
MAX_PREFERRED_ROWS = 12  # the preferred size covers this many rows; larger matrices scroll or shrink
NAME_CHARS = 12  # row names are shortened to about this many characters before the cells get narrower
HEADER_PAD = 12  # a header section's margins around its text


class _Names(NamedTuple):
    """The class names measured in one font."""

    font: QFont
    metrics: QFontMetrics
    names: list[str]
    widths: list[int]  # each name's advance

    def short(self, i: int, width: int) -> str:
        """Name I elided to WIDTH, as QFontMetrics.elidedText does it: a name measured narrower (rounded to a
        pixel, so by at least half of one) is not elided there and needs no second look."""
        if self.widths[i] < width:
            return self.names[i]
        return self.metrics.elidedText(self.names[i], Qt.TextElideMode.ElideRight, width)

    def header(self, width: int, numbered: bool) -> tuple[Hashable, Callable[[int], str]]:
        """A header's texts, each name shortened to WIDTH (after its number when NUMBERED), and what they depend
        on: any width that no name reaches gives the same texts, and the header keeps them."""
        key = (self.font.key(), width if max(self.widths, default=0) >= width else None, numbered)
        if numbered:
            return key, lambda i: f"{i + 1} {self.short(i, width)}"
        return key, lambda i: self.short(i, width)


class _Layout(NamedTuple):
    names: _Names  # measured in the font of this layout
    cell_w: int
    cell_h: int
    header_h: int
    numbered: bool  # columns numbered 1..n (and rows "1 name") when names do not fit the columns
    prefix: int  # width of a row's number
    name_width: int  # room for a row's name
    fits: bool
    need_w: int
    need_h: int


class _FittedHeader(QHeaderView):
    """A header whose size the fit sets: asked its size hint, it answers that size instead of asking the model
    eight roles of each of up to 200 sections (QHeaderView's own hint; 200 classes: 3,200 calls into Python)."""

    def __init__(self, orientation: Qt.Orientation, parent: QWidget) -> None:
        super().__init__(orientation, parent)
        self.setSectionsClickable(True)  # as QTableView's own headers
        self.setHighlightSections(True)
        self.fitted: QSize | None = None  # the size the fit gave it; None: none yet

    def sizeHint(self) -> QSize:
        """The fitted size; before the first fit, its size now (a matrix shown is fitted right after its reset)."""
        if self.fitted is not None:
            return QSize(self.fitted)
        return super().sizeHint() if self.count() == 0 else self.size()


class ConfusionMatrixView(QTableView):
    """Rows are true classes, columns predicted; each cell answers its share of the row (HEAT_ROLE). Painting covers
    the cells in sight, and showing a matrix makes nothing per cell (ConfusionModel answers them when asked)."""

    currentCellChanged = Signal(int, int, int, int)  # row, column, previous row, previous column (-1: none)
    cellClicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base_font = QFont(self.font())
        self.font_scale = 1.0
        self._longest = ""  # the longest count in a cell: the cells' width follows it
        self._measures: dict[float, _Names] = {}  # the class names of the matrix shown, measured, by font scale
        self.counts = ConfusionModel(self)
        self.setHorizontalHeader(_FittedHeader(Qt.Orientation.Horizontal, self))
        self.setVerticalHeader(_FittedHeader(Qt.Orientation.Vertical, self))
        paint_resized_sections_at_once(self)  # the cells fitted to the pane as a matrix shows: painted once
        self.setModel(self.counts)
        self.selectionModel().currentChanged.connect(
            lambda now, was: self.currentCellChanged.emit(now.row(), now.column(), was.row(), was.column()))
        self.clicked.connect(lambda index: self.cellClicked.emit(index.row(), index.column()))
        self.cells = HeatDelegate(self.counts, self)
        self.setItemDelegate(self.cells)
        self.setTabKeyNavigation(False)  # one Tab stop; the arrows move from cell to cell
        self.setWordWrap(False)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setTextElideMode(Qt.TextElideMode.ElideRight)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.cells.begin_paint(self)
        super().paintEvent(event)

    def rowCount(self) -> int:
        return self.counts.rowCount()

    def columnCount(self) -> int:
        return self.counts.columnCount()

    def setCurrentCell(self, row: int, column: int) -> None:
        """Make (row, column) the current cell, selected (what a click or the arrows do)."""
        self.setCurrentIndex(self.counts.index(row, column))

    def set_classes(self, classes: list[str]) -> None:
        """Empty the matrix and give it one row and one column per class (full names as tooltips)."""
        self.counts.set_matrix(classes, [])
        self.fit()

    def show_counts(self, classes: list[str], cm: list[list[int]]) -> None:
        """Counts per (true, predicted) pair, each cell coloured by its share of the true class's images."""
        self.counts.set_matrix(classes, cm)
        self.fit()

    # ---- sizing -------------------------------------------------------------------------------
    def _measured(self, scale: float) -> _Names:
        """The class names measured in the font at SCALE, once per font and set of classes: a fit tries up to four
        sizes, a resize fits again, and each measured every name (200 classes: 19 ms a result)."""
        found = self._measures.get(scale)
        if found is None or found.names is not self.counts.classes:  # (another matrix: other names)
            font = QFont(self._base_font)
            font.setPointSizeF(self._base_font.pointSizeF() * scale)
            fm = QFontMetrics(font)
            names = self.counts.classes
            found = self._measures[scale] = _Names(font, fm, names, [fm.horizontalAdvance(name) for name in names])
        return found

    def _layout(self, scale: float, width: int, height: int) -> _Layout:
        """How the matrix looks at font SCALE in a WIDTH x HEIGHT pane, and whether it fits unscrolled."""
        names = self._measured(scale)
        fm, widths = names.metrics, names.widths
        n = self.columnCount()
        cell_w, cell_h = max(fm.horizontalAdvance(self._longest), fm.horizontalAdvance("00")) + 8, fm.height() + 2
        header_h = fm.height() + 6
        frame = 2 * self.frameWidth()
        widest_name = max(widths, default=0)
        short_name = min(widest_name, fm.averageCharWidth() * NAME_CHARS)
        column_w = max(cell_w, (width - frame - short_name - HEADER_PAD) // max(n, 1))
        # columns too narrow for three letters of a name are numbered, and so are the rows
        numbered = widest_name > column_w - 6 and column_w - 6 < fm.horizontalAdvance("abc…")
        prefix = fm.horizontalAdvance(f"{n} ") if numbered else 0
        need_w = frame + prefix + short_name + HEADER_PAD + n * cell_w
        need_h = frame + header_h + self.rowCount() * cell_h
        name_w = min(widest_name, short_name + max(0, width - need_w))  # longer names where there is room
        return _Layout(names, cell_w, cell_h, header_h, numbered, prefix, name_w,
                       need_w <= width and need_h <= height, need_w, need_h)

    def fit(self) -> None:
        """After the cells are filled: choose the font, the names and the scroll bars with which every cell
        fits the current size (resizing chooses again)."""
        self._longest = longest_count(self.counts.counts)
        self._fit()

    def _fit(self) -> None:
        if self.rowCount() == 0:
            return
        w, h = self.width(), self.height()
        layout = next((lay for s in FONT_SCALES if (lay := self._layout(s, w, h)).fits),
                      self._layout(MIN_FONT_SCALE, w, h))
        names = layout.names
        self.font_scale = names.font.pointSizeF() / self._base_font.pointSizeF()
        for widget in (self, self.horizontalHeader(), self.verticalHeader()):
            if widget.font() != names.font:
                widget.setFont(names.font)
        self.counts.set_header_texts(Qt.Orientation.Vertical, *names.header(layout.name_width + 2,  # (rounding)
                                                                            layout.numbered))
        row_names_w = layout.prefix + layout.name_width + HEADER_PAD
        rows, columns = cast(_FittedHeader, self.verticalHeader()), cast(_FittedHeader, self.horizontalHeader())
        rows.setFixedWidth(row_names_w)
        rows.setMinimumSectionSize(layout.cell_h)
        rows.fitted = QSize(row_names_w, layout.cell_h)
        columns.setMinimumSectionSize(layout.cell_w)
        columns.setFixedHeight(layout.header_h)
        columns.fitted = QSize(layout.cell_w, layout.header_h)
        column_w = max(layout.cell_w, (w - 2 * self.frameWidth() - row_names_w) // self.columnCount())
        self.counts.set_header_texts(Qt.Orientation.Horizontal, *(("numbers", lambda i: str(i + 1)) if layout.numbered
                                                                  else names.header(column_w - 6, False)))
        # stretched cells that exactly fill the pane can keep scroll bars that are not needed (each one
        # shown makes the other needed): scroll bars only when the matrix cannot fit at all
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if layout.fits else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)

    def needs_scrolling(self) -> bool:
        """Whether the cells do not fit the pane even at the smallest font (then the matrix scrolls)."""
        return self.rowCount() > 0 and not self._layout(MIN_FONT_SCALE, self.width(), self.height()).fits

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:
        """All cells at the normal font (up to MAX_PREFERRED_ROWS rows): what the pane should get first."""
        if self.rowCount() == 0:
            return super().sizeHint()
        layout = self._layout(1.0, 1 << 16, 1 << 16)
        extra_rows = max(0, self.rowCount() - MAX_PREFERRED_ROWS)
        return QSize(layout.need_w, layout.need_h - extra_rows * layout.cell_h)


def titled(view: QWidget, title: str, below: QWidget) -> QWidget:
    """The matrix under its title (which says how to read it), with `below` (its Save button) under it."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title)
    label.setWordWrap(True)
    lay.addWidget(label)
    lay.addWidget(view, 1)
    lay.addWidget(below)
    return box
