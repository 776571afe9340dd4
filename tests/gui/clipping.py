"""Find texts the window cuts off: labels, buttons, combo boxes, fields' placeholders, group boxes, tabs and
table headers whose text is wider than the room they are given (measured with the widget's own font metrics)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QTableView,
    QWidget,
)

SLACK = 1  # px of rounding


def shown(text: str) -> str:
    """A text as drawn: without its mnemonic (&) and the Chinese "(&F)" form."""
    text = re.sub(r"\(&[^&\s]\)", "", text.replace("&&", "\x00"))
    return text.replace("&", "").replace("\x00", "&")


def _visible(w: QWidget) -> bool:
    return w.isVisible() and not w.visibleRegion().isEmpty() and w.width() > 0


def _label(w: QLabel) -> str | None:
    text = w.text()
    if not text or w.wordWrap() or not w.pixmap().isNull() or GuiQt.mightBeRichText(text) or "\n" in text:
        return None
    need = w.fontMetrics().horizontalAdvance(shown(text))
    room = w.contentsRect().width() - 2 * max(w.margin(), 0) - max(w.indent(), 0)
    return f"label {w.objectName() or text!r}: needs {need} px, has {room}" if need > room + SLACK else None


def _button(w: QAbstractButton) -> str | None:
    text = w.text()
    if not text or w.width() + SLACK >= w.sizeHint().width():
        return None
    return f"button {w.objectName() or text!r}: needs {w.sizeHint().width()} px, has {w.width()}"


def _combo(w: QComboBox) -> str | None:
    """Any item can be the one shown: the widest must fit."""
    if w.count() == 0 or w.isEditable():
        return None
    opt = QStyleOptionComboBox()
    w.initStyleOption(opt)
    room = w.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                    QStyle.SubControl.SC_ComboBoxEditField, w).width()
    if not w.itemIcon(w.currentIndex()).isNull():
        room -= w.iconSize().width() + 4
    text = max((w.itemText(i) for i in range(w.count())), key=w.fontMetrics().horizontalAdvance)
    need = w.fontMetrics().horizontalAdvance(text)
    return f"combo {w.objectName() or text!r}: {text!r} needs {need} px, has {room}" if need > room + SLACK else None


def _placeholder(w: QLineEdit) -> str | None:
    """An empty field's placeholder says what it takes (or what it does when left empty): all of it must show."""
    text = w.placeholderText()
    if not text or w.text():
        return None
    need = w.fontMetrics().horizontalAdvance(text)
    margins = w.textMargins()
    room = w.contentsRect().width() - margins.left() - margins.right() - 4  # the frame's and the text's own 2 px
    return f"placeholder {w.objectName() or text!r}: needs {need} px, has {room}" if need > room + SLACK else None


def _group(w: QGroupBox) -> str | None:
    text = shown(w.title())
    need = w.fontMetrics().horizontalAdvance(text) + (w.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
                                                      if w.isCheckable() else 0)
    return f"group {text!r}: needs {need} px, has {w.width()}" if text and need > w.width() + SLACK else None


def _tabs(w: QTabBar) -> Iterator[str]:
    for i in range(w.count()):
        text = shown(w.tabText(i))
        if text and w.fontMetrics().horizontalAdvance(text) > w.tabRect(i).width() - 8 + SLACK:
            yield f"tab {text!r}: needs {w.fontMetrics().horizontalAdvance(text)} px, has {w.tabRect(i).width()}"


def _headers(w: QHeaderView) -> Iterator[str]:
    view = w.parent()
    if w.orientation() != Qt.Orientation.Horizontal or not isinstance(view, QTableView) or view.model() is None:
        return
    if view.objectName() == "confusionMatrix" or type(view).__name__ == "ConfusionMatrixView":
        return  # names shortened on purpose, in full in their tooltips
    margin = 2 * w.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, w)
    for section in range(w.count()):
        if w.isSectionHidden(section):
            continue
        text = str(view.model().headerData(section, Qt.Orientation.Horizontal) or "")
        need = w.fontMetrics().horizontalAdvance(text) + margin
        if text and need > w.sectionSize(section) + SLACK:
            yield f"header {view.objectName()}[{text!r}]: needs {need} px, has {w.sectionSize(section)}"


def _names(w: QTableView) -> Iterator[str]:
    """A table's first column names its rows (a file, a class, a format): each one readable in full."""
    model = w.model()
    if model is None or model.columnCount() == 0 or type(w).__name__ == "ConfusionMatrixView":
        return
    pad = 2 * (w.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, w) + 1)
    for row in range(model.rowCount()):
        text = str(model.index(row, 0).data() or "")
        need = w.fontMetrics().horizontalAdvance(text) + pad
        if text and need > w.columnWidth(0) + SLACK:
            yield f"cell {w.objectName()}[{row}, 0] {text!r}: needs {need} px, has {w.columnWidth(0)}"


def clipped_texts(root: QWidget) -> list[str]:
    """Every visible text under root that does not fit the room it is given."""
    found: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _visible(w):
            continue
        if isinstance(w, QLabel):
            found.append(_label(w) or "")
        elif isinstance(w, QAbstractButton):
            found.append(_button(w) or "")
        elif isinstance(w, QComboBox):
            found.append(_combo(w) or "")
        elif isinstance(w, QLineEdit):
            found.append(_placeholder(w) or "")
        elif isinstance(w, QGroupBox):
            found.append(_group(w) or "")
        elif isinstance(w, QTabBar):
            found.extend(_tabs(w))
        elif isinstance(w, QHeaderView):
            found.extend(_headers(w))
        elif isinstance(w, QTableView):
            found.extend(_names(w))
    return [f for f in found if f]
