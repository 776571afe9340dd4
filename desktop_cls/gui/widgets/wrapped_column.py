"""A table column whose text wraps to the column's width, never cut: its rows grow to fit.

Qt's own item text wraps only between words: a path or a long file name in a sentence ran past the column and was
cut with "…", and the advice after it could not be read. Here a word longer than the line breaks where it must.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPointF, QSize, QTimer
from PySide6.QtGui import QFont, QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

AnyIndex = QModelIndex | QPersistentModelIndex


class WrappingDelegate(QStyledItemDelegate):
    """Draws a cell's text wrapped at word boundaries, or within a word wider than the column; its size hint is
    the height the wrapped text takes at the column's width (the view gives it in option.rect when it wraps)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)  # background, selection
        margin = _margin(widget)
        rect = opt.rect.adjusted(margin, 0, -margin, 0)
        layout, height = _laid_out(text, opt.font, rect.width(), opt)
        group = (QPalette.ColorGroup.Disabled if not opt.state & QStyle.StateFlag.State_Enabled
                 else QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)  # as Qt's item views colour a cell's text
        role = (QPalette.ColorRole.HighlightedText if opt.state & QStyle.StateFlag.State_Selected
                else QPalette.ColorRole.Text)
        painter.save()
        painter.setClipRect(opt.rect)
        painter.setPen(opt.palette.color(group, role))
        top = rect.top() + max(0, (rect.height() - height) / 2)  # centred, as the one-line cells beside it
        layout.draw(painter, QPointF(rect.left(), top))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        hint = super().sizeHint(option, index)  # one line, with the style's margins
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = opt.rect.width() - 2 * _margin(opt.widget)
        if width <= 0 or not opt.text:
            return hint
        _layout, height = _laid_out(opt.text, opt.font, width, opt)
        one_line = opt.fontMetrics.lineSpacing()
        return QSize(hint.width(), max(hint.height(), hint.height() - one_line + math.ceil(height)))


def _margin(widget: QWidget | None) -> int:
    """The text's margin on each side, as Qt's item views leave it."""
    style = widget.style() if widget is not None else QApplication.style()
    return style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1


def _laid_out(text: str, font: QFont, width: float, opt: QStyleOptionViewItem) -> tuple[QTextLayout, float]:
    """TEXT in lines of at most WIDTH, in the cell's direction and alignment; and the height the lines take."""
    option = QTextOption(opt.displayAlignment)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    option.setTextDirection(opt.direction)
    layout = QTextLayout(text.replace("\n", "\u2028"), font)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(max(width, 1.0))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


class RowsInSight(QObject):
    """Fits the height of the rows in sight to their wrapped text, once the view has settled (after a refill, a
    scroll, a wider or narrower column or table). Only those: asking every row's height (Qt's ResizeToContents)
    lays out every row's text again on each change, and a refill of a few hundred rows took seconds. A row out of
    sight keeps its height until it comes into view."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.setInterval(0)
        self._due.timeout.connect(self.fit)
        table.verticalScrollBar().valueChanged.connect(self._due.start)
        table.horizontalHeader().sectionResized.connect(self._due.start)
        table.viewport().installEventFilter(self)
        model = table.model()
        for signal in (model.modelReset, model.rowsInserted, model.dataChanged, model.layoutChanged):
            signal.connect(self._due.start)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._due.start()
        return False

    def fit(self) -> None:
        table = self.table
        row, bottom = table.rowAt(0), table.viewport().height()
        least = table.verticalHeader().defaultSectionSize()  # a one-line row as tall as in any other table
        while 0 <= row < table.model().rowCount() and table.rowViewportPosition(row) < bottom:
            table.setRowHeight(row, max(least, table.sizeHintForRow(row)))
            row += 1
