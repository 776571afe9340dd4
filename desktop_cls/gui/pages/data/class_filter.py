"""The Data page's choice of which images the grid shows: all of them, one class (with its count), or those not
labeled yet. Its item data is a class name, LOOSE, or None for all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox

from desktop_cls.gui.pages.data.data_model import LOOSE

if TYPE_CHECKING:
    from desktop_cls.core.data.dataset import DatasetIndex


class ClassFilter(QComboBox):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("thumbnailClassFilter")
        self.setAccessibleName(self.tr("Show images of class"))

    def fill(self, index: DatasetIndex) -> None:
        """The choices of a dataset just read, set without a change signal per item (the page refills the grid once).
        A pile has no class: its loose images are all it shows."""
        with QSignalBlocker(self):
            self.clear()
            if index.classes or not index.unlabeled:
                self.addItem(self.tr("All classes (%Ln image(s))", "", len(index.samples)))
            for name, n in index.counts().items():
                self.addItem(f"{name} ({n:,})", name)  # data: a class name and its count
            if index.unlabeled:  # the images waiting for a class on the Label page
                self.addItem(self.tr("Not labeled yet (%Ln image(s))", "", len(index.unlabeled)), LOOSE)
