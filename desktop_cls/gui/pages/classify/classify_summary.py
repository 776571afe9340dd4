"""The line under the Classify page's table once the images asked for are in: how many were classified, how many of
each predicted class (most first), how many were unsure (under "Unknown below") and how many could not be read.
A folder of images used to end with the progress bar at 100 % and nothing said."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtWidgets import QLabel

from desktop_cls.core.i18n import isolated, join_list
from desktop_cls.gui.pages.classify.prediction_table import UNKNOWN
from desktop_cls.gui.widgets.literal_text import show_plainly


class ClassifySummary(QLabel):
    """Hidden until `show_for` has something to sum up; plain text (it names classes)."""

    def __init__(self) -> None:
        super().__init__()
        show_plainly(self)
        self.setObjectName("classifySummary")
        self.setWordWrap(True)
        self.setVisible(False)

    def show_for(self, predictions: list[Any], threshold: float, finished: bool) -> None:
        text = self.text_for(predictions, threshold, finished)
        self.setText(text)
        self.setVisible(bool(text))

    def text_for(self, predictions: list[Any], threshold: float, finished: bool) -> str:
        """E.g. "9 images classified: birds 4, fruit 3, bugs 2 · 1 unsure (under 50%) · 1 could not be read"; a
        request stopped before its end says so. Empty when there is nothing to sum up."""
        if not predictions:
            return "" if finished else self.tr("Stopped before any image was classified.")
        n = len(predictions)
        unreadable = sum(p.label is None for p in predictions)
        unsure = sum(p.label == UNKNOWN for p in predictions)
        per_class = Counter(p.label for p in predictions if p.label is not None and p.label != UNKNOWN)
        head = self.tr("%n image(s) classified", "", n) if finished else self.tr("Stopped after %n image(s)", "", n)
        counts = join_list(self.tr("{name} {count}").format(name=isolated(name), count=count)
                           for name, count in sorted(per_class.items(), key=lambda nc: (-nc[1], nc[0])))
        parts = [self.tr("{head}: {counts}").format(head=head, counts=counts) if counts else head]
        if unsure:
            parts.append(self.tr("%n unsure (under {0:.0%})", "", unsure).format(threshold))
        if unreadable:
            parts.append(self.tr("%n could not be read", "", unreadable))
        return " · ".join(parts)
