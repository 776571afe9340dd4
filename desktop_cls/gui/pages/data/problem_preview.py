"""The evidence behind a finding: the file and, for a copy, the file it copies, side by side, with how alike.

A finding is a claim about the user's data; before any fix the two pictures are there to look at.
Small images are enlarged without smoothing so their pixels can be compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QMessageBox, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.common import load_thumbnail
from desktop_cls.gui.widgets.dialogs import ask
from desktop_cls.gui.widgets.hidpi import at_ratio, device_pixels, device_ratio
from desktop_cls.gui.widgets.literal_text import literal, plain_label

SIDE = 160
MANY_FILES = 50  # a fix that moves more files than this (or more than MANY_SHARE of the dataset) asks first
MANY_SHARE = 0.02
FEW_FILES = 5  # ... but a handful of files never asks, however small the dataset


class ProblemPreview(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("problemPreview")
        self.setAccessibleName(self.tr("Selected problem, side by side"))
        self.this_image, self.other_image = QLabel(), QLabel()
        self.this_caption, self.other_caption = plain_label(), plain_label()  # file and class names
        self.verdict = plain_label()
        self.verdict.setObjectName("problemVerdict")
        self.verdict.setWordWrap(True)
        for name, label in (("problemThisImage", self.this_image), ("problemOtherImage", self.other_image)):
            label.setObjectName(name)
            label.setFixedSize(SIDE, SIDE)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for caption in (self.this_caption, self.other_caption):
            caption.setWordWrap(True)
            caption.setMaximumWidth(SIDE + 40)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.this_image, 0, 0)
        grid.addWidget(self.other_image, 0, 1)
        grid.addWidget(self.this_caption, 1, 0)
        grid.addWidget(self.other_caption, 1, 1)
        grid.addWidget(self.verdict, 0, 2, 2, 1)
        grid.setColumnStretch(2, 1)
        self.clear()

    def clear(self) -> None:
        for w in (self.this_image, self.other_image):
            w.clear()
        self.this_caption.clear()
        self.other_caption.clear()
        self.verdict.setText(self.tr("Select a problem to see its file (and, for a copy, the other file) here."))
        self.other_image.setVisible(True)

    def show_problem(self, problem: Any, describe: Any) -> None:
        """describe(path) -> "class 'cat', train split" for a sample, '' for anything else."""
        self._show(self.this_image, self.this_caption, problem.path, describe(problem.path))
        other = getattr(problem, "duplicate_of", None)
        self.other_image.setVisible(other is not None)
        self.other_caption.setVisible(other is not None)
        if other is None:
            self.verdict.setText(problem.message)
            return
        self._show(self.other_image, self.other_caption, other, describe(other))
        difference = getattr(problem, "difference", 0.0)
        if difference == 0.0:
            how = self.tr("Same pixels.")
        else:
            how = self.tr("The same image once aligned and matched for brightness: {0:.1%} different "
                          "(the limit is {1:.0%}).").format(difference, _limit())
        self.verdict.setText(f"{how}\n{problem.message}")

    def _show(self, image: QLabel, caption: QLabel, path: str, where: str) -> None:
        ratio = device_ratio(image)  # decoded for the screen's scaling: sharp at 150-200 %
        thumb = load_thumbnail(path, device_pixels(SIDE, ratio)) if Path(path).is_file() else None
        if thumb is None or thumb.isNull():
            image.setText(self.tr("(cannot show)"))
        else:
            image.setPixmap(at_ratio(thumb, ratio))
        # a long name is cut in its middle, keeping its end (the whole path is in the tooltip); isolated, so a
        # right-to-left name leaves the line under it in its own order
        name = isolated(caption.fontMetrics().elidedText(Path(path).name, Qt.TextElideMode.ElideMiddle,
                                                          caption.maximumWidth()))
        caption.setText(f"{name}\n{where}" if where else name)
        caption.setToolTip(literal(path))


def _limit() -> float:
    from desktop_cls.core.data.similarity import MAX_DIFFERENCE

    return MAX_DIFFERENCE


def confirm_many(parent: QWidget, paths: list[str], dataset_size: int) -> bool:
    """A fix that would move many files shows how many and a sample, and asks; a few files just go."""
    if len(paths) <= FEW_FILES or (len(paths) <= MANY_FILES and len(paths) <= MANY_SHARE * max(dataset_size, 1)):
        return True
    sample = "\n".join(f"  {isolated(f'{Path(p).parent.name}/{Path(p).name}')}" for p in paths[:8])
    # translate() with this module's context: parent.tr would look the text up under the page's class name
    translate = QCoreApplication.translate
    more = translate("ProblemPreview", "\n  … and {0:,} more").format(len(paths) - 8) if len(paths) > 8 else ""
    text = translate("ProblemPreview", "Move {0:,} files ({1:.0%} of the {2:,} images) to the trash?\n\n{3}{4}\n\n"
                     "They go to the dataset's trash; Undo brings them back.").format(
        len(paths), len(paths) / max(dataset_size, 1), dataset_size, sample, more)
    return ask(parent, translate("ProblemPreview", "Move many files?"), text, default=QMessageBox.StandardButton.No)
