"""Training on a QThread: the core's callbacks are re-emitted as Qt signals carrying frozen dataclasses."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from desktop_cls.core.events import BatchEnd, CancelToken, EpochEnd, Notice, PauseToken, StageChanged
from desktop_cls.gui.work.tasks import Task, describe_failure


class _SignalCallback:
    def __init__(self, worker: TrainWorker) -> None:
        self.w = worker

    def on_stage(self, e: StageChanged) -> None:
        self.w.stage_changed.emit(e)

    def on_batch_end(self, e: BatchEnd) -> None:
        self.w.batch_ended.emit(e)

    def on_epoch_end(self, e: EpochEnd) -> None:
        self.w.epoch_ended.emit(e)

    def on_notice(self, e: Notice) -> None:
        self.w.notice.emit(e)


class TrainWorker(QObject):
    stage_changed = Signal(object)
    batch_ended = Signal(object)
    epoch_ended = Signal(object)
    notice = Signal(object)
    finished_ok = Signal(object)  # FitResult
    failed = Signal(str, str)
    done = Signal()

    def __init__(self, config_dict: dict[str, Any] | None, dataset: Any, out: str | None = None,
                 resume_run: str | None = None, epochs: int | None = None) -> None:
        super().__init__()
        self.config_dict = config_dict
        self.dataset = dataset
        self.out = out
        self.resume_run = resume_run
        self.epochs = epochs
        self.cancel = CancelToken()
        self.pause = PauseToken()

    @Slot()
    def run(self) -> None:
        try:
            from desktop_cls.core.training.config import TrainConfig
            from desktop_cls.core.training.run import fit, resume

            cb = _SignalCallback(self)
            if self.resume_run:
                result = resume(self.resume_run, callbacks=[cb], cancel=self.cancel, pause=self.pause,
                                epochs=self.epochs)
            else:
                cfg = TrainConfig.from_dict(self.config_dict or {})
                result = fit(cfg, self.dataset, out=self.out, callbacks=[cb], cancel=self.cancel, pause=self.pause)
            self.finished_ok.emit(result)
        except Exception as e:
            self.failed.emit(*describe_failure(e))
        finally:
            self.done.emit()


def start_training(worker: TrainWorker) -> Task:
    thread = QThread()
    thread.setObjectName("task:training")
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)  # quit even while the UI thread waits
    task = Task(thread, worker, worker.cancel, "training")
    thread.start()
    return task
