"""The Classify page's table of classified images: a thumbnail and the file's name, the class, the confidence.

A model over the predictions, not an item per cell: 10,000 results are 10,000 rows of plain data, and only
the thumbnails of the rows in sight are decoded, off the UI thread, by the same ThumbnailModel (and disk
cache) as the Data page's grid. That model is used for its loading only; its rows are this table's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from desktop_cls.gui.widgets.hidpi import device_ratio, follow_ratio
from desktop_cls.gui.widgets.literal_text import literal
from desktop_cls.gui.widgets.thumbnails import ThumbnailModel

UNKNOWN = "unknown"  # core.inference.predictor.UNKNOWN, the label below the threshold (that module imports torch)
THUMB_LINES = 2.5  # a thumbnail's side in lines of text: a row of the table, not a tile of the grid

Index = QModelIndex | QPersistentModelIndex


class PredictionTableModel(QAbstractTableModel):
    """Rows of core Prediction objects (path, label, confidence, error); read as the view asks."""

    IMAGE, LABEL, CONFIDENCE = range(3)

    def __init__(self, thumb_side: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.predictions: list[Any] = []  # its own list: rows are appended to it
        self.thumbs = ThumbnailModel(side=thumb_side, cache_size=500, parent=self)
        self.thumbs.dataChanged.connect(self._thumbnails_arrived)
        self._headers = (self.tr("Image"), self.tr("Predicted class"), self.tr("Confidence"))

    def set_predictions(self, predictions: Sequence[Any]) -> None:
        self.beginResetModel()
        self.predictions = list(predictions)
        self.thumbs.set_items([(p.path, "") for p in predictions])
        self.endResetModel()

    def append(self, predictions: Sequence[Any]) -> None:
        """A batch more after the last row, without a reset: the rows in sight, the row selected and the
        thumbnails being decoded stay."""
        if not predictions:
            return
        start = len(self.predictions)
        self.beginInsertRows(QModelIndex(), start, start + len(predictions) - 1)
        self.predictions.extend(predictions)
        self.thumbs.append_items([(p.path, "") for p in predictions])
        self.endInsertRows()

    def relabel(self) -> None:
        """The class column again (the threshold changed; the predictions were replaced in place)."""
        if self.predictions:
            self.dataChanged.emit(self.index(0, self.LABEL), self.index(len(self.predictions) - 1, self.CONFIDENCE))

    def _thumbnails_arrived(self, top: QModelIndex, bottom: QModelIndex, roles: Sequence[int] = ()) -> None:
        self.dataChanged.emit(self.index(top.row(), self.IMAGE), self.index(bottom.row(), self.IMAGE),
                              [Qt.ItemDataRole.DecorationRole])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.predictions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 3:
            return self._headers[section]
        return None

    def shown_label(self, label: str) -> str:
        """A class name as it is, 'unknown' in the user's language (the CSV keeps the identifier)."""
        return self.tr("unknown") if label == UNKNOWN else label

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p, column = self.predictions[index.row()], index.column()
        if column == self.IMAGE:
            if role == Qt.ItemDataRole.DecorationRole:
                return self.thumbs.data(self.thumbs.index(index.row()), role)  # asks for it once, off the UI thread
            if role == Qt.ItemDataRole.DisplayRole:
                return Path(p.path).name
            if role == Qt.ItemDataRole.ToolTipRole:
                return literal(p.path)  # a file's name is text, never markup
        elif role == Qt.ItemDataRole.DisplayRole:
            if column == self.LABEL:
                return self.shown_label(p.label) if p.label else self.tr("error: {0}").format(p.error)
            return f"{p.confidence:.1%}" if p.label else ""
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == self.CONFIDENCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def shutdown(self) -> None:
        self.thumbs.shutdown()


def prediction_view(model: PredictionTableModel, accessible_name: str) -> QTableView:
    """Read-only, whole rows selected, one Tab stop, the name column taking the spare width, every row as tall
    as a thumbnail (uniform rows: the view never measures 10,000 of them)."""
    view = QTableView()
    view.setObjectName("predictionTable")
    view.setAccessibleName(accessible_name)
    view.setModel(model)
    view.setTabKeyNavigation(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    side = model.thumbs.side
    view.setIconSize(QSize(side, side))
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(side + 4)
    header = view.horizontalHeader()
    header.setSectionResizeMode(PredictionTableModel.IMAGE, QHeaderView.ResizeMode.Stretch)
    header.setResizeContentsPrecision(200)  # sizing a column to its contents reads 200 rows, not all of them
    follow_ratio(view, model.thumbs.set_ratio)  # sharp again on a screen with another scaling
    if device_ratio(view) != model.thumbs.ratio:
        model.thumbs.set_ratio(device_ratio(view))
    return view
