"""Training as a request on the task runner: the core's callbacks go to the UI thread as plain events."""

from __future__ import annotations

from typing import Any

from desktop_cls.core.events import BatchEnd, CancelToken, EpochEnd, Notice, PauseToken, StageChanged
from desktop_cls.gui.work.tasks import Reporter, TaskFn


class _Events:
    """A core Callback that hands every event to the request's reporter (frozen dataclasses cross threads)."""

    def __init__(self, report: Reporter) -> None:
        self.report = report

    def on_stage(self, e: StageChanged) -> None:
        self.report.event(e)

    def on_batch_end(self, e: BatchEnd) -> None:
        self.report.event(e)

    def on_epoch_end(self, e: EpochEnd) -> None:
        self.report.event(e)

    def on_notice(self, e: Notice) -> None:
        self.report.event(e)


def training(config_dict: dict[str, Any] | None, dataset: Any, pause: PauseToken, resume_run: str | None = None,
             epochs: int | None = None) -> TaskFn[Any]:
    """fit() on the options (or resume() of a run folder) as a task; returns the core's FitResult."""

    def work(*, progress: Reporter, cancel: CancelToken) -> Any:
        from desktop_cls.core.training.config import TrainConfig
        from desktop_cls.core.training.run import fit, resume

        cb = _Events(progress)
        if resume_run:
            return resume(resume_run, callbacks=[cb], cancel=cancel, pause=pause, epochs=epochs)
        cfg = TrainConfig.from_dict(config_dict or {})
        return fit(cfg, dataset, callbacks=[cb], cancel=cancel, pause=pause)

    return work
