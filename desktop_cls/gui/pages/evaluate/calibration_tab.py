"""The Evaluate page's Calibration tab: the reliability diagram and the expected calibration error in words."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_cls.gui.widgets.insight_views import draw_reliability, reliability_plot


class CalibrationTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.reliability = reliability_plot()
        self.ece_label = QLabel()
        self.ece_label.setObjectName("eceLabel")
        self.ece_label.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.ece_label)
        lay.addWidget(self.reliability, 1)

        self.pending: Any = None  # bins not drawn yet: the diagram is drawn when the tab shows (UI-thread work)

    def clear(self) -> None:
        self.ece_label.setText("")
        self.pending = None
        self.reliability.clear()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.pending is not None:
            bins, self.pending = self.pending, None
            draw_reliability(self.reliability, bins)

    def show_result(self, reliability: Any, ece: float | None) -> None:
        """The bars of each confidence bin (drawn now when the tab is shown, else when it is) and, when it is
        known, the error (NaN: no images)."""
        self.reliability.clear()
        self.pending = reliability
        if self.isVisible():
            self.showEvent(QShowEvent())
        self.ece_label.setText(self.tr(
            "Expected calibration error: <b>{0:.1%}</b> — the average gap between how sure the model is and how "
            "often it is right (bars: accuracy per confidence bin; orange: share of images; dashed: perfect).")
            .format(ece) if ece is not None and ece == ece else "")
