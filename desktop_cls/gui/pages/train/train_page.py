"""Train page: every training option, Start/Pause/Stop, live plots, progress, log and past runs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QSplitter, QVBoxLayout, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.gui.autosave import on_any_edit
from desktop_cls.gui.filing import after_filing
from desktop_cls.gui.pages.page import Page, PageAction
from desktop_cls.gui.pages.train.config_file import save_run_config
from desktop_cls.gui.pages.train.form_scroll import FormScroll
from desktop_cls.gui.pages.train.lr_search import LearningRateSearch
from desktop_cls.gui.pages.train.past_runs import PastRuns
from desktop_cls.gui.pages.train.pause_control import PauseControl
from desktop_cls.gui.pages.train.resume_dialog import choose_run_to_resume, resumable_config
from desktop_cls.gui.pages.train.run_monitor import RunMonitor
from desktop_cls.gui.pages.train.train_form import TrainForm, apply_default_device
from desktop_cls.gui.pages.train.train_messages import idle_text, readiness_tip
from desktop_cls.gui.pages.train.train_model import Readiness, TrainPageModel
from desktop_cls.gui.pages.train.train_request import training_request
from desktop_cls.gui.pages.train.training_run import TrainingRun
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.literal_text import literal
from desktop_cls.gui.work.tasks import TaskRunner


class TrainPage(Page):
    """Training control; the options live in TrainForm, the curves, progress and log in RunMonitor, and what is
    enabled and which run is shown in TrainPageModel. Training is one request on the task runner (TrainingRun,
    `self.training.task` while it runs); the page's status line shows its short tasks (the learning-rate finder)."""

    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "trainTask")
        self.tasks: TaskRunner = tasks  # training needs one (a Page may go without)
        self.model = TrainPageModel()
        self.form = TrainForm(state)
        self.lr_search = LearningRateSearch(self.form, self)
        self.monitor = RunMonitor()  # progress, curves and log of the run
        self.training = TrainingRun(state, tasks, self.monitor, self.model, self, self.form.own_choices)
        self.past_runs = PastRuns()
        self.build()

    def page_actions(self) -> list[PageAction]:
        """The Train menu's commands, and the buttons above the curves. Slots look the method up when triggered (a
        test or a subclass may replace it)."""
        return [PageAction("startTrainingAction", self.tr("&Start training"), lambda: self.start(), "Ctrl+T",
                           self.tr("Start training"), shows_page=True, button="trainButton",
                           button_text=self.tr("▶ T&rain")),
                PageAction("pauseAction", self.tr("&Pause / resume"), lambda: self.toggle_pause(), "Ctrl+P",
                           self.tr("Pause or resume"), button="pauseButton", button_text=self.tr("Pause")),
                PageAction("stopAction", self.tr("S&top"), lambda: self.stop(), "Ctrl+.",
                           self.tr("Stop: a run of epochs keeps its last finished one, a quick run saves no model; "
                                   "a run already saving its model finishes it"), button="stopButton",
                           button_text=self.tr("Stop")),
                PageAction("resumeRunAction", self.tr("Resume a run…"), lambda: self.resume_dialog(),
                           tip=self.tr("Continue a stopped run"), button="resumeRunButton", in_menu=False),
                PageAction("saveConfigAction", self.tr("Save configuration as run &file…"),
                           lambda: self.save_config_file())]

    def build_controls(self) -> QLayout | None:
        """The run's buttons (the row above the progress), and the wiring of the page's panels."""
        self._start_tip = self.buttons["trainButton"].toolTip()  # "Start training (Ctrl+T)": when it can
        row = QHBoxLayout()
        for name in ("trainButton", "pauseButton", "stopButton", "resumeRunButton"):
            row.addWidget(self.buttons[name])
        self.form.find_lr_button.clicked.connect(self.find_lr)
        self.lr_search.message.connect(self.monitor.line)
        self.past_runs.comparisons_changed.connect(self.monitor.compare)
        self.past_runs.run_chosen.connect(self._use_run)
        self.state.run_changed.connect(self.past_runs.show_chosen)
        self.training.running_changed.connect(self._on_running)
        self.pause_control = PauseControl(self, self.training, lambda: self.toggle_pause(), self.buttons["pauseButton"])
        return row

    def build_body(self, top: QLayout | None) -> None:
        """Buttons, progress, curves, then the log beside the past runs; the options on the right."""
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        if top is not None:
            ll.addLayout(top)
        ll.addWidget(self.monitor.progress)
        ll.addWidget(self.monitor.progress_label)
        ll.addWidget(self.monitor.view, 3)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.monitor.log_box())
        bottom.addWidget(self.past_runs)
        bottom.setStretchFactor(0, 1)  # the log keeps half the width on small screens
        bottom.setStretchFactor(1, 1)
        ll.addWidget(bottom, 1)
        self.form_scroll = FormScroll(self.form)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.form_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.set_column(split)

    def connect_state(self) -> None:
        """Follow the engine and the open dataset; the options come back as the user left them, and are saved as
        they are edited."""
        self.state.core_ready.connect(self._on_core_ready)
        self.state.dataset_changed.connect(lambda _i: self._on_dataset())
        self.state.dataset_checked.connect(lambda _i: self._show_idle_status())  # with its plan, counted again
        self.state.dataset_opening.connect(lambda _folder: self._follow_opening())
        self.state.opening_ended.connect(self._follow_opening)
        self.state.plan_changed.connect(self._show_idle_status)  # another method may validate otherwise
        s = self.state.settings
        self.form.apply_saved(s.last_train_config, s.image_size_follows_data, s.flips_follow_data, s.train_method,
                              s.epochs_follow_method, s.train_choice_folder)
        self._set_running(False)
        self.refresh_runs()
        self._show_idle_status()
        on_any_edit(self.form, lambda *_: self.state.settings_changed.emit(False))

    def remember_options(self) -> None:
        """Into the settings: the form's own options (not a resumed run's it shows) and what follows the data."""
        self.form.own_choices.remembered().save_to(self.state.settings)

    def use_device(self, device: str) -> bool:
        """Train on this device when the form lists it; False when it does not (yet: GPUs come with the core)."""
        return apply_default_device(self.form.device_combo, device)

    # ---- options ---------------------------------------------------------------------------------
    def save_config_file(self) -> None:
        path = save_run_config(self, self.form.current_config_dict(), self.start_folder())
        if path:
            self.monitor.line(self.tr("Configuration saved to {path}; run it with: desktop-cls train --config "
                                      "{path} DATASET").format(path=path))

    # ---- runs ----------------------------------------------------------------------------------
    def refresh_runs(self) -> None:
        self.past_runs.refresh()

    def _use_run(self, run: str) -> None:
        self.state.set_run(run)
        self.monitor.line(self.tr("Using run {0} for evaluation, classification and export").format(isolated(run)))

    # ---- what is enabled, what the page shows -------------------------------------------------------
    def _on_core_ready(self) -> None:
        self.form.add_devices(self.state.devices)
        self._update_enabled()

    def _on_dataset(self) -> None:
        """Another dataset: the last run's curves, log and progress go when they belong to the one before."""
        self.past_runs.show_for(self.state.tag().dataset)  # its runs first
        self._update_enabled()
        self._show_idle_status()

    def _follow_opening(self) -> None:
        """Another folder is being read (Train waits for it), or it did not open (Train is back)."""
        self._update_enabled()
        self._show_idle_status()

    def _readiness(self) -> Readiness:
        return self.model.readiness(self.training.task is not None, self.state.core_loaded, self.state.dataset,
                                    self.state.opening)

    def _update_enabled(self) -> None:
        ready = self._readiness()
        self.buttons["trainButton"].setEnabled(ready == Readiness.READY)
        self.buttons["trainButton"].setToolTip(literal(readiness_tip(ready, self.state, self._start_tip)))

    def _show_idle_status(self) -> None:
        """The status line before any run: what pressing Train will do, or what is missing. The curves, log and
        progress of another dataset's run (one that ended after this one was opened) go with its outcome."""
        ds, running = self.state.trainable, self.training.task is not None
        if self.model.shows_outcome_for(running, self.state.tag().dataset):
            return  # a run is going, or the line shows the outcome of a run on this dataset
        if self.model.dataset_changed(running, self.state.tag().dataset):
            self.monitor.clear()  # it is under Past runs, with its dataset's
        plan = self.state.plan_for(ds.root) if ds is not None else None
        walked = self.state.dataset  # (every image of the folder; `ds` less those its check could not read)
        left_out = len(walked.samples) - len(ds.samples) if walked is not None and ds is not None else 0
        self.monitor.progress_label.setText(idle_text(ds, plan, self.state.opening, left_out))

    def _set_running(self, running: bool) -> None:
        self.buttons["pauseButton"].setEnabled(running)
        self.buttons["stopButton"].setEnabled(running)
        self.buttons["resumeRunButton"].setEnabled(not running)
        self.form.setEnabled(not running)
        self._update_enabled()

    # ---- training control ----------------------------------------------------------------------
    @after_filing("train")  # (a run without the last images labeled is not the one asked for)
    def start(self) -> None:
        ready = self._ready_config()
        if ready is not None:
            cfg, data = ready
            from desktop_cls.gui.pages.train.weights_dialog import offer_missing_weights

            if offer_missing_weights(self, self.tasks, cfg, self.start) is not None:
                return  # the weights are not on this computer: the dialog downloads or imports them, then starts
            self.training.start(cfg, data)

    def _ready_config(self) -> tuple[TrainConfig, Any] | None:
        return training_request(self, self._readiness(), self.state, self.form.current_config_dict())

    @after_filing("train")
    def find_lr(self) -> None:
        """Learning-rate range test in the background; the result opens a dialog to accept it."""
        ready = self._ready_config()
        if ready is not None:
            self.lr_search.start(*ready)

    def resume_dialog(self) -> None:
        path = choose_run_to_resume(self)
        if path:
            self.resume(path)

    @after_filing("train")
    def resume(self, run: str, epochs: int | None = None) -> None:
        if self.training.task is not None or not self.state.core_loaded:
            return
        cfg = resumable_config(self, run)
        if cfg is not None:
            self.training.resume(run, cfg, epochs)

    def toggle_pause(self) -> None:
        self.training.toggle_pause()

    def is_paused(self) -> bool:
        return self.training.is_paused()

    def stop(self) -> None:
        if self.training.stop():
            self.buttons["stopButton"].setEnabled(False)

    def shutdown(self) -> None:
        self.training.shutdown()

    def _on_running(self, running: bool) -> None:
        self._set_running(running)
        if not running:
            self.refresh_runs()
