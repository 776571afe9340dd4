"""The Data page's folder field: the path of the dataset open (or being opened), or what the user is typing there.

A reading that ends names its folder in the field, but never over a path the user is typing: the rescan after a
label, or a folder that took long to read, replaced a path half typed, and the rest of it was typed after the
other folder's path.

The folder walk the page starts (`read_folder`) and what a failed one says (`failure_text`) are here too: the open
folder read again and gone since (deleted, moved, its disk unplugged) is said as such, not as "folder not found:
X … X is still open".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import isolated

if TYPE_CHECKING:
    from desktop_cls.core.data.dataset import DatasetIndex


def gone_text(folder: str) -> str:
    return QCoreApplication.translate(
        "DatasetPage", "The folder {0} is gone: it was moved or deleted, or its disk is no longer connected.\n\n"
        "Open it again where it is now, or choose another folder.").format(isolated(folder))


def read_folder(path: str, open_root: str | None, split: tuple[float, int], progress: Any, cancel: Any,
                engine: Any = None) -> DatasetIndex:
    """The Data page's folder walk, on its worker thread. The open folder (`open_root`) read again and no longer
    there raises gone_text: looked at here, not on the UI thread, where a network folder's answer may be slow.

    The labeling `engine` of the folder read again reads its class folders with the walk: its classes follow its
    own steps only, and a class folder made outside the app (in a file manager) reached it with the Label page's
    own listing, later; the capture buttons, refreshed with the new index, missed it (for good when a capture was
    filed during that listing, which then stands down)."""
    from desktop_cls.core.data.dataset import scan

    if open_root is not None and Path(path) == Path(open_root) and not Path(path).exists():
        raise UserError(gone_text(open_root))
    index = scan(path, val_fraction=split[0], seed=split[1], verify="header", progress=progress, cancel=cancel,
                 unlabeled_only=True)
    if engine is not None and Path(engine.root).resolve() == Path(path).resolve():
        engine.reread(loose=False)
    return index.prepare()  # what the window asks of it, worked out here rather than on the UI thread


def failure_text(message: str, open_root: str | None) -> str:
    """A folder did not open: why, and which dataset is still open (none said when that one is the folder gone)."""
    if open_root is None or message == gone_text(open_root):
        return message
    still = QCoreApplication.translate("DatasetPage", "{0} is still open.").format(isolated(open_root))
    return message + "\n\n" + still


class FolderField(QLineEdit):
    """Return opens what was typed (`open_folder`)."""

    def __init__(self, open_folder: Callable[[str], object]) -> None:
        super().__init__()
        self._open_folder = open_folder
        self.setObjectName("datasetPathEdit")
        self.setAccessibleName(self.tr("Dataset folder"))
        self.setPlaceholderText(self.tr("Folder of images: one sub-folder per class, or all in one folder to label"))
        self.returnPressed.connect(self._entered)

    def _entered(self) -> None:
        self.setModified(False)  # typed and given: from now on the field names what opens
        self._open_folder(self.text())

    def typing(self) -> bool:
        """Whether the user is typing a path here (edited, not yet given with Return, the field still focused)."""
        return self.hasFocus() and self.isModified()

    def show_folder(self, path: str) -> None:
        """Name `path` (the folder open, or being opened), unless the user is typing another. The name it shows
        already is left alone: set again, it dropped the selection the user had just made to type over it."""
        if not self.typing() and self.text() != path:
            self.setText(path)
