"""Images copied in from elsewhere (*Import images…*, or dropped on a class button) as a request on the page's
status line: the copying runs on a worker thread with its progress and Cancel (2,000 photos from a slow disk
froze the window when it ran on the UI thread), and core.data.importing makes it one undoable step. Cancel keeps
what was copied, as a file manager's copy does; one Ctrl+Z takes it out again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from desktop_cls.core.events import CancelToken
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


class ImageImport(QObject):
    """Starts an import on the Label page's status line and says how it went. The page's `model.moving` keeps
    other steps out meanwhile; `step_ended` shows the folder as the import left it."""

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page

    def start(self, paths: list[str], class_name: str | None = None, inside: list[str] | None = None) -> None:
        """Copy images from elsewhere into the dataset (into class_name when given; `inside`, images already in
        it, go into that class in the same step)."""
        page = self.page
        ws = page.state.workspace
        if ws is None or not paths or page.tasks is None:
            return
        if page.model.moving:  # said, not dropped quietly: the user would take them for imported
            show_error(page, self.tr("Images not imported"), self.tr(
                "Another labeling step is still running (see the status line); import the images again when it "
                "has finished. Nothing was copied."))
            return
        page.model.moving = True
        page.run_task("import", import_work(ws, paths, class_name, inside or []), self._done,
                      status=self.tr("Importing images…"), on_error=lambda message, _d: page.step_ended(message),
                      on_cancelled=page.step_ended, keep_result=True)
        page.suggest_panel.update_buttons()  # no suggestions while the folder changes under them

    def _done(self, done: tuple[Any, list[str], list[str]]) -> None:
        result = done[0]
        self.page.step_ended("", (done[1], done[2]))
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
