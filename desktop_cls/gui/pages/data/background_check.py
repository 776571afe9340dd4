"""Stage two of opening a folder: core's health check (decoding, duplicates, leaks) as one background task.

Its progress and result go to the page model under the tag of the dataset it was started for, so the model
drops what no longer belongs to the dataset shown; the page is told only when something it shows changed.
Opening another folder cancels the check (the page calls `cancel`); training never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop_cls.core.events import CancelToken
from desktop_cls.gui.pages.data.data_model import CheckResult, CheckStatus, DataPageModel, DatasetTag
from desktop_cls.gui.work.tasks import Lane, Reporter, Task, TaskRunner

if TYPE_CHECKING:
    from desktop_cls.core.data.dataset import DatasetIndex


class BackgroundCheck:
    """Runs the check of the dataset the model shows; `progressed` and `changed` are the page's to redraw."""

    def __init__(self, tasks: TaskRunner | None, model: DataPageModel, progressed: Callable[[], object],
                 changed: Callable[[], object]) -> None:
        self.tasks, self.model = tasks, model
        self._progressed, self._changed = progressed, changed
        self.task: Task | None = None  # the check that runs for model.tag

    def start(self, index: DatasetIndex) -> None:
        """Show `index` in the model and check it; the check of whatever was shown before stops."""
        self.cancel()
        tag = self.model.show(index)

        def work(progress: Reporter, cancel: CancelToken) -> CheckResult:
            from desktop_cls.core.data.health import with_health

            return CheckResult(tag, with_health(index, progress=progress, cancel=cancel).prepare())

        if self.tasks is not None:  # named as the folder walk is (quitting does not ask); it gives way to the UI
            self.task = self.tasks.start(
                "scan", work, on_done=self._done, on_progress=lambda d, t, what: self._progress(tag, d, t, what),
                on_cancelled=lambda: self._ended(tag, CheckStatus.STOPPED),
                on_error=lambda message, _details: self._ended(tag, CheckStatus.FAILED, message), lane=Lane.BACKGROUND)

    def cancel(self) -> None:
        """Stop the running check (the user pressed Stop checking, or another folder is opened)."""
        if self.task is not None and self.task.is_running():
            self.task.cancel()
        self.task = None

    def _progress(self, tag: DatasetTag, done: int, total: int, what: str) -> None:
        if self.model.progressed(tag, done, total, what):
            self._progressed()

    def _done(self, result: CheckResult) -> None:
        if self.model.accept(result):  # a late result for a dataset shown before is dropped here
            self._changed()

    def _ended(self, tag: DatasetTag, status: CheckStatus, failure: str = "") -> None:
        if self.model.ended(tag, status, failure):
            self._changed()
