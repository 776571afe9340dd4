"""The Label page's *Empty trash*: the dataset's own trash handed to the system trash on a worker thread.

Its cost grows with what the trash holds, so it runs behind the status line with its progress (one item of the
trash at a time: a step's trashed images, a deleted class, an undone import's copies). It is no journaled step
and cannot be rolled back: Cancel stops after the item being handed over, and the rest stays in the trash, its
steps still undoable. Like a labeling step it holds the app state's `moving_files` (one writer per dataset): it
is refused while a step runs, and steps are refused while it runs. Nothing is listed afterwards: the trash lies
outside the class folders, so the page's loose images and classes are as they were; only the undo history
changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from desktop_cls.core.events import CancelToken
from desktop_cls.gui.widgets.dialogs import ask, inform, show_error
from desktop_cls.gui.work.tasks import Reporter, TaskFn


def emptying_work(workspace: Any, what: str) -> TaskFn[int]:
    """The request: the trash emptied item by item, told of each (progress); a Cancel stops it between items."""

    def work(*, progress: Reporter, cancel: CancelToken) -> int:
        return int(workspace.empty_trash(stop=cancel.is_set, told=lambda done, total: progress(done, total, what)))

    return work


class TrashEmptying(QObject):
    """Asks, then empties the open dataset's trash in the background. `refused()` says (and tells the user) when
    another labeling step runs; `started()` is called as it begins."""

    def __init__(self, page: Any, refused: Callable[[], bool], started: Callable[[], object]) -> None:
        super().__init__(page)
        self.page, self._refused, self._started = page, refused, started

    def start(self) -> None:
        page = self.page
        ws = page.state.workspace
        if ws is None or page.tasks is None or self._refused():  # (a step running may be moving files there)
            return
        yes = ask(page, self.tr("Empty the trash?"),
                                      self.tr("Images and classes deleted here go to your system trash, and those "
                                              "deletions can no longer be undone in desktop_cls."))
        if not yes or self._refused():
            return
        self._started()
        what = self.tr("Emptying the trash…")
        known = len(ws.notices)  # what emptying adds (an item deleted for good) is said at the end

        def told() -> None:
            self._end(notes=ws.notices[known:])

        page.run_task("emptyTrash", emptying_work(ws, what), lambda _files: told(), status=what,
                      on_error=lambda message, _d: self._end(message), on_cancelled=told, on_replaced=told,
                      keep_result=True)  # (a Cancel part way: what was handed over is told to the journal)

    def _end(self, error: str = "", notes: list[str] | None = None) -> None:
        """Over, however it ended: steps may run again, and the undo buttons follow the history it changed."""
        page = self.page
        page.model.moving = page.state.moving_files = False
        if error:
            show_error(page, self.tr("Trash not emptied"), error)
        elif notes:
            inform(page, self.tr("Trash emptied"), "\n\n".join(notes))
        page.update_buttons()
