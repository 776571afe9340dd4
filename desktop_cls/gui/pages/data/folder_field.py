"""The Data page's folder field: the path of the dataset open (or being opened), or what the user is typing there.

A reading that ends names its folder in the field, but never over a path the user is typing: the rescan after a
label, or a folder that took long to read, replaced a path half typed, and the rest of it was typed after the
other folder's path.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit


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
