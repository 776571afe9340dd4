"""The loop's callbacks: what happens around the epochs without living inside the loop.

Every callback may implement any subset of the event hooks (core.events.Callback) and, when it needs
the run itself, the two loop hooks of LoopCallback. The trainer's own behaviour is written on that one
interface: the metrics log, the checkpoints and best model, early stopping (and TensorBoard, in
tensorboard_log). They run in the order the trainer lists them: metrics log, checkpoints, the caller's
callbacks, TensorBoard, early stopping.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import torch
from torch import nn

from desktop_cls.core import run_dir as rd
from desktop_cls.core.events import BaseCallback, BatchEnd, EpochEnd, Notice, StageChanged
from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.models.model_io import ModelMeta, save_native
from desktop_cls.core.storage import append_jsonl, write_atomic
from desktop_cls.core.training.checkpoint import (
    DiskFull,
    checkpoint_epoch,
    disk_full_error,
    is_disk_full,
    save_checkpoint,
    save_failed_error,
    sidecar_epoch,
)
from desktop_cls.core.training.fit_result import TrainState


class Loop(Protocol):
    """What a running loop shows its callbacks (the Trainer is one)."""

    run: Path  # the run folder
    state: TrainState  # epochs done, best so far, batch size, history: saved in every checkpoint
    resumed: bool  # continuing from a checkpoint
    stopped_early: bool  # set by a callback to end the run after this epoch

    @property
    def is_main(self) -> bool:
        """False on the other processes of a multi-process run: only the main one writes files."""

    @property
    def model(self) -> nn.Module:
        """The bare model (never its DDP or compiled wrapper)."""

    @property
    def optimizer(self) -> torch.optim.Optimizer:
        """The optimizer; its param groups may carry an lr_scale (see TrainStep.set_lr)."""

    def notice(self, message: str, level: str = "info") -> None:
        """Tell the user something (sent to every callback's on_notice)."""

    def checkpoint_state(self) -> dict[str, Any]:
        """Everything an exact resume needs, as of now."""

    def model_meta(self) -> ModelMeta:
        """What the model file's sidecar records (classes, input size, normalisation)."""


class LoopCallback(BaseCallback):
    """A callback that sees the run: on_fit_start gives it the loop, which it keeps for the other hooks."""

    loop: Loop

    def on_fit_start(self, loop: Loop) -> None:
        """Called once the model is built (and restored, on resume), before any image is loaded."""
        self.loop = loop

    def on_fit_end(self, loop: Loop) -> None:
        """Called when fit returns or raises; release files and threads here."""


class CallbackList:
    """Fans events out to callbacks; a callback may implement any subset of the hooks."""

    def __init__(self, callbacks: Sequence[object]) -> None:
        self.cbs = list(callbacks)

    def _emit(self, hook: str, event: object) -> None:
        for cb in self.cbs:
            fn = getattr(cb, hook, None)
            if fn is not None:
                fn(event)

    def fit_start(self, loop: Loop) -> None:
        self._emit("on_fit_start", loop)

    def fit_end(self, loop: Loop) -> None:
        self._emit("on_fit_end", loop)

    def stage(self, stage: str, done: int = 0, total: int = 0, key: str = "") -> None:
        self._emit("on_stage", StageChanged(stage, done, total, key))

    def batch(self, e: BatchEnd) -> None:
        self._emit("on_batch_end", e)

    def epoch(self, e: EpochEnd) -> None:
        self._emit("on_epoch_end", e)

    def notice(self, message: str, level: str = "info") -> None:
        self._emit("on_notice", Notice(message, level))


def metrics_row(e: EpochEnd, batch_size: int) -> dict[str, Any]:
    """One line of metrics.jsonl (and of FitResult.history); a missing validation value is null."""
    return {"epoch": e.epoch, "train_loss": e.train_loss, "train_accuracy": e.train_accuracy,
            "val_loss": None if math.isnan(e.val_loss) else e.val_loss,
            "val_accuracy": None if math.isnan(e.val_accuracy) else e.val_accuracy,
            "lr": e.lr, "seconds": e.seconds, "images_per_s": e.images_per_s, "batch_size": batch_size}


class MetricsLog(LoopCallback):
    """Keeps the run's history: each epoch's row goes into the loop state and, on the main process,
    into metrics.jsonl. It runs before the checkpoint is written: a resume drops rows past the
    checkpoint, so no row is ever missing."""

    def on_epoch_end(self, event: EpochEnd) -> None:
        row = metrics_row(event, self.loop.state.batch_size)
        self.loop.state.history.append(row)
        if self.loop.is_main:
            append_jsonl(self.loop.run / rd.METRICS, row, root=self.loop.run)


class SaveCheckpoints(LoopCallback):
    """last.pt after every epoch; on a new best, best.pt and the model file the predictor and export read.

    Main process only. A failed write keeps the previous file and ends the run with a UserError that
    says so (DiskFull when the disk is full). last.pt is written first and is the commit: a run
    stopped before that epoch's best.pt and model file were in gets them from last.pt on resume."""

    def on_fit_start(self, loop: Loop) -> None:
        super().on_fit_start(loop)
        if loop.resumed and loop.is_main:
            self._repair_best()

    def on_epoch_end(self, event: EpochEnd) -> None:
        if not self.loop.is_main:
            return
        state = self.loop.checkpoint_state()
        self._save(rd.LAST, state)
        if event.is_best:
            self._save(rd.BEST, state)
            self._save_model(event.epoch)

    def _save_model(self, epoch: int) -> None:
        save_native(self.loop.model, self.loop.model_meta(), self.loop.run / rd.MODEL, epoch=epoch,
                    val_accuracy=self.loop.state.best_val_accuracy)

    def _save(self, name: str, state: dict[str, Any]) -> None:
        path = self.loop.run / name
        try:
            save_checkpoint(path, state, root=self.loop.run)
        except (DiskFull, OSError) as e:
            if not isinstance(e, DiskFull) and not is_disk_full(e):
                raise save_failed_error(path, e) from None
            self.loop.notice(_("could not save the checkpoint {name}: the disk is full; the previous one is kept. "
                               "Free some disk space.").format(name=name), "warning")
            raise e if isinstance(e, DiskFull) else disk_full_error(path, 2**20) from None

    def _repair_best(self) -> None:
        """The restored epoch was the best one but its best.pt or model file is older: rewrite them
        from last.pt (already loaded into the model), so every file names the same best epoch."""
        run, epoch = self.loop.run, self.loop.state.epoch
        if epoch == 0 or self.loop.state.best_epoch != epoch:
            return  # the best epoch is an earlier one: its files were in before last.pt moved on
        repaired = []
        if checkpoint_epoch(run / rd.BEST) != epoch:
            write_atomic(run / rd.BEST, (run / rd.LAST).read_bytes(), root=run)
            repaired.append("best.pt")
        if repaired or sidecar_epoch(run / rd.MODEL) != epoch:
            self._save_model(epoch)
            repaired.append(_("the model file"))
        if repaired:
            self.loop.notice(_("{repaired} of epoch {epoch} had not been saved (the run was stopped while saving); "
                               "restored from the checkpoint").format(
                    repaired=_(" and ").join(repaired), epoch=epoch), "warning")


class EarlyStopping(LoopCallback):
    """Ends the run once `patience` epochs in a row brought no improvement of the best metric
    (validation accuracy, or training loss without validation images)."""

    def __init__(self, patience: int) -> None:
        self.patience = patience

    def on_epoch_end(self, event: EpochEnd) -> None:
        since = self.loop.state.since_best
        if self.patience > 0 and since >= self.patience:
            self.loop.stopped_early = True
            self.loop.notice(ngettext("stopped early: no validation improvement for {since} epoch",
                                      "stopped early: no validation improvement for {since} epochs", since).format(
                since=since))
