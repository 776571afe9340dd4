"""A read-only log that shows its newest line, unless the reader has scrolled up to read an older one."""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QWidget


class FollowingLog(QPlainTextEdit):
    """QPlainTextEdit keeps to the bottom only when it was there at the moment a line came in; a log a few
    lines high that was filled while hidden or not yet laid out stayed on its first lines. This one
    follows new lines until the reader scrolls up, and again once they scroll back to the end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.following = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(lambda _low, _high: self._keep_up())

    def append_line(self, text: str) -> None:
        self.appendPlainText(text)
        self._keep_up()

    def clear(self) -> None:
        super().clear()
        self.following = True

    def _keep_up(self) -> None:
        if self.following:
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum())

    def _scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self.following = value >= bar.maximum()
