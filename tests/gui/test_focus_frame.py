"""The keyboard focus can be seen: on the sidebar's selected step, on an unselected thumbnail, on a check box.

Fusion draws the focus as the selection colour at a third of its strength, which vanished on the selected
sidebar step: Tab into the sidebar showed no focus anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QListWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_cls.gui.widgets.colours import contrast
from desktop_cls.gui.widgets.indicator_style import MIN_CONTRAST, VisibleIndicatorStyle
from desktop_cls.gui.widgets.theme import dark_palette, light_palette


@pytest.fixture
def style(qapp: Any) -> Iterator[QStyle]:
    made = VisibleIndicatorStyle()
    yield made


def _held(qtbot: QtBot, style: QStyle, palette: QPalette, view: QAbstractItemView,
          size: QSize) -> tuple[QWidget, QLineEdit]:
    """VIEW in a shown window of SIZE (returned: keep it, or the view goes with it), drawn with STYLE and PALETTE,
    above a field that can take the focus away (returned)."""
    holder = QWidget()
    qtbot.addWidget(holder)
    other = QLineEdit(holder)
    view.setParent(holder)
    view.setStyle(style)
    view.setPalette(palette)
    lay = QVBoxLayout(holder)
    lay.addWidget(view)
    lay.addWidget(other)
    holder.resize(size)
    holder.show()
    holder.activateWindow()
    qtbot.waitExposed(holder)
    return holder, other


def _list(qtbot: QtBot, style: QStyle, palette: QPalette) -> tuple[QWidget, QLineEdit, QListWidget]:
    view = QListWidget()
    for text in ("one", "two", "three"):
        view.addItem(text)
        view.item(view.count() - 1).setSizeHint(QSize(160, 48))  # the words stay far from the top and bottom edges
    return (*_held(qtbot, style, palette, view, QSize(200, 240)), view)


def _focus_taken_in(view: QAbstractItemView, other: QLineEdit) -> tuple[QImage, QImage]:
    """The view's viewport before and after the focus comes to it by Tab from OTHER."""
    other.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    before = view.viewport().grab().toImage()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    assert view.hasFocus()
    return before, view.viewport().grab().toImage()


def _strongest_change(before: QImage, after: QImage, rect: QRect, against: QColor) -> float:
    """Of the pixels along RECT's top and bottom edges (3 pixels deep, away from its words) that the focus
    changed, the highest contrast with AGAINST (1 when none changed)."""
    best = 1.0
    rows = [*range(rect.top(), rect.top() + 3), *range(rect.bottom() - 2, rect.bottom() + 1)]
    for y in rows:
        for x in range(rect.left(), rect.right() + 1):
            if before.pixel(x, y) != after.pixel(x, y):
                best = max(best, contrast(after.pixelColor(x, y), against))
    return best


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("selected", [True, False])
def test_the_focused_item_has_a_frame_that_reads_at_3_to_1(qtbot: QtBot, style: QStyle, dark: bool,
                                                            selected: bool) -> None:
    palette = dark_palette() if dark else light_palette()
    _holder, other, view = _list(qtbot, style, palette)
    view.setCurrentRow(1)
    if not selected:
        view.clearSelection()
    before, after = _focus_taken_in(view, other)
    rect = view.visualItemRect(view.item(1))
    ground = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
    assert _strongest_change(before, after, rect, ground) >= MIN_CONTRAST


@pytest.mark.parametrize("dark", [False, True])
def test_the_focused_cell_of_the_confusion_matrix_has_a_frame_that_reads_on_its_colour(
        qtbot: QtBot, style: QStyle, dark: bool) -> None:
    """A correct-class cell is coloured with the selection blue: a frame in that blue all but vanished on it."""
    from desktop_cls.gui.widgets.confusion_view import ConfusionMatrixView, cell_colours

    palette = dark_palette() if dark else light_palette()
    view = ConfusionMatrixView()
    _holder, other = _held(qtbot, style, palette, view, QSize(360, 260))
    view.show_counts(["cat", "dog"], [[10, 0], [1, 9]])
    view.setCurrentCell(0, 0)
    view.clearSelection()
    before, after = _focus_taken_in(view, other)
    rect = view.visualRect(view.model().index(0, 0))
    ground = cell_colours(1.0, True, palette)[0]  # the strongest blue: every image of the class is right
    assert _strongest_change(before, after, rect, ground) >= MIN_CONTRAST
