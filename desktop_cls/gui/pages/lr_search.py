"""The Train form's Find… button: a short learning-rate range test in the background, then a dialog that
shows the curve and offers the suggested rate for the form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..dialogs import show_error
from ..tasks import TaskRunner
from .train_form import TrainForm


class LearningRateSearch(QObject):
    message = Signal(str)  # a line for the training log
    status = Signal(str)  # the progress line

    def __init__(self, form: TrainForm, tasks: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self.form = form
        self.tasks = tasks
        self.page = parent
        self.dialog: Any = None  # the LrFinderDialog of the last search

    def start(self, cfg: Any, data: Any) -> None:
        """cfg: a validated TrainConfig; data: the scanned index or the folder to scan."""

        def work(progress: Any, cancel: Any) -> dict[str, Any]:
            from desktop_cls.core.training.lr_finder import find_lr

            return find_lr(cfg, data, progress=progress, cancel=cancel).to_dict()

        self.form.set_lr_search_running(True)
        self.message.emit(self.tr("Finding a learning rate (a short test run)…"))
        self.tasks.start("learning-rate finder", work, on_done=self._found, on_error=self._failed,
                         on_progress=lambda d, t, w: self.status.emit(f"{w[:1].upper()}{w[1:]}: {d}/{t}"),
                         on_cancelled=lambda: self.form.set_lr_search_running(False))

    def _found(self, result: dict[str, Any]) -> None:
        from ..insight_views import LrFinderDialog

        self.form.set_lr_search_running(False)
        self.message.emit(self.tr("Suggested learning rate: {0:.2g}").format(result["suggested_lr"]))
        self.dialog = dialog = LrFinderDialog(result, self.page)
        dialog.accepted.connect(lambda: self.form.lr_spin.setValue(dialog.suggested))
        dialog.open()

    def _failed(self, message: str, details: str) -> None:
        self.form.set_lr_search_running(False)
        show_error(self.page, self.tr("Learning-rate finder failed"), message, details)
