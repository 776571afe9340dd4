"""A notice above the pages when a training run was interrupted (the app or computer stopped while it ran),
with Resume: picking up where you left off should not need a trip through folders."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import button

MAX_DISMISSED = 50


class InterruptedRunBanner(QFrame):
    resume_requested = Signal(str)  # run folder

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.run: Path | None = None
        self.setObjectName("interruptedRunBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setObjectName("interruptedRunLabel")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a run folder's name is text, never markup
        self.resume_button = button(self.tr("Resume"), "resumeInterruptedButton",
                                    self.tr("Continue the run from its last finished epoch"))
        self.resume_button.clicked.connect(self._resume)
        self.dismiss_button = button(self.tr("Dismiss"), "dismissInterruptedButton",
                                     self.tr("Keep the run as it is; it stays in the runs list"))
        self.dismiss_button.clicked.connect(self._dismiss)
        lay = QHBoxLayout(self)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.resume_button)
        lay.addWidget(self.dismiss_button)
        self.setVisible(False)
        state.core_ready.connect(self._enable)

    def check(self) -> None:
        """Show the newest interrupted run the user has not dismissed; hide when there is none."""
        from desktop_cls.core import run_dir as rd

        dismissed = set(self.state.settings.dismissed_runs)
        runs = [r for r in rd.interrupted_runs() if str(r) not in dismissed]
        self.run = runs[0] if runs else None
        if self.run is None:
            self.setVisible(False)
            return
        epochs = [r["epoch"] for r in rd.read_metrics(self.run)]  # rows without an int epoch are dropped there
        can_resume = (self.run / rd.LAST).is_file()
        if can_resume:
            text = self.tr("Training run “{0}” was interrupted after epoch {1}: the app or the computer stopped "
                           "while it trained. Resume continues from the last finished epoch.")
        else:
            text = self.tr("Training run “{0}” was interrupted before its first epoch finished: there is "
                           "nothing to resume. Start a new training on the Train page.")
        # (a bidi override in the name reversed the rest of the sentence; a run may be someone else's)
        self.label.setText(text.format(isolated(self.run.name), max(epochs, default=0)))
        self.resume_button.setVisible(can_resume)
        self.resume_button.setEnabled(self.state.core_loaded)
        self.setVisible(True)

    def _enable(self) -> None:
        self.resume_button.setEnabled(True)

    def _resume(self) -> None:
        if self.run is not None:
            self.setVisible(False)
            self.resume_requested.emit(str(self.run))

    def _dismiss(self) -> None:
        if self.run is not None:
            s = self.state.settings
            s.dismissed_runs = [str(self.run), *s.dismissed_runs][:MAX_DISMISSED]
            self.state.settings_changed.emit(True)
        self.check()  # the next one, if several were interrupted
