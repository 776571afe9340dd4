"""A run's life in its folder, recorded in one place for the full loop and the quick method alike: started
(config.json, run.json), set up, each epoch (metrics.jsonl, through the MetricsLog callback), and how it
ended (core.run_status.RunStatus: finished, stopped by the user or by quitting, interrupted by a kill or a
full disk, failed), with the FitResult the caller gets."""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop_cls import __version__
from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, Problem
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken
from desktop_cls.core.run_status import RunStatus, StopReason, status_of
from desktop_cls.core.storage import write_json
from desktop_cls.core.training.checkpoint import DiskFull, disk_full_error, is_disk_full
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.fit_result import FitResult, TrainState


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


class RunLifecycle:
    """The only writer of run.json's status. On the other processes of a multi-process run (is_main False)
    it writes nothing and only builds results."""

    def __init__(self, run: Path, classes: tuple[str, ...], is_main: bool = True) -> None:
        self.run = run
        self.classes = classes
        self.is_main = is_main
        self.started = False  # run.json says RUNNING with the setup: from then on a failure is the run's

    def start(self, cfg: TrainConfig, index: DatasetIndex) -> None:
        """The options and the dataset (root, split, fingerprint) a resume needs to find again."""
        if not self.is_main:
            return
        write_json(self.run / rd.CONFIG, cfg.to_dict(), root=self.run)
        write_json(self.run / rd.RUN_INFO, {
            "status": RunStatus.RUNNING.value, "created": _now(), "desktop_cls_version": __version__,
            "model": cfg.model, "dataset_root": index.root,
            "layout": index.layout, "classes": list(index.classes), "val_fraction": index.val_fraction,
            "seed": index.seed, "dataset_fingerprint": index.fingerprint,
            "split": {sp: len(index.split(sp)) for sp in ("train", "val", "test")}, **rd.process_owner(),
        })

    def trains_on(self, digests: Sequence[str], fingerprint: Mapping[str, Any] | None = None) -> None:
        """Record the content digests of the pictures the run learns (inference/trained_on), so that it is never
        scored on a copy of one. A resume (FINGERPRINT: its folder now) adds them to the run's record; a run that has
        none (trained by an earlier version, or its record damaged) gets one only when its folder is as it was when
        the run started: otherwise what its earlier epochs learned cannot be told, and it is left without."""
        if not self.is_main:
            return
        from desktop_cls.core.inference.trained_on import RecordRefused, read_trained_on, save_trained_on

        before = None
        if fingerprint is not None:
            try:
                before = read_trained_on(self.run)
            except RecordRefused:
                before = None
            if before is None:
                started = rd.read_run_info(self.run).get("dataset_fingerprint")
                if not isinstance(started, dict) or any(started.get(k) != fingerprint.get(k)
                                                        for k in ("version", "sha256")):
                    return
        save_trained_on(self.run, digests, also=before)

    def settle_dead_run(self) -> None:
        """Called with the run's lock held: a RUNNING status left by a process that died is INTERRUPTED
        (a resume sets RUNNING again once it is set up)."""
        with contextlib.suppress(UserError, OSError):
            if status_of(rd.read_run_info(self.run)) is RunStatus.RUNNING:
                rd.update_run_info(self.run, status=RunStatus.INTERRUPTED.value)

    def set_up(self, **facts: Any) -> None:
        """Training begins: RUNNING, with what it runs on (parameters, device, precision, image counts)."""
        if self.is_main:
            rd.update_run_info(self.run, status=RunStatus.RUNNING.value, **rd.process_owner(), **facts)
        self.started = True

    def ended(self, state: TrainState, seconds: float, problems: list[Problem], cancel: CancelToken | None = None,
              stopped_early: bool = False, facts: dict[str, Any] | None = None) -> None:
        """The last epoch is saved: FINISHED, or STOPPED when cancel was set (by whom: the user or quitting)."""
        if not self.is_main:
            return
        write_json(self.run / rd.PROBLEMS, [p.to_dict() for p in problems], root=self.run)
        stopped = cancel is not None and cancel.is_set()
        rd.update_run_info(self.run, status=(RunStatus.STOPPED if stopped else RunStatus.FINISHED).value,
                           **({"stopped_by": _stop_reason(cancel)} if stopped else {}), stopped_early=stopped_early,
                           epochs_done=state.epoch, best_epoch=state.best_epoch,
                           best_val_accuracy=state.best_val_accuracy, train_seconds=round(seconds, 3),
                           finished=_now(), **(facts or {}))

    def stopped(self, epochs_done: int, cancel: CancelToken | None) -> None:
        """Cancelled before the run could save its end (CancelledError from a stage before the epochs)."""
        self._say(RunStatus.STOPPED, epochs_done=epochs_done, stopped_by=_stop_reason(cancel))

    def failed(self, e: BaseException) -> BaseException:
        """Say in run.json how the run ended; returns the error to raise (a full disk as DiskFull).

        Before training started (a resume refused: classes changed, checkpoint refused) run.json is left
        as it was, so a finished run stays finished. A full disk, Ctrl+C or a kill leaves it resumable:
        INTERRUPTED, not FAILED."""
        if is_disk_full(e):
            last = self.run / rd.LAST
            e = disk_full_error(self.run / rd.MODEL, 2 * (last.stat().st_size if last.is_file() else 0) + 2**20)
        if self.started:
            interrupted = isinstance(e, DiskFull | KeyboardInterrupt | SystemExit)
            self._say(RunStatus.INTERRUPTED if interrupted else RunStatus.FAILED, error=str(e) or type(e).__name__)
        return e

    def result(self, state: TrainState, epochs: int, seconds: float, problems: list[Problem],
               cancelled: bool = False, stopped_early: bool = False, world_size: int = 1,
               extra: dict[str, Any] | None = None) -> FitResult:
        """What fit() and resume() return, from the loop's state."""
        return FitResult(run_dir=str(self.run), classes=self.classes, epochs=epochs, epochs_done=state.epoch,
                         best_val_accuracy=state.best_val_accuracy, best_epoch=state.best_epoch,
                         train_seconds=seconds, cancelled=cancelled, stopped_early=stopped_early,
                         history=tuple(state.history), problems=tuple(problems), world_size=world_size,
                         extra=extra or {})

    def _say(self, status: RunStatus, **details: object) -> None:
        """A status when run.json exists (never raises: a full disk must not hide the first error)."""
        if self.is_main and (self.run / rd.RUN_INFO).exists():
            with contextlib.suppress(OSError):
                rd.update_run_info(self.run, status=status.value, **details)


def _stop_reason(cancel: CancelToken | None) -> str:
    return str(cancel.reason if cancel is not None else StopReason.USER)
