"""Train page: every training option, Start/Pause/Stop, live plots, progress, log and past runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.data.index_freshness import training_data
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import PauseToken
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.gui.autosave import on_any_edit
from desktop_cls.gui.pages.page import Page, PageAction
from desktop_cls.gui.pages.train.config_file import save_run_config
from desktop_cls.gui.pages.train.lr_search import LearningRateSearch
from desktop_cls.gui.pages.train.past_runs import PastRuns
from desktop_cls.gui.pages.train.run_monitor import RunMonitor
from desktop_cls.gui.pages.train.train_form import TrainForm, apply_default_device
from desktop_cls.gui.pages.train.training_task import training
from desktop_cls.gui.state import AppState, Badge, PageKey, RunInfo, Tag
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.work.tasks import Task, TaskRunner

REDRAW_MS = 100


class TrainPage(Page):
    """Training control; the options live in TrainForm and the curves in TrainingPlots. Training is one request on
    the task runner (`self.task` while it runs); the page's status line shows its short tasks (the learning-rate
    finder)."""

    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "trainTask")
        self.tasks: TaskRunner = tasks  # training needs one (a Page may go without)
        self.task: Task | None = None  # the training that runs
        self._shown: Tag | None = None  # what the curves, log and progress show: (dataset, run) of the last run
        self.form = TrainForm(state)
        self.form.find_lr_button.clicked.connect(self.find_lr)
        self.lr_search = LearningRateSearch(self.form, self)
        self.monitor = RunMonitor()  # progress, curves and log of the run

        self.train_button = _button(self.tr("▶ &Train"), "trainButton", self.tr("Start training (Ctrl+T)"))
        self.train_button.clicked.connect(self.start)
        self.pause_button = _button(self.tr("Pause"), "pauseButton", self.tr("Pause or resume (Ctrl+P)"))
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button = _button(self.tr("Stop"), "stopButton",
                                   self.tr("Stop after this batch; the last finished epoch is kept"))
        self.stop_button.clicked.connect(self.stop)
        self.resume_button = _button(self.tr("Resume a run…"), "resumeRunButton", self.tr("Continue a stopped run"))
        self.resume_button.clicked.connect(self.resume_dialog)
        self.lr_search.message.connect(self.monitor.line)
        self.past_runs = PastRuns()
        self.runs_list = self.past_runs.runs_list
        self.past_runs.comparisons_changed.connect(self.monitor.plots.set_comparisons)
        self.past_runs.run_chosen.connect(self._use_run)

        buttons = QHBoxLayout()
        for b in (self.train_button, self.pause_button, self.stop_button, self.resume_button):
            buttons.addWidget(b)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(buttons)
        ll.addWidget(self.monitor.progress)
        ll.addWidget(self.monitor.progress_label)
        ll.addWidget(self.monitor.plots, 3)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        log_box = QGroupBox(self.tr("Training log"))
        log_box.setObjectName("trainLogBox")
        QVBoxLayout(log_box).addWidget(self.monitor.log)
        bottom.addWidget(log_box)
        bottom.addWidget(self.past_runs)
        bottom.setStretchFactor(0, 1)  # the log keeps half the width on small screens
        bottom.setStretchFactor(1, 1)
        ll.addWidget(bottom, 1)
        self.form_scroll = form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.form)
        self._fit_form_width()
        self.form.advanced.toggled.connect(lambda _on: QTimer.singleShot(0, self._fit_form_width))
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(form_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.set_column(split)

        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self.monitor.plots.redraw)
        self.timer.start()
        self._set_running(False)
        state.core_ready.connect(self._on_core_ready)
        state.dataset_changed.connect(lambda _i: self._on_dataset())
        s = state.settings
        self.form.apply_saved(s.last_train_config, s.image_size_follows_data, s.flips_follow_data, s.train_method,
                              s.epochs_follow_method)
        self.refresh_runs()
        self._show_idle_status()
        on_any_edit(self.form, lambda *_: state.settings_changed.emit(False))  # the options are saved as edited

    def page_actions(self) -> list[PageAction]:
        """Slots look the method up when triggered (a test or a subclass may replace it)."""
        return [PageAction("startTrainingAction", self.tr("&Start training"), lambda: self.start(), "Ctrl+T",
                           shows_page=True),
                PageAction("pauseAction", self.tr("&Pause / resume"), lambda: self.toggle_pause(), "Ctrl+P"),
                PageAction("stopAction", self.tr("S&top"), lambda: self.stop(), "Ctrl+."),
                PageAction("saveConfigAction", self.tr("Save configuration as run &file…"),
                           lambda: self.save_config_file())]

    def remember_options(self) -> None:
        """Into the settings: the form's options and whether size and flips still follow the data."""
        s = self.state.settings
        s.last_train_config = self.current_config_dict()
        s.image_size_follows_data = self.form.size_follows_data
        s.flips_follow_data = self.form.flips_follow_data
        s.train_method, s.epochs_follow_method = self.form.method, self.form.epochs_follow_method

    def use_device(self, device: str) -> bool:
        """Train on this device when the form lists it; False when it does not (yet: GPUs come with the core)."""
        return apply_default_device(self.form.device_combo, device)

    # ---- form ----------------------------------------------------------------------------------
    def _fit_form_width(self) -> None:
        """Wide enough for every option (Advanced included when open), so nothing hides behind a scrollbar."""
        layout = self.form.layout()
        if layout is not None:
            layout.activate()
        scrollbar = self.form_scroll.verticalScrollBar().sizeHint().width()
        needed = self.form.minimumSizeHint().width()  # labels wrap; no control is cut
        self.form_scroll.setMinimumWidth(needed + scrollbar + 8)

    def current_config_dict(self) -> dict[str, Any]:
        return self.form.current_config_dict()

    def save_config_file(self) -> None:
        path = save_run_config(self, self.form.current_config_dict(), self.start_folder())
        if path:
            self.monitor.line(self.tr(
                "Configuration saved to {path}; run it with: desktop-cls train --config {path} DATASET")
                      .format(path=path))
    # ---- runs ----------------------------------------------------------------------------------
    def refresh_runs(self) -> None:
        self.past_runs.refresh()

    def _use_run(self, run: str) -> None:
        self.state.set_run(run)
        self.monitor.line(self.tr("Using run {0} for evaluation, classification and export").format(run))

    # ---- training control ----------------------------------------------------------------------
    def _on_core_ready(self) -> None:
        self.form.add_devices(self.state.devices)
        self._update_enabled()

    def _on_dataset(self) -> None:
        """Another dataset: the last run's curves, log and progress belong to the one before (a run that is
        going keeps them: it trains on what it was started on)."""
        if self.task is None and self._shown is not None and self._shown.dataset != self.state.tag().dataset:
            self._shown = None
            self.monitor.clear()
        self._update_enabled()
        self._show_idle_status()

    def _update_enabled(self) -> None:
        running = self.task is not None
        ready = self.state.core_loaded and self.state.dataset is not None
        self.train_button.setEnabled(ready and not running)
        self.train_button.setToolTip(self.tr("PyTorch is still loading…") if not self.state.core_loaded else
                                     self.tr("Open a dataset on the Data page first") if self.state.dataset is None
                                     else self.tr("Start training (Ctrl+T)"))

    def _show_idle_status(self) -> None:
        """The status line before any run: what pressing Train will do, or what is missing."""
        ds = self.state.dataset
        if self.task is not None or (self._shown is not None and ds is not None and ds.root == self._shown.dataset):
            return  # a run is going, or the line shows the outcome of a run on this dataset
        if ds is None:
            self.monitor.progress_label.setText(self.tr(
                "No training yet — choose a dataset on the Data page, then press "
                "Train (about 15 s on the demo data)."))
            return
        n_train, n_val = len(ds.split("train")), len(ds.split("val"))
        self.monitor.progress_label.setText(self.tr(
            "Ready to train on {0:,} images in {1} classes ({2:,} for validation)"
            " — press Train (Ctrl+T).").format(n_train, len(ds.classes), n_val))

    def _set_running(self, running: bool) -> None:
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.resume_button.setEnabled(not running)
        self.form.setEnabled(not running)
        self._update_enabled()

    def start(self) -> None:
        ready = self._ready_config()
        if ready is not None:
            cfg, data = ready
            from desktop_cls.gui.pages.train.weights_dialog import offer_missing_weights

            if offer_missing_weights(self, self.tasks, cfg, self.start) is not None:
                return  # the weights are not on this computer: the dialog downloads or imports them, then starts
            self.state.settings.last_train_config = cfg.to_dict()
            pause = PauseToken()
            self._launch(training(cfg.to_dict(), data, pause), pause, cfg.epochs, quick=cfg.method == "quick")

    def _ready_config(self) -> tuple[TrainConfig, Any] | None:
        """The validated options and the data to train on, or None after telling the user what is missing.

        The scanned index is reused when its split matches the options; otherwise the folder is rescanned."""
        if self.task is not None:
            return None
        if not self.state.core_loaded:
            show_error(self, self.tr("Not ready yet"), self.tr("PyTorch is still loading; try again in a few seconds."))
            return None
        if self.state.dataset is None:
            show_error(self, self.tr("No dataset"), self.tr("Open a dataset folder on the Data page first."))
            return None
        try:
            cfg = TrainConfig.from_dict(self.form.current_config_dict())
        except UserError as e:
            show_error(self, self.tr("Check the training options"), e.for_gui())
            return None
        return cfg, training_data(cfg.val_fraction, cfg.seed, self.state.dataset, self.state.workspace)

    def find_lr(self) -> None:
        """Learning-rate range test in the background; the result opens a dialog to accept it."""
        ready = self._ready_config()
        if ready is not None:
            self.lr_search.start(*ready)

    def resume_dialog(self) -> None:
        from desktop_cls.gui.pages.train.resume_dialog import choose_run_to_resume

        path = choose_run_to_resume(self)
        if path:
            self.resume(path)

    def resume(self, run: str, epochs: int | None = None) -> None:
        if self.task is not None or not self.state.core_loaded:
            return
        from desktop_cls.core.run_dir import run_in_use

        if run_in_use(Path(run)):
            show_error(self, self.tr("Cannot resume"), self.tr(
                "{run} is in use: another window or process is training it. Wait for that training to end.")
                .format(run=run))
            return
        try:
            cfg = TrainConfig.load(Path(run) / "config.json")
        except UserError as e:
            show_error(self, self.tr("Cannot resume"), e.for_gui())
            return
        pause = PauseToken()
        self._launch(training(None, None, pause, resume_run=run, epochs=epochs), pause, epochs or cfg.epochs,
                     resuming=run, quick=cfg.method == "quick")

    def _launch(self, work: Any, pause: PauseToken, epochs: int, resuming: str | None = None,
                quick: bool = False) -> None:
        done = self.monitor.begin(epochs, resuming, quick)
        self._shown = Tag(self.state.tag().dataset, resuming)
        self.task = self.tasks.start("training", work, self._on_finished, self._on_failed, on_event=self.monitor.event,
                                     on_ended=self._on_done, pause=pause, keep_result=True)
        self.state.set_training(True)
        self._set_running(True)
        self.pause_button.setText(self.tr("Pause"))
        if resuming:
            self.monitor.line(self.tr("Continuing run {0} at epoch {1} of {2}…").format(Path(resuming).name, done + 1,
                                                                               epochs))
        else:
            ds = self.state.dataset
            self.monitor.line(self.tr("Training started on {0}").format(ds.root) if ds is not None
                      else self.tr("Training started"))

    def toggle_pause(self) -> None:
        pause = self.task.pause if self.task is not None else None
        if pause is None:
            return
        pausing = not pause.is_paused()
        (pause.pause if pausing else pause.resume)()
        self.pause_button.setText(self.tr("Resume") if pausing else self.tr("Pause"))
        self.monitor.line(self.tr("Paused (the current batch finishes first)") if pausing else self.tr("Resumed"))
        self.monitor.set_paused(pausing)

    def is_paused(self) -> bool:
        return self.task is not None and self.monitor.paused

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()  # also wakes a paused loop
            self.stop_button.setEnabled(False)
            self.monitor.line(self.tr("Stopping after this batch…"))

    def shutdown(self) -> None:
        """For closing the window: stop cleanly (the run records that the app was closed) and join the thread."""
        if self.task is not None:
            self.task.cancel("quit")
        self.stop()
        if self.task is not None:
            self.task.wait(120_000)

    # ---- how the training ended ----------------------------------------------------------------
    def _on_finished(self, result: Any) -> None:
        info = RunInfo.read(result.run_dir)  # the run's own dataset: a resumed run may not be of the open one
        self._shown = Tag(info.dataset_root, result.run_dir)
        self.monitor.finished(result, info.val_images or 0)
        if result.epochs_done > 0:
            self.state.set_run(result.run_dir, info)
            self.state.set_status(PageKey.TRAIN, Badge.DONE)
        self.refresh_runs()

    def _on_failed(self, message: str, details: str) -> None:
        self.monitor.failed(message)
        self.state.set_status(PageKey.TRAIN, Badge.ATTENTION)
        show_error(self, self.tr("Training failed"), message, details)

    def _on_done(self) -> None:
        self.task = None
        self.state.set_training(False)
        self._set_running(False)
        self.monitor.plots.redraw()

