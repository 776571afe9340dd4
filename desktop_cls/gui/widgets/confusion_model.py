"""The confusion matrix's counts as a table model that answers each cell when the view asks for it.

A table of one item per cell cost the square of the class count on the UI thread (200 classes: 40,000 items
made, each with its tooltip, before the first paint); here showing a matrix keeps the counts and the row totals,
and a cell's text, tooltip and share of its row are worked out in data() for the cells the view paints or asks.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.literal_text import literal

HEAT_ROLE = Qt.ItemDataRole.UserRole + 7  # a cell's share of its row (0..1); the diagonal is the correct class
FULL_NAME_ROLE = Qt.ItemDataRole.UserRole + 8
_ROLE = Qt.ItemDataRole
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)


def longest_count(cm: list[list[int]]) -> str:
    """The first count, row by row, with the most digits (the cells' width follows it), without a string per cell."""
    rows = [row for row in cm if row]
    if not rows:
        return ""
    widest = max(len(str(max(row))) for row in rows)
    row = next(row for row in rows if len(str(max(row))) == widest)
    return str(next(v for v in row if len(str(v)) == widest))


class ConfusionModel(QAbstractTableModel):
    """Rows are true classes, columns predicted; headers show the names the view shortened to fit (the full name
    is their tooltip, shown literally, and FULL_NAME_ROLE)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.classes: list[str] = []
        self.counts: list[list[int]] = []  # as given, not copied (a result's); empty while only the classes are shown
        self._totals: list[int] = []
        # per header: what its texts depend on, how to make one, and those made (the full names until the view fits)
        self._shown: dict[Qt.Orientation, tuple[Hashable, Callable[[int], str], dict[int, str]]] = {}

    def set_matrix(self, classes: list[str], counts: list[list[int]]) -> None:
        """Show these classes and counts (no counts: empty cells); the headers show the full names until shortened."""
        self.beginResetModel()
        self.classes = list(classes)
        self.counts = counts
        self._totals = [max(sum(row), 1) for row in counts]
        self._shown = {}
        self.endResetModel()

    def set_header_texts(self, orientation: Qt.Orientation, key: Hashable, text: Callable[[int], str]) -> None:
        """How a header shows the names (shortened or numbered to fit): TEXT(section) makes one when the header
        asks for it (the sections in sight), once; KEY says what the texts depend on (a font, a width), and a fit
        with the same key keeps those made and the header as it is."""
        if orientation in self._shown and self._shown[orientation][0] == key:
            return
        self._shown[orientation] = (key, text, {})
        if self.classes:
            self.headerDataChanged.emit(orientation, 0, len(self.classes) - 1)

    def cell(self, row: int, column: int) -> tuple[str, float] | None:
        """A count's text and its share of the row (None for a cell without a count): what data() answers for
        DisplayRole and HEAT_ROLE, for the delegate to paint without a call through Qt per role."""
        if not 0 <= row < len(self.counts):
            return None
        return str(self.counts[row][column]), self.counts[row][column] / self._totals[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.classes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.classes)

    def index(self, row: int, column: int,
              parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        """A cell's index: one call from Qt into Python where the inherited one makes two (the row and column
        counts), for each cell painted, and, for the highlighted header sections, for each cell of the matrix."""
        n = len(self.classes)
        if 0 <= row < n and 0 <= column < n and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _ROLE.DisplayRole) -> Any:
        if role not in (_ROLE.DisplayRole, HEAT_ROLE, _ROLE.TextAlignmentRole, _ROLE.ToolTipRole):
            return None
        r, c = index.row(), index.column()
        if r >= len(self.counts) or not index.isValid():
            return None  # classes without counts yet: empty cells
        v = self.counts[r][c]
        if role == _ROLE.DisplayRole:
            return str(v)
        if role == HEAT_ROLE:
            return v / self._totals[r]  # coloured from the palette when painted
        if role == _ROLE.TextAlignmentRole:
            return _CENTRE
        tip = self.tr("%n image(s) of '{0}' predicted as '{1}'", "", v).format(isolated(self.classes[r]),
                                                                                isolated(self.classes[c]))
        return literal(tip)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _ROLE.DisplayRole) -> Any:
        if not 0 <= section < len(self.classes):
            return None
        if role == _ROLE.DisplayRole:
            if orientation not in self._shown:
                return self.classes[section]
            _key, text, made = self._shown[orientation]
            found = made.get(section)
            if found is None:
                found = made[section] = text(section)
            return found
        if role == _ROLE.ToolTipRole:
            return literal(self.classes[section])
        if role == FULL_NAME_ROLE:
            return self.classes[section]
        return None
