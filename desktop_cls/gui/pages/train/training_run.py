"""The Train page's one training request: launch a new run or continue one, pause, stop, and what its end means
for the app (a finished run becomes the chosen one, a stopped one only when no model of its dataset is chosen, else
it is offered; a run whose folder the user left while it trained waits for that folder; the sidebar's badge, the run
shown). Its events go to the RunMonitor;
the page only follows `running_changed` and `paused_changed`."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop_cls.core.events import PauseToken
from desktop_cls.core.i18n import isolated
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.gui.pages.train.own_choices import OwnChoices
from desktop_cls.gui.pages.train.run_monitor import RunMonitor
from desktop_cls.gui.pages.train.train_model import TrainPageModel
from desktop_cls.gui.pages.train.training_task import training
from desktop_cls.gui.state import AppState, Badge, PageKey, RunInfo
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.work.tasks import Task, TaskRunner

QUIT_WAIT_MS = 120_000
# The stages (StageChanged.key) after which the core checks no cancel: the run ends with its model saved. A quick
# run's fit of its last layer ("fitting") still hears a Stop at each step: it ends stopped, with no model.
FINISHING_STAGES = frozenset({"calibrating", "saving"})


translate = QCoreApplication.translate  # its texts are the Train page's, in its context


class TrainingRun(QObject):
    """`task` is the training request while it runs (None otherwise). The form shows what the run uses while it
    runs (a resumed run's options, its `own_choices` kept aside) and plans nothing until the run ends."""

    running_changed = Signal(bool)  # a run started; or it ended, its result or failure handled
    paused_changed = Signal(bool)

    def __init__(self, state: AppState, tasks: TaskRunner, monitor: RunMonitor, model: TrainPageModel,
                 page: QWidget, own_choices: OwnChoices) -> None:
        super().__init__(page)
        self.state, self.tasks, self.monitor, self.model, self.page = state, tasks, monitor, model, page
        self.own_choices = own_choices
        self.task: Task | None = None
        self.kept_back: str | None = None  # a stopped run that did not replace the chosen model (offered instead)
        self.started_on: str | None = None  # the folder open when the run started
        state.run_changed.connect(self.show_saved)
        monitor.progress_label.linkActivated.connect(lambda _link: self.use_kept_back())

    def start(self, cfg: TrainConfig, data: Any) -> None:
        """A new run of these options on this data (the open dataset's index, or the folder to scan)."""
        self.state.settings.last_train_config = cfg.to_dict()
        self.own_choices.hold()  # the form waits for the run's end to plan for a folder opened meanwhile
        pause = PauseToken()
        self._launch(training(cfg.to_dict(), data, pause), pause, cfg.epochs, quick=cfg.method == "quick")

    def resume(self, run: str, cfg: TrainConfig, epochs: int | None = None) -> None:
        """Continue the run folder `run` (its options are cfg), to `epochs` when given."""
        pause = PauseToken()
        self.own_choices.show_run(cfg, epochs or cfg.epochs)  # what trains (the bar and the ETA count its epochs)
        self._launch(training(None, None, pause, resume_run=run, epochs=epochs), pause, epochs or cfg.epochs,
                     resuming=run, quick=cfg.method == "quick")

    def _launch(self, work: Any, pause: PauseToken, epochs: int, resuming: str | None = None,
                quick: bool = False) -> None:
        done = self.monitor.begin(epochs, resuming, quick)
        self.kept_back, self.started_on = None, self.state.folder_in_view()
        self.model.started(self.state.tag().dataset, resuming)
        self.task = self.tasks.start("training", work, self._on_finished, self._on_failed, on_event=self.monitor.event,
                                     on_ended=self._on_done, pause=pause, keep_result=True)
        self.state.set_training(True)
        self.running_changed.emit(True)
        self.paused_changed.emit(False)
        if resuming:
            self.monitor.line(translate("TrainPage", "Continuing run {0} at epoch {1} of {2}…").format(
                isolated(Path(resuming).name), done + 1, epochs))
        else:
            ds = self.state.dataset
            self.monitor.line(translate("TrainPage", "Training started on {0}").format(isolated(str(ds.root)))
                              if ds is not None else translate("TrainPage", "Training started"))

    def toggle_pause(self) -> None:
        pause = self.task.pause if self.task is not None else None
        if pause is None:
            return
        pausing = not pause.is_paused()
        (pause.pause if pausing else pause.resume)()
        self.monitor.line(translate("TrainPage", "Paused (the current batch finishes first)") if pausing
                          else translate("TrainPage", "Resumed"))
        self.monitor.set_paused(pausing)
        self.paused_changed.emit(pausing)

    def is_paused(self) -> bool:
        return self.task is not None and self.monitor.paused

    def quit_question(self) -> str:
        """What quitting now does to the run: a run of epochs keeps its last finished one; a quick run (one step, no
        epochs) saves nothing until it has fitted its last layer. Once a run calibrates or saves, a cancel no longer
        stops it: quitting waits until its model is saved."""
        if self.monitor.stage_key in FINISHING_STAGES:
            return translate("TrainPage", "Training is finishing its model. Quit anyway? The window closes once the "
                             "model is saved; nothing is lost.")
        if self.monitor.quick:
            return translate("TrainPage", "A quick run is going. Quit anyway? It stops unfinished and saves no model; "
                             "you can train it again later.")
        if self.is_paused():
            return translate("TrainPage", "Training is paused. Quit anyway? It stops and keeps its last finished "
                             "epoch; you can resume it later.")
        return translate("TrainPage", "Training is running. Quit anyway? Training stops cleanly and keeps its last "
                         "finished epoch; you can resume it later.")

    def stop(self) -> bool:
        """Stop the run, saying what that does at its stage (stop_words); False when no run was going."""
        if self.task is None:
            return False
        self.task.cancel()  # also wakes a paused loop
        self.monitor.line(self.stop_words())
        return True

    def stop_words(self) -> str:
        """What a Stop does now: a run saving its model finishes it (short, and written whole or not at all); a
        quick run stops at its next feature batch or step of its fit, with no model; a run of epochs stops after
        the batch that runs, keeping its last finished epoch."""
        if self.monitor.stage_key in FINISHING_STAGES:
            return translate("TrainPage", "Finishing the model: training ends once it is saved…")
        if self.monitor.quick:
            return translate("TrainPage", "Stopping the quick run; it saves no model…")
        return translate("TrainPage", "Stopping after this batch…")

    def shutdown(self) -> None:
        """For closing the window: stop cleanly (the run records that the app was closed) and join the thread."""
        if self.task is not None:
            self.task.cancel("quit")
        self.stop()
        if (task := self.task) is not None:  # the wait holds the UI thread (a batch can take many seconds): say why
            self.monitor.progress_text.emit(translate("TrainPage", "Stopping training…"), 0, 0)
            self.monitor.progress_label.window().repaint()
            # (the quit question's box leaves the screen now, not after the wait; syncing runs pending events,
            # among them the run's end, which may clear self.task: the task is waited on as it was)
            QGuiApplication.sync()
            task.wait(QUIT_WAIT_MS)

    def show_saved(self, run: str) -> None:
        """The chosen run's curves, log and outcome, read from its folder (after a restart the page shows the run
        the app reopened); never over a run that is going, nor again over the one just shown."""
        if self.task is not None or (self.model.shown is not None and self.model.shown.run == run):
            return
        from desktop_cls.core.run_outcome import saved_result

        result = saved_result(Path(run)) if Path(run).is_dir() else None
        if result is None:
            return  # an exported model file, or a run with no saved epoch: nothing of a run to show
        info, open_dataset = self.state.run_info, self.state.tag().dataset
        trained_on = info.dataset_root if info is not None else None
        if open_dataset is not None and trained_on != open_dataset:
            return  # another dataset's run is not shown under the open one's name
        self.model.finished(trained_on, run)
        self.monitor.show_saved(result, (info.val_images or 0) if info is not None else 0)

    # ---- how the training ended ----------------------------------------------------------------
    def _on_finished(self, result: Any) -> None:
        info = RunInfo.read(result.run_dir)  # the run's own dataset: a resumed run may not be of the open one
        self.model.finished(info.dataset_root, result.run_dir)
        trained_on, open_dataset = info.dataset_root, self.state.tag().dataset  # another may be open now: say which
        self.monitor.finished(result, info.val_images or 0, trained_on if None not in (trained_on, open_dataset)
                              and trained_on != open_dataset else None)
        if result.epochs_done <= 0:
            return
        if self.state.offer_run(result.run_dir, info, stopped=result.cancelled, started_on=self.started_on):
            return  # chosen (its Train badge says whether it is a model of the open folder)
        if (folder := self.state.waits_for(result.run_dir)) is not None:
            self.monitor.line(translate("TrainPage", "Run {run} is kept under Past runs. It was trained on {folder}, "
                                        "not on the folder open now, so it becomes the model when {folder} is open "
                                        "again (double-click it in Past runs to use it now).").format(
                run=isolated(Path(result.run_dir).name), folder=isolated(folder)))
        else:
            self._offer_kept_back(result.run_dir)

    def _offer_kept_back(self, run: str) -> None:
        """The stopped run is not the model now: say which one is, and offer to use the stopped one."""
        self.kept_back = run
        current = isolated(Path(self.state.run or "").name)
        self.monitor.line(translate("TrainPage", "Evaluate, Classify and Export still use {current}: a stopped run "
                                    "does not replace the model. Double-click {run} in Past runs to use it.").format(
            current=current, run=isolated(Path(run).name)))
        self.monitor.offer(translate("TrainPage", "Evaluate, Classify and Export still use {current}. "
                                     "<a href='#use'>Use this stopped run instead</a>").format(
            current=html.escape(current)))

    def use_kept_back(self) -> None:
        """The user took up the offer: the stopped run becomes the chosen one."""
        run, self.kept_back = self.kept_back, None
        if run is not None and self.task is None:
            self.state.set_run(run)  # (and the Train badge says whether it is a model of the open folder)
            self.monitor.offer("")
            self.monitor.line(translate("TrainPage", "Using run {0} for evaluation, classification and export")
                              .format(isolated(run)))

    def _on_failed(self, message: str, details: str) -> None:
        self.monitor.failed(message)
        self.state.set_status(PageKey.TRAIN, Badge.ATTENTION)
        show_error(self.page, translate("TrainPage", "Training failed"), message, details)

    def _on_done(self) -> None:
        self.task = None
        self.own_choices.give_back()
        self.state.set_training(False)
        self.running_changed.emit(False)
        self.monitor.plots.redraw()
