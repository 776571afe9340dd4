"""A list of names (classes) as wide as its view: a 200-character name is cut in the middle with "…" (its end, where
names differ, stays) instead of widening the list's items past the view with a horizontal scroll bar."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import QListView, QStyledItemDelegate, QStyleOptionViewItem


class _ViewWide(QStyledItemDelegate):
    """Items no wider than the view's visible width; the view elides what does not fit."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(min(hint.width(), max(self._view.viewport().width(), 1)), hint.height())


def elide_in_middle(view: QListView) -> None:
    """VIEW's items fit its width, a long one cut in the middle; laid out again as the view is resized."""
    view.setItemDelegate(_ViewWide(view))
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setResizeMode(QListView.ResizeMode.Adjust)
