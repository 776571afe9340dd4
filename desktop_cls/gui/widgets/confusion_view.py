"""The confusion matrix as a table that fits its pane and takes its colours from the palette.

Cells share the pane; when the pane is short they use a smaller font (down to MIN_FONT_SCALE) and class
names are shortened to what fits (the full name is the header's tooltip), so a 10 x 10 matrix fits a
1024 x 640 window; only a matrix that cannot fit even then scrolls. Cell colours are worked out when
painted, from the view's palette, so a switch between light and dark recolours them.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from desktop_cls.gui.widgets.colours import contrast, mix
from desktop_cls.gui.widgets.confusion_model import FULL_NAME_ROLE, HEAT_ROLE, ConfusionModel, longest_count
from desktop_cls.gui.widgets.theme import readable_on

__all__ = ["FULL_NAME_ROLE", "HEAT_ROLE", "ConfusionMatrixView", "cell_colours", "heat_colour"]
CONFUSION_RED = QColor(214, 48, 39)
FONT_SCALES = (1.0, 0.9, 0.8, 0.7)
MIN_FONT_SCALE = FONT_SCALES[-1]
MAX_PREFERRED_ROWS = 12  # the preferred size covers this many rows; larger matrices scroll or shrink
NAME_CHARS = 12  # row names are shortened to about this many characters before the cells get narrower
HEADER_PAD = 12  # a header section's margins around its text
MAX_REMEMBERED_COLOURS = 4096  # cell colours kept by the delegate (a few per cell and scheme)


def heat_colour(fraction: float, diagonal: bool, palette: QPalette) -> QColor:
    """Highlight colour for correct (diagonal) cells, red for confusions, mixed into the palette's Base:
    stronger with a larger share of the row, the Base itself for an empty cell; never so strong that the
    count on it (in Text or Base colour) reads worse than 4.5:1."""
    f = max(0.0, min(1.0, fraction))
    base = palette.color(QPalette.ColorRole.Base)
    if f <= 0:
        return base
    hue = palette.color(QPalette.ColorRole.Highlight) if diagonal else CONFUSION_RED
    strength = 0.12 + 0.78 * f
    colour = mix(base, hue, strength)
    while strength > 0.1 and contrast(readable_on(colour, palette), colour) < 4.5:
        strength -= 0.04
        colour = mix(base, hue, strength)
    return colour


def cell_colours(fraction: float, diagonal: bool, palette: QPalette) -> tuple[QColor, QColor]:
    """(background, text) of a cell: the text in the palette's Text or Base colour, whichever reads better."""
    background = heat_colour(fraction, diagonal, palette)
    return background, readable_on(background, palette)


class _Layout(NamedTuple):
    font: QFont
    metrics: QFontMetrics
    cell_w: int
    cell_h: int
    header_h: int
    numbered: bool  # columns numbered 1..n (and rows "1 name") when names do not fit the columns
    prefix: int  # width of a row's number
    name_width: int  # room for a row's name
    fits: bool
    need_w: int
    need_h: int


class _HeatDelegate(QStyledItemDelegate):
    """Paints each cell in its heat colour, worked out once per share of the row and palette colours (the contrast
    search ran for every cell at every repaint: a result shown, a hover, a selection). A cell's count and share
    come from the model's lists, not through data(): the style option asks for eight roles per painted cell, each
    a call from Qt into Python, which cost a third of the paint; what it sets for a count is set here."""

    def __init__(self, counts: ConfusionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = counts
        self.colours: dict[tuple[float, bool, int, int, int], tuple[QColor, QColor]] = {}

    def _colours(self, fraction: float, diagonal: bool, palette: QPalette) -> tuple[QColor, QColor]:
        role = QPalette.ColorRole
        key = (fraction, diagonal, palette.color(role.Base).rgba(), palette.color(role.Highlight).rgba(),
               palette.color(role.Text).rgba())
        found = self.colours.get(key)
        if found is None:
            if len(self.colours) > MAX_REMEMBERED_COLOURS:
                self.colours.clear()
            found = self.colours[key] = cell_colours(fraction, diagonal, palette)
        return found

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        r, c = index.row(), index.column()
        cell = self.counts.cell(r, c) if index.model() is self.counts else None
        if cell is None:
            super().initStyleOption(option, index)
            return
        text, fraction = cell  # what QStyledItemDelegate takes from data() for a count: text, centred
        option.index = self.counts.index(r, c)
        option.displayAlignment = Qt.AlignmentFlag.AlignCenter
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
        option.text = text
        background, ink = self._colours(fraction, r == c, option.palette)
        option.backgroundBrush = QBrush(background)
        option.palette.setColor(QPalette.ColorRole.Text, ink)
        # the ground the focus frame is drawn on: the style picks a frame colour that reads on it (the selection
        # blue of an unselected frame all but vanished on a correct-class cell, coloured with that blue)
        option.palette.setColor(QPalette.ColorRole.Base, background)


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
        self.counts = ConfusionModel(self)
        self.setModel(self.counts)
        self.selectionModel().currentChanged.connect(
            lambda now, was: self.currentCellChanged.emit(now.row(), now.column(), was.row(), was.column()))
        self.clicked.connect(lambda index: self.cellClicked.emit(index.row(), index.column()))
        self.setItemDelegate(_HeatDelegate(self.counts, self))
        self.setTabKeyNavigation(False)  # one Tab stop; the arrows move from cell to cell
        self.setWordWrap(False)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setTextElideMode(Qt.TextElideMode.ElideRight)

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
    def _names(self, horizontal: bool) -> list[str]:
        return self.counts.classes

    def _layout(self, scale: float, width: int, height: int) -> _Layout:
        """How the matrix looks at font SCALE in a WIDTH x HEIGHT pane, and whether it fits unscrolled."""
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() * scale)
        fm = QFontMetrics(font)
        n = self.columnCount()
        cell_w, cell_h = max(fm.horizontalAdvance(self._longest), fm.horizontalAdvance("00")) + 8, fm.height() + 2
        header_h = fm.height() + 6
        frame = 2 * self.frameWidth()
        widest_name = max((fm.horizontalAdvance(name) for name in self._names(False)), default=0)
        short_name = min(widest_name, fm.averageCharWidth() * NAME_CHARS)
        column_w = max(cell_w, (width - frame - short_name - HEADER_PAD) // max(n, 1))
        # columns too narrow for three letters of a name are numbered, and so are the rows
        numbered = any(fm.horizontalAdvance(name) > column_w - 6 for name in self._names(True)) and \
            column_w - 6 < fm.horizontalAdvance("abc…")
        prefix = fm.horizontalAdvance(f"{n} ") if numbered else 0
        need_w = frame + prefix + short_name + HEADER_PAD + n * cell_w
        need_h = frame + header_h + self.rowCount() * cell_h
        name_w = min(widest_name, short_name + max(0, width - need_w))  # longer names where there is room
        return _Layout(font, fm, cell_w, cell_h, header_h, numbered, prefix, name_w,
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
        self.font_scale = layout.font.pointSizeF() / self._base_font.pointSizeF()
        for widget in (self, self.horizontalHeader(), self.verticalHeader()):
            if widget.font() != layout.font:
                widget.setFont(layout.font)
        fm = layout.metrics
        rows = [fm.elidedText(name, Qt.TextElideMode.ElideRight, layout.name_width + 2)  # rounding
                for name in self._names(False)]
        self.counts.set_header_texts(Qt.Orientation.Vertical,
                                     [f"{i + 1} {short}" for i, short in enumerate(rows)] if layout.numbered else rows)
        row_names_w = layout.prefix + layout.name_width + HEADER_PAD
        self.verticalHeader().setFixedWidth(row_names_w)
        self.verticalHeader().setMinimumSectionSize(layout.cell_h)
        self.horizontalHeader().setMinimumSectionSize(layout.cell_w)
        self.horizontalHeader().setFixedHeight(layout.header_h)
        column_w = max(layout.cell_w, (w - 2 * self.frameWidth() - row_names_w) // self.columnCount())
        self.counts.set_header_texts(Qt.Orientation.Horizontal, [
            str(i + 1) if layout.numbered else fm.elidedText(name, Qt.TextElideMode.ElideRight, column_w - 6)
            for i, name in enumerate(self._names(True))])
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
