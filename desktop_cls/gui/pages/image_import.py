"""Images copied in from elsewhere (*Import images…*, dropped on a Label page class button or on a Data page class
row) as a request on the page's status line: the copying runs on a worker thread with its progress and Cancel
(2,000 photos from a slow disk froze the window when it ran on the UI thread), and core.data.importing makes it
one undoable step. Cancel keeps what was copied, as a file manager's copy does; one Ctrl+Z takes it out again.
A dropped folder brings the files in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from desktop_cls.core.events import CancelToken
from desktop_cls.gui.filing import after_filing
from desktop_cls.gui.pages.labeling_step import listing_if_open
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.work.tasks import Reporter, TaskFn

SHOWN_FILES = 10  # files named in the message; the rest are counted


def import_work(workspace: Any, paths: Sequence[str], class_name: str | None,
                inside: Sequence[str]) -> TaskFn[tuple[Any, list[str], list[str]]]:
    """The request: the import's result, then the folder's loose images and classes read on the same thread."""
    paths, inside = list(paths), list(inside)

    def work(*, progress: Reporter, cancel: CancelToken) -> tuple[Any, list[str], list[str]]:
        from desktop_cls.core.data.importing import import_images

        result = import_images(workspace, paths, class_name, inside, progress=progress, cancel=cancel)
        return result, workspace.unlabeled(), workspace.classes()

    return work


Listing = tuple[list[str], list[str]]  # the folder's loose images and classes, as the import left them


class ImageImport(QObject):
    """Starts an import on a page's status line and says how it went. The app state's `moving_files` keeps other
    labeling steps out meanwhile (one writer per dataset); `ended(error, listing)` is called once it is over,
    however it ends; `started` when it begins."""

    def __init__(self, page: Any, ended: Callable[[str, Listing | None], object],
                 started: Callable[[], object] = lambda: None) -> None:
        super().__init__(page)
        self.page, self._ended, self._started = page, ended, started
        self._workspace: Any = None  # the dataset's Workspace the images go into

    @after_filing("import", replace=False)  # (behind the key presses still being filed: one writer)
    def start(self, paths: list[str], class_name: str | None = None, inside: list[str] | None = None) -> None:
        """Copy images from elsewhere into the dataset (into class_name when given; `inside`, images already in
        it, go into that class in the same step)."""
        page = self.page
        ws = page.state.workspace
        if ws is None or not paths or page.tasks is None:
            return
        if self.refused_while_busy():
            return
        page.state.moving_files = True
        self._workspace = ws
        page.run_task("import", import_work(ws, paths, class_name, inside or []), self._done,
                      status=self.tr("Importing images…"), on_error=lambda message, _d: self._end(message),
                      on_cancelled=self._end, on_replaced=self._end,
                      keep_result=True)  # (a Cancel ends in _done: what was copied stays)
        self._started()

    def refused_while_busy(self) -> bool:
        """True, and said, when another labeling step runs (said, not dropped quietly: the user would take the
        images for imported)."""
        if not self.page.state.moving_files:
            return False
        show_error(self.page, self.tr("Images not imported"), self.tr(
            "Another labeling step is still running (see the status bar); import the images again when it "
            "has finished. Nothing was copied."))
        return True

    def _end(self, error: str = "", listing: Listing | None = None) -> None:
        self.page.state.moving_files = False
        self._ended(error, listing_if_open(self.page.state, self._workspace, listing))

    def _done(self, done: tuple[Any, list[str], list[str]]) -> None:
        result = done[0]
        self._end("", (done[1], done[2]))
        report = self.report(result)
        if report is not None:  # a box that does not block: the window goes on while it is read
            box = show_error(self.page, *report)
            if not result.not_imported:  # only cancelled, as the user asked: nothing went wrong
                box.setIcon(QMessageBox.Icon.Information)

    def report(self, result: Any) -> tuple[str, str] | None:
        """(title, message) when the user must hear about the import: files left out (each named with why), or a
        Cancel (the images copied stay); None when every file came in."""
        if not result.not_imported and not result.cancelled:
            return None
        lines = [self.tr("%n image(s) imported.", "", len(result.imported))]
        if result.cancelled:
            lines.append(self.tr("Cancelled before the other files were copied. The images imported stay in the "
                                 "dataset; Ctrl+Z takes them out again."))
        if result.not_imported:
            lines.append(self.tr("Not imported:"))
            lines += [f"• {Path(n.path).name}: {n.why}" for n in result.not_imported[:SHOWN_FILES]]
            more = len(result.not_imported) - SHOWN_FILES
            if more > 0:
                lines.append(self.tr("…and %n more file(s).", "", more))
        title = self.tr("Some files were not imported") if result.not_imported else self.tr("Import cancelled")
        return title, "\n".join(lines)
