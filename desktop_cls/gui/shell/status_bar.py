"""The window's status bar: the open dataset, the device, the settings and cache folders' problems, and the
current task with its progress.

Its own object because it follows the task runner and the training monitor, not the window: the window
only tells it what to say about the dataset and the device. Texts keep the window's translation context.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar

from desktop_cls.gui.shell.preferences import watch_cache_folder
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import show_progress
from desktop_cls.gui.work.tasks import TaskRunner

PROGRESS_MS = 200  # the progress is redrawn at most this often
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class WindowStatusBar(QObject):
    """dataset · device ... [settings problem] [cache problem] [task] [progress]"""

    def __init__(self, window: QMainWindow, tasks: TaskRunner, state: AppState) -> None:
        super().__init__(window)
        self.tasks = tasks
        sb = window.statusBar()
        self.dataset_status = QLabel(translate("MainWindow", "No dataset"))
        self.device_status = QLabel(translate("MainWindow", "Loading PyTorch…"))
        self.task_status = QLabel("")
        self.task_progress = QProgressBar()
        self.task_progress.setObjectName("statusProgress")
        self.task_progress.setMaximumWidth(window.fontMetrics().horizontalAdvance("M") * 16)
        self.task_progress.setVisible(False)
        self._progress: tuple[int, int, str] | None = None  # the latest report, not shown yet
        self.progress_timer = QTimer(self)
        self.progress_timer.setSingleShot(True)
        self.progress_timer.setInterval(PROGRESS_MS)
        self.progress_timer.timeout.connect(self._show_progress)
        sb.addWidget(self.dataset_status)
        sb.addWidget(QLabel("·"))
        sb.addWidget(self.device_status)
        self.settings_status = QLabel("")
        self.settings_status.setObjectName("settingsStatus")
        sb.addPermanentWidget(self.settings_status)
        self.cache_status = watch_cache_folder(sb, tasks, state)
        sb.addPermanentWidget(self.task_status)
        sb.addPermanentWidget(self.task_progress)
        tasks.task_progress.connect(self.on_task_progress)

    def on_task_progress(self, name: str, done: int, total: int, what: str) -> None:
        """Shown at once, then at most every PROGRESS_MS: a progress bar repaints itself on the spot for each new
        value, and a scan, a health check and the thumbnails each report up to 20 times a second."""
        self._progress = (done, total, what)
        if not self.progress_timer.isActive():
            self._show_progress()
            self.progress_timer.start()

    def _show_progress(self) -> None:
        if self._progress is None:
            return
        (done, total, what), self._progress = self._progress, None
        self.task_status.setText(what)
        self.task_progress.setVisible(True)
        show_progress(self.task_progress, min(done, max(total, 0)), max(total, 0))  # total 0: busy, amount unknown

    def on_train_progress(self, text: str, done: int, total: int) -> None:
        """At once: the training monitor paces its own reports, and Pause must show "paused" when pressed."""
        self._progress = (done, total, text)
        self._show_progress()

    def work_ended(self) -> None:
        """No task and no training left: a report still waiting for its turn belongs to work that has ended."""
        self._progress = None
        self.task_status.setText("")
        self.task_progress.setVisible(False)
