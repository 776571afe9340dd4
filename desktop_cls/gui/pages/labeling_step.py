"""A labeling step too large for the UI thread (thousands of images moved into a class or to the trash, or brought
back by an undo), run from any page the same way: one journaled step (core.labeling) on a worker thread, its
progress and Cancel on the page's status line (a Cancel rolls the step back: nothing changed), and the folder's
loose images and classes listed on that thread once it is over. The app state's `moving_files` keeps other steps
out meanwhile (one writer per dataset); a step asked for then is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from desktop_cls.core.events import CancelToken
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.work.tasks import Reporter, TaskFn

LARGE_STEP = 200  # files: a step moving more runs in the background (5,000 take about a second)
Listing = tuple[list[str], list[str]]  # the folder's loose images and classes, as the step left them


def is_large(files: int) -> bool:
    """Whether a step moving this many files runs in the background."""
    return files > LARGE_STEP


def listing_if_open(state: Any, workspace: Any, listing: Listing | None) -> Listing | None:
    """The listing a step of `workspace` made, while that dataset is still the open one; None once another folder
    was opened meanwhile (its loose images and classes are not the open dataset's)."""
    return listing if state.workspace is workspace else None


def step_work(workspace: Any, fn: Callable[..., object], args: tuple[Any, ...], what: str) -> TaskFn[Listing]:
    """The request: the step, told of each move (progress; a Cancel stops it), then the folder's listing."""

    def work(*, progress: Reporter, cancel: CancelToken) -> Listing:
        def watch(done: int, total: int) -> None:
            cancel.raise_if_set()  # core.labeling rolls the step back
            progress(done, total, what)

        workspace.watch = watch
        try:
            fn(*args)
        finally:
            workspace.watch = None
        return workspace.unlabeled(), workspace.classes()

    return work


class BackgroundStep(QObject):
    """Runs a large step on a page's status line. `ended(error, listing)` is called once it is over: the error
    message when it failed, the listing when it was made; `cancelled()` when a Cancel rolled it back."""

    def __init__(self, page: Any, ended: Callable[[str, Listing | None], object],
                 cancelled: Callable[[], object], started: Callable[[], object] = lambda: None) -> None:
        super().__init__(page)
        self.page, self._ended, self._cancelled, self._started = page, ended, cancelled, started
        self._workspace: Any = None  # the dataset's Workspace the step runs on

    def can_run(self) -> bool:
        """Whether a step can go to the background here (the page has a task runner, a dataset is open)."""
        return self.page.tasks is not None and self.page.state.workspace is not None

    def start(self, fn: Callable[..., object], *args: Any) -> None:
        """Run fn(*args), a step of the open dataset's Workspace, on a worker thread."""
        page = self.page
        page.state.moving_files = True
        self._workspace = page.state.workspace
        self._started()
        what = self.tr("Moving images…")
        page.run_task("labeling", step_work(self._workspace, fn, args, what),
                      lambda listing: self._end("", listing), status=what,
                      on_error=lambda message, _d: self._end(message), on_cancelled=self._rolled_back,
                      on_replaced=self._rolled_back,  # (a newer status-line task cancelled it: rolled back too)
                      keep_result=True)  # (a Cancel after the step was made: its listing still comes)

    def refused_while_busy(self) -> bool:
        """True, and said, while another labeling step runs (said: a change dropped quietly looks made)."""
        if not self.page.state.moving_files:
            return False
        show_error(self.page, self.tr("Dataset not changed"), self.tr(
            "Another labeling step is still running (see the status bar); try again when it has finished. "
            "Nothing was changed."))
        return True

    def _end(self, error: str, listing: Listing | None = None) -> None:
        self.page.state.moving_files = False
        self._ended(error, listing_if_open(self.page.state, self._workspace, listing))

    def _rolled_back(self) -> None:
        self.page.state.moving_files = False
        self._cancelled()
