"""The per-class metrics table: a model over plain rows, and a view whose columns are sized from measured text.

A table of items made five per row (200 classes: 1,010 items) and fitted its columns to their contents by asking
each item its size, on the UI thread before the result's first paint; here showing a result keeps a list of rows,
the view asks data() for the cells it paints, and a column's width is the widest of its texts, each text measured
once per font."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QFontMetricsF
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView, QWidget

from desktop_cls.gui.widgets.resized_sections import paint_resized_sections_at_once

NAME_CHARS = 24  # a longer class name is elided rather than widen the window
_ROLE = Qt.ItemDataRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # figures: the digits line up


class MetricsRow(NamedTuple):
    """One row as shown: a class (or an average) and its figures, with what sorting compares."""

    name: str
    figures: tuple[str, str, str, str]  # precision, recall, F1, images, as shown
    values: tuple[float, float, float, float]  # the same as numbers; a dash (no score) is -1, below any score
    tip: str  # the three scores' tooltip ("" for none), a name in it made literal (widgets.literal_text)
    average: bool = False  # the macro and weighted averages stay below the classes in any order


class MetricsModel(QAbstractTableModel):
    """Rows in the report's order until sorted; sorting by any column keeps the averages at the bottom."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[MetricsRow] = []  # in the order shown
        self._given: list[MetricsRow] = []  # in the report's order

    def set_rows(self, rows: Sequence[MetricsRow]) -> None:
        self.beginResetModel()
        self.rows, self._given = list(rows), list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def index(self, row: int, column: int,
              parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        """A cell's index in one call from Qt into Python, where the inherited one makes two more (the row and
        column counts) for each cell painted."""
        if 0 <= row < len(self.rows) and 0 <= column < len(self.headers) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _ROLE.DisplayRole) -> Any:
        if role not in (_ROLE.DisplayRole, _ROLE.TextAlignmentRole, _ROLE.ToolTipRole) or not index.isValid():
            return None
        row, c = self.rows[index.row()], index.column()
        if role == _ROLE.DisplayRole:
            return row.figures[c - 1] if c else row.name
        if role == _ROLE.TextAlignmentRole:
            return _RIGHT if c else None
        return (row.tip or None) if 1 <= c <= 3 else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _ROLE.DisplayRole) -> Any:
        if role == _ROLE.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """By COLUMN (names alphabetically, figures as numbers; -1: the report's order), equal rows in the report's
        order; the averages stay last."""
        self.layoutAboutToBeChanged.emit()
        old = self.rows
        classes = [r for r in self._given if not r.average]
        if 0 <= column < len(self.headers):
            key = (lambda r: r.name.casefold()) if column == 0 else (lambda r: r.values[column - 1])
            classes.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = classes + [r for r in self._given if r.average]
        moved = {id(r): i for i, r in enumerate(self.rows)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(persistent, [self.index(moved[id(old[p.row()])], p.column())
                                                    for p in persistent])
        self.layoutChanged.emit()


class TextWidths:
    """Text advances in one font, each text measured once while the font stays (a new font measures again).
    LAID_OUT: as an item view lays a text out (its fractional width rounded up), else QFontMetrics' whole pixels."""

    def __init__(self, laid_out: bool) -> None:
        self.laid_out = laid_out
        self._font_key = ""
        self._metrics: QFontMetricsF | QFontMetrics | None = None
        self._widths: dict[str, int] = {}

    def widest(self, font: QFont, texts: Sequence[str]) -> int:
        if font.key() != self._font_key or self._metrics is None:
            self._font_key, self._widths = font.key(), {}
            self._metrics = QFontMetricsF(font) if self.laid_out else QFontMetrics(font)
        widths, found = self._widths, 0
        for text in texts:
            w = widths.get(text)
            if w is None:
                w = widths[text] = self._measure(self._metrics, text)
            found = max(found, w)
        return found

    @staticmethod
    def _measure(metrics: QFontMetricsF | QFontMetrics, text: str) -> int:
        return ceil(metrics.horizontalAdvance(text))


class MetricsTable(QTableView):
    """Read-only, one Tab stop, cells selected one by one; the class column takes the spare width and the figures
    are as narrow as their widest text (or header)."""

    def __init__(self, name: str, accessible_name: str, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics = MetricsModel(headers, self)
        self.setModel(self.metrics)
        self.widths, self.name_widths = TextWidths(laid_out=True), TextWidths(laid_out=False)
        self.setObjectName(name)
        self.setAccessibleName(accessible_name)
        self.setTabKeyNavigation(False)
        self.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the report's order until a header is clicked
        self.setSortingEnabled(True)
        paint_resized_sections_at_once(self)  # the columns fitted as a result shows: painted once

    def rowCount(self) -> int:
        return self.metrics.rowCount()

    def show_rows(self, rows: Sequence[MetricsRow]) -> None:
        """Show ROWS in the order of the header's sort indicator (none: as given), the columns fitted to them."""
        self.metrics.set_rows(rows)
        header = self.horizontalHeader()
        if header.sortIndicatorSection() >= 0:
            self.metrics.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.fit()

    def fit(self) -> None:
        """The figures as narrow as they can be, and room for every class name in full beside them (up to
        NAME_CHARS characters) as the table's minimum width."""
        figures = 0
        for c in range(1, self.metrics.columnCount()):
            self.setColumnWidth(c, width := self.column_width(c))
            figures += width
        names = min(self.name_width(), self.fontMetrics().averageCharWidth() * NAME_CHARS)
        frame = 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(names + 16 + figures + frame)

    def changeEvent(self, event: QEvent) -> None:
        """Another font or style: the texts are measured again."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and self.metrics.rows:
            self.fit()

    def column_width(self, column: int) -> int:
        """What resizeColumnToContents would give COLUMN: its widest text with the item's margins (and the grid
        line), or its header's size hint if wider."""
        texts = [r.figures[column - 1] if column else r.name for r in self.metrics.rows]
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
        content = self.widths.widest(self.font(), texts) + 2 * margin + (1 if self.showGrid() else 0)
        return max(content, self.horizontalHeader().sectionSizeHint(column))

    def name_width(self) -> int:
        """The widest class name in this font (in whole pixels, as the table of items measured it)."""
        return self.name_widths.widest(self.font(), [r.name for r in self.metrics.rows])
