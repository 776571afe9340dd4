"""fit() and resume(): a run folder made (or claimed), recorded and released around the training loop
(loop.Trainer), and how the run ended written into run.json whatever happened."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, scan
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken, PauseToken
from desktop_cls.core.i18n import _
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.distributed import DistContext
from desktop_cls.core.training.fit_result import FitResult
from desktop_cls.core.training.loop import Trainer
from desktop_cls.core.training.resume_state import resumable_run
from desktop_cls.core.training.run_record import record_failure, record_start, record_stop, settle_dead_run

__all__ = ["Trainer", "fit", "resume"]  # Trainer lives in loop; importable from here as before


def fit(
    config: TrainConfig,
    data: DatasetIndex | str | Path,
    out: str | Path | None = None,
    callbacks: Sequence[object] = (),
    cancel: CancelToken | None = None,
    pause: PauseToken | None = None,
    distributed: DistContext | None = None,
) -> FitResult:
    """Train a new run on data (an index, or a folder scanned with config's split) into out.

    out is a new or empty folder (None: a fresh one under the runs folder). callbacks may implement
    any subset of core.events.Callback's hooks; they are called on this thread. cancel and pause are
    checked between batches; a cancelled run returns with cancelled=True after keeping its last
    finished epoch. distributed is the torchrun context (DistContext.from_env) or None.
    Checkpoints are written after every epoch (see callbacks.SaveCheckpoints).

    Raises UserError for invalid options, a dataset without readable training images, an out folder
    that is not empty, out of memory even at batch size 1, or a checkpoint that cannot be written."""
    cfg = config.validate()
    if cfg.mode == "quick" and distributed is not None:
        raise UserError(_("the quick mode fits a last layer on cached features in seconds on one process; "
                          "run it without torchrun (torchrun is for the full training)"))
    index = data if isinstance(data, DatasetIndex) else scan(data, val_fraction=cfg.val_fraction, seed=cfg.seed)
    is_main = distributed is None or distributed.rank == 0
    if distributed is not None:
        run = distributed.agree_on_run_dir(lambda: rd.new_run_dir(out, cfg.model))
    else:
        run = rd.new_run_dir(out, cfg.model)  # locked for this process until the finally below
    try:
        if is_main:
            try:
                record_start(run, cfg, index)
            except OSError:  # a full or read-only disk: one message, and no empty run folder left
                rd.discard_unstarted_run(run)
                raise
        if cfg.mode == "quick":
            from desktop_cls.core.training.quick import fit_quick

            return fit_quick(cfg, index, run, callbacks, cancel or CancelToken())
        trainer = Trainer(cfg, index, run, callbacks, cancel or CancelToken(), pause or PauseToken(), distributed)
        return _run(trainer, resume=False)
    finally:
        rd.release_run(run)


def resume(
    run: str | Path,
    callbacks: Sequence[object] = (),
    cancel: CancelToken | None = None,
    pause: PauseToken | None = None,
    epochs: int | None = None,
    distributed: DistContext | None = None,
) -> FitResult:
    """Continue the run folder `run` from its last completed epoch, optionally to a new total of epochs.

    The dataset is scanned again at the path the run recorded, with the run's split. callbacks,
    cancel, pause and distributed are as for fit.

    Raises UserError when run is not a run folder or has no checkpoint yet, when its dataset has moved
    or its classes changed, or when the checkpoint does not fit the model."""
    run = Path(run).expanduser().resolve()
    if not rd.is_run_dir(run):
        raise UserError(_("{run} is not a training run folder (config.json and run.json are missing)").format(
            run=run))
    if distributed is None or distributed.rank == 0:
        rd.claim_run(run)  # RunInUse when another process trains in it (under torchrun, rank 0 owns the run)
    try:
        settle_dead_run(run)
        cfg, index = resumable_run(run, epochs)
        trainer = Trainer(cfg, index, run, callbacks, cancel or CancelToken(), pause or PauseToken(), distributed)
        return _run(trainer, resume=True)
    finally:
        rd.release_run(run)


def _run(trainer: Trainer, resume: bool) -> FitResult:
    try:
        return trainer.fit(resume=resume)
    except CancelledError:
        if trainer.is_main:
            record_stop(trainer.run, "cancelled", epochs_done=trainer.state.epoch)
        return FitResult(run_dir=str(trainer.run), classes=trainer.classes, epochs=trainer.cfg.epochs,
                         epochs_done=trainer.state.epoch, best_val_accuracy=trainer.state.best_val_accuracy,
                         best_epoch=trainer.state.best_epoch, train_seconds=0.0, cancelled=True,
                         history=tuple(trainer.state.history), problems=tuple(trainer.problems))
    except BaseException as e:
        if not trainer.is_main:
            raise
        err = record_failure(trainer.run, e, started=trainer.started or not resume)
        if err is e:
            raise
        raise err from None
