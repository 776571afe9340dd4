"""What the Train page shows of a run: the progress bar and its line, the curves and the log. It follows the
training's events (stage / batch / epoch / notice) and its end; the page only lays it out."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QStackedWidget, QVBoxLayout

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import BatchEnd, EpochEnd, Notice, StageChanged
from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.train.quick_summary import QuickFitSummary
from desktop_cls.gui.pages.train.train_messages import (
    batch_status,
    epoch_line,
    outcome,
    quick_fit_line,
    stage_status,
    window_progress,
)
from desktop_cls.gui.pages.train.train_plots import TrainingPlots
from desktop_cls.gui.widgets.following_log import FollowingLog

STEPS = 1000  # the bar's range: fine enough for a batch of a long run
REDRAW_MS = 100  # the curves are redrawn this often, not per batch
LOG_LINES = 6  # the training log's lines in sight, however low the window


class RunMonitor(QObject):
    progress_text = Signal(str, int, int)  # for the window's status bar: text, done, total

    def __init__(self) -> None:
        super().__init__()
        self.plots = TrainingPlots()
        self.quick_summary = QuickFitSummary()
        self.empty = QLabel(self.tr("Loss and accuracy appear here when training starts: a point per epoch for the "
                                    "training and the validation images, and the learning rate below them. Check "
                                    "past runs to compare their accuracy curves."))
        self.empty.setObjectName("runViewEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view = QStackedWidget()  # the curves, or for a quick run (one step, no epochs) its summary
        self.view.setObjectName("runView")
        self.view.addWidget(self.empty)  # before any run: what will appear
        self.view.addWidget(self.plots)
        self.view.addWidget(self.quick_summary)
        self.progress = QProgressBar()
        self.progress.setObjectName("trainProgress")
        self.progress.setAccessibleName(self.tr("Training progress"))
        self.progress.setValue(0)
        self.progress_label = QLabel()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)  # names folders and files; rich only for an offer
        self.progress_label.setObjectName("trainStatus")
        self.progress_label.setWordWrap(True)
        self.log = FollowingLog()  # the newest line in view, unless scrolled up
        self.log.setObjectName("trainLog")
        self.log.setAccessibleName(self.tr("Training log"))
        self.log.setMaximumBlockCount(5000)
        # the curves prefer 480 px and took all but three lines from it at 1366x768: a run's last epochs stay in sight
        self.log.setMinimumHeight(LOG_LINES * self.log.fontMetrics().lineSpacing() + 2 * self.log.frameWidth()
                                  + round(2 * self.log.document().documentMargin()))
        self.log.setPlaceholderText(self.tr("Messages from training appear here: each epoch's loss and accuracy, "
                                            "the choices made for you and any warnings."))
        self.epochs_total = 0
        self.quick = False  # the run fits its last layer in one step: no epochs, no curves
        self.paused = False
        self.stage_key = ""  # the run's phase by its StageChanged.key ("saving"…), not by its translated words
        self.outcome = ""  # the status line of the run that ended
        self._stage_moves_bar = False  # a counted stage moves the bar until the run's first batch
        self._last_report: BatchEnd | StageChanged | None = None  # shown again when the run is paused or resumed
        self.redraw_timer = QTimer()  # not a child: this object's event() takes the run's events, not Qt's
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self.plots.redraw)
        self.redraw_timer.start()

    def log_box(self) -> QGroupBox:
        """The log under its title, for the page's layout."""
        box = QGroupBox(self.tr("Training log"))
        box.setObjectName("trainLogBox")
        QVBoxLayout(box).addWidget(self.log)
        return box

    def line(self, text: str) -> None:
        self.log.append_line(text)

    def set_paused(self, paused: bool) -> None:
        """The progress line and the window's status bar say 'paused' at once (no batch comes while paused)."""
        self.paused = paused
        if isinstance(self._last_report, BatchEnd):
            self._show_batch(self._last_report)
        elif self._last_report is not None:  # a stage (a quick run's image features): its time left stops too
            self.progress_label.setText(stage_status(self._last_report, STEPS, paused)[0])

    def clear(self) -> None:
        """Nothing of a run: another dataset is open."""
        self.plots.reset()
        self.plots.redraw()
        self.view.setCurrentWidget(self.plots if self.plots.compare_curves else self.empty)
        self.log.clear()
        self.progress.setValue(0)
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)  # no offer of a run that is not shown

    def compare(self, runs: list[Any]) -> None:
        """Past runs' accuracy curves, checked to compare: on the plots, which show even before any run."""
        self.plots.set_comparisons(runs)
        if runs and self.view.currentWidget() is self.empty:
            self.view.setCurrentWidget(self.plots)

    def begin(self, epochs: int, resuming: str | None, quick: bool) -> int:
        """A fresh log and fresh curves per run; a resumed run starts from its own earlier epochs (how many)."""
        self.plots.reset()
        self.view.setCurrentWidget(self.quick_summary if quick else self.plots)
        self.quick_summary.show_running()
        self.log.clear()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.epochs_total, self.paused, self._last_report, self.quick = epochs, False, None, quick
        self.stage_key = ""
        self.progress.setRange(0, STEPS)
        done = self._replay_history(Path(resuming), epochs) if resuming else 0
        self.progress.setValue(round(STEPS * done / max(epochs, 1)))
        self._stage_moves_bar = not done  # a resumed run's bar keeps showing its earlier epochs
        return done

    def _replay_history(self, run: Path, epochs: int) -> int:
        from desktop_cls.core.run_dir import read_metrics

        try:
            rows = read_metrics(run)
        except (OSError, UserError, ValueError):
            rows = []
        for text in (self.tr("Run {0}").format(isolated(str(run))), *self.plots.replay(rows, epochs)):
            self.line(text)
        return min(int(rows[-1]["epoch"]), epochs) if rows else 0

    def show_saved(self, result: Any, val_images: int) -> None:
        """A run that ended before (chosen after a restart, or from Past runs): its curves and log from its folder,
        and its outcome, as the page showed them when it ended."""
        self.plots.reset()
        self.log.clear()
        self.epochs_total, self.paused, self._last_report = result.epochs, False, None
        self.quick = result.extra.get("method") == "quick"
        self.view.setCurrentWidget(self.quick_summary if self.quick else self.plots)
        self.progress.setRange(0, STEPS)
        if not self.quick:
            self._replay_history(Path(result.run_dir), result.epochs)
        self.plots.redraw()
        self.finished(result, val_images)

    def event(self, e: object) -> None:  # type: ignore[override]
        """One event of the training (QObject.event is not used for Qt events here: this object gets none)."""
        if isinstance(e, BatchEnd):
            self._batch(e)
        elif isinstance(e, EpochEnd):
            self.plots.add_epoch(e.epoch, e.train_loss, e.val_loss, e.train_accuracy, e.val_accuracy)
            self.line(quick_fit_line(e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy, e.seconds)
                      if self.quick else epoch_line(e.epoch, e.epochs, e.train_loss, e.train_accuracy, e.val_loss,
                                                    e.val_accuracy, e.seconds, e.is_best))
        elif isinstance(e, StageChanged):
            self._stage(e)
        elif isinstance(e, Notice):
            self.line(("⚠ " if e.level == "warning" else "") + e.message)

    def _stage(self, e: StageChanged) -> None:
        """A quick run's counted stage (its image features) is most of the run: it moves the bar. A loop run's
        (loading its images) comes before the epochs the bar counts: up to its count the bar read "99 %" as the
        run began (at once on a second run, its images cached), so it runs busy; the line says how far."""
        self._last_report, self.stage_key = e, e.key
        text, value = stage_status(e, STEPS, self.paused)
        self.progress_label.setText(text)
        if value is None or not self._stage_moves_bar:
            return
        if self.quick:
            self.progress.setValue(value)
        else:
            self.progress.setRange(0, 0)

    def _counting(self) -> None:
        """The bar counts the run's steps again (after a busy stage)."""
        if self.progress.maximum() != STEPS:
            self.progress.setRange(0, STEPS)

    def _batch(self, e: BatchEnd) -> None:
        self._counting()
        self._stage_moves_bar, x = False, e.epoch - 1 + e.step / e.steps_per_epoch
        self.plots.add_batch(x, e.loss, e.lr)
        self.progress.setValue(min(round(STEPS * x / max(self.epochs_total, 1)), STEPS - 1))
        self._last_report = e
        self._show_batch(e)

    def _show_batch(self, e: BatchEnd) -> None:
        """The ETA while running, 'paused' while paused."""
        self.progress_label.setText(batch_status(e, self.epochs_total, self.paused))
        self.progress_text.emit(window_progress(e, self.epochs_total, self.paused), self.progress.value(), STEPS)

    def finished(self, result: Any, val_images: int, trained_on: str | None = None) -> None:
        """A stopped run shows how far it got (3 of 6 epochs is half way), not a full bar. trained_on: the folder
        the run trained on when another one is open now (the outcome names it)."""
        total = max(result.epochs, 1)
        self._counting()
        self.progress.setValue(round(self.progress.maximum() * min(result.epochs_done, total) / total)
                               if result.cancelled else self.progress.maximum())
        log, status = outcome(result, val_images, quick=self.quick)
        if result.extra.get("method") == "quick" and not result.cancelled:
            self.quick_summary.show_result(result)
        elif self.quick and result.cancelled:
            self.quick_summary.show_stopped(log)
        if trained_on is not None:
            status = self.tr("Trained on {folder}, not on the folder open now: {outcome}").format(
                folder=isolated(trained_on), outcome=status)
        self.line(log)
        self.outcome = status
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_label.setText(status)

    def offer(self, rich: str) -> None:
        """Rich text (a link to act on) after the outcome in the status line; "" takes it away."""
        self.progress_label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.progress_label.setText(f"{html.escape(self.outcome)}<br>{rich}" if rich else self.outcome)

    def failed(self, message: str) -> None:
        self._counting()
        self.line(self.tr("Training failed: {0}").format(message))
        self.progress_label.setText(self.tr("Training failed: {0}").format(message))
