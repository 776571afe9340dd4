"""Images dropped on a class row of the Data page: those already in the dataset move into the class (one undoable
step), and files or folders from elsewhere (the file manager) are imported into it as the Label page imports
them (pages.image_import: copied on a worker thread with progress and Cancel under free names, never overwriting,
one Ctrl+Z takes them out, what was left out is named with why). The folder is read again once the step is over;
a reading asked for meanwhile waits for it, as starting it would cancel the import on the status line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from desktop_cls.gui.pages.data.problems_panel import change_dataset
from desktop_cls.gui.pages.image_import import ImageImport
from desktop_cls.gui.widgets.dialogs import show_error


class ClassDrop(QObject):
    """What the Data page does with files dropped on its class table."""

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.importer = ImageImport(page, self._ended)
        self.importing = ""  # the dataset folder an import runs in ("" when none)

    def dropped(self, row: int, paths: list[str]) -> None:
        page = self.page
        ws, index = page.state.workspace, page.model.index
        if ws is None or index is None or not 0 <= row < len(index.classes) or not paths:
            return
        name = index.classes[row]
        inside = [p for p in paths if Path(p).resolve().is_relative_to(ws.root)]
        outside = [p for p in paths if p not in set(inside)]
        if self.importer.refused_while_busy():  # one labeling step at a time
            return
        if outside:
            self.importing = str(ws.root)
            self.importer.start(outside, name, inside)
            if not page.state.moving_files:  # (not started: no task runner)
                self.importing = ""
        else:
            change_dataset(page, page.state, ws.assign, inside, name)

    def holds(self, folder: str) -> bool:
        """Whether reading `folder` again must wait for the import running in it (it is read once that is over)."""
        return bool(self.importing) and Path(folder).expanduser().resolve() == Path(self.importing)

    def _ended(self, error: str, _listing: object) -> None:
        folder, self.importing = self.importing, ""
        if error:
            show_error(self.page, QCoreApplication.translate("ProblemsPanel", "Cannot change the dataset"), error)
        if folder:
            self.page.state.files_changed.emit(folder)  # the counts and thumbnails as the import left them
