"""What a training writes about itself in its run folder: config.json, and run.json as the run goes."""

from __future__ import annotations

import contextlib
import datetime as _dt
from pathlib import Path

import torch

from desktop_cls import __version__
from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, Problem
from desktop_cls.core.errors import UserError
from desktop_cls.core.storage import write_json
from desktop_cls.core.training.checkpoint import DiskFull, disk_full_error, is_disk_full
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.fit_result import TrainState


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


def record_start(run: Path, cfg: TrainConfig, index: DatasetIndex) -> None:
    """The options and the dataset (root, split, fingerprint) a resume needs to find again."""
    write_json(run / rd.CONFIG, cfg.to_dict(), root=run)
    write_json(run / rd.RUN_INFO, {
        "status": "starting", "created": _now(), "desktop_cls_version": __version__, "model": cfg.model,
        "dataset_root": index.root, "layout": index.layout, "classes": list(index.classes),
        "val_fraction": index.val_fraction, "seed": index.seed, "dataset_fingerprint": index.fingerprint,
        "split": {sp: len(index.split(sp)) for sp in ("train", "val", "test")}, **rd.process_owner(),
    })


def record_setup(run: Path, parameters: int, device: torch.device, amp: torch.dtype | None, train_images: int,
                 val_images: int) -> None:
    rd.update_run_info(run, status="running", **rd.process_owner(), parameters=parameters, device=str(device),
                       precision=str(amp).replace("torch.", "") if amp else "fp32",
                       train_images=train_images, val_images=val_images)


def record_end(run: Path, status: str, state: TrainState, seconds: float, problems: list[Problem]) -> None:
    write_json(run / rd.PROBLEMS, [p.to_dict() for p in problems], root=run)
    rd.update_run_info(run, status=status, epochs_done=state.epoch, best_epoch=state.best_epoch,
                       best_val_accuracy=state.best_val_accuracy, train_seconds=round(seconds, 3), finished=_now())


def record_stop(run: Path, status: str, **details: object) -> None:
    """Cancelled or failed: say so in run.json when it exists (never raises on a full disk)."""
    if (run / rd.RUN_INFO).exists():
        with contextlib.suppress(OSError):
            rd.update_run_info(run, status=status, **details)


def settle_dead_run(run: Path) -> None:
    """Called with the run's lock held: a 'starting'/'running' status was left by a process that died."""
    with contextlib.suppress(UserError, OSError):
        if rd.read_run_info(run).get("status") in ("starting", "running"):
            rd.update_run_info(run, status="interrupted")


def record_failure(run: Path, e: BaseException, started: bool) -> BaseException:
    """Say in run.json how the run ended; returns the error to raise (a full disk as DiskFull).

    Before training started (a resume refused: classes changed, checkpoint refused) run.json is left
    as it was, so a completed run stays completed. A full disk or Ctrl+C leaves it resumable:
    'interrupted', not 'failed'."""
    if is_disk_full(e):
        last = run / rd.LAST
        e = disk_full_error(run / rd.MODEL, 2 * (last.stat().st_size if last.is_file() else 0) + 2**20)
    if started:
        interrupted = isinstance(e, DiskFull | KeyboardInterrupt | SystemExit)
        record_stop(run, "interrupted" if interrupted else "failed", error=str(e) or type(e).__name__)
    return e
