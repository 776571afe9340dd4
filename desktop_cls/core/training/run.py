"""fit() and resume(): a run folder made (or claimed), recorded and released around the training loop
(trainer.Trainer) or the quick method (quick.QuickFit), and how the run ended written into run.json whatever happened
(lifecycle.RunLifecycle, the same for both)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, scan
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken, PauseToken
from desktop_cls.core.i18n import _
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.distributed import DistContext
from desktop_cls.core.training.fit_result import FitResult
from desktop_cls.core.training.lifecycle import RunLifecycle
from desktop_cls.core.training.resume_state import resumable_run
from desktop_cls.core.training.trainer import Trainer

if TYPE_CHECKING:
    from desktop_cls.core.training.quick import QuickFit

__all__ = ["fit", "resume"]


def fit(
    config: TrainConfig,
    data: DatasetIndex | str | Path,
    out: str | Path | None = None,
    callbacks: Sequence[object] = (),
    cancel: CancelToken | None = None,
    pause: PauseToken | None = None,
    distributed: DistContext | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FitResult:
    """Train a new run on data (an index, or a folder scanned with config's split) into out.

    out is a new or empty folder (None: a fresh one under the runs folder). callbacks may implement
    any subset of core.events.Callback's hooks; they are called on this thread. cancel and pause are
    checked between batches; a cancelled run returns with cancelled=True after keeping its last
    finished epoch. distributed is the torchrun context (DistContext.from_env) or None. clock measures
    the seconds the run reports (tests pass a fake one).
    Checkpoints are written after every epoch (see callbacks.SaveCheckpoints).

    Raises UserError for invalid options, a dataset without readable training images, an out folder
    that is not empty, out of memory even at batch size 1, or a checkpoint that cannot be written."""
    cfg = config.validate()
    if cfg.method == "quick" and distributed is not None:
        raise UserError(_("the quick mode fits a last layer on cached features in seconds on one process; "
                          "run it without torchrun (torchrun is for the full training)"))
    index = data if isinstance(data, DatasetIndex) else scan(data, val_fraction=cfg.val_fraction, seed=cfg.seed)
    gone = folder_gone(index.root)  # scanned earlier, then moved, deleted or unmounted: no run folder for it
    if gone is not None:
        raise gone
    if distributed is not None:
        run = distributed.agree_on_run_dir(lambda: rd.new_run_dir(out, cfg.model))
    else:
        run = rd.new_run_dir(out, cfg.model)  # locked for this process until the finally below
    cancel = cancel or CancelToken()
    try:
        if cfg.method == "quick":
            from desktop_cls.core.training.quick import QuickFit

            quick = QuickFit(cfg, index, run, callbacks, cancel, pause)
            _start(quick.life, quick.cfg, index, run)
            return _guarded(quick, index.root, resume=False)
        trainer = Trainer(cfg, index, run, callbacks, cancel, pause or PauseToken(), distributed, clock)
        _start(trainer.life, cfg, index, run)
        return _guarded(trainer, index.root, resume=False)
    finally:
        rd.release_run(run)


def _start(life: RunLifecycle, cfg: TrainConfig, index: DatasetIndex, run: Path) -> None:
    """Record the run's start; a full or read-only disk gives one message and leaves no empty run folder."""
    try:
        life.start(cfg, index)
    except OSError:
        rd.discard_unstarted_run(run)
        raise


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
    rd.require_run_dir(run)
    if distributed is None or distributed.rank == 0:
        rd.claim_run(run)  # RunInUse when another process trains in it (under torchrun, rank 0 owns the run)
    try:
        RunLifecycle(run, ()).settle_dead_run()
        cfg, index = resumable_run(run, epochs)
        trainer = Trainer(cfg, index, run, callbacks, cancel or CancelToken(), pause or PauseToken(), distributed)
        return _guarded(trainer, index.root, resume=True)
    finally:
        rd.release_run(run)


def _guarded(trainer: Trainer | QuickFit, root: str, resume: bool) -> FitResult:
    """Run the training; a cancel before its end is recorded as STOPPED, an error as FAILED or INTERRUPTED
    (a full disk, a kill), by the run's one lifecycle. An error once the dataset folder `root` has gone is
    that folder's absence."""
    life = trainer.life
    try:
        return trainer.fit(resume=resume)
    except CancelledError:
        life.stopped(trainer.state.epoch, trainer.cancel)
        return life.result(trainer.state, trainer.cfg.epochs, 0.0, trainer.problems, cancelled=True)
    except BaseException as e:
        if not life.is_main:
            raise
        if not resume:
            life.started = True  # a new run's folder is the run's from the start
        gone = folder_gone(root) if isinstance(e, UserError | OSError) else None
        err = life.failed(gone or e)  # the images went with their folder: say that, not "no batch could be formed"
        if err is e:
            raise
        raise err from None


def folder_gone(root: str) -> UserError | None:
    """The error to show when the dataset folder has gone since it was scanned, else None."""
    if Path(root).is_dir():
        return None
    return UserError(_("the dataset folder {path} is no longer there (moved, deleted or its disk removed); "
                       "nothing more was trained. Put it back, or open the folder where it is now").format(path=root))
