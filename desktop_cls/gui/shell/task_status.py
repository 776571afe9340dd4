"""The status bar's task line: the latest report of the work still going, redrawn at most every PROGRESS_MS."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar

from desktop_cls.gui.widgets.common import show_progress

PROGRESS_MS = 200  # the status bar's progress is redrawn at most this often

Report = tuple[int, int, str]  # done, total, what


class TaskStatus(QObject):
    """Each task's latest report, kept by the task's name, newest last: when one ends while others go on,
    the line shows the newest report of those still going instead of keeping the ended one's words.
    busy() says whether any work is still going (the line clears when none is)."""

    def __init__(self, label: QLabel, bar: QProgressBar, busy: Callable[[], bool], parent: QObject) -> None:
        super().__init__(parent)
        self.label, self.bar, self.busy = label, bar, busy
        self.bar.setVisible(False)
        self.label.setVisible(False)
        self._reports: dict[str, Report] = {}
        self._shown: str | None = None  # the name whose report the line shows
        self._waiting = False  # a report came during the pause and is not shown yet
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PROGRESS_MS)
        self.timer.timeout.connect(self._after_pause)

    def report(self, name: str, done: int, total: int, what: str) -> None:
        """Shown at once, then at most every PROGRESS_MS: a progress bar repaints itself on the spot for each new
        value, and a scan, a health check and the thumbnails each report up to 20 times a second."""
        self._keep(name, (done, total, what))
        if self.timer.isActive():
            self._waiting = True
        else:
            self._show_newest()
            self.timer.start()

    def report_now(self, name: str, done: int, total: int, what: str) -> None:
        """At once: the training monitor paces its own reports, and Pause must show "paused" when pressed."""
        self._keep(name, (done, total, what))
        self._show_newest()

    def ended(self, name: str) -> None:
        """A task ended: its report goes; the line shows the newest report of the work still going, or clears."""
        self._reports.pop(name, None)
        if not self.busy():
            self._reports.clear()  # a report still waiting for its turn belongs to work that has ended
        if self._shown == name or not self._reports:
            self._show_newest()

    def _after_pause(self) -> None:
        if self._waiting:
            self._show_newest()

    def _keep(self, name: str, report: Report) -> None:
        self._reports.pop(name, None)  # newest last
        self._reports[name] = report

    def _show_newest(self) -> None:
        self._waiting = False
        if not self._reports:
            self._shown = None
            self.label.setText("")
            self.label.setVisible(False)
            self.bar.setVisible(False)
            return
        self._shown, (done, total, what) = next(reversed(self._reports.items()))
        self.label.setText(what)
        self.label.setVisible(True)
        self.bar.setVisible(True)
        show_progress(self.bar, min(done, max(total, 0)), max(total, 0))  # total 0: busy, amount unknown
