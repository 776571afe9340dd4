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

from desktop_cls.core.events import CancelToken
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


class ImportReport(QObject):
    """The words after an import (a QObject for tr(): its counts take their plural form)."""

    def text(self, result: Any) -> tuple[str, str] | None:
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
