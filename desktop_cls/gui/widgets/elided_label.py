"""A one-line label for a name of any length: cut in the middle with "…" to fit its width, whole in its tooltip.

A dataset folder can have a 200-character name; a plain QLabel in the status bar was cut off at its end with no
sign that anything was missing, and the end (where names differ: "photos-2024-run3") was the part lost."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop_cls.gui.widgets.literal_text import literal, show_plainly


class ElidedLabel(QLabel):
    """Shows its text as written (plain text), elided in the middle (or where `mode` says) when narrower than the
    text, recomputed on every resize; `full_text()` and the tooltip keep the whole text. It may shrink to `least`
    letters of room (less for a shorter text: none when empty)."""

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle, least: int = 6) -> None:
        super().__init__(parent)
        show_plainly(self)
        self._full = ""
        self._mode, self._least = mode, least
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(literal(text))
        self.updateGeometry()
        self._elide()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 2 * self.margin() + 4, hint.height())

    def minimumSizeHint(self) -> QSize:
        """Room for a few letters and the "…": the layout may shrink the label, never the window around it."""
        fm = self.fontMetrics()
        width = min(fm.horizontalAdvance("M" * self._least), fm.horizontalAdvance(self._full) + 2 * self.margin() + 4)
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width() - 2 * self.margin()
        super().setText(self.fontMetrics().elidedText(self._full, self._mode, max(width, 0)))
