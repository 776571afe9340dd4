"""The Train form in a scroll area that is always wide enough for every option (Advanced included when it is
open), so no control hides behind a horizontal scrollbar; long forms scroll down instead."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QScrollArea

from desktop_cls.gui.pages.train.train_form import TrainForm

MARGIN = 8


class FormScroll(QScrollArea):
    def __init__(self, form: TrainForm) -> None:
        super().__init__()
        self.form = form
        self.setWidgetResizable(True)
        self.setWidget(form)
        self.fit_width()
        form.advanced.toggled.connect(lambda _on: QTimer.singleShot(0, self.fit_width))

    def fit_width(self) -> None:
        """As wide as the form's widest row needs (labels wrap; no control is cut) plus the scrollbar."""
        layout = self.form.layout()
        if layout is not None:
            layout.activate()
        scrollbar = self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(self.form.minimumSizeHint().width() + scrollbar + MARGIN)
