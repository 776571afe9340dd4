"""Images dropped on a class row of the Data page: those already in the dataset move into the class (one undoable
step, in the background when there are many: dataset_steps), and files or folders from elsewhere (the file
manager) are imported into it as the Label page imports them (pages.image_import: copied on a worker thread with
progress and Cancel under free names, never overwriting, one Ctrl+Z takes them out, what was left out is named
with why)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject


class ClassDrop(QObject):
    """What the Data page does with files dropped on its class table (through the page's `steps`)."""

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page

    def dropped(self, row: int, paths: list[str]) -> None:
        page = self.page
        ws, index, steps = page.state.workspace, page.model.index, page.steps
        if ws is None or index is None or not 0 <= row < len(index.classes) or not paths:
            return
        name = index.classes[row]
        inside, outside = steps.inside(paths)
        if outside:
            steps.import_files(outside, name, inside)
        else:
            steps.change(ws.assign, inside, name, files=len(inside))
