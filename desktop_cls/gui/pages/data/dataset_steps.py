"""The Data page's changes to its dataset (a drop on a class row, the Problems tab's fixes, its Undo), one step at a
time, and after the Label page's key presses still being filed (gui.filing: held until they are, not refused). A
step of many files (thousands of thumbnails dropped on a class, duplicates to the trash, the undo of either) runs on
a worker thread as the Label page runs it (pages.labeling_step: one journaled step, progress and Cancel on the
status line); images from elsewhere are imported in the background (pages.image_import); a small step is made at
once. Every step ends with the folder read again. A reading asked for while a step runs waits for it (starting it
would cancel the step on the status line) and is made once the step is over.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from desktop_cls.core.errors import UserError
from desktop_cls.gui.filing import after_filing
from desktop_cls.gui.pages.image_import import ImageImport
from desktop_cls.gui.pages.labeling_step import BackgroundStep, Listing, is_large
from desktop_cls.gui.widgets.dialogs import show_error


class DatasetSteps(QObject):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.mover = BackgroundStep(page, self._ended, self._rolled_back)
        self.importer = ImageImport(page, self._ended)
        self.running = False  # a step or an import runs in the background
        self.waiting = ""  # the folder asked to be read meanwhile ("" when none)

    @after_filing("change", replace=False)  # (behind the Label page's key presses still being filed, in order)
    def change(self, fn: Any, *args: Any, files: int = 1) -> None:
        """Apply one workspace step (assign, trash, undo) moving about `files` files; refused, with the reason,
        while a large step or an import runs."""
        page = self.page
        if page.state.workspace is None or self.mover.refused_while_busy():
            return
        if is_large(files) and self.mover.can_run():
            self._begin()
            self.mover.start(fn, *args)
            return
        try:
            fn(*args)
        except UserError as e:
            self._say(e.for_gui())
        self._read_again()

    @after_filing("import", replace=False)  # (behind the Label page's key presses still being filed)
    def import_files(self, paths: list[str], class_name: str, inside: list[str]) -> None:
        """Files from elsewhere copied into class_name (with `inside`, images of the dataset, in the same step)."""
        if self.importer.refused_while_busy():  # one labeling step at a time
            return
        self._begin()
        self.importer.start(paths, class_name, inside)
        if not self.page.state.moving_files:  # (not started: no task runner)
            self.running = False

    def holds(self, folder: str) -> bool:
        """Whether reading `folder` must wait for the step running (it is read once that is over)."""
        if self.running:
            self.waiting = folder
        return self.running

    def _begin(self) -> None:
        self.running, self.waiting = True, ""

    def _ended(self, error: str, _listing: Listing | None) -> None:
        self.running = False
        if error:
            self._say(error)
        folder, self.waiting = self.waiting, ""
        if folder:
            self.page.state.files_changed.emit(folder)  # the folder asked for meanwhile (another, maybe)
        else:
            self._read_again()  # the counts and thumbnails as the step left them

    def _rolled_back(self) -> None:
        """A Cancel put everything back: only a reading asked for meanwhile is made."""
        self.running = False
        folder, self.waiting = self.waiting, ""
        if folder:
            self.page.state.files_changed.emit(folder)

    def _read_again(self) -> None:
        ws = self.page.state.workspace
        if ws is not None:
            self.page.state.files_changed.emit(str(ws.root))

    def _say(self, message: str) -> None:
        show_error(self.page, QCoreApplication.translate("ProblemsPanel", "Cannot change the dataset"), message)

    def inside(self, paths: list[str]) -> tuple[list[str], list[str]]:
        """(images of the dataset, files from elsewhere). The app's own thumbnails name their files under the
        dataset's folder, told by their text (100,000 dragged at once); others are resolved one by one."""
        ws, index = self.page.state.workspace, self.page.state.dataset
        roots = tuple({f"{ws.root}{os.sep}", f"{index.root}{os.sep}" if index is not None else f"{ws.root}{os.sep}"})
        inside, outside = [], []
        for p in paths:
            if p.startswith(roots) or Path(p).resolve().is_relative_to(ws.root):
                inside.append(p)
            else:
                outside.append(p)
        return inside, outside
