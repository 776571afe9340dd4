"""Label page: its place in the flow is kept; the labeling tools arrive with their own issue."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..state import AppState
from ..widgets import EmptyState


class LabelPage(QWidget):
    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.empty = EmptyState(
            "Labeling inside the app is not available in this version.\n\n"
            "For now, sort images into one sub-folder per class with your file manager, then press "
            "Rescan on the Data page. Images lying directly in the dataset folder are counted as unlabeled.")
        lay = QVBoxLayout(self)
        lay.addWidget(self.empty)
        state.dataset_changed.connect(self._on_dataset)

    def _on_dataset(self, index: object) -> None:
        n = len(getattr(index, "unlabeled", ()))
        extra = f"\n\nThis dataset has {n:,} unlabeled image(s)." if n else ""
        self.empty.set_text(
            "Labeling inside the app is not available in this version.\n\n"
            "For now, sort images into one sub-folder per class with your file manager, then press "
            f"Rescan on the Data page.{extra}")
