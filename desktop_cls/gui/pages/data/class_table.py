"""The Data page's class list: each class with its image count and share, the small ones flagged; images dropped
on a row move into that class (undoable, through the page)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QProgressBar, QTableWidget, QTableWidgetItem, QWidget

from desktop_cls.gui.pages.data.data_model import ClassRow
from desktop_cls.gui.widgets.common import read_only_table
from desktop_cls.gui.widgets.literal_text import literal
from desktop_cls.gui.widgets.thumbnail_drag import carries_files, dropped_paths


class ClassTable(QTableWidget):
    """One row per class (a dataset has tens, not thousands: a bar widget per row is fine)."""

    files_dropped = Signal(int, list)  # row, file paths

    def __init__(self) -> None:
        super().__init__(0, 3)
        # the page's words, under the page's context where they have always been
        read_only_table(self, "classTable", QCoreApplication.translate("DatasetPage", "Classes"),
                        [QCoreApplication.translate("DatasetPage", "Class"),
                         QCoreApplication.translate("DatasetPage", "Images"),
                         QCoreApplication.translate("DatasetPage", "Share")])
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QTableWidget.DragDropMode.DropOnly)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long class name keeps its end; whole in its tip
        self.setWordWrap(False)  # (wrapped at a hyphen, its second line was cut at the end)
        header = self.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(2, self.fontMetrics().horizontalAdvance("100%") * 2 + 24)

    def fill(self, rows: list[ClassRow]) -> None:
        biggest = max((r.images for r in rows), default=0)
        self.setRowCount(len(rows))
        for i, r in enumerate(rows):
            name = QTableWidgetItem(r.name)
            name.setToolTip(literal(r.name))
            self.setItem(i, 0, name)
            num = QTableWidgetItem(f"{r.images:,} ⚠" if r.few else f"{r.images:,}")
            num.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(i, 1, num)
            share = _share_cell(r.share)
            if r.few:
                share.setToolTip(QCoreApplication.translate(
                    "DatasetPage", "Few images compared to the largest class ({0:,}); consider adding images or "
                    "turning on class weighting").format(biggest))
            self.setCellWidget(i, 2, share)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if carries_files(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if carries_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        row = self.rowAt(event.position().toPoint().y())
        paths = dropped_paths(event.mimeData())
        if row >= 0 and paths:
            self.files_dropped.emit(row, paths)
            event.acceptProposedAction()


def _share_cell(share: float) -> QWidget:
    """A class's share as a bar with its number beside it: a number drawn over the bar is cut where the bar ends,
    half in the bar's colours (35% read as 85%)."""
    cell = QWidget()
    bar = QProgressBar()
    bar.setRange(0, 1000)
    bar.setValue(round(1000 * share))
    bar.setTextVisible(False)
    label = QLabel(f"{share:.0%}")
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance("100%"))
    lay = QHBoxLayout(cell)
    lay.setContentsMargins(2, 2, 4, 2)
    lay.addWidget(bar, 1)
    lay.addWidget(label)
    return cell
