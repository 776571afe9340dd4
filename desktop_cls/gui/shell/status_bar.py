"""The window's status bar: the open dataset, the device, the settings and cache folders' problems, and the
current task with its progress.

Its own object because it follows the task runner and the training monitor, not the window: the window
only tells it what to say about the dataset and the device. Texts keep the window's translation context.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar

from desktop_cls.gui.shell.preferences import watch_cache_folder
from desktop_cls.gui.shell.task_status import TaskStatus
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.elided_label import ElidedLabel
from desktop_cls.gui.work.tasks import TaskRunner

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class WindowStatusBar(QObject):
    """dataset · device [settings problem] [cache problem] [task ...] [progress]

    The dataset's summary is short and kept whole (a long folder name shares the bar, cut in its middle); the task's
    words, often long ("Exporting ONNX int8 (4 of 4): …"), have the rest, cut at their end and whole in the tooltip
    (the page that runs the task shows them whole). A long task took the room and left "dat…sses" of the summary."""

    def __init__(self, window: QMainWindow, tasks: TaskRunner, state: AppState) -> None:
        super().__init__(window)
        self.tasks = tasks
        sb = window.statusBar()
        # the folder's name, of any length: cut in its middle, whole in the tooltip
        self.dataset_status = ElidedLabel(translate("MainWindow", "No dataset"))
        self.device_status = QLabel(translate("MainWindow", "Loading PyTorch…"))
        self.task_status = ElidedLabel(mode=Qt.TextElideMode.ElideRight, least=20)  # a task names the files it reads
        self.task_status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # by its bar
        self.task_progress = QProgressBar()
        self.task_progress.setObjectName("statusProgress")
        self.task_progress.setMaximumWidth(window.fontMetrics().horizontalAdvance("M") * 16)
        self.task_status.setObjectName("taskStatus")
        self.task_line = TaskStatus(self.task_status, self.task_progress,
                                    lambda: bool(tasks.running()) or state.training or bool(state.filing.count), self)
        sb.addWidget(self.dataset_status)
        sb.addWidget(QLabel("·"))
        sb.addWidget(self.device_status)
        self.settings_status = QLabel("")
        self.settings_status.setObjectName("settingsStatus")
        sb.addPermanentWidget(self.settings_status)
        self.cache_status = watch_cache_folder(sb, tasks, state)
        sb.addPermanentWidget(self.task_status, 1)  # what is left after the summary and the device (hidden when
        # no task runs: a long folder name has the whole bar then)
        sb.addPermanentWidget(self.task_progress)
        tasks.task_progress.connect(self.task_line.report)
        tasks.task_finished.connect(self.task_line.ended)
        self.filing = state.filing
        state.filing.changed.connect(self.on_filing)

    def on_filing(self, count: int) -> None:
        """The Label page's key presses not yet on disk (a slow or network drive): how many images, the steps that
        name none (a class step, an undo) said apart, and what waits for them; gone once the last is filed."""
        if not count:
            self.task_line.ended("filing")
            return
        images, steps = self.filing.images, self.filing.steps
        if not steps:
            text = self.tr("Filing %n image(s)…", "", images)
        elif not images:  # (a class step, an undo or a redo waiting its turn: no image named)
            text = self.tr("Filing %n labeling step(s)…", "", steps)
        else:
            text = self.tr("Filing {images} and {steps}…").format(
                images=self.tr("%n image(s)", "", images), steps=self.tr("%n more step(s)", "", steps))
        if then := self.filing.next_up():
            text = self.tr("{filing} then {next}").format(filing=text, next=then)
        self.task_line.report_now("filing", 0, 0, text)

    def on_train_progress(self, text: str, done: int, total: int) -> None:
        """At once: the training monitor paces its own reports, and Pause must show "paused" when pressed."""
        self.task_line.report_now("training", done, total, text)
