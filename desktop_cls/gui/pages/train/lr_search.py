"""The Train form's Find… button: a short learning-rate range test in the background, then a dialog that
shows the curve and offers the suggested rate for the form. Another folder opened meanwhile stops it: the rate it
would find is the folder's before, not the one the form now trains."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_cls.gui.pages.page import Page
from desktop_cls.gui.pages.train.train_form import TrainForm
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.work.tasks import Task


class LearningRateSearch(QObject):
    """Runs on its page's status line, so the search shows its progress and can be cancelled."""

    message = Signal(str)  # a line for the training log

    def __init__(self, form: TrainForm, page: Page) -> None:
        super().__init__(page)
        self.form = form
        self.page = page
        self.dialog: Any = None  # the LrFinderDialog of the last search
        self.task: Task | None = None  # the search under way
        page.state.dataset_opening.connect(lambda _folder: self._stop_for_another_folder())

    def start(self, cfg: Any, data: Any) -> None:
        """cfg: a validated TrainConfig; data: the scanned index or the folder to scan."""

        def work(progress: Any, cancel: Any) -> dict[str, Any]:
            from desktop_cls.core.training.lr_finder import find_lr

            return find_lr(cfg, data, progress=progress, cancel=cancel).to_dict()

        self.form.set_lr_search_running(True)
        self.message.emit(self.tr("Finding a learning rate (a short test run)…"))
        self.task = self.page.run_task(
            "learning-rate finder", work, self._found, status=self.tr("Finding a learning rate…"),
            on_error=self._failed, on_cancelled=lambda: self.form.set_lr_search_running(False))

    def _stop_for_another_folder(self) -> None:
        if self.task is not None and self.task.is_running():
            self.task.cancel()
            self.message.emit(self.tr("Learning-rate search stopped: another folder is being opened. Press Find… "
                                      "again for it."))

    def _found(self, result: dict[str, Any]) -> None:
        from desktop_cls.gui.widgets.insight_views import LrFinderDialog

        self.form.set_lr_search_running(False)
        self.message.emit(self.tr("Suggested learning rate: {0:.2g}").format(result["suggested_lr"]))
        self.dialog = dialog = LrFinderDialog(result, self.page)
        dialog.accepted.connect(lambda: self.form.lr_spin.setValue(dialog.suggested))
        dialog.open()

    def _failed(self, message: str, details: str) -> None:
        self.form.set_lr_search_running(False)
        show_error(self.page, self.tr("Learning-rate finder failed"), message, details)
