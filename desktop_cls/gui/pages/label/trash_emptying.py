"""The Label page's *Empty trash*: the dataset's own trash handed to the system trash on a worker thread.

Its cost grows with what the trash holds, so it runs behind the status line with its progress (one item of the
trash at a time: a step's trashed images, a deleted class, an undone import's copies). It is no journaled step
and cannot be rolled back: Cancel stops after the item being handed over, and the rest stays in the trash, its
steps still undoable. Like a labeling step it holds the app state's `moving_files` (one writer per dataset): it
starts once the key presses still being filed are on disk, is refused while another step runs, and steps are
refused while it runs. Nothing is listed afterwards: the trash lies outside the class folders, so the page's loose
images and classes are as they were; only the undo history changed.

When the dataset's drive holds a system trash folder that is not the user's own (a link into their folders, made
by whoever prepared the drive: core.data.system_trash), nothing is handed over: the message names that folder and
offers to delete the items for good instead, or to keep them in the dataset's trash (still undoable).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_cls.core.data.system_trash import UnsafeTrash
from desktop_cls.core.events import CancelToken
from desktop_cls.gui.filing import after_filing
from desktop_cls.gui.widgets.dialogs import ask, inform, show_error
from desktop_cls.gui.work.tasks import Reporter, TaskFn


def emptying_work(workspace: Any, what: str, for_good: bool = False) -> TaskFn[int | str]:
    """The request: the trash emptied item by item, told of each (progress); a Cancel stops it between items.
    Returns the entries handed over (or deleted, for_good), or the message naming an unsafe system trash folder."""

    def work(*, progress: Reporter, cancel: CancelToken) -> int | str:
        try:
            return int(workspace.empty_trash(stop=cancel.is_set, told=lambda done, total: progress(done, total, what),
                                             for_good=for_good))
        except UnsafeTrash as e:
            return str(e)

    return work


def offer_deleting_for_good(parent: QWidget, message: str) -> bool:
    """The system trash folder is unsafe (`message` says which and why): True when the user chooses to delete the
    items for good; the other answer keeps them in the dataset's trash."""
    box = QMessageBox(parent)
    box.setObjectName("unsafeTrashDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("TrashEmptying", "Trash not emptied"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # (the folder's name and a link's target come from the drive)
    box.setText(message)
    box.setInformativeText(QCoreApplication.translate(
        "TrashEmptying", "Deleting for good cannot be undone. Kept, the items stay in this dataset's trash and their "
        "steps can still be undone."))
    delete = box.addButton(QCoreApplication.translate("TrashEmptying", "Delete for good"),
                           QMessageBox.ButtonRole.DestructiveRole)
    delete.setObjectName("deleteForGoodButton")
    keep = box.addButton(QCoreApplication.translate("TrashEmptying", "Keep them"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and clicked.objectName() == "deleteForGoodButton"


class TrashEmptying(QObject):
    """Asks, then empties the open dataset's trash in the background. `refused()` says (and tells the user) when
    another labeling step runs; `started()` is called as it begins."""

    def __init__(self, page: Any, refused: Callable[[], bool], started: Callable[[], object]) -> None:
        super().__init__(page)
        self.page, self._refused, self._started = page, refused, started

    def start(self, for_good: bool = False) -> None:
        """Ask, then empty (for_good: the user already chose to delete the items for good, after a refusal)."""
        page = self.page
        ws, filing = page.state.workspace, page.state.filing
        if ws is None or page.tasks is None or (not filing.count and self._refused()):  # (one writer)
            return
        if not for_good:
            yes = ask(page, self.tr("Empty the trash?"),
                      self.tr("Images and classes deleted here go to your system trash, and those "
                              "deletions can no longer be undone in desktop_cls."))
            if not yes:
                return
        self._empty(ws, for_good)

    @after_filing("emptyTrash")  # (behind the key presses still being filed: a Delete pressed goes with the rest)
    def _empty(self, ws: Any, for_good: bool) -> None:
        page = self.page
        if self._refused():  # (another step began meanwhile)
            return
        self._started()
        what = self.tr("Deleting the trash for good…") if for_good else self.tr("Emptying the trash…")
        known = len(ws.notices)  # what emptying adds (an item deleted for good) is said at the end

        def told(result: int | str = 0) -> None:
            self._end(notes=ws.notices[known:])
            if isinstance(result, str) and offer_deleting_for_good(page, result):  # an unsafe system trash
                self.start(for_good=True)

        page.run_task("emptyTrash", emptying_work(ws, what, for_good), told, status=what,
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
