"""Getting a torchvision backbone's official ImageNet weights from the app: a download the user starts
(progress bar, Cancel) or a file they already have ("Import file…"). Nothing is downloaded unless the
user presses Download; the work runs on a task thread and only plain data comes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.common import home_folder
from desktop_cls.gui.widgets.literal_text import plain_label
from desktop_cls.gui.work.tasks import Task, TaskRunner


class WeightsDialog(QDialog):
    """Download or import one backbone's weights; `weights_ready(path)` when they are in the cache."""

    weights_ready = Signal(str)

    def __init__(self, model: str, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weightsDialog")
        self.model = model
        self.tasks = tasks
        self.task: Task | None = None
        self.setWindowTitle(self.tr("Pretrained weights for {model}").format(model=model))
        self.message = QLabel(self.tr(
            "The official ImageNet weights for {model} are not on this computer. Download them once (this "
            "needs the internet), or import a copy you already have.").format(model=model))
        self.message.setObjectName("weightsMessage")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("weightsProgress")
        self.progress.setVisible(False)
        self.status = plain_label()  # names the weights file
        self.status.setObjectName("weightsStatus")
        self.status.setWordWrap(True)
        self.download_button = _button(self.tr("Download"), "downloadWeightsButton",
                                       self.tr("Fetch the official file from the internet (its checksum is checked)"))
        self.import_button = _button(self.tr("Import file…"), "importWeightsButton",
                                     self.tr("Use a weights file you already have (its checksum is checked)"))
        self.cancel_button = _button(self.tr("Cancel"), "cancelWeightsButton")
        self.download_button.clicked.connect(self.download)
        self.import_button.clicked.connect(self._pick_file)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # ---- actions ------------------------------------------------------------------------------
    def download(self) -> None:
        model = self.model

        def work(progress: Any, cancel: Any) -> str:
            from desktop_cls.core.models.weight_download import download_weights

            return str(download_weights(model, progress=progress, cancel=cancel))

        self._run("weights download", work, self.tr("Connecting…"))

    def import_file(self, path: str) -> None:
        model = self.model

        def work(progress: Any, cancel: Any) -> str:
            from desktop_cls.core.models.weight_download import import_weights

            return str(import_weights(model, path, progress=progress))

        self._run("weights import", work, self.tr("Checking {file}…").format(file=path))

    def cancel(self) -> None:
        if self.task is not None and self.task.is_running():
            self.task.cancel()
            self.status.setText(self.tr("Cancelling…"))
        else:
            self.reject()

    # ---- plumbing -----------------------------------------------------------------------------
    def _pick_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Weights file for {model}").format(
            model=self.model), home_folder(), self.tr("Weights (*.pth *.pt *.bin *.safetensors);;All files (*)"))
        if path:
            self.import_file(path)

    def _run(self, name: str, work: Callable[..., str], status: str) -> None:
        if self.task is not None and self.task.is_running():
            return
        self._busy(True)
        self.status.setText(status)
        self.task = self.tasks.start(name, work, on_done=self._succeeded, on_error=self._failed,
                                     on_progress=self._progressed, on_cancelled=self._cancelled)

    def _busy(self, busy: bool) -> None:
        self.download_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # until the size is known

    def _progressed(self, done: int, total: int, what: str) -> None:
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(1000 * done / total))
        self.status.setText(what)

    def _succeeded(self, path: str) -> None:
        self._busy(False)
        self.status.setText(self.tr("Ready: {path}").format(path=path))
        self.weights_ready.emit(path)
        self.accept()

    def _failed(self, message: str, details: str) -> None:
        # said once, here, with the way forward; the buttons stay for another try or an import
        self._busy(False)
        self.status.setText(message)

    def _cancelled(self) -> None:
        self._busy(False)
        self.status.setText(self.tr("Cancelled: nothing was saved."))


def missing_weights_model(cfg: Any) -> str | None:
    """The torchvision backbone whose official weights these options need but this computer lacks
    (None when nothing is missing, a weights file is given, or the user allowed the download)."""
    from desktop_cls.core.models.catalog import MODELS

    info = MODELS.get(cfg.model)
    if info is None or not info.torchvision or not cfg.pretrained or cfg.weights_file or cfg.download_weights:
        return None
    from desktop_cls.core.models.weight_download import official_weights

    return None if official_weights(cfg.model).present else cfg.model


def offer_missing_weights(parent: QWidget, tasks: TaskRunner, cfg: Any, retry: Callable[[], object]
                          ) -> WeightsDialog | None:
    """Before training: when the weights are missing, open the dialog (retry runs once they are in the
    cache) and return it; None when there is nothing to get."""
    model = missing_weights_model(cfg)
    if model is None:
        return None
    dialog = WeightsDialog(model, tasks, parent)
    dialog.weights_ready.connect(lambda _path: retry())
    dialog.open()
    return dialog
